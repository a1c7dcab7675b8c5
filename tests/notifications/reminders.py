"""Helpers shared by the reminder tests: the engine's tick at a chosen time, and what it stored."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from accounts.models import Notification, ReminderOccurrence
from notifications import engine


def tick_at(now: datetime) -> dict[str, Any]:
    return engine.tick(now=now)


def occurrences(rule: str, **lookup: Any) -> list[ReminderOccurrence]:
    return list(ReminderOccurrence.objects.filter(rule=rule, **lookup).order_by("due_at", "id"))


def told(user: Any, rule: str | None = None) -> list[Notification]:
    rows = Notification.objects.filter(user=user).select_related("occurrence")
    if rule:
        rows = rows.filter(occurrence__rule=rule)
    return list(rows.order_by("id"))


def days(n: float) -> timedelta:
    return timedelta(days=n)
