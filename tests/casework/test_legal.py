"""Perpetrators and legal proceedings (issue 20.4): perpetrators are tier 3 with police access by
their own rule (the assigned counsellor and police who see the case; nobody else), linked to
several cases, each page showing only what the reader may see; proceedings move through their
stages by the table; a hearing reminds the case worker before it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from accounts.models import AuditAction, AuditEvent, Notification, ReminderOccurrence
from casework import legal_permissions, selectors
from casework.models import CaseEvent, Perpetrator
from casework.services import cases, perpetrators, proceedings
from core.errors import ApplicationError, Conflict, NotFound, PermissionDenied
from notifications.engine import tick
from tests.factories import open_case
from tests.permission_checks import assert_predicate_matches_filter

pytestmark = pytest.mark.django_db
BROKER = {"known_as": "Broker from Bokeo", "sex": "male", "age_band": "30_44"}


def share_with_police(people, orgs, case):  # type: ignore[no-untyped-def]
    """The social worker's case, shared with the police unit for the investigation."""
    cases.case_share(actor=people.social_worker, case=case, organisation=orgs.police, purpose="investigation")
    return case


@pytest.fixture
def shared(people, orgs, case):  # type: ignore[no-untyped-def]
    return share_with_police(people, orgs, case)


def test_police_record_a_perpetrator_audited_and_on_the_timeline_without_the_name(people, shared):
    link = perpetrators.perpetrator_add(
        actor=people.police, case=shared, roles=["recruiter", "transporter"], relation="neighbour", **BROKER
    )
    assert (link.roles, link.relation, link.perpetrator.known_as) == (
        ["recruiter", "transporter"],
        "neighbour",
        BROKER["known_as"],
    )
    event = CaseEvent.objects.get(case=shared, kind="perpetrator_added")
    assert "Broker" not in str(event.data)
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="casework.perpetrator").count() == 1


def test_tier_three_the_social_worker_and_the_manager_neither_see_nor_record_them(people, shared):
    perpetrators.perpetrator_add(actor=people.police, case=shared, roles=["exploiter"], **BROKER)
    assert selectors.case_perpetrators(user=people.social_worker, case=shared) is None
    assert not legal_permissions.view_case_perpetrators.allows(people.manager, shared)
    with pytest.raises(PermissionDenied):  # she sees the case: 403, not 404
        perpetrators.perpetrator_add(actor=people.social_worker, case=shared, roles=["exploiter"], **BROKER)
    with pytest.raises(NotFound):
        perpetrators.perpetrator_add(actor=people.outsider, case=shared, roles=["exploiter"], **BROKER)
    hidden = selectors.case_timeline(user=people.social_worker, case=shared)
    assert not hidden.filter(kind="perpetrator_added").exists()
    assert selectors.case_timeline(user=people.police, case=shared).filter(kind="perpetrator_added").exists()


def test_the_assigned_counsellor_records_them(people):
    case = open_case(people.counsellor)
    link = perpetrators.perpetrator_add(actor=people.counsellor, case=case, roles=["kidnapper"], known_as="X")
    assert selectors.case_perpetrators(user=people.counsellor, case=case) == [link]
    audit = AuditEvent.objects.filter(action=AuditAction.VIEW, object_type="casework.perpetrator")
    assert audit.count() == 1


def test_predicates_agree_with_their_filters(people, shared):
    counsellors = open_case(people.counsellor)
    closed_elsewhere = open_case(people.outsider)
    link = perpetrators.perpetrator_add(actor=people.police, case=shared, roles=["exploiter"], **BROKER)
    other = perpetrators.perpetrator_add(actor=people.counsellor, case=counsellors, roles=["recruiter"], known_as="Y")
    proceeding = proceedings.proceeding_open(actor=people.police, case=shared)
    hearing = proceedings.hearing_add(actor=people.social_worker, proceeding=proceeding, held_on=date(2030, 1, 5))
    every_case = [shared, counsellors, closed_elsewhere]
    for permission in (legal_permissions.view_case_perpetrators, legal_permissions.change_perpetrators):
        assert_predicate_matches_filter(permission, people.all, every_case)
    assert_predicate_matches_filter(legal_permissions.change_proceeding, people.all, every_case)
    assert_predicate_matches_filter(
        legal_permissions.view_perpetrator, people.all, [link.perpetrator, other.perpetrator]
    )
    assert_predicate_matches_filter(legal_permissions.view_perpetrator_link, people.all, [link, other])
    assert_predicate_matches_filter(legal_permissions.view_proceeding, people.all, [proceeding])
    assert_predicate_matches_filter(legal_permissions.view_hearing, people.all, [hearing])


