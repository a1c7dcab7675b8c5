"""A case from intake to the closure request, page by page, in English and in Lao: each tab
renders with its data, the forms work in a real browser, the pages fit a 360 px phone, and the
screenshots for docs/user-guide.md and docs/user-guide.lo.md are taken on the way."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from accounts.models import Country
from casework.models import Case, ServiceType
from casework.services import assistance, repatriation, screening
from tests.browser.conftest import assert_no_horizontal_scroll, login_as, screenshot
from tests.factories import open_case

TABS = ["person", "screening", "services", "notes", "stays", "referrals", "repatriation", "history"]


def a_case_with_some_history(worker):  # type: ignore[no-untyped-def]
    case = open_case(
        worker,
        person_values={
            "given_name_lo": "ແກ້ວ",
            "family_name_lo": "ທົດລອງ",
            "given_name_latin": "Keo",
            "family_name_latin": "Thodlong",
            "sex": "female",
            "date_of_birth": date(2009, 6, 1),
        },
        exploitation_country=Country.objects.get(code="TH"),
        exploitation_started_on=date(2025, 10, 1),
    )
    screening.screening_record(
        actor=worker,
        case=case,
        place="border_office",
        screened_on=date(2026, 3, 2),
        indicators=[("act-recruited-by-third-party", ""), ("purpose-child-hazardous-work", "")],
        guardian_or_social_worker_present=True,
    )
    for code in ("legal_aid", "education"):
        service_type = ServiceType.objects.filter(code=code).first() or ServiceType.objects.filter(health=False)[0]
        assistance.service_add(actor=worker, case=case, service_type=service_type, planned_on=date(2026, 3, 20))
    assistance.note_add(actor=worker, case=case, text="Met her at the Friendship Bridge reception centre.")
    trip = repatriation.repatriation_start(
        actor=worker, case=case, flow="thailand_mou", from_country=Country.objects.get(code="TH")
    )
    first = trip.steps.order_by("position").first()
    repatriation.step_complete(actor=worker, step=first, done_on=date(2026, 3, 3))
    return case


@pytest.mark.parametrize("language", ["en", "lo"])
def test_a_case_page_by_page(page, people, language):  # type: ignore[no-untyped-def]
    worker = people.social_worker
    case = a_case_with_some_history(worker)
    suffix = "" if language == "en" else "-lo"
    login_as(page, worker, language=language)
    expect(page.locator("html")).to_have_attribute("lang", language)
    screenshot(page, f"dashboard{suffix}")
    page.goto("/cases/")
    screenshot(page, f"case-list{suffix}")
    for tab in TABS:
        page.goto(f"/cases/{case.pk}/?tab={tab}")
        expect(page.locator("nav.tabs [aria-current=page]")).to_have_attribute("href", f"?tab={tab}")
        screenshot(page, f"case-{tab}{suffix}")
    page.goto(f"/cases/{case.pk}/screening/")
    page.locator("#ind-act-recruited-by-third-party").check()
    page.locator("#ind-purpose-child-hazardous-work").check()
    expect(page.locator("#suggestion")).to_have_attribute("data-suggested", "possible_victim")
    if language == "lo":
        expect(page.locator("#suggested-outcome")).to_have_text("ອາດເປັນຜູ້ເຄາະຮ້າຍ")
    screenshot(page, f"screening{suffix}", full_page=False)
    page.goto("/cases/new/")
    screenshot(page, f"intake{suffix}")

    page.set_viewport_size({"width": 360, "height": 740})
    for path in ("/", "/cases/", f"/cases/{case.pk}/?tab=repatriation", "/cases/new/", f"/cases/{case.pk}/screening/"):
        page.goto(path)
        assert_no_horizontal_scroll(page)
    screenshot(page, f"screening-phone{suffix}", full_page=False)
    page.goto("/cases/")
    screenshot(page, f"case-list-phone{suffix}")


def test_a_step_is_marked_done_and_closure_is_requested_in_the_browser(page, other_computer, people):  # type: ignore[no-untyped-def]
    worker = people.social_worker
    case = a_case_with_some_history(worker)
    login_as(page, worker)
    page.goto(f"/cases/{case.pk}/?tab=repatriation")
    second = page.locator("ol.steps > li").nth(1)
    second.locator("summary").filter(has_text="Change this step").click()
    second.locator("select[name=action]").select_option("skip")
    second.get_by_role("button", name="Save the step").click()
    second = page.locator("ol.steps > li").nth(1)
    expect(second.locator(".errors").first).to_be_visible()  # a skip needs its reason, beside the step it concerns
    second.locator("select[name=action]").select_option("complete")
    second.locator("input[name=done_on]").fill("05/03/2026")
    second.get_by_role("button", name="Save the step").click()
    expect(page.locator(".messages")).to_contain_text("Step updated.")
    screenshot(page, "case-repatriation-updated")

    page.get_by_role("link", name="History").click()
    page.get_by_label("Reason for closing").select_option("other")
    page.get_by_role("button", name="Request closure").click()
    expect(page.locator("#id_note_error")).to_contain_text("Required when the reason is 'other'.")
    page.get_by_label("Reason for closing").select_option("reintegrated")
    page.get_by_role("button", name="Request closure").click()
    expect(page.locator(".messages")).to_contain_text("Closure requested")
    screenshot(page, "case-closure-requested")
    assert Case.objects.get(pk=case.pk).closure_pending

    manager_page = other_computer
    login_as(manager_page, people.manager)
    manager_page.goto(f"/cases/{case.pk}/audit/")
    expect(manager_page.locator("table")).to_contain_text("sw")
    screenshot(manager_page, "case-audit")
