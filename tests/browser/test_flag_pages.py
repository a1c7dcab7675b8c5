"""Risk flags in a real browser: a social worker raises an urgent flag from the case page in Lao
on a phone; the manager's home counts it and the manager's notifications show the alert (case
code only). Screenshots at 1366 and 360 px (see conftest for where they go)."""

from __future__ import annotations

from django.urls import reverse
from playwright.sync_api import expect

from casework.models import CaseFlag
from tests.browser.conftest import both_widths, login_as
from tests.factories import open_case

REASON = "Recruiter seen at the village market"


def test_an_urgent_flag_raised_in_lao_shows_on_the_managers_home(page, people):  # type: ignore[no-untyped-def]
    case = open_case(people.social_worker)
    login_as(page, people.social_worker, language="lo")
    page.goto(f"/cases/{case.pk}/?tab=flags")
    expect(page.locator("html")).to_have_attribute("lang", "lo")
    page.locator("#id_level").select_option("urgent")
    page.locator("#id_reason").fill(REASON)
    both_widths(page, "flag-form-lo")
    page.locator("form[action$='/flags/new/'] button[type=submit]").click()
    expect(page.locator("#open-flags")).to_contain_text(REASON)
    expect(page.locator("#open-flags .flag-urgent")).to_contain_text("ດ່ວນ")
    both_widths(page, "flag-tab-lo")
    assert CaseFlag.objects.get(case=case).level == "urgent"

    page.context.clear_cookies()
    login_as(page, people.manager)
    page.goto("/")
    urgent = page.get_by_role("link", name="Cases with an urgent risk flag")
    expect(urgent).to_contain_text("1")
    both_widths(page, "flag-manager-home")
    urgent.click()
    expect(page.locator("[data-flag=urgent]")).to_have_count(1)
    expect(page.locator("#flag-many-fields")).to_be_visible()
    both_widths(page, "flag-case-list")
    page.goto(reverse("notifications:list"))
    expect(page.locator("main")).to_contain_text(case.person.case_code)
    expect(page.locator("main")).not_to_contain_text(REASON)
