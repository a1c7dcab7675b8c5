"""Assessments in a real browser (issue 20.1): a social worker answers the risk assessment twice
from the Assessments tab and the second is shown beside the first (the changed answer marked,
the score's change); the same in Lao and at a phone's width. An administrator adds a question to
the risk form through the questionnaire pages and publishes it; the next assessment asks it and
the earlier ones keep their version. Screenshots at 1366 and 360 px (see conftest for where)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import Page, expect

from casework.models import Assessment
from tests.browser.conftest import (
    WIDE,
    both_widths,
    fill_date,
    login_as,
    switch_language,
)
from tests.factories import open_case

FIRST = {"to_person": "medium", "trafficker": "high", "retrafficking": "high", "at_home": "low", "community": "medium"}
SECOND = FIRST | {"trafficker": "medium", "retrafficking": "low"}


def answer_risk(page: Page, day, answers: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    page.locator("#form-risk").get_by_role("link").last.click()
    fill_date(page.locator("#id_assessed_on"), day)
    for code, value in answers.items():
        page.locator(f"#id_{code}").select_option(value)
    page.locator("form.stack button[type=submit]").click()
    expect(page.locator("ul.messages")).to_be_visible()


def test_a_risk_assessment_answered_twice_is_compared(page, people):  # type: ignore[no-untyped-def]
    case = open_case(people.social_worker)
    today = timezone.localdate()
    login_as(page, people.social_worker)
    page.set_viewport_size(WIDE)
    page.goto(f"/cases/{case.pk}/?tab=assessments")
    expect(page.locator("#form-risk")).to_contain_text("Not assessed yet.")
    expect(page.locator("#form-who5")).to_have_count(0)  # counselling data: not a social worker's
    answer_risk(page, today - timedelta(days=40), FIRST)
    expect(page.locator("#comparison")).to_be_visible()
    expect(page.locator("tr.changed")).to_have_count(0)
    page.locator("p.meta a").first.click()  # back to the case's Assessments tab
    answer_risk(page, today, SECOND)
    expect(page.locator("tr.changed")).to_have_count(2)
    expect(page.locator("#score-delta")).to_contain_text("-3")
    both_widths(page, "assessment-compare")
    switch_language(page, "lo")
    expect(page.locator("#comparison")).to_contain_text("ຄວາມສ່ຽງທີ່ຈະຖືກຄ້າອີກ")
    expect(page.locator("tr.changed").first).to_contain_text("ແກ້ໄຂແລ້ວ")
    both_widths(page, "assessment-compare-lo")
    page.locator("p.meta a").first.click()
    expect(page.locator("#form-risk li")).to_have_count(2)
    both_widths(page, "assessment-tab-lo")
    assert [a.score for a in Assessment.objects.order_by("assessed_on")] == [11, 8]


def test_an_administrator_adds_a_question_and_old_assessments_keep_their_version(page, people):  # type: ignore[no-untyped-def]
    case = open_case(people.social_worker)
    login_as(page, people.admin)
    page.set_viewport_size(WIDE)
    page.goto("/")
    page.locator("nav.main").get_by_role("link", name="Questionnaires").click()
    page.locator("#questionnaire-risk button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text("version 2")
    page.locator("#id_code").fill("online_contact")
    page.locator("#id_text_en").fill("Contact from the recruiter through social media")
    page.locator("#id_text_lo").fill("ນາຍໜ້າຕິດຕໍ່ຜ່ານສື່ສັງຄົມອອນລາຍ")
    page.locator("#id_options").fill("none | None | ບໍ່ມີ | 0\nsome | Some | ມີບາງຄັ້ງ | 2")
    page.locator("form.stack button[type=submit]").first.click()
    expect(page.locator("#questions")).to_contain_text("Contact from the recruiter through social media")
    page.locator("#id_note").fill("Online contact asked")
    both_widths(page, "questionnaire-draft")
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.locator("#questionnaire-risk")).to_contain_text("Version 2")
    both_widths(page, "questionnaire-list")
    page.context.clear_cookies()
    login_as(page, people.social_worker, language="lo")
    page.goto(f"/cases/{case.pk}/assessments/new/risk/")
    expect(page.locator("form.stack")).to_contain_text("ນາຍໜ້າຕິດຕໍ່ຜ່ານສື່ສັງຄົມອອນລາຍ")
    both_widths(page, "assessment-form-lo")
