"""Consent in the browser (issue 16): a social worker starts a referral to a partner NGO, is told
which consent is missing, records it from the link, sends the referral with it, and the partner's
API token reads the person's identity (tier 2); the worker then withdraws the consent on the
Consent tab and the partner no longer reads it. The pages are looked at in English and Lao, at
1366 and 360 px (screenshots `consent-*`)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from referrals.models import Consent, Referral
from referrals.partner.tokens import token_issue
from tests.browser.conftest import assert_no_horizontal_scroll, login_as, screenshot, switch_language
from tests.factories import open_case
from tests.referrals import child_case, guardian_of

PHONE = {"width": 360, "height": 740}
LAPTOP = {"width": 1366, "height": 900}
ADULT = {"given_name_latin": "Kham", "family_name_latin": "Browser", "sex": "female", "estimated_age": 27}


def partner_reads(partner: Page, token: str, referral: Referral) -> dict[str, Any]:
    """The referral as the partner's client reads it over HTTP with its token (no session)."""
    response = partner.request.get(
        f"/api/v1/partner/referrals/{referral.pk}/", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status == 200, response.text()
    return response.json()


def look(page: Page, name: str) -> None:
    """Screenshots at the laptop and the phone width; the phone never scrolls sideways."""
    page.set_viewport_size(LAPTOP)
    screenshot(page, f"{name}-1366")
    page.set_viewport_size(PHONE)
    assert_no_horizontal_scroll(page)
    screenshot(page, f"{name}-360")


@pytest.mark.django_db(transaction=True)
def test_a_consent_recorded_sent_with_and_withdrawn_in_the_browser(page: Page, other_computer: Page, people, orgs):
    case = open_case(people.social_worker, person_values=ADULT)
    _, token = token_issue(actor=people.partner, organisation=orgs.ngo, name="browser test")
    login_as(page, people.social_worker)

    # From the case's Referrals tab to the form; the NGO, a service and the data, then a check.
    page.goto(f"/cases/{case.pk}/?tab=referrals")
    page.get_by_role("link", name="Refer to another organisation").click()
    expect(page.locator("#consent-missing")).to_contain_text("No consent of this case is in force")
    page.locator("#id_to_organisation").select_option(label=orgs.ngo.name_en)
    page.get_by_label("Legal aid and court accompaniment").check()
    page.get_by_label("Name, sex and age").check()
    page.get_by_label("Category and form of exploitation").check()
    page.get_by_role("button", name="Check the consent").click()
    missing = page.locator("#consent-missing")
    expect(missing).to_contain_text(f"No consent in force lets {orgs.ngo.name_en} receive this referral.")
    expect(missing).to_contain_text("Name, sex and age; Category and form of exploitation")
    expect(missing).not_to_contain_text("case_summary")
    look(page, "consent-referral-missing-en")

    # The link opens the consent page filled with what the referral needs.
    page.set_viewport_size(LAPTOP)
    page.locator("#record-missing").click()
    expect(page.locator("#id_recipient")).to_have_value(str(orgs.ngo.pk))
    expect(page.get_by_label("Category and form of exploitation")).to_be_checked()
    page.locator("#id_purpose").fill("Legal advice before the trial")
    page.locator("#id_valid_until").fill("2099-12-31")
    look(page, "consent-record-en")
    page.get_by_role("button", name="Record the consent").click()

    # Back on the referral form, the new consent is the one offered and chosen.
    consent = Consent.objects.get(case=case)
    expect(page.locator("#id_consent")).to_have_value(str(consent.pk))
    expect(page.locator("#consent-missing")).to_have_count(0)
    page.locator("#id_reason").fill("Needs a lawyer for the hearing")
    page.get_by_role("button", name="Send the referral").click()
    expect(page.locator("#referral-status")).to_have_text("Sent")
    referral = Referral.objects.get(case=case)
    assert referral.consent == consent

    seen = partner_reads(other_computer, token, referral)
    assert seen["consent_status"] == "active"
    assert seen["identity"]["given_name_latin"] == "Kham"

    # The Consent tab shows it in force, in words; withdrawing it asks for the reason.
    page.goto(f"/cases/{case.pk}/")
    page.get_by_role("link", name="Consent", exact=True).click()
    card = page.locator(f"article[data-consent='{consent.pk}']")
    expect(card.locator(".status")).to_have_text("In force")
    expect(card).to_contain_text("31/12/2099")
    look(page, "consent-tab-en")
    page.set_viewport_size(LAPTOP)
    card.get_by_role("link", name="Withdraw this consent").click()
    expect(page.locator("p.notice")).to_contain_text("no longer sees the data of the 1 referral")
    page.locator("#id_note").fill("She asked to stop sharing")
    look(page, "consent-withdraw-en")
    page.get_by_role("button", name="Withdraw the consent").click()
    expect(page.locator(f"article[data-consent='{consent.pk}'] .status")).to_have_text("Withdrawn")
    expect(page.get_by_role("link", name="Withdraw this consent")).to_have_count(0)

    seen = partner_reads(other_computer, token, referral)
    assert seen["consent_status"] == "withdrawn"
    assert "identity" not in seen and seen["disclosed_categories"] == []

    # The same pages in Lao.
    switch_language(page, "lo")
    page.wait_for_load_state()
    expect(page.locator("html")).to_have_attribute("lang", "lo")
    tab = page.locator("section.tab")
    expect(tab).not_to_contain_text("Withdrawn")
    expect(tab).not_to_contain_text("Category and form of exploitation")
    look(page, "consent-tab-lo")
    page.set_viewport_size(LAPTOP)
    page.goto(f"/referrals/consents/new/{case.pk}/")
    page.locator("form.stack button[type=submit]").click()  # empty: every field says what it needs
    expect(page.locator(".field.has-error")).not_to_have_count(0)
    look(page, "consent-record-errors-lo")
    page.goto(f"/referrals/new/{case.pk}/")
    page.locator("#id_to_organisation").select_option(label=orgs.ngo.name_en)
    page.get_by_role("button", name="ກວດການຍິນຍອມ").click()
    expect(page.locator("#consent-missing")).to_be_visible()
    look(page, "consent-referral-missing-lo")


@pytest.mark.django_db(transaction=True)
def test_a_childs_consent_is_given_by_a_guardian_chosen_from_the_family(page: Page, people, orgs):
    case = child_case(people.social_worker)
    guardian_of(people.social_worker, case.person)
    login_as(page, people.social_worker)
    page.goto(f"/cases/{case.pk}/?tab=consents")
    page.get_by_role("link", name="Record a consent").click()
    expect(page.locator("#child-rule")).to_be_visible()
    expect(page.locator("#id_given_by")).to_have_value("guardian")
    page.locator("#id_recipient").select_option(label=orgs.lwu.name_en)
    page.get_by_label("Name, sex and age").check()
    page.get_by_label("Mental health and counselling").check()
    page.locator("#id_purpose").fill("Counselling")
    page.get_by_role("button", name="Record the consent").click()  # no guardian chosen
    expect(page.locator(".field.has-error")).to_contain_text("Name the guardian who consented.")
    assert not Consent.objects.exists()
    look(page, "consent-child-refused-en")
    page.set_viewport_size(LAPTOP)
    page.locator("#id_guardian").select_option(index=1)
    page.get_by_role("button", name="Record the consent").click()
    card = page.locator("article.consent")
    expect(card).to_contain_text("A parent or guardian — Mother: Mother Synthetic")
    expect(card.locator(".status")).to_have_text("In force")
