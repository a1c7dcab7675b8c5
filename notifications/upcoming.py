"""What will fall due in the next days: each rule's own candidate query over a window that
starts now, so the list says exactly what the engine will remind about (same delays, same
switched-off rules), before it is due. Nothing is stored: the engine stores an occurrence only
once it is due. Two queries: every rule's settings, and the union of the rules' candidates.
A worker's list is cut at UPCOMING_SHOWN, soonest first (the database sorts and stops there):
at 720,000 people one worker had 1,765 reminders in the next 14 days, and making and drawing
them all was half of the page (docs/performance.md, "Pages at 1,000,000 people")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import CharField, Q, Value
from django.utils import timezone

from accounts.models import ReminderOccurrence, ReminderSetting
from notifications.engine import window_for
from notifications.registry import Alert, Rule, all_rules, describe

UPCOMING_DAYS = 14
UPCOMING_SHOWN = 50
FIRST_LOOK_DAYS = 3


@dataclass(frozen=True)
class Upcoming:
    rule: Rule
    case_id: Any
    case_code: str
    due_at: datetime


def upcoming(
    *, recipient: Any = None, case_id: Any = None, now: datetime | None = None, limit: int | None = None
) -> list[Upcoming]:
    """The reminders due in the next UPCOMING_DAYS days for the cases `recipient` is assigned
    to, or for one case, soonest first; only the first `limit` when given.

    With a limit, the next FIRST_LOOK_DAYS days are read first: when they hold `limit`
    reminders, those are the soonest of the whole fortnight (everything later falls due after
    them), and the rest is never read. Each rule's rows are found by due date across the
    country and then kept for the worker, so a shorter window is a cheaper page."""
    now = now or timezone.now()
    narrow = Q(r_recipient=recipient.pk) if recipient is not None else Q(r_case=case_id)
    settings: dict[str, list[tuple[Any, bool, int]]] = {}
    for code, *setting in ReminderSetting.objects.values_list("rule", "organisation_id", "enabled", "days"):
        settings.setdefault(code, []).append(tuple(setting))  # type: ignore[arg-type]
    if limit is not None:
        soonest = _due_until(now + timedelta(days=FIRST_LOOK_DAYS), narrow, settings, now=now, limit=limit)
        if len(soonest) == limit:
            return soonest
    return _due_until(now + timedelta(days=UPCOMING_DAYS), narrow, settings, now=now, limit=limit)


def _due_until(
    until: datetime, narrow: Q, settings: dict[str, list[tuple[Any, bool, int]]], *, now: datetime, limit: int | None
) -> list[Upcoming]:
    """Every rule's candidates due in (now, until] under `narrow`: one query, a UNION."""
    rules = {rule.code: rule for rule in all_rules()}
    parts = [
        candidates.filter(narrow).annotate(r_rule=Value(rule.code, output_field=CharField()))
        for rule in rules.values()
        for candidates in rule.candidates(
            window_for(rule, after=now, until=until, settings=settings.get(rule.code, []))
        )
    ]
    if not parts:
        return []
    union = parts[0].union(*parts[1:], all=True)  # one query for every rule
    if limit is not None:
        union = union.order_by("r_due", "r_code")[:limit]
    rows = [
        Upcoming(rule=rules[row["r_rule"]], case_id=row["r_case"], case_code=row["r_code"], due_at=row["r_due"])
        for row in union
    ]
    return sorted(rows, key=lambda row: (row.due_at, row.case_code))


def due_for_case(case_id: Any) -> list[tuple[ReminderOccurrence, Rule | Alert | None]]:
    """The case's reminders that are due and not done, oldest first."""
    occurrences = ReminderOccurrence.objects.filter(case_id=case_id, resolved_at__isnull=True).order_by("due_at")
    return [(occurrence, describe(occurrence.rule)) for occurrence in occurrences]