def test_one_perpetrator_in_two_cases_each_reader_sees_only_their_cases(people, orgs, shared):
    link = perpetrators.perpetrator_add(actor=people.police, case=shared, roles=["recruiter"], **BROKER)
    police_own = open_case(people.police, registration_province=orgs.mlsw_vt.province)
    second = perpetrators.perpetrator_link(
        actor=people.police, case=police_own, perpetrator=link.perpetrator, roles=["exploiter"], relation="stranger"
    )
    perpetrator, shown = selectors.perpetrator_detail(user=people.police, perpetrator_id=link.perpetrator.pk)
    assert {item.case_id for item in shown} == {shared.pk, police_own.pk}
    with pytest.raises(Conflict):
        perpetrators.perpetrator_link(actor=people.police, case=police_own, perpetrator=perpetrator, roles=["other"])
    cases.case_share_revoke(actor=people.social_worker, share=shared.shares.get())
    _perpetrator, shown = selectors.perpetrator_detail(user=people.police, perpetrator_id=perpetrator.pk)
    assert [item.pk for item in shown] == [second.pk]  # the unshared case is gone from the page
    with pytest.raises(NotFound):
        selectors.perpetrator_detail(user=people.social_worker, perpetrator_id=perpetrator.pk)


def test_unlinking_the_last_case_removes_the_perpetrator(people, shared):
    link = perpetrators.perpetrator_add(actor=people.police, case=shared, roles=["recruiter"], **BROKER)
    perpetrators.perpetrator_update(actor=people.police, link=link, roles=["recruiter", "sold"], notes="Owns a van")
    link.refresh_from_db()
    assert (link.roles, link.perpetrator.notes) == (["recruiter", "sold"], "Owns a van")
    perpetrators.perpetrator_unlink(actor=people.police, link=link)
    assert not Perpetrator.objects.exists()
    assert CaseEvent.objects.filter(case=shared, kind="perpetrator_unlinked").exists()


def test_bad_input_is_refused_by_field(people, shared):
    with pytest.raises(ApplicationError) as refused:
        perpetrators.perpetrator_add(actor=people.police, case=shared, roles=["boss"], known_as="Z")
    assert set(refused.value.fields) == {"roles"}
    with pytest.raises(ApplicationError) as refused:
        perpetrators.perpetrator_add(actor=people.police, case=shared, roles=["other"], known_as=" ", sex="x")
    assert {"known_as", "sex"} <= set(refused.value.fields)
    assert not Perpetrator.objects.exists()


def test_proceedings_move_stage_by_stage_with_their_dates(people, shared):
    proceeding = proceedings.proceeding_open(
        actor=people.social_worker, case=shared, complaint_on=date(2026, 3, 3), support=["interpreter", "legal_aid"]
    )
    with pytest.raises(ApplicationError) as refused:
        proceedings.proceeding_move(actor=people.police, proceeding=proceeding, stage="verdict")
    assert "stage" in refused.value.fields
    for stage, day in (("investigation", 4), ("prosecution", 5), ("trial", 6), ("verdict", 7)):
        proceedings.proceeding_move(actor=people.police, proceeding=proceeding, stage=stage, on=date(2026, 3, day))
    proceedings.proceeding_move(
        actor=people.police, proceeding=proceeding, stage="sentence", on=date(2026, 3, 8), outcome="convicted"
    )
    proceeding.refresh_from_db()
    assert (proceeding.stage, proceeding.trial_on, proceeding.outcome) == ("sentence", date(2026, 3, 6), "convicted")
    with pytest.raises(ApplicationError):
        proceedings.proceeding_move(actor=people.police, proceeding=proceeding, stage="verdict")
    events = CaseEvent.objects.filter(case=shared, kind="proceeding_stage_changed").order_by("at", "id")
    assert [event.data["new"] for event in events] == ["investigation", "prosecution", "trial", "verdict", "sentence"]


