"""Alerts: tell people at once that something happened on a case (an emergency access was
opened, a consent override waits for a second person's approval).

An alert reuses the reminders' storage and delivery: one `ReminderOccurrence` (rule = the
alert's code, object = the grant or request, due now, the case code) and one `Notification` per
recipient, written in the caller's transaction, so the alert exists exactly when the thing it
reports does. The in-app list shows it at once; the reminder tick e-mails it like any
notification (notifications/delivery.py: the case code and a link, never a name). Alerts
are not rules: the engine never scans, resolves or escalates them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.utils import timezone

from accounts.models import EmailState, Notification, ReminderOccurrence, User
from notifications.registry import Alert


def send_alert(
    alert: Alert,
    *,
    object_id: Any,
    case_id: Any,
    case_code: str,
    organisation_id: Any,
    users: Iterable[User],
    now: datetime | None = None,
) -> ReminderOccurrence:
    """Store the alert and one unread notification for each of `users` (active ones only)."""
    now = now or timezone.now()
    occurrence = ReminderOccurrence.objects.create(
        rule=alert.code,
        object_id=object_id,
        due_at=now,
        case_id=case_id,
        case_code=case_code,
        organisation_id=organisation_id,
        created_at=now,
    )
    Notification.objects.bulk_create(
        [
            Notification(
                occurrence=occurrence,
                user=user,
                created_at=now,
                email_state=EmailState.PENDING if user.email else EmailState.NONE,
            )
            for user in {user.pk: user for user in users if user.is_active}.values()
        ]
    )
    return occurrence


def resolve_alert(alert: Alert, *, object_id: Any, now: datetime | None = None) -> int:
    """Mark the alert about `object_id` done (the request it announced was decided)."""
    return ReminderOccurrence.objects.filter(rule=alert.code, object_id=object_id, resolved_at__isnull=True).update(
        resolved_at=now or timezone.now()
    )
