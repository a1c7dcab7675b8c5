"""Signatures drawn on screen: stored encrypted, sealed with the SHA-256 of the record's content
at signing time, shown with the signer and the seal on the PDF; a change to the record after
signing breaks the seal and the pages ask for a new signature."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from casework.services import repatriation
from core.errors import ApplicationError, PermissionDenied
from documents import services
from documents.content import seal_of
from documents.models import Signature
from documents.seal import consent_content, handover_content
from documents.selectors import handover_of, repatriation_for
from referrals.services import consent_withdraw
from tests.clients import client_for
from tests.documents.conftest import signature_png
from tests.documents.test_pdfs import text_of
from tests.screenshots import pdf_screenshot


def sign_consent(world, **overrides):  # type: ignore[no-untyped-def]
    values = {"signer_name": "ນ້ອຍ ແກ້ວມະນີ", "signer_role": "person", "image": signature_png(), **overrides}
    return services.signature_record(actor=world.people.social_worker, record=world.consent, **values)


def test_a_signature_is_sealed_and_its_image_encrypted(world):
    signature = sign_consent(world)
    assert signature.content_sha256 == seal_of(consent_content(world.consent))
    with connection.cursor() as cursor:
        cursor.execute("SELECT image, signer_name FROM documents_signature WHERE id = %s", [signature.pk])
        image, name = cursor.fetchone()
    assert "data:image/png" not in image and "ນ້ອຍ" not in name  # ciphertext at rest
    assert Signature.objects.get(pk=signature.pk).image.startswith("data:image/png;base64,")
    assert world.case.events.filter(kind="document_signed").exists()


def test_the_pdf_shows_signer_and_seal(world):
    signature = sign_consent(world)
    url = reverse("documents:consent-form-pdf", args=[world.case.pk, world.consent.pk])
    data = client_for(world.people.social_worker).get(url).content
    text = text_of(data)
    assert "ນ້ອຍ ແກ້ວມະນີ" in text and signature.content_sha256 in text
    assert "Changed after signing" not in text
    pdf_screenshot(data, "document-consent-form-signed-en")


def test_a_change_after_signing_breaks_the_seal(world):
    sign_consent(world)
    consent_withdraw(actor=world.people.social_worker, consent=world.consent, note="changed her mind")
    client = client_for(world.people.social_worker)
    text = text_of(client.get(reverse("documents:consent-form-pdf", args=[world.case.pk, world.consent.pk])).content)
    assert "Changed after signing: this record needs a new signature." in text
    page = client.get(reverse("documents:case-documents", args=[world.case.pk])).content.decode()
    assert 'data-seal="broken"' in page
    sign_consent(world, signer_name="Noy Synthetic")  # a new signature seals the record as it is now
    page = client.get(reverse("documents:case-documents", args=[world.case.pk])).content.decode()
    assert 'data-seal="valid"' in page and 'data-seal="broken"' not in page


def test_the_handover_is_sealed_and_a_step_change_breaks_it(world):
    step = handover_of(
        repatriation_for(user=world.people.social_worker, case=world.case, repatriation_id=world.trip.pk)
    )
    signature = services.signature_record(
        actor=world.people.social_worker,
        record=step,
        signer_name="Officer",
        signer_role="official",
        image=signature_png(),
    )
    assert signature.content_sha256 == seal_of(handover_content(step))
    repatriation.step_block(actor=world.people.social_worker, step=step, reason="waiting for the travel document")
    step.refresh_from_db()
    assert seal_of(handover_content(step)) != signature.content_sha256


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"image": ""}, "image"),
        ({"image": "data:image/png;base64,bm90IGEgcG5n"}, "image"),
        ({"image": "data:image/svg+xml;base64,PHN2Zy8+"}, "image"),
        ({"signer_name": "  "}, "signer_name"),
        ({"signer_role": "mayor"}, "signer_role"),
    ],
)
def test_bad_input_is_refused_and_nothing_saved(world, overrides, field):
    with pytest.raises(ApplicationError) as refused:
        sign_consent(world, **overrides)
    assert field in refused.value.fields
    assert not Signature.objects.exists()


def test_only_the_case_workers_sign(world):
    with pytest.raises(PermissionDenied):
        services.signature_record(
            actor=world.people.police,
            record=world.consent,
            signer_name="x",
            signer_role="person",
            image=signature_png(),
        )


def test_the_sign_page_saves_and_shows_errors_beside_fields(world):
    client = client_for(world.people.social_worker)
    url = reverse("documents:sign-consent", args=[world.case.pk, world.consent.pk])
    assert client.get(url).status_code == 200
    refused = client.post(url, {"signer_name": "Noy", "signer_role": "person", "image": ""})
    assert refused.status_code == 400 and "Draw the signature first." in refused.content.decode()
    saved = client.post(url, {"signer_name": "Noy", "signer_role": "person", "image": signature_png()})
    assert saved.status_code == 302 and Signature.objects.count() == 1
    assert client_for(world.people.police).get(url).status_code == 403


def test_subject_access_lists_and_retention_removes_signatures(world):
    sign_consent(world)
    listed = services.person_records(world.case.person, [world.case.pk])["signatures"]
    assert [(row["record"], row["signer_name"]) for row in listed] == [("consent", "ນ້ອຍ ແກ້ວມະນີ")]
    assert "image" not in listed[0]
    services.person_records_anonymise([world.case.person_id])
    assert not Signature.objects.exists()


def test_the_handover_is_signed_from_its_page(world):
    client = client_for(world.people.social_worker)
    url = reverse("documents:sign-handover", args=[world.case.pk, world.trip.pk])
    assert client.get(url).status_code == 200
    saved = client.post(url, {"signer_name": "Border officer", "signer_role": "official", "image": signature_png()})
    assert saved.status_code == 302
    signature = Signature.objects.get()
    assert signature.record == "handover" and signature.step.code == "handover_at_border"
    pdf = client.get(reverse("documents:repatriation-file-pdf", args=[world.case.pk, world.trip.pk])).content
    assert "Border officer" in text_of(pdf) and signature.content_sha256 in text_of(pdf)
