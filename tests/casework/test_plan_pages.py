"""The case plan, a service's status and follow-up visits on the case page (issue 16): the same
services and rules as the API, errors next to the fields with nothing half-saved, the same 404
outside scope as for a missing case, the audit trail, and the manager's queue of plans."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditAction, AuditEvent, ReminderOccurrence, Role
from casework.choices import ApprovalStatus, ServiceStatus
from casework.models import CaseEvent, CasePlan, CasePlanVersion, FollowUpVisit, Service, ServiceType
from casework.services import assistance, follow_ups
from tests.clients import client_for
from tests.factories import make_user, open_case
from tests.notifications.reminders import occurrences, tick_at

pytestmark = pytest.mark.django_db


def tab(case, name):
    return reverse("casework:case-detail", args=[case.pk]) + f"?tab={name}"


def plan_post(summary="Return to school", goals=(("education", "Enrol in grade 5", "2027-01-10"),), policy=""):
    data = {
        "summary": summary,
        "follow_up_policy": policy,
        "goals-TOTAL_FORMS": str(len(goals) + 1),
        "goals-INITIAL_FORMS": "0",
        "goals-MIN_NUM_FORMS": "0",
        "goals-MAX_NUM_FORMS": "30",
    }
    for i, (kind, objective, target) in enumerate(goals):
        data |= {f"goals-{i}-support_type": kind, f"goals-{i}-objective": objective, f"goals-{i}-target_date": target}
    return data  # the last row stays empty: an empty row is no goal


def same_404(outside, missing):
    """Both are 404 with the same page (its main part: the header's language form carries the
    address asked for and a fresh CSRF token)."""
    main = re.compile(rb"<main.*</main>", re.DOTALL)
    assert outside.status_code == missing.status_code == 404
    assert main.search(outside.content).group() == main.search(missing.content).group()


def submitted_plan(people, case):
    plan = assistance.plan_save(
        actor=people.social_worker, case=case, summary="s", goals=[{"support_type": "education", "objective": "o"}]
    )
    return assistance.plan_submit(actor=people.social_worker, plan=plan)


# --- The plan: write, submit, decide -------------------------------------------------------------
def test_a_worker_writes_a_plan_with_goals_and_submits_it(people, case):
    worker = client_for(people.social_worker)
    answer = worker.post(reverse("casework:plan-save", args=[case.pk]), plan_post())
    assert answer.status_code == 302 and answer["Location"].endswith("?tab=plan")
    plan = CasePlan.objects.get(case=case)
    assert plan.summary == "Return to school" and plan.status == ApprovalStatus.DRAFT
    assert [(g.support_type, g.objective, str(g.target_date)) for g in plan.goals.all()] == [
        ("education", "Enrol in grade 5", "2027-01-10")
    ]
    assert AuditEvent.objects.filter(actor=people.social_worker, object_id=str(plan.pk)).exists()
    assert worker.post(reverse("casework:plan-submit", args=[case.pk])).status_code == 302
    plan.refresh_from_db()
    assert plan.status == ApprovalStatus.SUBMITTED and plan.submitted_by == people.social_worker
    page = worker.get(tab(case, "plan")).content.decode()
    assert "Waiting for approval" in page and "Enrol in grade 5" in page and 'id="plan-save"' not in page


def test_a_goal_without_its_kind_is_a_400_next_to_the_field_and_nothing_is_saved(people, case):
    worker = client_for(people.social_worker)
    answer = worker.post(reverse("casework:plan-save", args=[case.pk]), plan_post(goals=[("", "No kind", "")]))
    assert answer.status_code == 400
    form = answer.context["plan_form"]
    assert form.goals.forms[0].errors["support_type"]
    assert "No kind" in answer.content.decode()  # what was typed stays in the form
    assert not CasePlan.objects.filter(case=case).exists()


def test_a_bad_date_in_a_second_goal_saves_no_goal_at_all(people, case):
    worker = client_for(people.social_worker)
    worker.post(reverse("casework:plan-save", args=[case.pk]), plan_post())
    goals = [("education", "School", "2027-01-10"), ("livelihood", "Weaving course", "31/02/2027")]
    answer = worker.post(reverse("casework:plan-save", args=[case.pk]), plan_post(summary="Changed", goals=goals))
    assert answer.status_code == 400 and answer.context["plan_form"].goals.forms[1].errors["target_date"]
    plan = CasePlan.objects.get(case=case)
    assert plan.summary == "Return to school" and plan.goals.count() == 1


def test_submitting_a_plan_without_goals_says_so(people, case):
    worker = client_for(people.social_worker)
    worker.post(reverse("casework:plan-save", args=[case.pk]), plan_post(goals=[]))
    answer = worker.post(reverse("casework:plan-submit", args=[case.pk]))
    assert answer.status_code == 400
    assert "Add at least one goal before asking for approval." in answer.content.decode()
    assert CasePlan.objects.get(case=case).status == ApprovalStatus.DRAFT


def test_submitting_before_any_plan_is_a_400_not_a_500(people, case):
    answer = client_for(people.social_worker).post(reverse("casework:plan-submit", args=[case.pk]))
    assert answer.status_code == 400 and "Write the plan first." in answer.content.decode()


def test_a_manager_approves_and_the_tab_keeps_the_approved_plan_beside_a_revision(people, case):
    plan = submitted_plan(people, case)
    manager = client_for(people.manager)
    answer = manager.post(reverse("casework:plan-decide", args=[case.pk, "approve"]))
    assert answer.status_code == 302
    plan.refresh_from_db()
    assert plan.status == ApprovalStatus.APPROVED and plan.approved_by == people.manager
    version = CasePlanVersion.objects.get(plan=plan)
    assert version.goals == [{"support_type": "education", "objective": "o", "target_date": None, "achieved_on": None}]
    assert CaseEvent.objects.filter(case=case, kind="plan_approved", actor=people.manager).exists()
    worker = client_for(people.social_worker)
    worker.post(reverse("casework:plan-save", args=[case.pk]), plan_post(summary="Revised"))
    page = worker.get(tab(case, "plan")).content.decode()
    assert 'id="approved-plan"' in page and 'id="draft-plan"' in page and "Revised" in page
    assert "Case plan approved" in page  # the plan's history


def test_the_author_cannot_approve_their_own_plan(people, orgs, case):
    both = make_user("sw-manager", orgs.mlsw_vt, Role.SOCIAL_WORKER, Role.MANAGER)
    plan = assistance.plan_save(
        actor=both, case=case, summary="s", goals=[{"support_type": "education", "objective": "o"}]
    )
    assistance.plan_submit(actor=both, plan=plan)
    answer = client_for(both).post(reverse("casework:plan-decide", args=[case.pk, "approve"]))
    assert answer.status_code == 403
    assert "Another manager must approve a plan you submitted." in answer.content.decode()
    plan.refresh_from_db()
    assert plan.status == ApprovalStatus.SUBMITTED and not CasePlanVersion.objects.exists()


def test_returning_needs_a_reason_next_to_the_field(people, case):
    plan = submitted_plan(people, case)
    manager = client_for(people.manager)
    answer = manager.post(reverse("casework:plan-decide", args=[case.pk, "return"]), {"reason": "  "})
    assert answer.status_code == 400 and answer.context["plan_decision_form"].errors["reason"]
    plan.refresh_from_db()
    assert plan.status == ApprovalStatus.SUBMITTED
    answer = manager.post(reverse("casework:plan-decide", args=[case.pk, "return"]), {"reason": "Add a health goal"})
    assert answer.status_code == 302
    plan.refresh_from_db()
    assert plan.status == ApprovalStatus.RETURNED
    page = client_for(people.social_worker).get(tab(case, "plan")).content.decode()
    assert "Add a health goal" in page and 'id="plan-submit"' in page


def test_a_worker_cannot_decide_and_an_unknown_decision_is_404(people, case):
    submitted_plan(people, case)
    worker = client_for(people.social_worker)
    assert worker.post(reverse("casework:plan-decide", args=[case.pk, "approve"])).status_code == 403
    assert client_for(people.manager).post(reverse("casework:plan-decide", args=[case.pk, "maybe"])).status_code == 404
    assert CasePlan.objects.get(case=case).status == ApprovalStatus.SUBMITTED


@pytest.mark.parametrize(
    ("name", "extra"),
    [("casework:plan-save", []), ("casework:plan-submit", []), ("casework:plan-decide", ["approve"])],
)
def test_a_case_outside_scope_is_the_same_404_as_a_missing_one(people, case, name, extra):
    submitted_plan(people, case)
    outsider = client_for(people.outsider)
    outside = outsider.post(reverse(name, args=[case.pk, *extra]), plan_post())
    missing = outsider.post(reverse(name, args=[uuid.uuid4(), *extra]), plan_post())
    same_404(outside, missing)
    assert CasePlan.objects.get(case=case).status == ApprovalStatus.SUBMITTED


def test_the_manager_queue_lists_waiting_plans_at_a_fixed_cost(people, django_assert_max_num_queries):
    for _ in range(3):
        submitted_plan(people, open_case(people.social_worker))
    manager = client_for(people.manager)
    manager.get(reverse("manage:plans"))  # warm the session and the caches
    with django_assert_max_num_queries(10) as few:
        page = manager.get(reverse("manage:plans"))
    for _ in range(5):
        submitted_plan(people, open_case(people.social_worker))
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = manager.get(reverse("manage:plans"))
    html = page.content.decode()
    assert html.count("Read and decide") == 8
    assert reverse("manage:plans") in client_for(people.manager).get(reverse("manage:closures")).content.decode()
    assert client_for(people.social_worker).get(reverse("manage:plans")).status_code == 403


# --- A service's status ----------------------------------------------------------------------------
@pytest.fixture
def service(people, case):
    return assistance.service_add(
        actor=people.social_worker, case=case, service_type=ServiceType.objects.get(code="legal_aid")
    )


def test_a_service_moves_to_done_with_its_outcome(people, case, service):
    today = timezone.localdate()
    worker = client_for(people.social_worker)
    prefix = f"service-{service.pk}"
    data = {f"{prefix}-status": "done", f"{prefix}-on": today.isoformat(), f"{prefix}-notes": "Lawyer met the family"}
    answer = worker.post(reverse("casework:service-status", args=[case.pk, service.pk]), data)
    assert answer.status_code == 302
    service.refresh_from_db()
    assert (service.status, service.ended_on, service.notes) == ("done", today, "Lawyer met the family")
    assert AuditEvent.objects.filter(
        actor=people.social_worker, action=AuditAction.UPDATE, object_id=str(service.pk)
    ).exists()
    page = worker.get(tab(case, "services")).content.decode()
    assert "Lawyer met the family" in page and "Change the status" not in page


@pytest.mark.parametrize(
    ("status", "days", "field"),
    [("done", 3, "on"), ("planned", 0, "status"), ("", 0, "status"), ("not_available", -1, None)],
)
def test_a_refused_status_change_is_a_400_beside_the_field_and_changes_nothing(
    people, case, service, status, days, field
):
    prefix = f"service-{service.pk}"
    day = timezone.localdate() + timedelta(days=days)
    data = {f"{prefix}-status": status, f"{prefix}-on": day.isoformat()}
    answer = client_for(people.social_worker).post(reverse("casework:service-status", args=[case.pk, service.pk]), data)
    service.refresh_from_db()
    if field is None:  # the control case: allowed, so the others fail for their reason
        assert answer.status_code == 302 and service.status == ServiceStatus.NOT_AVAILABLE
        return
    assert answer.status_code == 400
    sent = answer.context["sent_row"]
    assert sent.prefix == prefix and sent.errors[field]
    assert service.status == ServiceStatus.PLANNED and service.ended_on is None


def test_police_get_the_same_404_for_a_health_service_as_for_a_missing_one(people, orgs, case):
    from casework.services import cases

    cases.case_share(actor=people.social_worker, case=case, organisation=orgs.police, purpose="investigation")
    health = assistance.service_add(
        actor=people.social_worker, case=case, service_type=ServiceType.objects.filter(health=True).first()
    )
    police = client_for(people.police)
    data = {f"service-{health.pk}-status": "done"}
    hidden = police.post(reverse("casework:service-status", args=[case.pk, health.pk]), data)
    missing = police.post(reverse("casework:service-status", args=[case.pk, uuid.uuid4()]), data)
    same_404(hidden, missing)
    assert Service.objects.get(pk=health.pk).status == ServiceStatus.PLANNED


# --- Follow-up visits ------------------------------------------------------------------------------
@pytest.fixture
def due_visit(people, case):
    """A visit due two or three days ago (the first of the default cadence after a return home a
    month and a few days back), whose "visit due" reminder the engine has raised."""
    follow_ups.follow_ups_schedule(case=case, start=timezone.localdate() - timedelta(days=33))
    tick_at(timezone.now())
    visit = case.follow_ups.order_by("due_on").first()
    assert [o.object_id for o in occurrences("follow_up_due", resolved_at__isnull=True)] == [visit.pk]
    return visit


def test_recording_a_visit_keeps_the_findings_and_closes_its_reminder(people, case, due_visit):
    worker = client_for(people.social_worker)
    assert "Record the visit" in worker.get(tab(case, "follow_ups")).content.decode()
    prefix = f"visit-{due_visit.pk}"
    data = {
        f"{prefix}-done_on": timezone.localdate().isoformat(),
        f"{prefix}-place": "Family home, Xaythany",
        f"{prefix}-met_with": "The girl and her mother",
        f"{prefix}-wellbeing": "fair",
        f"{prefix}-next_step": "Check school attendance",
    }
    answer = worker.post(reverse("casework:follow-up-record", args=[case.pk, due_visit.pk]), data)
    assert answer.status_code == 302
    due_visit.refresh_from_db()
    assert (due_visit.place, due_visit.wellbeing, due_visit.done_by) == (
        "Family home, Xaythany",
        "fair",
        people.social_worker,
    )
    assert not ReminderOccurrence.objects.filter(object_id=due_visit.pk, resolved_at__isnull=True).exists()
    assert AuditEvent.objects.filter(actor=people.social_worker, object_id=str(due_visit.pk)).exists()
    assert "Check school attendance" in worker.get(tab(case, "follow_ups")).content.decode()


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"done_on": ""}, "done_on"), ({"wellbeing": "ecstatic"}, "wellbeing"), ({"done_on": "future"}, "done_on")],
)
def test_a_bad_visit_record_is_a_400_and_the_reminder_stays(people, case, due_visit, changes, field):
    prefix = f"visit-{due_visit.pk}"
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    data = {f"{prefix}-done_on": timezone.localdate().isoformat(), f"{prefix}-place": "Home"}
    data |= {f"{prefix}-{k}": (tomorrow if v == "future" else v) for k, v in changes.items()}
    answer = client_for(people.social_worker).post(
        reverse("casework:follow-up-record", args=[case.pk, due_visit.pk]), data
    )
    assert answer.status_code == 400 and answer.context["sent_row"].errors[field]
    due_visit.refresh_from_db()
    assert due_visit.done_on is None and due_visit.place == ""
    assert ReminderOccurrence.objects.filter(object_id=due_visit.pk, resolved_at__isnull=True).exists()


def test_moving_a_visit_needs_a_reason_and_a_day_to_come(people, case, due_visit):
    worker = client_for(people.social_worker)
    prefix = f"move-{due_visit.pk}"
    url = reverse("casework:follow-up-reschedule", args=[case.pk, due_visit.pk])
    later = timezone.localdate() + timedelta(days=10)
    answer = worker.post(url, {f"{prefix}-due_on": later.isoformat(), f"{prefix}-reason": ""})
    assert answer.status_code == 400 and answer.context["sent_row"].errors["reason"]
    past = timezone.localdate() - timedelta(days=1)
    answer = worker.post(url, {f"{prefix}-due_on": past.isoformat(), f"{prefix}-reason": "away"})
    assert answer.status_code == 400 and answer.context["sent_row"].errors["due_on"]
    before = due_visit.due_on
    due_visit.refresh_from_db()
    assert due_visit.due_on == before and due_visit.rescheduled_from is None
    answer = worker.post(
        url, {f"{prefix}-due_on": later.isoformat(), f"{prefix}-reason": "The family is at the harvest"}
    )
    assert answer.status_code == 302
    due_visit.refresh_from_db()
    assert (due_visit.due_on, due_visit.rescheduled_from) == (later, before)
    audit = AuditEvent.objects.get(actor=people.social_worker, object_id=str(due_visit.pk))
    assert audit.reason == "The family is at the harvest"
    assert not ReminderOccurrence.objects.filter(object_id=due_visit.pk, resolved_at__isnull=True).exists()
    assert "The family is at the harvest" in worker.get(tab(case, "follow_ups")).content.decode()


def test_a_visit_of_a_case_outside_scope_is_the_same_404_as_a_missing_one(people, case, due_visit):
    outsider = client_for(people.outsider)
    for name in ("casework:follow-up-record", "casework:follow-up-reschedule"):
        outside = outsider.post(reverse(name, args=[case.pk, due_visit.pk]), {})
        missing = outsider.post(reverse(name, args=[case.pk, uuid.uuid4()]), {})
        same_404(outside, missing)
    assert FollowUpVisit.objects.get(pk=due_visit.pk).done_on is None


def test_the_api_records_the_findings_and_moves_a_visit_with_the_same_rules(api, people, case, due_visit):
    api.force_authenticate(people.social_worker)
    url = reverse("v1:follow-up-reschedule", args=[due_visit.pk])
    refused = api.post(url, {"due_on": due_visit.due_on.isoformat(), "reason": "x"}, format="json")
    assert refused.status_code == 400 and "due_on" in refused.json()["errors"]
    later = (timezone.localdate() + timedelta(days=5)).isoformat()
    moved = api.post(url, {"due_on": later, "reason": "Harvest"}, format="json").json()
    assert (moved["due_on"], moved["reschedule_reason"]) == (later, "Harvest")
    record = reverse("v1:follow-up-record", args=[due_visit.pk])
    body = {"done_on": timezone.localdate().isoformat(), "wellbeing": "at_risk", "next_step": "Call the police"}
    recorded = api.post(record, body, format="json").json()
    assert (recorded["wellbeing"], recorded["next_step"]) == ("at_risk", "Call the police")


def test_a_new_cadence_keeps_a_moved_visit_on_its_new_day(people, orgs, case, due_visit):
    three_months = case.follow_ups.order_by("due_on")[1]
    new_day = three_months.due_on + timedelta(days=7)
    follow_ups.follow_up_reschedule(actor=people.social_worker, visit=three_months, due_on=new_day, reason="Harvest")
    follow_ups.organisation_cadence_save(actor=people.manager, organisation=orgs.mlsw_vt, months=[1, 3, 12])
    days = list(case.follow_ups.order_by("due_on").values_list("due_on", flat=True))
    assert len(days) == 3 and days[1] == new_day  # the six-month visit went; the moved one stayed moved
