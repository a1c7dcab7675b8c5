"""The reminder engine against the real database: each rule falls due at its time, is stored
once, tells the worker once, escalates once, and closes when its condition is gone. Time is the
`now` passed to the tick, never a sleep."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import EmailState, Notification, ReminderOccurrence, ReminderSetting, ReminderWatermark
from casework.models import FollowUpPolicy
from casework.services import assistance, follow_ups
from notifications import engine
from notifications.services import reminder_setting_save
from notifications.window import day_start
from referrals import services as referral_services
from tests.concurrency import run_concurrently
from tests.factories import open_case
from tests.notifications.reminders import days, occurrences, tick_at, told
from tests.referrals import sent_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(people):  # type: ignore[no-untyped-def]
    """The personas, the social worker and the manager with e-mail addresses."""
    for user in (people.social_worker, people.manager):
        user.email = f"{user.username}@example.org"
        user.save(update_fields=["email"])
    return people


def test_a_silent_case_falls_due_after_30_days_and_tells_its_worker_once(people, case):
    opened = case.created_at
    assert tick_at(opened + days(29))["occurrences"] == 0
    result = tick_at(
        opened
        + days(
            30,
        )
        + timedelta(minutes=1)
    )
    assert result["occurrences"] == 1 and result["notified"] == 1
    [occurrence] = occurrences("case_without_note")
    assert occurrence.object_id == case.pk and occurrence.due_at == opened + days(30)
    assert occurrence.case_code == case.person.case_code and occurrence.recipient == people.social_worker
    [notification] = told(people.social_worker)
    assert notification.email_state == EmailState.PENDING and not notification.escalation

    # Beat runs again, and again later: nothing new.
    assert tick_at(opened + days(30) + timedelta(minutes=2))["occurrences"] == 0
    assert tick_at(opened + days(31))["notified"] == 0
    assert len(told(people.social_worker)) == 1


def test_a_note_closes_the_reminder_and_restarts_the_clock(people, case):
    tick_at(case.created_at + days(31))
    with time_machine.travel(case.created_at + days(31), tick=False):
        note = assistance.note_add(actor=people.social_worker, case=case, text="home visit")
    result = tick_at(case.created_at + days(31) + timedelta(minutes=1))
    assert result["resolved"] == 1
    assert occurrences("case_without_note")[0].resolved_at is not None
    # 30 days after that note it is due again: a new occurrence under a new due time.
    tick_at(note.written_at + days(30) + timedelta(minutes=1))
    assert [o.due_at for o in occurrences("case_without_note", resolved_at__isnull=True)] == [
        note.written_at + days(30)
    ]


def test_referral_reminders_fall_due_after_3_and_7_days_and_close_on_acknowledgement(people, orgs, case):
    referral = sent_for(people.social_worker, case, orgs.lwu)
    tick_at(referral.sent_at + days(3) + timedelta(seconds=1))
    assert len(occurrences("referral_unacknowledged")) == 1
    assert occurrences("referral_unanswered") == []
    referral_services.referral_acknowledge(referral=referral, actor=people.counsellor)
    tick_at(referral.sent_at + days(7) + timedelta(seconds=1))
    assert occurrences("referral_unacknowledged")[0].resolved_at is not None
    [unanswered] = occurrences("referral_unanswered")
    assert unanswered.resolved_at is None and unanswered.object_id == referral.pk


def test_follow_up_visits_remind_on_the_day_and_a_week_later_until_recorded(people, case):
    start = timezone.localdate() - timedelta(days=40)
    policy = FollowUpPolicy.objects.get(is_default=True)
    follow_ups.follow_ups_schedule(case=case, start=start, policy=policy)
    first = case.follow_ups.order_by("due_on").first()
    tick_at(day_start(first.due_on) + timedelta(hours=1))
    assert [o.object_id for o in occurrences("follow_up_due")] == [first.pk]
    assert occurrences("follow_up_overdue") == []
    tick_at(day_start(first.due_on) + days(7) + timedelta(hours=1))
    assert [o.object_id for o in occurrences("follow_up_overdue")] == [first.pk]
    follow_ups.follow_up_record(actor=people.social_worker, visit=first, done_on=first.due_on)
    engine.resolve(now=timezone.now())
    assert not ReminderOccurrence.objects.filter(rule__startswith="follow_up", resolved_at__isnull=True).exists()


def test_a_repatriation_step_past_due_reminds_the_day_after(people, case):
    from accounts.models import Country
    from casework.services import repatriation

    trip = repatriation.repatriation_start(
        actor=people.social_worker, case=case, flow="thailand_mou", from_country=Country.objects.get(code="TH")
    )
    step = trip.steps.filter(due_on__isnull=False).order_by("due_on").first()
    assert step is not None
    tick_at(day_start(step.due_on) + timedelta(hours=23))
    assert step.pk not in {o.object_id for o in occurrences("repatriation_step_overdue")}
    tick_at(day_start(step.due_on) + days(1) + timedelta(minutes=1))
    assert step.pk in {o.object_id for o in occurrences("repatriation_step_overdue")}


def test_the_organisation_can_switch_a_rule_off_or_shorten_it(people, orgs, case):
    reminder_setting_save(
        actor=people.manager,
        organisation=orgs.mlsw_vt,
        rule="case_without_note",
        enabled=False,
        days=30,
        escalate_after_days=3,
    )
    tick_at(case.created_at + days(31))
    assert occurrences("case_without_note") == []
    # Switched on again with 40 days: due at 40, not before.
    reminder_setting_save(
        actor=people.manager,
        organisation=orgs.mlsw_vt,
        rule="case_without_note",
        enabled=True,
        days=40,
        escalate_after_days=3,
    )
    tick_at(case.created_at + days(39))
    assert occurrences("case_without_note") == []
    # Shortened to 35 after the scan passed 35: the watermark moves back and it is found.
    reminder_setting_save(
        actor=people.manager,
        organisation=orgs.mlsw_vt,
        rule="case_without_note",
        enabled=True,
        days=10,
        escalate_after_days=3,
    )
    tick_at(case.created_at + days(39) + timedelta(minutes=1))
    assert [o.due_at for o in occurrences("case_without_note")] == [case.created_at + days(10)]


def test_an_open_reminder_escalates_to_the_managers_once_after_3_days(people, case):
    due = case.created_at + days(30)
    tick_at(due + timedelta(minutes=1))
    assert told(people.manager) == []
    tick_at(
        due
        + days(
            2,
        )
    )
    assert told(people.manager) == []
    result = tick_at(due + days(3) + timedelta(minutes=1))
    assert result["escalated"] == 1
    [escalation] = told(people.manager)
    assert escalation.escalation and escalation.occurrence.rule == "case_without_note"
    assert told(people.national_manager) == []  # another organisation's manager hears nothing
    assert tick_at(due + days(4))["escalated"] == 0
    assert len(told(people.manager)) == 1 and len(told(people.social_worker)) == 1


def test_a_case_without_a_worker_goes_to_the_managers_at_once(people, case):
    type(case).objects.filter(pk=case.pk).update(assigned_worker=None)
    tick_at(case.created_at + days(30) + timedelta(minutes=1))
    [occurrence] = occurrences("case_without_note")
    assert occurrence.recipient is None and occurrence.escalated_at is not None
    assert [n.escalation for n in told(people.manager)] == [True]


def test_a_manager_who_is_also_the_worker_is_told_once(people, orgs, case):
    worker = people.social_worker
    worker.roles = [*worker.roles, "manager"]
    worker.save(update_fields=["roles"])
    tick_at(case.created_at + days(33) + timedelta(minutes=1))
    assert len(told(worker)) == 1


def test_the_scan_is_incremental_a_due_time_before_the_watermark_and_grace_is_not_read(people, case, settings):
    """The window is (watermark - grace, now]: an object due long before it is not looked at."""
    settings.REMINDERS_SCAN_GRACE_HOURS = 1
    ReminderWatermark.objects.create(
        rule="case_without_note", scanned_until=case.created_at + days(40), ticked_at=timezone.now()
    )
    tick_at(case.created_at + days(41))
    assert occurrences("case_without_note") == []


def test_a_late_record_inside_the_grace_is_still_reminded(people, case, settings):
    settings.REMINDERS_SCAN_GRACE_HOURS = 48
    ReminderWatermark.objects.create(
        rule="case_without_note", scanned_until=case.created_at + days(31), ticked_at=timezone.now()
    )
    tick_at(case.created_at + days(31) + timedelta(minutes=1))
    assert len(occurrences("case_without_note")) == 1


def test_two_beats_at_once_store_and_tell_everything_once(people, case, transactional_db):
    other = open_case(people.social_worker)
    now = max(case.created_at, other.created_at) + days(34)

    results = run_concurrently(4, lambda index: None, lambda _: engine.tick(now=now))
    assert not [result for result in results if isinstance(result, Exception)], results
    assert ReminderOccurrence.objects.filter(rule="case_without_note").count() == 2
    assert Notification.objects.filter(user=people.social_worker).count() == 2
    assert Notification.objects.filter(user=people.manager, escalation=True).count() == 2


def test_a_tick_costs_the_same_number_of_queries_whatever_falls_due(people, case):
    """Set-based: one INSERT per rule whether one or six cases fall due (no query per object)."""
    with CaptureQueriesContext(connection) as one:
        tick_at(case.created_at + days(31))
    later = [open_case(people.social_worker) for _ in range(6)]
    with CaptureQueriesContext(connection) as six:
        tick_at(max(c.created_at for c in later) + days(31))
    assert ReminderOccurrence.objects.filter(rule="case_without_note").count() == 7
    assert len(six) == len(one)


def test_settings_are_validated_and_audited(people, orgs):
    from accounts.models import AuditEvent
    from core.errors import ApplicationError, PermissionDenied

    with pytest.raises(ApplicationError) as error:
        reminder_setting_save(
            actor=people.manager,
            organisation=orgs.mlsw_vt,
            rule="case_without_note",
            enabled=True,
            days=-1,
            escalate_after_days=0,
        )
    assert set(error.value.fields) == {"days", "escalate_after_days"}
    with pytest.raises(PermissionDenied):
        reminder_setting_save(
            actor=people.social_worker,
            organisation=orgs.mlsw_vt,
            rule="case_without_note",
            enabled=True,
            days=5,
            escalate_after_days=3,
        )
    with pytest.raises(PermissionDenied):
        reminder_setting_save(
            actor=people.national_manager,
            organisation=orgs.mlsw_vt,
            rule="case_without_note",
            enabled=True,
            days=5,
            escalate_after_days=3,
        )
    setting = reminder_setting_save(
        actor=people.manager,
        organisation=orgs.mlsw_vt,
        rule="case_without_note",
        enabled=True,
        days=5,
        escalate_after_days=2,
    )
    assert ReminderSetting.objects.get(pk=setting.pk).days == 5
    assert AuditEvent.objects.filter(object_id=str(setting.pk), action="update").exists()


def test_a_date_based_rule_falls_due_at_midnight_utc():
    assert day_start(date(2026, 3, 1)).isoformat() == "2026-03-01T00:00:00+00:00"


def test_a_screening_needing_further_assessment_reminds_after_7_days_until_rescreened(people, case):
    from casework.models import Indicator
    from casework.services import screening

    def screen(on: date) -> object:
        return screening.screening_record(
            actor=people.social_worker,
            case=case,
            place="shelter",
            screened_on=on,
            indicators=[(Indicator.objects.filter(element="act").values_list("code", flat=True).first(), "")],
            outcome="needs_further_assessment",
            override_reason="the interview was cut short",
        )

    first = screen(timezone.localdate() - timedelta(days=10))
    assert first.outcome == "needs_further_assessment"
    tick_at(day_start(first.screened_on + timedelta(days=7)) + timedelta(minutes=1))
    assert [o.object_id for o in occurrences("screening_needs_assessment")] == [first.pk]
    screen(timezone.localdate())  # assessed again: the first is no longer the latest
    engine.resolve(now=timezone.now())
    assert occurrences("screening_needs_assessment")[0].resolved_at is not None


def test_done_before_escalation_is_never_escalated_and_escalated_ones_close_in_the_full_pass(people, case):
    other = open_case(people.social_worker)
    due = other.created_at + days(30)
    tick_at(due + timedelta(minutes=1))
    with time_machine.travel(due + days(2), tick=False):
        assistance.note_add(actor=people.social_worker, case=case, text="called the family")
    result = tick_at(due + days(4))
    assert (result["resolved"], result["escalated"]) == (1, 1)
    [escalation] = told(people.manager)
    assert escalation.occurrence.object_id == other.pk
    with time_machine.travel(due + days(5), tick=False):
        assistance.note_add(actor=people.social_worker, case=other, text="visited")
    assert tick_at(due + days(5) + timedelta(minutes=1))["resolved"] == 0  # the tick skips escalated ones
    assert engine.resolve(now=due + days(5) + timedelta(minutes=2)) == 1  # reminders_resolve


def test_the_dashboard_shows_my_due_reminders_until_read(client, people, case):
    tick_at(case.created_at + days(30) + timedelta(minutes=1))
    [notification] = told(people.social_worker)
    code = case.person.case_code

    client.force_login(people.social_worker)
    html = client.get(reverse("home")).content.decode()
    panel = html[html.index("Due reminders") :]
    assert code in panel and "No reminders." not in panel

    client.force_login(people.police)  # nobody else's reminders
    assert "No reminders." in client.get(reverse("home")).content.decode()

    client.force_login(people.social_worker)
    client.post(reverse("notifications:read", args=[notification.pk]))
    panel = client.get(reverse("home")).content.decode()
    assert "No reminders." in panel[panel.index("Due reminders") :]
