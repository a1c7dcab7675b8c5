"""Attachments in a real browser: a photo attached right after the intake (its GPS position gone
when it comes back), police who open a shared case never see the medical certificate, and a
receiving organisation sees only the files its consent covers. Screenshots of the Files tab in
Lao at laptop and phone widths (docs/screenshots/ with PATHWAY_SCREENSHOTS=1)."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from PIL import Image
from playwright.sync_api import expect

from casework.models import Attachment, Case
from casework.names import name_filter
from casework.services import cases
from casework.services.attachments import attachment_add
from tests.attachments import GPS_TAG, jpeg_with_gps, pdf, upload
from tests.browser.conftest import assert_no_horizontal_scroll, login_as, screenshot, watched_page
from tests.referrals import adult_case, sent_for


@pytest.fixture(autouse=True)
def folder(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.STORAGES = {
        **settings.STORAGES,
        "attachments": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }


def test_a_photo_attached_from_the_intake_loses_its_location(page, people, tmp_path):  # type: ignore[no-untyped-def]
    login_as(page, people.social_worker)
    page.get_by_role("link", name="New person and case").first.click()
    page.get_by_label("Given name (Latin letters)").fill("Phet")
    page.get_by_label("Family name (Latin letters)").fill("Fotosynth")
    page.locator("#id_sex").select_option("female")
    page.get_by_label("Date of birth").fill("2001-04-02")
    page.locator("#id_category").select_option("trafficking")
    page.get_by_label("How was the person identified?").select_option("border_police")
    page.get_by_label("Identified on").fill("2026-03-01")
    page.get_by_role("button", name="Register").click()
    expect(page.locator("h1")).to_have_text(re.compile(r"^VT-\d{4}-\d{5}$"))

    page.locator("#attach-document").click()
    photo = tmp_path / "IMG_2041.jpg"
    photo.write_bytes(jpeg_with_gps())
    page.get_by_label("Belongs to").select_option(label="The person (on every case)")
    page.get_by_label("Kind of document").select_option("photo")
    page.get_by_label("Description").fill("photo for family tracing")
    page.locator("#id_file").set_input_files(str(photo))
    page.get_by_role("button", name="Attach the file").click()

    expect(page.locator("section.tab")).to_contain_text("photo for family tracing")
    case = Case.objects.get(name_filter("Fotosynth", "person__"))
    attachment = Attachment.objects.get(person=case.person)
    assert attachment.case is None and attachment.kind == "photo"
    with page.expect_download() as event:
        page.get_by_role("link", name="Download").click()
    downloaded = event.value
    assert "IMG_2041" not in downloaded.suggested_filename and downloaded.suggested_filename.endswith(".jpg")
    content = downloaded.path().read_bytes()
    assert Image.open(io.BytesIO(content)).getexif().get(GPS_TAG) is None


def test_police_never_see_the_medical_certificate(page, people):  # type: ignore[no-untyped-def]
    case = adult_case(people.social_worker)
    cases.case_share(actor=people.social_worker, case=case, organisation=people.police.organisation, purpose="inv")
    for kind, description in (("medical", "medical certificate"), ("identity_document", "identity card")):
        attachment_add(
            actor=people.social_worker,
            owner_type="case",
            owner_id=case.pk,
            kind=kind,
            file=upload(pdf()),
            description=description,
        )
    medical = Attachment.objects.get(kind="medical")
    login_as(page, people.police)
    page.goto(reverse("casework:case-detail", args=[case.pk]) + "?tab=attachments")
    tab = page.locator("section.tab")
    expect(tab).to_contain_text("identity card")
    expect(tab).not_to_contain_text("medical certificate")
    response = page.goto(reverse("casework:attachment-download", args=[medical.pk]))
    assert response is not None and response.status == 404


def test_a_partner_sees_only_what_the_consent_covers(page, people, orgs):  # type: ignore[no-untyped-def]
    case = adult_case(people.social_worker)
    referral = sent_for(people.social_worker, case, orgs.lwu, categories=("identity",))
    for kind, description in (("identity_document", "identity card"), ("medical", "medical report")):
        attachment_add(
            actor=people.social_worker,
            owner_type="referral",
            owner_id=referral.pk,
            kind=kind,
            file=upload(pdf()),
            description=description,
        )
    login_as(page, people.counsellor)  # LWU, the receiving organisation
    page.goto(reverse("referrals:detail", args=[referral.pk]))
    files = page.locator("#referral-files")
    expect(files).to_contain_text("identity card")
    expect(files).not_to_contain_text("medical report")


def test_the_files_tab_in_lao_on_a_laptop_and_a_phone(browser, live_server, people):  # type: ignore[no-untyped-def]
    case = adult_case(people.social_worker)
    attachment_add(
        actor=people.social_worker,
        owner_type="case",
        owner_id=case.pk,
        kind="travel_document",
        file=upload(pdf()),
        description="ໜັງສືຜ່ານແດນ",
    )
    for width in (1366, 360):
        with watched_page(browser, live_server.url, width=width, locale="lo-LA") as page:
            login_as(page, people.social_worker, language="lo")
            page.goto(reverse("casework:case-detail", args=[case.pk]) + "?tab=attachments")
            expect(page.locator("#attachment-form")).to_be_visible()
            screenshot(page, f"attachments-lo-{width}")
            if width == 360:
                assert_no_horizontal_scroll(page)
