"""A girl found in Thailand, brought home under the 2005 MOU, walked in the browser by her social
worker from the Repatriation tab alone: start with the Thailand flow (a wrong country is refused
beside the country), every step of the checklist in order (one blocked then unblocked, one
skipped with its reason, the wait for a court case abroad and the resumption), the family
assessment, the return decision refused without the best-interests decision and accepted with
it, and the reintegration step recorded through its step form. Screenshots at 1366 and 360 px,
in English and Lao."""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from playwright.sync_api import Page, expect

from casework.models import FollowUpVisit, Repatriation
from casework.services.assessments import best_interests_determine
from tests.browser.conftest import assert_no_horizontal_scroll, login_as, screenshot, switch_language
from tests.factories import SYNTHETIC_GIRL, open_case

CHILD = {**SYNTHETIC_GIRL, "given_name_latin": "Dao", "date_of_birth": date(2013, 2, 1)}  # a child until 2031
PARTNER = "Thai MSDHS Kredtrakarn shelter"


def saved(page: Page, message: str) -> None:
    expect(page.locator("ul.messages")).to_contain_text(message)


def change_step(page: Page, step, action: str, *, done_on: str = "", reason: str = "", notes: str = "") -> None:  # type: ignore[no-untyped-def]
    row = page.locator(f"#step-{step.pk}")
    row.locator("summary").filter(has_text="Change this step").click()
    row.get_by_label("Change").select_option(action)
    if done_on:
        row.get_by_label("Done on").fill(done_on)
    if notes:
        row.get_by_label("Notes").fill(notes)
    if reason:
        row.get_by_label("Reason", exact=True).fill(reason)
    row.get_by_role("button", name="Save the step").click()
    saved(page, "Step updated.")


