"""Signed on paper: the scan of the signed form goes through the attachments service (its
safe-upload checks), is kept as an attachment of the right record, and the signature's seal
covers the record's content and the scan's SHA-256; the PDF and the pages say "signed on paper"."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from django.core.files.storage import storages
from django.urls import reverse

from accounts.models import AuditEvent
from casework.models import Attachment
from casework.services.attachments import attachment_read
from core.errors import ApplicationError
from documents import services
from documents.content import seal_of
from documents.models import Signature
from documents.seal import consent_content, handover_content
from documents.selectors import handover_of, repatriation_for
from referrals.services import consent_withdraw
from tests.attachments import pdf, stored_names, upload
from tests.clients import client_for
from tests.documents.test_pdfs import text_of


@pytest.fixture
def folder(settings: Any, tmp_path: Any) -> Any:
    backend = {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}}
    settings.STORAGES = {**settings.STORAGES, "attachments": backend}
    return storages["attachments"]


def sign_on_paper(world: Any, record: Any = None, content: bytes | None = None, **overrides: Any) -> Signature:
    values = {"signer_name": "ນ້ອຍ ແກ້ວມະນີ", "signer_role": "person", **overrides}
    return services.signature_record(
        actor=world.people.social_worker,
        record=record if record is not None else world.consent,
        method="paper",
        file=upload(content if content is not None else pdf(), "Noy signed consent.pdf"),
        **values,
    )


def test_a_paper_signature_keeps_the_scan_and_seals_it_with_the_consent(world, folder):
    signature = sign_on_paper(world)
    scan = signature.paper
    assert scan is not None and scan.kind == "consent_form" and scan.owner_type == "case"
    assert scan.owner_id == world.case.pk and "Noy" not in scan.storage_name
    _shown, content = attachment_read(actor=world.people.social_worker, attachment_id=scan.pk)
    digest = hashlib.sha256(content).hexdigest()
    assert signature.method == "paper" and signature.paper_sha256 == digest and signature.image == ""
    assert signature.content_sha256 == seal_of({**consent_content(world.consent), "paper_sha256": digest})
    assert signature.content_sha256 != seal_of(consent_content(world.consent))  # the file is in the seal
    assert AuditEvent.objects.filter(object_id=str(signature.pk), fields__contains=["paper"]).count() == 1
    assert world.case.events.filter(kind="document_signed").count() == 1


def test_the_handover_scan_belongs_to_its_step(world, folder):
    step = handover_of(
        repatriation_for(user=world.people.social_worker, case=world.case, repatriation_id=world.trip.pk)
    )
    signature = sign_on_paper(world, record=step, signer_name="Border officer", signer_role="official")
    assert signature.paper.owner_type == "repatriation_step" and signature.paper.owner_id == step.pk
    assert signature.paper.kind == "legal"
    assert signature.content_sha256 == seal_of({**handover_content(step), "paper_sha256": signature.paper_sha256})


def test_the_pdf_and_the_page_say_signed_on_paper_and_a_change_breaks_the_seal(world, folder):
    signature = sign_on_paper(world)
    client = client_for(world.people.social_worker)
    url = reverse("documents:consent-form-pdf", args=[world.case.pk, world.consent.pk])
    text = text_of(client.get(url).content)
    assert "Signed on paper by ນ້ອຍ ແກ້ວມະນີ" in text and signature.content_sha256 in text
    assert "Changed after signing" not in text
    page = client.get(reverse("documents:case-documents", args=[world.case.pk])).content.decode()
    assert 'data-seal="valid"' in page and "Signed on paper by" in page
    consent_withdraw(actor=world.people.social_worker, consent=world.consent, note="changed her mind")
    assert "Changed after signing: this record needs a new signature." in text_of(client.get(url).content)
    page = client.get(reverse("documents:case-documents", args=[world.case.pk])).content.decode()
    assert 'data-seal="broken"' in page


@pytest.mark.parametrize(
    ("content", "overrides", "field"),
    [
        (b"MZ\x90\x00 not a document", {}, "file"),
        (b"", {}, "file"),
        (pdf(javascript=True), {}, "file"),
        (None, {"signer_name": " "}, "signer_name"),
    ],
)
def test_a_bad_scan_is_refused_and_nothing_saved(world, folder, content, overrides, field):
    with pytest.raises(ApplicationError) as refused:
        sign_on_paper(world, content=content, **overrides)
    assert field in refused.value.fields
    assert not Signature.objects.exists() and not Attachment.objects.exists() and stored_names(folder) == []


def test_a_paper_signature_without_a_file_is_refused(world, folder):
    with pytest.raises(ApplicationError) as refused:
        services.signature_record(
            actor=world.people.social_worker,
            record=world.consent,
            signer_name="Noy",
            signer_role="person",
            method="paper",
        )
    assert "file" in refused.value.fields and not Signature.objects.exists()


def test_the_sign_page_takes_the_signed_paper(world, folder):
    client = client_for(world.people.social_worker)
    url = reverse("documents:sign-consent", args=[world.case.pk, world.consent.pk])
    shown = client.get(url).content.decode()
    assert 'enctype="multipart/form-data"' in shown and 'name="paper-file"' in shown
    values = {"method": "paper", "paper-signer_name": "Noy", "paper-signer_role": "person"}
    refused = client.post(url, {**values, "paper-file": upload(b"not a document at all", "x.pdf")})
    body = refused.content.decode()
    assert refused.status_code == 400 and 'href="#id_paper-file"' in body  # the reason, linked to the field
    assert not Signature.objects.exists() and not Attachment.objects.exists() and stored_names(folder) == []
    saved = client.post(url, {**values, "paper-file": upload(pdf(), "scan.pdf")})
    assert saved.status_code == 302
    signature = Signature.objects.get()
    assert signature.method == "paper" and signature.paper.kind == "consent_form"
    assert client_for(world.people.police).post(url, {**values, "paper-file": upload(pdf())}).status_code == 403


def test_the_handover_page_takes_the_signed_paper(world, folder):
    client = client_for(world.people.social_worker)
    url = reverse("documents:sign-handover", args=[world.case.pk, world.trip.pk])
    values = {"method": "paper", "paper-signer_name": "Officer", "paper-signer_role": "official"}
    assert client.post(url, {**values, "paper-file": upload(pdf(), "scan.pdf")}).status_code == 302
    assert Signature.objects.get().paper.owner_type == "repatriation_step"
