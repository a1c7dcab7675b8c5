"""Follow-up visits 1, 3, 6 and 12 calendar months after reintegration (by default), an
organisation's own cadence, re-planning only the visits still to come, and their reminders."""

from __future__ import annotations

import importlib
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, ReminderOccurrence, User
from casework.cadence import MonthsField, add_months, validate_months, visit_dates
from casework.models import CaseEvent, FollowUpPolicy, FollowUpVisit
from casework.services import assistance, follow_ups
from core.errors import ApplicationError, PermissionDenied
from notifications import engine
from notifications.window import day_start
from tests.factories import open_case
from tests.notifications.reminders import occurrences, tick_at

pytestmark = pytest.mark.django_db

END_OF_JANUARY = date(2026, 1, 31)


def at_noon(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time())) + timedelta(hours=12)


def due_days(case) -> list[tuple[date, bool]]:  # type: ignore[no-untyped-def]
    """(due date, recorded) of the case's visits, in order."""
    return [(v.due_on, v.done_on is not None) for v in FollowUpVisit.objects.filter(case=case).order_by("due_on")]


# --- Calendar months -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (END_OF_JANUARY, 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),  # a leap year
        (END_OF_JANUARY, 3, date(2026, 4, 30)),
        (END_OF_JANUARY, 6, date(2026, 7, 31)),
        (END_OF_JANUARY, 12, date(2027, 1, 31)),
        (date(2026, 12, 31), 1, date(2027, 1, 31)),
        (date(2026, 8, 31), 6, date(2027, 2, 28)),
        (date(2026, 3, 15), 60, date(2031, 3, 15)),
    ],
)
def test_visits_fall_whole_calendar_months_later_on_the_last_day_of_a_shorter_month(start, months, expected):
    assert add_months(start, months) == expected


def test_the_default_visits_are_not_30_day_multiples():
    assert visit_dates([1, 3, 6, 12], date(2026, 3, 1)) == [
        date(2026, 4, 1),
        date(2026, 6, 1),
        date(2026, 9, 1),
        date(2027, 3, 1),
    ]


@pytest.mark.parametrize(
    ("months", "code"),
    [([], "empty"), ([0, 3], "out_of_range"), ([1, 61], "out_of_range"), ([3, 1], "not_ascending"),
     ([1, 3, 3, 12], "not_ascending"), ([1, "3"], "invalid"), ([True], "invalid")],
)  # fmt: skip
def test_a_cadence_is_whole_months_1_to_60_ascending_each_once(months, code):
    with pytest.raises(ValidationError) as refused:
        validate_months(months)
    assert refused.value.code == code
    validate_months([1, 3, 6, 12])


@pytest.mark.parametrize(
    ("typed", "cleaned"), [("1, 3, 6, 12", [1, 3, 6, 12]), ("1,3 6  12", [1, 3, 6, 12]), (" 2 ", [2])]
)
def test_the_months_field_reads_what_a_person_types(typed, cleaned):
    assert MonthsField().clean(typed) == cleaned


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1, 3, six", "Give whole months separated by commas, e.g. 1, 3, 6, 12."),
        ("1; 3", "Give whole months separated by commas, e.g. 1, 3, 6, 12."),
        ("-1, 3", "Give whole months separated by commas, e.g. 1, 3, 6, 12."),
        ("0, 3", "Each month must be from 1 to 60."),
        ("6, 3", "List the months from the first to the last, each once, e.g. 1, 3, 6, 12."),
        ("", "This field is required."),
    ],
)
def test_the_months_field_says_what_is_wrong(typed, message):
    with pytest.raises(ValidationError) as refused:
        MonthsField().clean(typed)
    assert refused.value.messages == [message]


@pytest.mark.parametrize(
    ("interval_days", "duration_days", "months"),
    [(30, 365, list(range(1, 13))), (90, 365, [3, 6, 9, 12]), (400, 365, [13]), (30, 3650, None)],
)
def test_the_migration_turns_old_day_policies_into_the_nearest_months(interval_days, duration_days, months):
    migration = importlib.import_module("casework.migrations.0010_follow_up_months_after_reintegration")
    converted = migration.months_of(interval_days, duration_days)
    if months is None:  # ten years: capped at 60 months, still a valid cadence
        assert converted[-1] == 60
    else:
        assert converted == months
    validate_months(converted)


# --- Planning --------------------------------------------------------------------------------------
def test_reintegration_on_31_january_plans_visits_at_1_3_6_and_12_months(case):
    assert FollowUpPolicy.objects.get(is_default=True).months == [1, 3, 6, 12]
    assert follow_ups.follow_ups_schedule(case=case, start=END_OF_JANUARY) == 4
    visits = FollowUpVisit.objects.filter(case=case).order_by("due_on")
    assert [(v.due_on, v.reintegrated_on) for v in visits] == [
        (date(2026, 2, 28), END_OF_JANUARY),
        (date(2026, 4, 30), END_OF_JANUARY),
        (date(2026, 7, 31), END_OF_JANUARY),
        (date(2027, 1, 31), END_OF_JANUARY),
    ]