def test_closing_needs_the_outcome_and_a_closed_proceeding_takes_no_hearing(people, shared):
    proceeding = proceedings.proceeding_open(actor=people.police, case=shared)
    with pytest.raises(ApplicationError) as refused:
        proceedings.proceeding_move(actor=people.police, proceeding=proceeding, stage="closed")
    assert "outcome" in refused.value.fields
    proceedings.proceeding_move(actor=people.police, proceeding=proceeding, stage="closed", outcome="withdrawn")
    with pytest.raises(ApplicationError):
        proceedings.hearing_add(actor=people.police, proceeding=proceeding, held_on=date(2030, 1, 1))


def test_the_manager_reads_proceedings_but_does_not_record_them(people, shared):
    proceeding = proceedings.proceeding_open(actor=people.social_worker, case=shared)
    assert selectors.case_proceedings(user=people.manager, case=shared) == [proceeding]
    with pytest.raises(PermissionDenied):
        proceedings.proceeding_update(actor=people.manager, proceeding=proceeding, court="Vientiane People's Court")
    with pytest.raises(NotFound):
        proceedings.proceeding_open(actor=people.outsider, case=shared)


def test_a_hearing_reminds_the_case_worker_days_before_until_removed(people, shared):
    today = date.today()
    proceeding = proceedings.proceeding_open(actor=people.social_worker, case=shared)
    hearing = proceedings.hearing_add(
        actor=people.social_worker, proceeding=proceeding, held_on=today + timedelta(days=10), kind="trial"
    )
    not_yet = datetime.combine(today + timedelta(days=2), datetime.min.time(), tzinfo=UTC)
    tick(now=not_yet)  # 8 days before: the 7-day rule has not fallen due
    assert not ReminderOccurrence.objects.filter(rule="hearing_upcoming").exists()
    due_day = datetime.combine(today + timedelta(days=3), datetime.min.time(), tzinfo=UTC)
    tick(now=due_day + timedelta(hours=1))
    due = ReminderOccurrence.objects.get(rule="hearing_upcoming")
    assert (due.object_id, due.due_at, due.recipient_id) == (hearing.pk, due_day, people.social_worker.pk)
    assert Notification.objects.filter(occurrence=due, user=people.social_worker).exists()
    proceedings.hearing_remove(actor=people.social_worker, hearing=hearing)
    tick(now=due_day + timedelta(hours=2))
    due.refresh_from_db()
    assert due.resolved_at is not None


def test_her_subject_access_export_holds_her_proceedings_but_not_the_perpetrators(people, orgs):
    from casework.models import Person
    from casework.services.subject_access import subject_access_export

    adult = open_case(
        people.social_worker,
        person_values={"given_name_latin": "A", "sex": "female", "date_of_birth": date(1990, 1, 1)},
    )
    share_with_police(people, orgs, adult)
    perpetrators.perpetrator_add(actor=people.police, case=adult, roles=["recruiter"], **BROKER)
    proceeding = proceedings.proceeding_open(actor=people.social_worker, case=adult, court="Vientiane")
    proceedings.hearing_add(actor=people.social_worker, proceeding=proceeding, held_on=date(2030, 1, 5))
    document = subject_access_export(actor=people.manager, person=Person.objects.get(pk=adult.person_id))
    [exported] = document["cases"][0]["legal_proceedings"]
    assert (exported["court"], [h["held_on"] for h in exported["hearings"]]) == ("Vientiane", [date(2030, 1, 5)])
    assert BROKER["known_as"] not in str(document) and "perpetrator_added" not in str(document)
