"""The four printable documents as PDFs, in Lao and English: the text read back from each PDF
(pypdf) carries the Lao strings as written, the reader's tiers hold (no counselling for police),
each download is audited and served as an attachment; page 1 of each is rendered to PNG when
PATHWAY_SCREENSHOTS asks for pictures (tests/screenshots.py)."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from accounts.models import AuditEvent
from casework.models import ServiceType
from tests.clients import client_for
from tests.documents.conftest import LAO_FAMILY, LAO_GIVEN
from tests.screenshots import pdf_screenshot

UNMAPPED = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # a glyph fpdf2 maps to no character (pdf.py)


def text_of(data: bytes) -> str:
    """The PDF's text as pypdf reads it, without the codes of unmapped glyphs, lines joined."""
    text = UNMAPPED.sub("", "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))
    return " ".join(text.split())


def urls(world) -> dict[str, str]:  # type: ignore[no-untyped-def]
    case = world.case.pk
    return {
        "case_summary": reverse("documents:case-summary-pdf", args=[case]),
        "referral_letter": reverse("documents:referral-letter-pdf", args=[case, world.referral.pk]),
        "repatriation_file": reverse("documents:repatriation-file-pdf", args=[case, world.trip.pk]),
        "consent_form": reverse("documents:consent-form-pdf", args=[case, world.consent.pk]),
    }


def download(client, url: str, language: str = "en") -> bytes:  # type: ignore[no-untyped-def]
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in response["Content-Security-Policy"] and response["Cache-Control"] == "no-store"
    assert response.content.startswith(b"%PDF")
    return response.content


@pytest.mark.parametrize("kind", ["case_summary", "referral_letter", "repatriation_file", "consent_form"])
def test_each_pdf_gives_back_its_lao_text(world, kind):
    client = client_for(world.people.social_worker)
    client.cookies["django_language"] = "lo"
    data = download(client, urls(world)[kind], "lo")
    text = text_of(data)
    with translation.override("lo"):
        title = {
            "case_summary": "ສະຫຼຸບກໍລະນີ",
            "referral_letter": "ໜັງສືສົ່ງຕໍ່",
            "repatriation_file": "ແຟ້ມການສົ່ງກັບຄືນ",
            "consent_form": "ການຍິນຍອມໃຫ້ແບ່ງປັນຂໍ້ມູນ",
        }[kind]
    assert title in text
    assert world.case.person.case_code in text
    assert f"{LAO_GIVEN} {LAO_FAMILY}" in text  # the name, shaped and read back exactly
    pdf_screenshot(data, f"document-{kind.replace('_', '-')}-lo")


def test_the_english_summary_lists_every_section(world):
    data = download(client_for(world.people.social_worker), urls(world)["case_summary"])
    text = text_of(data)
    for heading in ("Case summary", "Person", "Case", "Screening outcome", "Services", "Shelter stays", "Referrals"):
        assert heading in text
    assert "Repatriation steps" in text and "Page 2" in text
    assert "Mental health and counselling" in text  # the social worker reads the case health
    pdf_screenshot(data, "document-case-summary-en")


def test_police_get_no_counselling_in_the_summary(world):
    """Counselling is a health service: the police reader's summary leaves it out (view_service)."""
    counselling = ServiceType.objects.get(code="counselling").name_en
    text = text_of(download(client_for(world.people.police), urls(world)["case_summary"]))
    assert "Legal" in text and counselling not in text
    assert counselling in text_of(download(client_for(world.people.social_worker), urls(world)["case_summary"]))


def test_every_download_is_audited_with_the_document(world):
    client = client_for(world.people.social_worker)
    for kind, url in urls(world).items():
        before = AuditEvent.objects.filter(action="export", object_id=str(world.case.person_id)).count()
        download(client, url)
        rows = AuditEvent.objects.filter(action="export", object_id=str(world.case.person_id)).order_by("-at", "-id")
        assert rows.count() == before + 1
        assert f"document:{kind}" in rows.first().fields


def test_outsiders_get_404_and_no_audit_row(world):
    client = client_for(world.people.outsider)
    for url in urls(world).values():
        assert client.get(url).status_code == 404
    assert not AuditEvent.objects.filter(action="export", actor=world.people.outsider).exists()


def test_a_revoked_share_takes_effect_at_once(world):
    from casework.services.cases import case_share_revoke

    client = client_for(world.people.police)
    url = urls(world)["case_summary"]
    assert client.get(url).status_code == 200
    share = world.case.shares.get(organisation=world.orgs.police)
    case_share_revoke(actor=world.people.social_worker, share=share)
    assert client.get(url).status_code == 404


def test_the_api_serves_the_same_pdf(world):
    client = client_for(world.people.social_worker)
    url = reverse("v1:document-case-summary", args=[world.case.pk])
    assert "Case summary" in text_of(download(client, url))
    assert client.get(reverse("v1:document-consent-form", args=[world.case.pk, world.trip.pk])).status_code == 404


def test_the_summary_reads_a_bounded_number_of_queries(world, django_assert_max_num_queries):
    """One query per section (and the session, the permissions and the audit row), whatever the
    number of services, steps or referrals."""
    client = client_for(world.people.social_worker)
    with django_assert_max_num_queries(40):
        download(client, urls(world)["case_summary"])
