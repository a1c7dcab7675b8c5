"""Scan, store, escalate and resolve: what the beat's `reminders_tick` runs every minute.

Exactly once, by construction:
- an occurrence is inserted under its natural key (rule, object, due time) with ON CONFLICT DO
  NOTHING, and its worker's notification is inserted in the same statement from the rows that
  were really new, so a second scan, a second beat or a redelivered task tells nobody again;
- each rule's watermark row is locked (SKIP LOCKED) for the scan and moved in the same
  transaction as the inserts: a killed scan rolls back whole and the next one redoes it;
- an escalation marks the occurrence and inserts the managers' notifications in one statement,
  over rows locked with SKIP LOCKED, so two ticks never escalate one occurrence twice;
- notifications are unique per (occurrence, user) in the database as the last line of defence.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import (
    EmailState,
    Notification,
    ReminderOccurrence,
    ReminderSetting,
    ReminderWatermark,
    Role,
    User,
)
from notifications.registry import Rule, all_rules
from notifications.window import ROW_COLUMNS, Window

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
OCCURRENCE = ReminderOccurrence._meta.db_table
NOTIFICATION = Notification._meta.db_table
USER = User._meta.db_table
SETTING = ReminderSetting._meta.db_table
# How a new notification's e-mail starts: nothing to send to a user without an address.
EMAIL_STATE_SQL = f"CASE WHEN u.email = '' THEN '{EmailState.NONE}' ELSE '{EmailState.PENDING}' END"


def grace() -> timedelta:
    """Each scan starts this far before the watermark, so that a record entered a little late
    (a screening typed in the next morning) is still reminded; re-scanning inserts nothing."""
    return timedelta(hours=getattr(settings, "REMINDERS_SCAN_GRACE_HOURS", 48))


def first_scan_start(now: datetime) -> datetime:
    """Where a rule's very first scan starts: REMINDERS_FIRST_SCAN_DAYS back (None: from the
    beginning), so that switching the engine on does not flood everyone with years-old items."""
    days = getattr(settings, "REMINDERS_FIRST_SCAN_DAYS", 30)
    return EPOCH if days is None else now - timedelta(days=days)


def window_for(
    rule: Rule, *, after: datetime | None, until: datetime, settings: list[tuple[Any, bool, int]] | None = None
) -> Window:
    """`settings`: the rule's (organisation, enabled, days) rows when the caller read them already
    (notifications.upcoming reads every rule's at once)."""
    delays, disabled = {}, set()
    if settings is None:
        settings = list(
            ReminderSetting.objects.filter(rule=rule.code).values_list("organisation_id", "enabled", "days")
        )
    for organisation_id, enabled, days in settings:
        if not enabled:
            disabled.add(organisation_id)
        elif days != rule.days:
            delays[organisation_id] = timedelta(days=days)
    return Window(
        after=after, until=until, default=timedelta(days=rule.days), delays=delays, disabled=frozenset(disabled)
    )


def _store(rule: Rule, queryset: Any, now: datetime) -> tuple[int, int]:
    """Insert the candidate rows as occurrences and tell each new one's worker; one statement."""
    sql, params = queryset.query.sql_with_params()
    columns = ", ".join(f"c.{name}" for name in ROW_COLUMNS)
    statement = f"""
        WITH new AS (
            INSERT INTO {OCCURRENCE}
                (rule, object_id, due_at, case_id, case_code, organisation_id, recipient_id, created_at)
            SELECT %s, {columns}, %s FROM ({sql}) AS c
            ON CONFLICT (rule, object_id, due_at) DO NOTHING
            RETURNING id, recipient_id
        ), told AS (
            INSERT INTO {NOTIFICATION}
                (occurrence_id, user_id, escalation, created_at, email_state, email_attempts, email_error)
            SELECT new.id, u.id, false, %s, {EMAIL_STATE_SQL}, 0, ''
            FROM new JOIN {USER} u ON u.id = new.recipient_id AND u.is_active
            ON CONFLICT (occurrence_id, user_id) DO NOTHING
            RETURNING 1
        )
        SELECT (SELECT count(*) FROM new), (SELECT count(*) FROM told)
    """  # noqa: S608 (table names from models; values are parameters)
    with connection.cursor() as cursor:
        cursor.execute(statement, [rule.code, now, *params, now])
        occurrences, notified = cursor.fetchone()
    return occurrences, notified


def scan(rule: Rule, *, now: datetime) -> tuple[int, int] | None:
    """Store what fell due for `rule` since its watermark (less the grace) up to `now`; returns
    (occurrences, notifications) or None when another scan of this rule holds the watermark."""
    with transaction.atomic():
        ReminderWatermark.objects.bulk_create(
            [ReminderWatermark(rule=rule.code, scanned_until=first_scan_start(now), ticked_at=timezone.now())],
            ignore_conflicts=True,
        )
        mark = ReminderWatermark.objects.select_for_update(skip_locked=True).filter(rule=rule.code).first()
        if mark is None:
            return None
        after = mark.scanned_until - grace() if mark.scanned_until > EPOCH else None
        totals = [0, 0]
        if after is None or after < now:
            for queryset in rule.candidates(window_for(rule, after=after, until=now)):
                occurrences, notified = _store(rule, queryset, now)
                totals[0] += occurrences
                totals[1] += notified
        ReminderWatermark.objects.filter(rule=rule.code).update(
            scanned_until=max(now, mark.scanned_until), ticked_at=timezone.now()
        )
    return totals[0], totals[1]


def resolve(*, now: datetime, unescalated_only: bool = False) -> int:
    """Close the open occurrences whose condition is gone (the referral was acknowledged, the
    visit recorded); reads open occurrences only. The tick checks just those not yet escalated
    (a few days' worth: nobody is escalated about something already done); the full pass over
    every open occurrence runs every few minutes (`reminders_resolve`)."""
    closed = 0
    for rule in all_rules():
        open_ = ReminderOccurrence.objects.filter(rule=rule.code, resolved_at__isnull=True)
        if unescalated_only:
            open_ = open_.filter(escalated_at__isnull=True)
        closed += open_.exclude(pk__in=rule.still_due(open_).values("pk")).update(resolved_at=now)
    return closed


def resolve_about(*, rules: Iterable[str], object_id: Any, now: datetime | None = None) -> int:
    """Close the open occurrences of `rules` about one object at once, in the caller's
    transaction, when a service has just ended their condition (a visit recorded or moved): the
    worker's list is right on the next page, not after the next resolution pass."""
    return ReminderOccurrence.objects.filter(
        rule__in=list(rules), object_id=object_id, resolved_at__isnull=True
    ).update(resolved_at=now or timezone.now())


def escalate(*, now: datetime) -> int:
    """Tell the organisation's managers about every open occurrence not acted on within its
    escalation delay, or that no active worker was told about; each occurrence once."""
    rules = all_rules()
    if not rules:
        return 0
    defaults = ", ".join(["(%s, %s)"] * len(rules))
    statement = f"""
        WITH due AS (
            SELECT o.id FROM {OCCURRENCE} o
            JOIN (VALUES {defaults}) AS d(rule, days) ON d.rule = o.rule
            LEFT JOIN {SETTING} s ON s.organisation_id = o.organisation_id AND s.rule = o.rule
            WHERE o.resolved_at IS NULL AND o.escalated_at IS NULL AND o.due_at <= %s
              AND (o.due_at + make_interval(days => COALESCE(s.escalate_after_days, d.days)) <= %s
                   OR NOT EXISTS (SELECT 1 FROM {NOTIFICATION} n WHERE n.occurrence_id = o.id))
            FOR UPDATE OF o SKIP LOCKED
        ), marked AS (
            UPDATE {OCCURRENCE} o SET escalated_at = %s FROM due WHERE o.id = due.id
            RETURNING o.id, o.organisation_id
        ), told AS (
            INSERT INTO {NOTIFICATION}
                (occurrence_id, user_id, escalation, created_at, email_state, email_attempts, email_error)
            SELECT marked.id, u.id, true, %s, {EMAIL_STATE_SQL}, 0, ''
            FROM marked JOIN {USER} u ON u.organisation_id = marked.organisation_id AND u.is_active
                 AND %s = ANY(u.roles)
            ON CONFLICT (occurrence_id, user_id) DO NOTHING
            RETURNING 1
        )
        SELECT count(*) FROM told
    """  # noqa: S608 (table names from models; values are parameters)
    params: list[Any] = [value for rule in rules for value in (rule.code, rule.escalate_after_days)]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, [*params, now, now, now, now, Role.MANAGER.value])
        (told,) = cursor.fetchone()
    return told


def tick(*, now: datetime | None = None) -> dict[str, Any]:
    """One pass of the engine: scan every rule, resolve, escalate, queue the pending e-mails."""
    from notifications.delivery import enqueue_pending

    now = now or timezone.now()
    scanned = {rule.code: scan(rule, now=now) for rule in all_rules()}
    return {
        "occurrences": sum(result[0] for result in scanned.values() if result),
        "notified": sum(result[1] for result in scanned.values() if result),
        "skipped_rules": sorted(code for code, result in scanned.items() if result is None),
        "resolved": resolve(now=now, unescalated_only=True),
        "escalated": escalate(now=now),
        "emails_queued": enqueue_pending(),
    }
