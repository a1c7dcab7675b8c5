"""Risk flags (issue 20.2): raised and cleared by the case's workers and managers, seen with the
case; an urgent flag alerts the assigned worker and the owner's managers at once (case code
only); the review-by date is a reminder; several cases flagged at once."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from accounts.models import AuditAction, AuditEvent, Notification, ReminderOccurrence, Role
from casework import permissions
from casework.models import CaseEvent, CaseFlag, Person
from casework.services import flags
from core.errors import ApplicationError, NotFound
from notifications.delivery import build_message
from notifications.engine import tick
from tests.factories import make_user, open_case
from tests.permission_checks import assert_predicate_matches_filter

pytestmark = pytest.mark.django_db
REASON = "Trafficker seen near the family home"


def test_a_worker_raises_a_flag_with_audit_and_timeline_without_the_reason(people, case):
    flag = flags.case_flag_raise(actor=people.social_worker, case=case, level="high", reason=REASON)
    assert (flag.level, flag.reason, flag.raised_by, flag.cleared_at) == ("high", REASON, people.social_worker, None)
    event = CaseEvent.objects.get(case=case, kind="flag_raised")
    assert event.data == {"level": "high"}
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="casework.caseflag").count() == 1
    assert not Notification.objects.filter(occurrence__rule="urgent_flag").exists()  # not urgent


def test_bad_input_is_refused_by_field_and_nothing_saved(people, case):
    with pytest.raises(ApplicationError) as refused:
        flags.case_flag_raise(
            actor=people.social_worker, case=case, level="dire", reason=" ", review_by=date(2000, 1, 1)
        )
    assert set(refused.value.fields) == {"level", "reason", "review_by"}
    assert not CaseFlag.objects.exists()


def test_who_may_raise_and_who_sees(people, case):
    assert permissions.raise_flag.allows(people.manager, case)
    assert not permissions.raise_flag.allows(people.police, case)
    with pytest.raises(NotFound):
        flags.case_flag_raise(actor=people.outsider, case=case, level="low", reason=REASON)
    other = open_case(people.outsider)
    assert_predicate_matches_filter(permissions.raise_flag, people.all, [case, other])
    flag = flags.case_flag_raise(actor=people.manager, case=case, level="low", reason=REASON)
    assert_predicate_matches_filter(permissions.view_flag, people.all, [flag])
    assert permissions.view_flag.allows(people.social_worker, flag)
    assert not permissions.view_flag.allows(people.outsider, flag)


def test_an_urgent_flag_alerts_the_worker_and_the_managers_with_the_case_code_only(people, orgs, case):
    deputy = make_user("mgr-deputy", orgs.mlsw_vt, Role.MANAGER, email="deputy@example.org")
    colleague = make_user("sw-colleague", orgs.mlsw_vt, Role.SOCIAL_WORKER)
    flag = flags.case_flag_raise(actor=colleague, case=case, level="urgent", reason=REASON)
    told = Notification.objects.select_related("occurrence", "user").filter(occurrence__rule="urgent_flag")
    assert {n.user for n in told} == {people.social_worker, people.manager, deputy}
    assert {n.occurrence.case_code for n in told} == {case.person.case_code}
    message = build_message(told.get(user=deputy))
    text = message.subject + message.body
    assert case.person.case_code in text
    person = Person.objects.get(pk=case.person_id)
    for private in (person.given_name_latin, person.family_name_latin, REASON):
        assert private not in text
    flags.case_flag_clear(actor=people.manager, flag=flag, reason="Family moved")
    assert ReminderOccurrence.objects.get(rule="urgent_flag").resolved_at is not None
    assert CaseEvent.objects.filter(case=case, kind="flag_cleared").exists()


def test_the_one_who_raises_it_is_not_alerted(people, case):
    flags.case_flag_raise(actor=people.social_worker, case=case, level="urgent", reason=REASON)
    told = {n.user for n in Notification.objects.filter(occurrence__rule="urgent_flag")}
    assert told == {people.manager}


def test_clearing_needs_a_reason_and_happens_once(people, case):
    flag = flags.case_flag_raise(actor=people.social_worker, case=case, level="medium", reason=REASON)
    with pytest.raises(ApplicationError) as refused:
        flags.case_flag_clear(actor=people.social_worker, flag=flag, reason="")
    assert "reason" in refused.value.fields
    flags.case_flag_clear(actor=people.social_worker, flag=flag, reason="Risk gone")
    flag.refresh_from_db()
    assert (flag.cleared_by, flag.clear_reason) == (people.social_worker, "Risk gone")
    with pytest.raises(ApplicationError):
        flags.case_flag_clear(actor=people.social_worker, flag=flag, reason="again")


def test_the_review_date_becomes_a_reminder_until_cleared(people, case):
    today = date.today()
    flag = flags.case_flag_raise(
        actor=people.social_worker, case=case, level="high", reason=REASON, review_by=today + timedelta(days=1)
    )
    later = datetime.combine(today + timedelta(days=2), datetime.min.time(), tzinfo=UTC)
    tick(now=later)
    due = ReminderOccurrence.objects.get(rule="flag_review_due")
    assert (due.object_id, due.resolved_at) == (flag.pk, None)
    flags.case_flag_clear(actor=people.social_worker, flag=flag, reason="Reviewed", now=later)
    tick(now=later + timedelta(hours=1))
    due.refresh_from_db()
    assert due.resolved_at is not None


def test_several_cases_at_once_in_one_transaction_with_refusals_listed(people, case):
    second = open_case(people.social_worker)
    outsiders = open_case(people.outsider)
    result = flags.case_flags_raise_many(
        actor=people.social_worker,
        case_ids=[case.pk, second.pk, outsiders.pk, "not-an-id"],
        level="high",
        reason=REASON,
    )
    assert {flag.case_id for flag in result.flagged} == {case.pk, second.pk}
    assert (result.refused, result.not_found) == ([], 2)
    with pytest.raises(ApplicationError):
        flags.case_flags_raise_many(actor=people.social_worker, case_ids=[case.pk], level="high", reason="")
    assert CaseFlag.objects.count() == 2
