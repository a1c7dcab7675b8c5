"""Manager pages: the team's workload (open cases and overdue items per worker) and closure
approvals (approve, four eyes, return with a note), for the manager of the social worker's
office (t-mlsw-vt) and nobody else."""

from __future__ import annotations

import re
from datetime import date, timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Country, Role
from casework.choices import StepStatus
from casework.models import Case, FollowUpVisit, RepatriationStep
from casework.services import cases, repatriation
from casework.workload import team_workload
from tests.clients import client_for
from tests.factories import make_user, open_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(people, orgs):
    """Two open cases assigned to the social worker (one with an overdue and a future follow-up
    visit), one to a colleague, one unassigned, one closed; and one in another province."""
    colleague = make_user("sw-colleague", orgs.mlsw_vt, Role.SOCIAL_WORKER)
    sw = people.social_worker
    mine = [open_case(sw, assigned_worker=sw) for _ in range(2)]
    today = timezone.localdate()
    FollowUpVisit.objects.create(case=mine[0], due_on=today - timedelta(days=3))
    FollowUpVisit.objects.create(case=mine[0], due_on=today + timedelta(days=3))
    FollowUpVisit.objects.create(case=mine[1], due_on=today - timedelta(days=9), done_on=today - timedelta(days=8))
    theirs = open_case(sw, assigned_worker=colleague)
    unassigned = open_case(sw)
    Case.objects.filter(pk=unassigned.pk).update(assigned_worker=None)
    closed = open_case(sw, assigned_worker=sw)
    cases.case_closure_request(actor=sw, case=closed, reason="reintegrated")
    cases.case_closure_approve(actor=people.manager, case=closed)
    open_case(people.outsider)
    return {"colleague": colleague, "mine": mine, "theirs": theirs}


def test_the_workload_counts_open_cases_and_overdue_visits_per_worker(people, team, django_assert_max_num_queries):
    client = client_for(people.manager)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("manage:workload"))
    assert response.status_code == 200
    rows = {row.worker.username if row.worker else None: row for row in response.context["page"]}
    assert (rows["sw"].open_cases, rows["sw"].overdue_follow_ups) == (2, 1)
    assert rows["sw-colleague"].open_cases == 1
    assert rows[None].open_cases == 1
    assert "sw-sv" not in rows  # another province's worker
    assert response.context["totals"]["open_cases"] == 4


def test_the_workload_counts_overdue_steps_open_or_blocked_and_visits_of_each_workers_open_cases(people, team):
    """Counted from the cases' side (casework.workload): a step counts while pending, started or
    blocked and past its date; a visit while not done and past its date; a closed case's never."""
    sw, today = people.social_worker, timezone.localdate()
    trip = repatriation.repatriation_start(
        actor=sw, case=team["mine"][1], flow="thailand_mou", from_country=Country.objects.get(code="TH")
    )
    pending, blocked, done, *_ = trip.steps.order_by("position")
    RepatriationStep.objects.filter(pk__in=[pending.pk, blocked.pk, done.pk]).update(due_on=today - timedelta(days=2))
    RepatriationStep.objects.filter(pk=blocked.pk).update(status=StepStatus.BLOCKED, reason="waiting for papers")
    RepatriationStep.objects.filter(pk=done.pk).update(status=StepStatus.DONE, done_on=today)
    FollowUpVisit.objects.create(case=team["theirs"], due_on=today - timedelta(days=1))
    closed = Case.objects.get(assigned_worker=sw, status="closed")
    FollowUpVisit.objects.create(case=closed, due_on=today - timedelta(days=1))
    rows = {row.worker.username if row.worker else None: row for row in team_workload(user=people.manager, today=today)}
    assert (rows["sw"].overdue_follow_ups, rows["sw"].overdue_steps) == (1, 2)
    assert (rows["sw-colleague"].overdue_follow_ups, rows["sw-colleague"].overdue_steps) == (1, 0)
    assert rows[None].overdue == 0


