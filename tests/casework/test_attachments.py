"""Attachments (casework.services.attachments): encrypted storage on both backends (a local folder,
and S3 over HTTP against a moto server), safe upload, the tier rules at download time, deletion,
key rotation without rewriting files, retention and subject access."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.management import call_command
from PIL import Image

from accounts.models import AuditEvent
from casework.attachment_permissions import delete_attachment, view_attachment
from casework.models import Attachment, ServiceType
from casework.services import assistance, cases
from casework.services.attachments import attachment_add, attachment_delete, attachment_read
from casework.services.subject_access import subject_access_export
from core import crypto, field_keys
from core.errors import ApplicationError, NotFound, PermissionDenied
from tests.attachments import (
    GPS_TAG,
    docx,
    heic_with_gps,
    jpeg_with_gps,
    odt,
    pdf,
    png,
    stored_names,
    upload,
)
from tests.factories import open_case

pytestmark = pytest.mark.django_db


def add(actor, owner, *, kind="identity_document", content=None, owner_type="case", **values):
    return attachment_add(
        actor=actor,
        owner_type=owner_type,
        owner_id=owner.pk,
        kind=kind,
        file=upload(content if content is not None else pdf(), "Noy Synthetic passport.pdf"),
        **values,
    )


def test_a_photo_is_stored_encrypted_under_a_random_name_and_comes_back_without_its_location(
    people, case, attachment_storage
):
    photo = jpeg_with_gps()
    assert Image.open(io.BytesIO(photo)).getexif().get(GPS_TAG) is not None  # the test's photo has a position
    attachment = add(people.social_worker, case, kind="photo", content=photo, description="photo for tracing")
    [name] = stored_names(attachment_storage)
    assert "Noy" not in attachment.storage_name and "passport" not in attachment.storage_name
    assert attachment.storage_name.endswith(name)
    with attachment_storage.open(attachment.storage_name, "rb") as stored:
        ciphertext = stored.read()
    assert b"JFIF" not in ciphertext and b"Exif" not in ciphertext and b"\xff\xd8\xff" not in ciphertext
    shown, content = attachment_read(actor=people.social_worker, attachment_id=attachment.pk)
    image = Image.open(io.BytesIO(content))
    assert shown.content_type == "image/jpeg" and image.size == (64, 48)
    assert not image.getexif() and b"Synthetic Phone" not in content and b"shelter" not in content
    assert AuditEvent.objects.filter(object_id=str(attachment.pk), action="view", fields=["file"]).count() == 1


@pytest.mark.parametrize(
    ("make", "mime"),
    [
        (pdf, "application/pdf"),
        (png, "image/png"),
        (docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (odt, "application/vnd.oasis.opendocument.text"),
    ],
)
def test_the_allowed_types_are_recognised_from_their_content(people, case, settings, tmp_path, make, mime):
    settings.STORAGES = {**settings.STORAGES, "attachments": _folder(tmp_path)}
    original = make()
    attachment = add(people.social_worker, case, content=original)
    assert attachment.content_type == mime
    _, content = attachment_read(actor=people.social_worker, attachment_id=attachment.pk)
    if mime == "image/png":
        assert b"Ban Synthetic" not in content  # the PNG's text chunk is gone
    else:
        assert content == original  # documents are kept as they came


def test_an_iphone_photo_is_stored_as_jpeg_without_its_location(people, case, settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "attachments": _folder(tmp_path)}
    photo = heic_with_gps()
    attachment = add(people.social_worker, case, kind="photo", content=photo)
    assert attachment.content_type == "image/jpeg"
    _, content = attachment_read(actor=people.social_worker, attachment_id=attachment.pk)
    image = Image.open(io.BytesIO(content))
    assert image.format == "JPEG" and image.size == (40, 30) and not image.getexif()


def _folder(path):
    return {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(path)}}


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"<html><script>alert(1)</script></html>", "not accepted"),
        (b"MZ\x90\x00" + b"\x00" * 100, "not accepted"),
        (pdf(javascript=True), "JavaScript"),
        (pdf(embedded=True), "embedded files"),
        (docx(macros=True), "macros"),
        (b"%PDF-1.7\n garbage", "cannot be read"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 50, "cannot be read"),
        (b"", "empty"),
    ],
    ids=["html", "exe", "pdf-js", "pdf-embedded", "docx-macros", "broken-pdf", "broken-jpeg", "empty"],
)
def test_a_refused_file_leaves_no_object_and_no_row(people, case, attachment_storage, content, reason):
    with pytest.raises(ApplicationError) as refused:
        add(people.social_worker, case, content=content)
    assert reason in str(refused.value.fields["file"])
    assert not Attachment.objects.exists() and stored_names(attachment_storage) == []


def test_the_size_limit_is_a_setting(people, case, settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "attachments": _folder(tmp_path)}
    settings.ATTACHMENT_MAX_BYTES = 1000
    with pytest.raises(ApplicationError) as refused:
        add(people.social_worker, case, content=jpeg_with_gps() + b"\x00" * 1000)
    assert "larger than" in str(refused.value.fields["file"])
    assert not Attachment.objects.exists()


def test_a_failed_write_to_the_object_store_leaves_no_row(people, case, settings, moto_endpoint):
    from tests.attachments import s3_storage_settings

    settings.STORAGES = {**settings.STORAGES, "attachments": s3_storage_settings(moto_endpoint, "no-such-bucket")}
    with pytest.raises(Exception, match=r"NoSuchBucket|does not exist"):
        add(people.social_worker, case)
    assert not Attachment.objects.exists()
    assert not AuditEvent.objects.filter(object_type="casework.attachment").exists()


def test_a_description_with_the_persons_name_is_refused(people, case, attachment_storage):
    with pytest.raises(ApplicationError) as refused:
        add(people.social_worker, case, description="Passport of noy synthetic")
    assert "without the person's name" in str(refused.value.fields["description"])
    assert stored_names(attachment_storage) == []


def test_police_never_read_a_medical_certificate(people, case, settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "attachments": _folder(tmp_path)}
    cases.case_share(actor=people.social_worker, case=case, organisation=people.police.organisation, purpose="inv")
    medical = add(people.social_worker, case, kind="medical")
    identity = add(people.social_worker, case, kind="identity_document")
    assert medical.tier == "health" and identity.tier == "identity"
    assert set(view_attachment.scope(people.police)) == {identity}
    assert not view_attachment.allows(people.police, medical)
    with pytest.raises(NotFound):
        attachment_read(actor=people.police, attachment_id=medical.pk)
    attachment_read(actor=people.police, attachment_id=identity.pk)
    # Police screen cases shared with them, but cannot add a medical file (they could not read it).
    screening = _screening(people, case)
    with pytest.raises(PermissionDenied):
        add(people.police, screening, owner_type="screening", kind="medical")
    assert add(people.police, screening, owner_type="screening", kind="legal").tier == "identity"


def _screening(people, case):
    from casework.models import Indicator
    from casework.services.screening import screening_record

    codes = Indicator.objects.filter(element__in=["act", "purpose"], strength="strong", applies_to="both")
    return screening_record(
        actor=people.social_worker,
        case=case,
        place="shelter",
        screened_on=date(2026, 3, 2),
        indicators=[(code, "") for code in codes.values_list("code", flat=True)[:2]],
        guardian_or_social_worker_present=True,
    )


def test_a_health_service_file_is_health_data_whatever_its_kind(people, case, settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "attachments": _folder(tmp_path)}
    cases.case_share(actor=people.social_worker, case=case, organisation=people.police.organisation, purpose="inv")
    health = ServiceType.objects.filter(health=True).first()
    service = assistance.service_add(actor=people.social_worker, case=case, service_type=health)
    attachment = add(people.social_worker, service, owner_type="service", kind="other")
    assert attachment.tier == "health"
    assert not view_attachment.allows(people.police, attachment)
    assert view_attachment.allows(people.manager, attachment)


def test_a_revoked_share_takes_effect_at_once(people, case, settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "attachments": _folder(tmp_path)}
    share = cases.case_share(
        actor=people.social_worker, case=case, organisation=people.police.organisation, purpose="inv"
    )
    attachment = add(people.social_worker, case)
    attachment_read(actor=people.police, attachment_id=attachment.pk)
    cases.case_share_revoke(actor=people.social_worker, share=share)
    with pytest.raises(NotFound):
        attachment_read(actor=people.police, attachment_id=attachment.pk)


def test_outsiders_cannot_see_or_add(people, case, settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "attachments": _folder(tmp_path)}
    attachment = add(people.social_worker, case)
    for outsider in (people.outsider, people.partner, people.statistician, people.shelter_staff, people.admin):
        assert not view_attachment.allows(outsider, attachment)
        with pytest.raises(NotFound):
            attachment_read(actor=outsider, attachment_id=attachment.pk)
        with pytest.raises(NotFound):
            add(outsider, case)


def test_predicate_and_filter_agree_for_every_persona(people, case, settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "attachments": _folder(tmp_path)}
    cases.case_share(actor=people.social_worker, case=case, organisation=people.police.organisation, purpose="inv")
    files = [
        add(people.social_worker, case, kind="medical"),
        add(people.social_worker, case),
        add(people.social_worker, case.person, owner_type="person", kind="photo", content=png()),
        add(people.social_worker, case.person, owner_type="person", kind="medical"),
    ]
    for user in people.all:
        for permission in (view_attachment, delete_attachment):
            scoped = set(permission.scope(user))
            assert scoped == {f for f in files if permission.allows(user, f)}, (user, permission.name)


def test_delete_needs_a_reason_and_removes_the_file_and_its_key(
    people, case, attachment_storage, django_capture_on_commit_callbacks
):
    attachment = add(people.social_worker, case)
    with pytest.raises(ApplicationError) as refused:
        attachment_delete(actor=people.social_worker, attachment_id=attachment.pk, reason="  ")
    assert "reason" in refused.value.fields
    with pytest.raises(PermissionDenied):
        attachment_delete(actor=people.manager, attachment_id=attachment.pk, reason="wrong person")
    with django_capture_on_commit_callbacks(execute=True):
        attachment_delete(actor=people.social_worker, attachment_id=attachment.pk, reason="wrong person")
    attachment.refresh_from_db()
    assert attachment.deleted_at and attachment.data_key == "" and attachment.delete_reason == "wrong person"
    assert stored_names(attachment_storage) == []
    with pytest.raises(NotFound):
        attachment_read(actor=people.social_worker, attachment_id=attachment.pk)
    assert AuditEvent.objects.filter(object_id=str(attachment.pk), action="delete", reason="wrong person").exists()


def test_key_rotation_rewraps_the_data_keys_without_rewriting_the_files(people, case, settings, attachment_storage):
    attachment = add(people.social_worker, case)
    with attachment_storage.open(attachment.storage_name, "rb") as stored:
        before = stored.read()
    old_wrapped = Attachment.objects.filter(pk=attachment.pk).values_list("data_key", flat=True)
    old_wrapped = _raw_key(attachment)
    new_key = "q" * 43 + "="
    settings.FIELD_ENCRYPTION_KEYS = [new_key, *settings.FIELD_ENCRYPTION_KEYS]
    assert field_keys.remaining()["casework.Attachment"] == 1
    rewritten = field_keys.rotate()
    assert rewritten["casework.Attachment"] == 1
    new_wrapped = _raw_key(attachment)
    assert new_wrapped != old_wrapped and new_wrapped.startswith(crypto.key_id(new_key))
    with attachment_storage.open(attachment.storage_name, "rb") as stored:
        assert stored.read() == before  # the file was not touched
    settings.FIELD_ENCRYPTION_KEYS = [new_key]  # the old key removed: the file still opens
    _, content = attachment_read(actor=people.social_worker, attachment_id=attachment.pk)
    assert content.startswith(b"%PDF")
    call_command("rotate_field_keys", "--check", stdout=io.StringIO())


def _raw_key(attachment):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT data_key FROM casework_attachment WHERE id = %s", [attachment.pk])
        return cursor.fetchone()[0]


def test_retention_deletes_the_files_with_the_identity(
    people, case, attachment_storage, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    from casework.services.cases import case_closure_approve, case_closure_request
    from casework.services.retention import anonymise_closed_cases

    add(people.social_worker, case)
    add(people.social_worker, case.person, owner_type="person", kind="photo", content=png())
    case_closure_request(actor=people.social_worker, case=case, reason="reintegrated")
    case_closure_approve(actor=people.manager, case=case)
    with django_capture_on_commit_callbacks(execute=True):
        assert anonymise_closed_cases(before=timezone.now() + timedelta(days=1)) == 1
    assert not Attachment.objects.exists() and stored_names(attachment_storage) == []


def test_the_subject_access_export_lists_the_files(people, case, settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "attachments": _folder(tmp_path)}
    # An adult: a child's record is never exported.
    adult = open_case(
        people.social_worker,
        person_values={"given_name_latin": "Adult", "sex": "female", "date_of_birth": date(1990, 1, 1)},
    )
    attachment = add(people.social_worker, adult, description="passport scan")
    document = subject_access_export(actor=people.manager, person=adult.person)
    [listed] = document["attachments"]
    assert listed["id"] == str(attachment.pk) and listed["kind"] == "identity_document"
    assert listed["description"] == "passport scan" and "data_key" not in listed