def test_a_child_is_brought_home_from_thailand_step_by_step(page, people):  # type: ignore[no-untyped-def]
    case = open_case(people.social_worker, person_values=CHILD)
    # The panel's determination that a handover needs (tests/browser/test_assessment_pages.py records one at the page).
    best_interests_determine(
        actor=people.social_worker,
        case=case,
        decided_on=timezone.localdate(),
        panel=["Chair, social welfare office", "Child protection officer", "Counsellor"],
        decision="return_to_family",
        reasons="She asks to go home; her grandmother can care for her.",
    )
    today = timezone.localdate().isoformat()
    login_as(page, people.social_worker)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"/cases/{case.pk}/")
    page.get_by_role("link", name="Repatriation", exact=True).click()
    expect(page.locator("section.tab")).to_contain_text("No repatriation for this case.")

    # Start: the Thailand flow is only for a return from Thailand, said beside the country.
    page.get_by_label("Repatriation flow").select_option("thailand_mou")
    page.get_by_label("Returning from (country)").select_option("CN")
    page.get_by_label("Partner in that country").fill(PARTNER)
    page.get_by_label("Border point").select_option("friendship_bridge_1")
    page.get_by_role("button", name="Start the repatriation").click()
    expect(page.locator(".field.has-error")).to_contain_text("only for a return from that country")
    expect(page.get_by_label("Partner in that country")).to_have_value(PARTNER)
    screenshot(page, "repatriation-start-refused")
    page.get_by_label("Returning from (country)").select_option("TH")
    page.get_by_role("button", name="Start the repatriation").click()
    saved(page, "Repatriation started")
    trip = Repatriation.objects.get(case=case)
    steps = {step.code: step for step in trip.steps.all()}
    assert len(steps) == 10
    first = page.locator(f"#step-{steps['case_interview_documentation'].pk}")
    expect(first).to_contain_text("Thailand side: " + PARTNER)
    expect(page.locator(f"#step-{steps['family_tracing_received'].pk}")).to_contain_text("Lao side:")
    expect(page.locator(f"#step-{steps['return_coordination'].pk}")).to_contain_text("Thailand side")
    screenshot(page, "repatriation-checklist-1366")

    change_step(page, steps["case_interview_documentation"], "complete", done_on=today, notes="Interview filed.")
    change_step(page, steps["family_tracing_requested"], "complete", done_on=today)

    # A court case in Thailand: the repatriation waits, its steps cannot move, then it resumes.
    page.locator("summary").filter(has_text="Wait for legal proceedings abroad").click()
    page.get_by_label("Which proceedings the person is waiting for").fill("Witness in the trial of the recruiter")
    page.get_by_role("button", name="Put on hold").click()
    saved(page, "waits for the legal proceedings")
    expect(page.locator("article.repatriation h3")).to_contain_text("Waiting for legal proceedings abroad")
    expect(page.locator("summary").filter(has_text="Change this step")).to_have_count(0)
    page.get_by_role("button", name="Resume the repatriation").click()
    saved(page, "Repatriation resumed.")

    change_step(page, steps["family_tracing_received"], "block", reason="The province has no vehicle this week")
    expect(page.locator(f"#step-{steps['family_tracing_received'].pk} .status")).to_have_text("Blocked")
    change_step(page, steps["family_tracing_received"], "unblock")
    change_step(page, steps["family_tracing_received"], "complete", done_on=today)

    assessment = page.locator(f"#step-{steps['family_assessment'].pk}")
    assessment.locator("summary").filter(has_text="Record the family assessment").click()
    page.get_by_label("Result of the family assessment").select_option("safe")
    page.get_by_label("What the assessment found").fill("Grandmother at home, school nearby.")
    page.get_by_label("Assessed on").fill(today)
    page.get_by_role("button", name="Save the assessment").click()
    saved(page, "Family assessment recorded.")
    expect(page.locator("article.repatriation dl")).to_contain_text("Safe to return")

    change_step(page, steps["assessment_result_sent"], "complete", done_on=today)
    change_step(page, steps["return_coordination"], "start")
    change_step(page, steps["return_coordination"], "complete", done_on=today)
    change_step(page, steps["handover_at_border"], "complete", done_on=today)
    change_step(page, steps["transit_centre_reception"], "skip", reason="Escorted home straight from the bridge")

    # The return decision of a child: refused without the best-interests decision, beside it.
    home = page.locator(f"#step-{steps['return_or_placement'].pk}")
    home.locator("summary").filter(has_text="Record the return decision").click()
    page.get_by_label("Where the person goes").select_option("family")
    page.get_by_role("button", name="Save the decision").click()
    error = page.locator(".field.has-error")
    expect(error).to_contain_text("Best-interests decision")
    expect(error).to_contain_text("This field is required for a child.")
    screenshot(page, "repatriation-best-interests-required")
    page.get_by_label("Best-interests decision (required for a child)").fill(
        "She asks to go home; her grandmother is able to care for her and the village head supports it."
    )
    page.get_by_role("button", name="Save the decision").click()
    saved(page, "Return decision recorded.")
    assert FollowUpVisit.objects.filter(case=case).exists(), "the return schedules the follow-up visits"

    change_step(page, steps["reintegration_follow_up"], "complete", done_on=today, notes="Reintegration plan agreed.")
    expect(page.locator("article.repatriation h3 .status")).to_have_text("Completed")
    trip.refresh_from_db()
    assert trip.status == "completed" and trip.destination == "family"
    assert set(trip.steps.values_list("status", flat=True)) == {"done", "skipped"}
    screenshot(page, "repatriation-completed-1366")

    page.set_viewport_size({"width": 360, "height": 800})
    page.reload()
    assert_no_horizontal_scroll(page)
    screenshot(page, "repatriation-completed-360")

    switch_language(page, "lo")
    expect(page.locator("html")).to_have_attribute("lang", "lo")
    tab = page.locator("section.tab")
    expect(tab).to_contain_text("ສຳພາດ ແລະ ເຮັດເອກະສານກໍລະນີ")
    expect(tab).to_contain_text("ຝ່າຍໄທ: " + PARTNER)
    expect(tab).to_contain_text("ຝ່າຍລາວ")
    assert_no_horizontal_scroll(page)
    screenshot(page, "repatriation-completed-360-lo")
    page.set_viewport_size({"width": 1366, "height": 900})
    screenshot(page, "repatriation-completed-1366-lo")


def test_an_open_repatriation_on_a_phone_in_lao_is_cancelled_with_its_reason(page, people):  # type: ignore[no-untyped-def]
    case = open_case(people.social_worker)
    login_as(page, people.social_worker, language="lo")
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(f"/cases/{case.pk}/?tab=repatriation")
    page.locator("#start-flow").select_option("other_country")
    page.locator("#start-from_country").select_option("MY")
    page.locator("#start-started_on").fill("2026-11-01")
    page.get_by_role("button", name="ເລີ່ມການສົ່ງກັບ").click()
    expect(page.locator("article.repatriation")).to_contain_text("ຍັງບໍ່ໄດ້ລະບຸຄູ່ຮ່ວມງານ")
    assert_no_horizontal_scroll(page)
    screenshot(page, "repatriation-checklist-360-lo")
    page.locator("summary").filter(has_text="ຍົກເລີກການສົ່ງກັບຄືນປະເທດ").click()
    page.locator("#cancel-reason").select_option("other")
    page.get_by_role("button", name="ຍົກເລີກການສົ່ງກັບຄືນປະເທດ").click()
    expect(page.locator("#cancel-note_error")).to_be_visible()
    assert_no_horizontal_scroll(page)
    screenshot(page, "repatriation-cancel-refused-360-lo")
    page.locator("#cancel-note").fill("Resettled with her mother in Malaysia")
    page.get_by_role("button", name="ຍົກເລີກການສົ່ງກັບຄືນປະເທດ").click()
    expect(page.locator("article.repatriation h3 .status")).to_have_text("ຍົກເລີກແລ້ວ")
    assert Repatriation.objects.get(case=case).cancellation_note == "Resettled with her mother in Malaysia"