@pytest.mark.parametrize("persona", ["social_worker", "counsellor", "police", "statistician", "admin", "shelter_staff"])
def test_the_manager_pages_are_for_managers(people, persona):
    client = client_for(getattr(people, persona))
    assert client.get(reverse("manage:workload")).status_code == 403
    assert client.get(reverse("manage:closures")).status_code == 403


@pytest.fixture
def asked(people):
    case = open_case(people.social_worker, assigned_worker=people.social_worker)
    return cases.case_closure_request(actor=people.social_worker, case=case, reason="other", note="moved abroad")


def decide(client, case, decision, note=None):
    data = {} if note is None else {f"{case.pk}-note": note}
    return client.post(reverse("manage:closure-decide", args=[case.pk, decision]), data)


def test_the_closures_page_lists_requests_and_approving_closes_the_case(people, asked):
    client = client_for(people.manager)
    page = client.get(reverse("manage:closures"))
    assert [case.pk for case, _forms, _code in page.context["rows"]] == [asked.pk]
    assert "moved abroad" in page.content.decode()
    response = decide(client, asked, "approve")
    assert response.status_code == 302
    asked.refresh_from_db()
    assert (asked.status, asked.closure_approved_by) == ("closed", people.manager)
    assert client.get(reverse("manage:closures")).context["rows"] == []


def test_returning_needs_a_note_next_to_the_note_and_changes_nothing(people, asked):
    response = decide(client_for(people.manager), asked, "return", "  ")
    assert response.status_code == 400
    form = next(forms["return"] for case, forms, _code in response.context["rows"] if case.pk == asked.pk)
    assert form.errors["note"] == ["This field is required."]
    asked.refresh_from_db()
    assert asked.closure_pending


def test_returning_with_a_note_reopens_the_request(people, asked):
    assert decide(client_for(people.manager), asked, "return", "Visit the family first").status_code == 302
    asked.refresh_from_db()
    assert not asked.closure_pending and asked.status != "closed"


def test_a_manager_cannot_approve_a_closure_they_asked_for(people, orgs):
    case = open_case(people.social_worker)
    Case.objects.filter(pk=case.pk).update(closure_requested_at=timezone.now(), closure_requested_by=people.manager)
    Case.objects.filter(pk=case.pk).update(closure_reason="reintegrated")
    response = decide(client_for(people.manager), case, "approve")
    assert response.status_code == 403
    assert "Another manager must approve a closure you asked for." in response.content.decode()
    case.refresh_from_db()
    assert case.status != "closed"


def test_a_case_out_of_sight_is_404(people, asked):
    other = make_user("mgr-sv", people.outsider.organisation, Role.MANAGER)
    assert decide(client_for(other), asked, "approve").status_code == 404
    assert decide(client_for(people.manager), asked, "explode").status_code == 404
    asked.refresh_from_db()
    assert asked.status != "closed"


def test_approving_a_case_already_decided_says_so(people, asked):
    client = client_for(people.manager)
    assert decide(client, asked, "approve").status_code == 302
    response = decide(client, asked, "approve")
    assert response.status_code == 400
    assert "Nobody has asked to close this case." in response.context["refused"]


def test_the_closures_page_costs_the_same_with_more_requests(people, asked, django_assert_max_num_queries):
    for _ in range(5):
        case = open_case(people.social_worker, identified_on=date(2026, 2, 1))
        cases.case_closure_request(actor=people.social_worker, case=case, reason="lost_contact")
    client = client_for(people.manager)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("manage:closures")).status_code == 200


def test_every_number_of_the_workload_page_links_to_the_cases_behind_it(people, team):
    """Issue 17: each count (totals and per worker) links to the case list filtered to its cases,
    and that list holds as many cases as the number says (each overdue visit here is on its own case)."""
    client = client_for(people.manager)
    html = client.get(reverse("manage:workload")).content.decode()
    links = re.findall(r'<a href="(/cases/\?[^"]+)">(?:[^<]*<strong>)?(\d+)<', html)
    assert len(links) >= 3 + 4 * 3  # three totals, four numbers on each of the three rows
    for href, number in links:
        response = client.get(unescape(href))
        assert response.status_code == 200
        assert response.context["page"].paginator.count == int(number), href
