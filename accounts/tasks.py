"""Celery tasks of the accounts app: thin wrappers that call services."""

from __future__ import annotations

import socket
from datetime import datetime
from typing import Any

from celery import shared_task
from django.db import connection
from django.utils import timezone

from accounts.models import WorkerHeartbeat


@shared_task(name="accounts.tasks.heartbeat", ignore_result=False, acks_late=True)
def heartbeat() -> dict[str, str]:
    """Prove that a worker can reach the database: record this host's last beat.

    Idempotent (an upsert), so a redelivered beat does no harm."""
    now = timezone.now()
    hostname = socket.gethostname()
    WorkerHeartbeat.objects.update_or_create(hostname=hostname, defaults={"seen_at": now})
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_database()")
        (database,) = cursor.fetchone()
    return {"hostname": hostname, "database": database, "at": now.isoformat()}


@shared_task(name="accounts.tasks.reminders_tick", acks_late=True, ignore_result=True)
def reminders_tick(now: str | None = None) -> dict[str, Any]:
    """Run by beat every minute: scan the reminder rules, resolve, escalate, queue e-mails
    (accounts.reminders.engine). Idempotent: a second or redelivered tick stores nothing new.
    `now` (ISO 8601) is for tests only; beat passes nothing."""
    from accounts.reminders import engine

    return engine.tick(now=datetime.fromisoformat(now) if now else None)


@shared_task(name="accounts.tasks.reminders_resolve", acks_late=True, ignore_result=True)
def reminders_resolve() -> int:
    """Run by beat every 10 minutes: close every open reminder whose condition is gone (the
    tick itself checks only those not yet escalated). Idempotent."""
    from accounts.reminders import engine

    return engine.resolve(now=timezone.now())


@shared_task(name="accounts.tasks.send_notification_emails", acks_late=True, ignore_result=True)
def send_notification_emails(notification_ids: list[int]) -> int:
    """Send the pending e-mails of these notifications (ids only; see accounts.reminders.delivery)."""
    from accounts.reminders import delivery

    return delivery.send(notification_ids)
