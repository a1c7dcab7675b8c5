from datetime import date

import pytest

from casework import permissions
from casework.models import CaseNote, FollowUpPolicy, Service, ServiceType
from casework.services import assistance, cases, follow_ups
from core.errors import ApplicationError, NotFound, PermissionDenied
from tests.factories import open_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def counselled_case(people):
    return open_case(people.counsellor)


def test_a_service_moves_from_planned_to_done_with_its_dates(people, case):
    service = assistance.service_add(
        actor=people.social_worker, case=case, service_type=ServiceType.objects.get(code="legal_aid")
    )
    assistance.service_set_status(
        actor=people.social_worker, service=service, status="in_progress", on=date(2026, 4, 1)
    )
    assistance.service_set_status(actor=people.social_worker, service=service, status="done", on=date(2026, 5, 1))
    service.refresh_from_db()
    assert (service.status, service.started_on, service.ended_on) == ("done", date(2026, 4, 1), date(2026, 5, 1))
    with pytest.raises(ApplicationError):
        assistance.service_set_status(actor=people.social_worker, service=service, status="planned")


def test_service_dates_must_be_in_order_and_not_in_the_future(people, case):
    shelter = ServiceType.objects.get(code="shelter")
    with pytest.raises(ApplicationError) as error:
        assistance.service_add(
            actor=people.social_worker,
            case=case,
            service_type=shelter,
            started_on=date(2026, 5, 2),
            ended_on=date(2026, 5, 1),
        )
    assert "ended_on" in error.value.fields
    with pytest.raises(ApplicationError):
        assistance.service_add(actor=people.social_worker, case=case, service_type=shelter, started_on=date(2999, 1, 1))
    assert not Service.objects.exists()


def test_only_people_who_may_change_the_case_add_services(people, case):
    legal = ServiceType.objects.get(code="legal_aid")
    with pytest.raises(PermissionDenied):
        assistance.service_add(actor=people.manager, case=case, service_type=legal)
    with pytest.raises(NotFound):
        assistance.service_add(actor=people.outsider, case=case, service_type=legal)


def test_police_never_see_health_services(people, orgs, case):
    medical = assistance.service_add(
        actor=people.social_worker, case=case, service_type=ServiceType.objects.get(code="medical_care")
    )
    legal = assistance.service_add(
        actor=people.social_worker, case=case, service_type=ServiceType.objects.get(code="legal_aid")
    )
    cases.case_share(actor=people.social_worker, case=case, organisation=orgs.police, purpose="investigation")
    assert set(permissions.view_service.scope(people.police)) == {legal}
    assert not permissions.view_service.allows(people.police, medical)
    assert set(permissions.view_service.scope(people.social_worker)) == {legal, medical}


def test_counselling_and_medical_notes_are_tier_3_for_the_assigned_counsellor_only(people, orgs, counselled_case):
    note = assistance.note_add(
        actor=people.counsellor, case=counselled_case, text="session 1", kind="counselling", tier=1
    )
    assert note.tier == 3
    general = assistance.note_add(actor=people.counsellor, case=counselled_case, text="called the family")
    cases.case_share(actor=people.counsellor, case=counselled_case, organisation=orgs.police, purpose="investigation")
    lwu_manager = people.manager  # a manager of another organisation sees nothing here
    assert set(permissions.view_note.scope(people.counsellor)) == {note, general}
    assert set(permissions.view_note.scope(people.police)) == {general}
    assert not permissions.view_note.allows(lwu_manager, general)


def test_a_social_worker_cannot_write_tier_3(people, case):
    with pytest.raises(PermissionDenied):
        assistance.note_add(actor=people.social_worker, case=case, text="x", kind="medical")
    with pytest.raises(ApplicationError):
        assistance.note_add(actor=people.social_worker, case=case, text="   ")
    assert not CaseNote.objects.exists()


def test_a_case_plan_needs_a_goal_and_another_persons_approval(people, case):
    plan = assistance.plan_save(actor=people.social_worker, case=case, summary="return to school", goals=[])
    with pytest.raises(ApplicationError):
        assistance.plan_submit(actor=people.social_worker, plan=plan)
    plan = assistance.plan_save(
        actor=people.social_worker,
        case=case,
        summary="return to school",
        goals=[{"support_type": "education", "objective": "enrol in grade 7", "target_date": date(2026, 9, 1)}],
    )
    assistance.plan_submit(actor=people.social_worker, plan=plan)
    with pytest.raises(ApplicationError):
        assistance.plan_save(actor=people.social_worker, case=case, summary="changed", goals=[])
    with pytest.raises(PermissionDenied):
        assistance.plan_approve(actor=people.social_worker, plan=plan)
    assistance.plan_return(actor=people.manager, plan=plan, reason="add vocational training")
    assistance.plan_submit(actor=people.social_worker, plan=plan)
    assistance.plan_approve(actor=people.manager, plan=plan)
    plan.refresh_from_db()
    assert (plan.status, plan.approved_by) == ("approved", people.manager)
    revised = assistance.plan_save(
        actor=people.social_worker,
        case=case,
        summary="revised",
        goals=[{"support_type": "livelihood", "objective": "sewing course"}],
    )
    assert (revised.status, revised.approved_by, revised.goals.count()) == ("draft", None, 1)


def test_follow_up_visits_follow_the_policy_and_are_scheduled_once(people, case):
    policy = FollowUpPolicy.objects.get(is_default=True)
    created = follow_ups.follow_ups_schedule(case=case, start=date(2026, 1, 1))
    assert created == len(policy.months)
    assert follow_ups.follow_ups_schedule(case=case, start=date(2026, 1, 1)) == 0
    visit = case.follow_ups.first()
    follow_ups.follow_up_record(actor=people.social_worker, visit=visit, done_on=date(2026, 2, 1))
    with pytest.raises(ApplicationError):
        follow_ups.follow_up_record(actor=people.social_worker, visit=visit, done_on=date(2026, 2, 2))
