"""Celery tasks of the reminder engine: thin wrappers that call it.

The registered names keep their old `accounts.tasks.` prefix (the code moved from accounts/):
beat's schedule rows and messages already queued by a running deployment name them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from celery import shared_task
from django.utils import timezone


@shared_task(name="accounts.tasks.reminders_tick", acks_late=True, ignore_result=True)
def reminders_tick(now: str | None = None) -> dict[str, Any]:
    """Run by beat every minute: scan the reminder rules, resolve, escalate, queue e-mails
    (notifications.engine). Idempotent: a second or redelivered tick stores nothing new.
    `now` (ISO 8601) is for tests only; beat passes nothing."""
    from notifications import engine

    return engine.tick(now=datetime.fromisoformat(now) if now else None)


@shared_task(name="accounts.tasks.reminders_resolve", acks_late=True, ignore_result=True)
def reminders_resolve() -> int:
    """Run by beat every 10 minutes: close every open reminder whose condition is gone (the
    tick itself checks only those not yet escalated). Idempotent."""
    from notifications import engine

    return engine.resolve(now=timezone.now())


@shared_task(name="accounts.tasks.send_notification_emails", acks_late=True, ignore_result=True)
def send_notification_emails(notification_ids: list[int]) -> int:
    """Send the pending e-mails of these notifications (ids only; see notifications.delivery)."""
    from notifications import delivery

    return delivery.send(notification_ids)
