"""The subject access export with the files (casework.services.subject_access.subject_access_archive):
a ZIP holding the export and every attached file the manager may read, decrypted, named by kind
and id (never the uploaded file's name), audited in the same transaction as the export."""

from __future__ import annotations

import json
import zipfile
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import AuditAction, AuditEvent
from casework.services.attachments import attachment_add, attachment_delete, attachment_read
from casework.services.subject_access import subject_access_archive
from tests.attachments import pdf, png, upload
from tests.factories import open_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def adult(people, settings, tmp_path):
    backend = {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}}
    settings.STORAGES = {**settings.STORAGES, "attachments": backend}
    return open_case(  # an adult: a child's record is never exported
        people.social_worker,
        person_values={"given_name_latin": "Adult", "sex": "female", "date_of_birth": date(1990, 1, 1)},
    )


def add(actor, owner, owner_type, kind, content):
    return attachment_add(
        actor=actor, owner_type=owner_type, owner_id=owner.pk, kind=kind, file=upload(content, "Adult passport.pdf")
    )


def test_the_archive_holds_the_export_and_the_readable_files(people, adult):
    sw = people.social_worker
    scan = add(sw, adult, "case", "identity_document", pdf())
    photo = add(sw, adult.person, "person", "photo", png())
    gone = add(sw, adult, "case", "legal", pdf())
    attachment_delete(actor=sw, attachment_id=gone.pk, reason="uploaded twice")
    before = list(AuditEvent.objects.values_list("pk", flat=True))
    data = subject_access_archive(actor=people.manager, person=adult.person)
    rows = list(AuditEvent.objects.exclude(pk__in=before))
    with zipfile.ZipFile(data) as archive:
        names = sorted(archive.namelist())
        document = json.loads(archive.read("subject-access.json"))
        files = {name: archive.read(name) for name in names if name.startswith("files/")}
    assert names == sorted(
        ["subject-access.json", f"files/identity_document-{scan.pk}.pdf", f"files/photo-{photo.pk}.png"]
    )
    assert not any("passport" in name or "Adult" in name for name in names)
    assert files[f"files/identity_document-{scan.pk}.pdf"] == attachment_read(actor=sw, attachment_id=scan.pk)[1]
    assert files[f"files/photo-{photo.pk}.png"].startswith(b"\x89PNG")  # decrypted
    assert {row["id"] for row in document["attachments"]} == {str(scan.pk), str(photo.pk)}
    export = [row for row in rows if row.action == AuditAction.EXPORT]
    assert len(export) == 1 and export[0].reason.endswith("zip") and len(rows) == 3
    assert sorted(row.object_id for row in rows if row.action == AuditAction.VIEW) == sorted(
        [str(scan.pk), str(photo.pk)]
    )


def test_the_zip_download_is_for_managers_only(people, adult):
    add(people.social_worker, adult, "case", "identity_document", pdf())
    url = reverse("casework:subject-access-zip", args=[adult.pk])
    client = Client()
    client.force_login(people.manager)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith("attachment;") and response["Cache-Control"] == "no-store"
    before = list(AuditEvent.objects.values_list("pk", flat=True))
    client.force_login(people.social_worker)
    assert client.get(url).status_code == 403
    client.force_login(people.police)
    assert client.get(url).status_code == 404
    after = AuditEvent.objects.exclude(pk__in=before)
    assert not after.filter(action=AuditAction.EXPORT).exists() and not after.filter(fields=["file"]).exists()
    client.force_login(people.manager)
    page = client.get(reverse("casework:case-detail", args=[adult.pk]) + "?tab=person").content.decode()
    assert url in page