def test_the_plans_choice_then_the_organisations_cadence_then_the_default_apply(people, orgs, case):
    default = FollowUpPolicy.objects.get(is_default=True)
    assert follow_ups.policy_for(case) == default
    own = follow_ups.organisation_cadence_save(actor=people.manager, organisation=orgs.mlsw_vt, months=[2, 4])
    assert follow_ups.policy_for(case) == own
    other = open_case(people.counsellor)  # owned by another organisation: still the default
    assert follow_ups.policy_for(other) == default
    monthly = FollowUpPolicy.objects.get(code="monthly-one-year")
    assistance.plan_save(actor=people.social_worker, case=case, summary="", goals=[], follow_up_policy=monthly)
    assert follow_ups.policy_for(case) == monthly


def test_only_the_organisations_managers_set_its_cadence_and_bad_months_are_refused(people, orgs):
    with pytest.raises(PermissionDenied):
        follow_ups.organisation_cadence_save(actor=people.social_worker, organisation=orgs.mlsw_vt, months=[1])
    with pytest.raises(PermissionDenied):
        follow_ups.organisation_cadence_save(actor=people.manager, organisation=orgs.lwu, months=[1])
    with pytest.raises(ApplicationError) as refused:
        follow_ups.organisation_cadence_save(actor=people.manager, organisation=orgs.mlsw_vt, months=[6, 3])
    assert list(refused.value.fields) == ["months"]
    assert not FollowUpPolicy.objects.filter(organisation__isnull=False).exists()


# --- Re-planning: only the visits still to come ----------------------------------------------------
def test_a_new_cadence_changes_only_future_unrecorded_visits(people, orgs, case):
    follow_ups.follow_ups_schedule(case=case, start=END_OF_JANUARY)
    first = case.follow_ups.get(due_on=date(2026, 2, 28))
    july = case.follow_ups.get(due_on=date(2026, 7, 31))
    with time_machine.travel(at_noon(date(2026, 5, 10)), tick=False):
        follow_ups.follow_up_record(actor=people.social_worker, visit=first, done_on=date(2026, 3, 2))
        follow_ups.organisation_cadence_save(
            actor=people.manager, organisation=orgs.mlsw_vt, months=[1, 2, 3, 6, 9, 12]
        )
    # Recorded (Feb) and overdue (Apr) visits stay; March, now past, is not added; Oct is.
    assert due_days(case) == [
        (date(2026, 2, 28), True),
        (date(2026, 4, 30), False),
        (date(2026, 7, 31), False),
        (date(2026, 10, 31), False),
        (date(2027, 1, 31), False),
    ]
    assert case.follow_ups.filter(pk=july.pk).exists()  # an unchanged visit is kept, not recreated
    with time_machine.travel(at_noon(date(2026, 5, 10)), tick=False):
        follow_ups.organisation_cadence_save(actor=people.manager, organisation=orgs.mlsw_vt, months=[1, 3])
    assert due_days(case) == [(date(2026, 2, 28), True), (date(2026, 4, 30), False)]
    events = CaseEvent.objects.filter(case=case, kind="follow_ups_replanned").order_by("id")
    assert [(e.data["added"], e.data["removed"]) for e in events] == [(1, 0), (0, 3)]
    assert AuditEvent.objects.filter(object_type="casework.followuppolicy", action="update").count() == 1


def test_the_organisations_cadence_leaves_cases_whose_plan_chose_a_policy(people, orgs, case):
    monthly = FollowUpPolicy.objects.get(code="monthly-one-year")
    assistance.plan_save(actor=people.social_worker, case=case, summary="", goals=[], follow_up_policy=monthly)
    with time_machine.travel(at_noon(END_OF_JANUARY), tick=False):
        follow_ups.follow_ups_schedule(case=case, start=END_OF_JANUARY)
        follow_ups.organisation_cadence_save(actor=people.manager, organisation=orgs.mlsw_vt, months=[2])
    assert len(due_days(case)) == 12


def test_choosing_another_policy_in_the_plan_replans_the_visits_to_come(people, case):
    with time_machine.travel(at_noon(date(2026, 3, 15)), tick=False):
        follow_ups.follow_ups_schedule(case=case, start=END_OF_JANUARY)
        monthly = FollowUpPolicy.objects.get(code="monthly-one-year")
        assistance.plan_save(actor=people.social_worker, case=case, summary="", goals=[], follow_up_policy=monthly)
    dates = [due for due, _recorded in due_days(case)]
    assert dates[0] == date(2026, 2, 28)  # past and unrecorded: still to be done, kept
    assert dates[1:] == [add_months(END_OF_JANUARY, month) for month in range(2, 13)]  # from 31 March on


