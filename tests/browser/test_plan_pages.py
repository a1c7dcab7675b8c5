"""The case plan, a service's status and follow-up visits in a real browser (issue 16): a worker
writes and submits a plan, a manager finds it in the queue and approves it, the Plan tab shows
it approved; a service moved to done with its outcome (in Lao, on a phone); a follow-up visit
recorded, its reminder done, the next one moved with a reason. Screenshots at 1366 and 360 px,
in English and Lao (see conftest for where they go)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import ReminderOccurrence
from casework.choices import ApprovalStatus, ServiceStatus
from casework.models import CasePlan, ServiceType
from casework.services import assistance, follow_ups
from tests.browser.conftest import assert_no_horizontal_scroll, login_as, screenshot
from tests.factories import open_case
from tests.notifications.reminders import tick_at

WIDE = {"width": 1366, "height": 900}
PHONE = {"width": 360, "height": 800}


def both_widths(page: Page, name: str) -> None:
    """Screenshots of the page as it is, wide and on a phone; no sideways scrolling on the phone."""
    page.set_viewport_size(WIDE)
    screenshot(page, f"{name}-1366")
    page.set_viewport_size(PHONE)
    assert_no_horizontal_scroll(page)
    screenshot(page, f"{name}-360")
    page.set_viewport_size(WIDE)


def test_a_worker_submits_a_plan_and_a_manager_approves_it_from_the_queue(page, other_computer, people):  # type: ignore[no-untyped-def]
    case = open_case(people.social_worker)
    code = case.person.case_code
    login_as(page, people.social_worker)
    page.set_viewport_size(WIDE)
    page.goto(f"/cases/{case.pk}/")
    page.get_by_role("link", name="Plan", exact=True).click()
    page.get_by_label("Summary").fill("Back to school and a livelihood for the family.")
    page.locator("#id_goals-0-support_type").select_option("education")
    page.locator("#id_goals-0-objective").fill("Enrol in grade 5 at the village school")
    page.locator("#id_goals-0-target_date").fill("2027-01-10")
    page.locator("#id_goals-1-support_type").select_option("livelihood")
    page.locator("#id_goals-1-objective").fill("Weaving course for the mother")
    page.get_by_role("button", name="Save the plan").click()
    expect(page.locator("#draft-plan")).to_contain_text("Weaving course for the mother")
    expect(page.locator("#draft-plan")).to_contain_text("10/01/2027")
    page.get_by_role("button", name="Submit for approval").click()
    expect(page.locator("#plan-status")).to_have_text("Waiting for approval")
    both_widths(page, "plan-submitted")

    manager = other_computer
    login_as(manager, people.manager)
    manager.set_viewport_size(WIDE)
    manager.get_by_role("link", name="Team", exact=True).click()
    manager.get_by_role("link", name="Plan approvals").click()
    card = manager.locator(f"#plan-{code}")
    expect(card).to_contain_text("2 goals")
    both_widths(manager, "plan-approvals")
    card.get_by_role("link", name="Read and decide").click()
    expect(manager.locator("#draft-plan")).to_contain_text("Enrol in grade 5")
    manager.get_by_role("button", name="Approve the plan").click()
    expect(manager.locator("#approved-plan")).to_contain_text("Approved by mgr")
    expect(manager.locator(".messages")).to_contain_text("Plan approved.")
    assert CasePlan.objects.get(case=case).status == ApprovalStatus.APPROVED

    page.reload()
    expect(page.locator("#approved-plan")).to_contain_text("Enrol in grade 5 at the village school")
    expect(page.locator("#draft-plan")).to_have_count(0)
    expect(page.locator("#plan-history")).to_contain_text("Case plan approved")
    expect(page.locator("details.plan-edit")).not_to_have_attribute("open", "")  # folded: the approved plan comes first
    both_widths(page, "plan-approved")


def test_the_plan_tab_in_lao(page, people):  # type: ignore[no-untyped-def]
    case = open_case(people.social_worker)
    plan = assistance.plan_save(
        actor=people.social_worker,
        case=case,
        summary="ກັບຄືນໂຮງຮຽນ",
        goals=[{"support_type": "education", "objective": "ເຂົ້າຮຽນຊັ້ນ ປ.5"}],
    )
    assistance.plan_submit(actor=people.social_worker, plan=plan)
    login_as(page, people.manager, language="lo")
    page.goto(f"/cases/{case.pk}/?tab=plan")
    expect(page.locator("#plan-approve")).to_have_text("ອະນຸມັດແຜນ")
    both_widths(page, "plan-decide-lo")
    page.locator("#plan-return").click()  # no reason: the field says what is missing
    expect(page.locator(".field.has-error")).to_be_visible()
    page.locator("#id_reason").fill("ເພີ່ມເປົ້າໝາຍດ້ານສຸຂະພາບ")
    page.locator("#plan-return").click()
    expect(page.locator("#plan-status")).to_have_text("ສົ່ງຄືນໃຫ້ແກ້ໄຂ")
    screenshot(page, "plan-returned-lo-1366")


def test_a_service_moves_to_done_with_its_outcome_on_a_phone_in_lao(page, people):  # type: ignore[no-untyped-def]
    case = open_case(people.social_worker)
    service = assistance.service_add(
        actor=people.social_worker, case=case, service_type=ServiceType.objects.get(code="legal_aid")
    )
    login_as(page, people.social_worker, language="lo")
    page.set_viewport_size(PHONE)
    page.goto(f"/cases/{case.pk}/?tab=services")
    row = page.locator(f"#service-{service.pk}")
    row.locator("summary").click()
    prefix = f"#id_service-{service.pk}"
    page.locator(f"{prefix}-status").select_option("done")
    page.locator(f"{prefix}-on").fill(timezone.localdate().isoformat())
    page.locator(f"{prefix}-notes").fill("ທະນາຍຄວາມໄດ້ພົບຄອບຄົວແລ້ວ")
    assert_no_horizontal_scroll(page)
    screenshot(page, "service-status-form-lo-360")
    row.get_by_role("button").click()
    expect(page.locator(f"#service-{service.pk}")).to_contain_text("ທະນາຍຄວາມໄດ້ພົບຄອບຄົວແລ້ວ")
    service.refresh_from_db()
    assert (service.status, service.ended_on) == (ServiceStatus.DONE, timezone.localdate())
    both_widths(page, "service-done-lo")


def test_a_follow_up_visit_is_recorded_its_reminder_done_and_the_next_moved(page, people):  # type: ignore[no-untyped-def]
    case = open_case(people.social_worker)
    follow_ups.follow_ups_schedule(case=case, start=timezone.localdate() - timedelta(days=33))
    tick_at(timezone.now())
    first, second = case.follow_ups.order_by("due_on")[:2]
    login_as(page, people.social_worker)
    page.set_viewport_size(WIDE)
    page.goto("/notifications/")
    expect(page.locator("table.notifications tbody tr")).to_contain_text("Open")

    page.goto(f"/cases/{case.pk}/")
    page.get_by_role("link", name="Follow-up visits").click()
    visit = page.locator(f"#visit-{first.pk}")
    visit.get_by_text("Record the visit").first.click()
    prefix = f"#id_visit-{first.pk}"
    page.locator(f"{prefix}-done_on").fill(timezone.localdate().isoformat())
    page.locator(f"{prefix}-place").fill("Family home")
    page.locator(f"{prefix}-met_with").fill("The girl and her mother")
    page.locator(f"{prefix}-wellbeing").select_option("good")
    page.locator(f"{prefix}-next_step").fill("Check school attendance next month")
    screenshot(page, "follow-up-record-form-1366")
    visit.get_by_role("button", name="Record the visit").click()
    expect(page.locator(f"#visit-{first.pk}")).to_contain_text("Check school attendance next month")
    expect(page.locator(f"#visit-{first.pk}")).to_contain_text("Doing well")
    assert not ReminderOccurrence.objects.filter(object_id=first.pk, resolved_at__isnull=True).exists()

    later = second.due_on + timedelta(days=7)
    moved = page.locator(f"#visit-{second.pk}")
    moved.get_by_text("Move to another day").click()
    page.locator(f"#id_move-{second.pk}-due_on").fill(later.isoformat())
    page.locator(f"#id_move-{second.pk}-reason").fill("The family is away for the harvest")
    moved.get_by_role("button", name="Move the visit").click()
    expect(page.locator(f"#visit-{second.pk}")).to_contain_text("The family is away for the harvest")
    expect(page.locator(f"#visit-{second.pk}")).to_contain_text(later.strftime("%d/%m/%Y"))
    both_widths(page, "follow-ups")

    page.goto("/notifications/")
    expect(page.locator("table.notifications tbody tr")).to_contain_text("Done")


def test_the_follow_up_visits_in_lao_on_a_phone(page, people):  # type: ignore[no-untyped-def]
    case = open_case(people.social_worker)
    follow_ups.follow_ups_schedule(case=case, start=timezone.localdate() - timedelta(days=33))
    login_as(page, people.social_worker, language="lo")
    page.set_viewport_size(PHONE)
    page.goto(f"/cases/{case.pk}/?tab=follow_ups")
    first = case.follow_ups.order_by("due_on").first()
    page.locator(f"#visit-{first.pk} summary").first.click()
    page.locator(f"#visit-{first.pk} button").first.click()  # no date: the field says so
    expect(page.locator(f"#visit-{first.pk} .field.has-error")).to_be_visible()
    both_widths(page, "follow-ups-lo")
