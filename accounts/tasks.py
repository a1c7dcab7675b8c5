"""Celery tasks of the accounts app: thin wrappers that call services."""

from __future__ import annotations

import socket

from celery import shared_task
from django.db import connection
from django.utils import timezone

from accounts import audit_partitions
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


@shared_task(name="accounts.tasks.audit_partitions_ensure", acks_late=True)
def audit_partitions_ensure() -> list[str]:
    """The audit log's partitions of this month and the next few (docs/audit.md); idempotent."""
    return audit_partitions.partitions_ensure()
