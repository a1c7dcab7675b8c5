"""Documents in the browser (issues 17 and 19): a social worker reading Lao prints the case
summary from the case page (Chromium's own PDF of the print page, A4, print stylesheet) and the
person signs her consent on screen with the pointer; the documents page then shows the seal.
Screenshots `documents-*` at 1366 and 360 px; page 1 of the printed PDF as a PNG."""

from __future__ import annotations

import io

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from documents.models import Signature
from tests.attachments import pdf
from tests.browser.conftest import assert_no_horizontal_scroll, login_as, screenshot
from tests.documents.conftest import LAO_FAMILY, LAO_GIVEN, build_documents_world
from tests.screenshots import pdf_screenshot

PHONE = {"width": 360, "height": 740}
LAPTOP = {"width": 1366, "height": 900}


def look(page: Page, name: str) -> None:
    page.set_viewport_size(LAPTOP)
    screenshot(page, f"{name}-1366")
    page.set_viewport_size(PHONE)
    assert_no_horizontal_scroll(page)
    screenshot(page, f"{name}-360")
    page.set_viewport_size(LAPTOP)


@pytest.mark.django_db(transaction=True)
def test_print_the_case_summary_in_lao(page: Page, people, orgs):
    world = build_documents_world(people, orgs)
    login_as(page, people.social_worker, language="lo")
    page.goto(f"/cases/{world.case.pk}/")
    page.locator("#print-summary").click()
    expect(page.locator("h1")).to_contain_text("ສະຫຼຸບກໍລະນີ")
    look(page, "documents-print-summary-lo")
    page.emulate_media(media="print")
    expect(page.locator("#print")).to_be_hidden()  # the print stylesheet hides the buttons
    data = page.pdf(format="A4", print_background=False)
    text = " ".join("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())
    # Chromium's PDF maps some combining vowels to no character (ສະຫຼ\x00ບ...): check words it keeps whole.
    assert f"{LAO_GIVEN} {LAO_FAMILY}" in text and world.case.person.case_code in text
    assert "ບຸກຄົນ" in text and "ລະຫັດກໍລະນີ" in text and "Pathway" in text
    assert len(PdfReader(io.BytesIO(data)).pages) <= 2  # A4, no menu: the summary fits
    pdf_screenshot(data, "documents-print-summary-lo-a4")


@pytest.mark.django_db(transaction=True)
def test_sign_a_consent_on_screen(page: Page, people, orgs):
    world = build_documents_world(people, orgs)
    login_as(page, people.social_worker, language="lo")
    page.goto(f"/cases/{world.case.pk}/")
    page.locator("#case-documents").click()
    expect(page.locator("[data-seal]")).to_have_count(0)
    look(page, "documents-list-lo")
    page.get_by_test_id("sign-consent").click()
    page.locator("#id_signer_name").fill(f"{LAO_GIVEN} {LAO_FAMILY}")
    page.locator("#id_signer_role").select_option("person")
    page.locator("#submit").click()  # nothing drawn: refused beside the pad
    expect(page.locator(".has-error .errors")).to_contain_text("ກະລຸນາແຕ້ມລາຍເຊັນກ່ອນ")
    pad = page.locator("#signature-pad").bounding_box()
    assert pad is not None
    page.mouse.move(pad["x"] + 20, pad["y"] + pad["height"] * 0.7)
    page.mouse.down()
    for step in range(1, 11):
        page.mouse.move(pad["x"] + 20 + step * 30, pad["y"] + pad["height"] * (0.7 - 0.05 * (step % 4)))
    page.mouse.up()
    look(page, "documents-sign-consent-lo")
    page.locator("#submit").click()
    expect(page.locator("[data-seal=valid]")).to_have_count(1)
    signature = Signature.objects.get()
    assert signature.method == "drawn" and signature.image.startswith("data:image/png;base64,")
    assert len(signature.image) > 500  # the drawn line, not an empty canvas


@pytest.mark.django_db(transaction=True)
def test_sign_a_consent_on_paper(page: Page, people, orgs, settings, tmp_path):
    backend = {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}}
    settings.STORAGES = {**settings.STORAGES, "attachments": backend}
    world = build_documents_world(people, orgs)
    login_as(page, people.social_worker, language="lo")
    page.goto(f"/cases/{world.case.pk}/documents/")
    page.get_by_test_id("sign-consent").click()
    page.locator("#id_paper-signer_name").fill(f"{LAO_GIVEN} {LAO_FAMILY}")
    page.locator("#id_paper-signer_role").select_option("person")
    page.locator("#id_paper-file").set_input_files({"name": "x.pdf", "mimeType": "application/pdf", "buffer": b"no"})
    page.locator("#submit-paper").click()  # not a document: refused beside the file field
    expect(page.locator("#paper-form .has-error")).to_have_count(1)
    look(page, "documents-sign-paper-refused-lo")
    page.locator("#id_paper-file").set_input_files({"name": "scan.pdf", "mimeType": "application/pdf", "buffer": pdf()})
    page.locator("#submit-paper").click()
    expect(page.locator("[data-seal=valid]")).to_contain_text("ເຊັນເທິງເຈ້ຍ")
    look(page, "documents-signed-on-paper-lo")
    assert Signature.objects.get().method == "paper"