def test_visits_planned_before_the_return_home_was_kept_are_never_replanned(people, orgs, case):
    FollowUpVisit.objects.create(case=case, due_on=date(2026, 6, 1))
    with time_machine.travel(at_noon(date(2026, 3, 1)), tick=False):
        follow_ups.organisation_cadence_save(actor=people.manager, organisation=orgs.mlsw_vt, months=[1])
    assert due_days(case) == [(date(2026, 6, 1), False)]


def test_changing_the_shared_default_in_the_admin_replans_the_cases_that_follow_it(client, people, case):
    User.objects.filter(pk=people.admin.pk).update(is_staff=True)
    client.force_login(User.objects.get(pk=people.admin.pk))
    url = reverse("admin:casework_followuppolicy_change", args=["reintegration-milestones"])
    form = {"code": "reintegration-milestones", "name_en": "Milestones", "is_default": "on"}
    refused = client.post(url, {**form, "months": "3, 1"})
    assert refused.status_code == 200 and "List the months from the first to the last" in refused.content.decode()
    with time_machine.travel(at_noon(date(2026, 3, 15)), tick=False):
        follow_ups.follow_ups_schedule(case=case, start=END_OF_JANUARY)
        assert client.post(url, {**form, "months": "1, 3, 12"}).status_code == 302
    assert FollowUpPolicy.objects.get(is_default=True).months == [1, 3, 12]
    assert [due for due, _recorded in due_days(case)] == [date(2026, 2, 28), date(2026, 4, 30), date(2027, 1, 31)]


def test_a_plan_chooses_only_a_shared_policy_through_the_api(api, people, orgs, case):
    own = follow_ups.organisation_cadence_save(actor=people.manager, organisation=orgs.mlsw_vt, months=[2])
    api.force_authenticate(people.social_worker)
    url = reverse("v1:case-plan", args=[case.pk])
    refused = api.put(url, {"summary": "", "goals": [], "follow_up_policy": own.code}, format="json")
    assert refused.status_code == 400 and "follow_up_policy" in refused.json()["errors"]
    chosen = api.put(url, {"summary": "", "goals": [], "follow_up_policy": "monthly-one-year"}, format="json")
    assert chosen.status_code == 200 and chosen.json()["follow_up_policy"] == "monthly-one-year"


# --- Reminders -----------------------------------------------------------------------------------
def test_each_visit_reminds_on_its_day_and_closes_when_recorded(people, case):
    follow_ups.follow_ups_schedule(case=case, start=END_OF_JANUARY)
    february, april = case.follow_ups.order_by("due_on")[:2]
    tick_at(day_start(date(2026, 2, 27)) + timedelta(hours=23))
    assert occurrences("follow_up_due") == []
    tick_at(day_start(date(2026, 2, 28)) + timedelta(hours=1))
    assert [o.object_id for o in occurrences("follow_up_due")] == [february.pk]
    tick_at(day_start(date(2026, 4, 30)) + timedelta(hours=1))
    assert [o.object_id for o in occurrences("follow_up_due")] == [february.pk, april.pk]
    assert [o.object_id for o in occurrences("follow_up_overdue")] == [february.pk]
    with time_machine.travel(at_noon(date(2026, 4, 30)), tick=False):
        follow_ups.follow_up_record(actor=people.social_worker, visit=february, done_on=date(2026, 4, 30))
    engine.resolve(now=day_start(date(2026, 4, 30)) + timedelta(hours=2))
    still_open = ReminderOccurrence.objects.filter(rule__startswith="follow_up", resolved_at__isnull=True)
    assert sorted((o.rule, o.object_id) for o in still_open) == [("follow_up_due", april.pk)]


def test_after_a_new_cadence_the_added_visits_remind_and_the_removed_ones_never_do(people, orgs, case):
    follow_ups.follow_ups_schedule(case=case, start=END_OF_JANUARY)
    for day in (date(2026, 2, 28), date(2026, 4, 30)):
        tick_at(day_start(day) + timedelta(hours=1))
    with time_machine.travel(at_noon(date(2026, 5, 10)), tick=False):
        follow_ups.organisation_cadence_save(actor=people.manager, organisation=orgs.mlsw_vt, months=[1, 3, 9])
    for day in (date(2026, 7, 31), date(2026, 10, 31), date(2027, 1, 31)):
        tick_at(day_start(day) + timedelta(hours=1))
    reminded = [FollowUpVisit.objects.get(pk=o.object_id).due_on for o in occurrences("follow_up_due")]
    assert reminded == [date(2026, 2, 28), date(2026, 4, 30), date(2026, 10, 31)]
