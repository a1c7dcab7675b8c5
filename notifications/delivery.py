"""E-mail for notifications: in the user's language, with the case code and a link only.

Delivery is at-least-once, with the duplicate window made as small as it can be: the row is
locked (SELECT ... FOR UPDATE SKIP LOCKED) while its message is handed to the mail server and
marked sent in the same transaction, so two workers never send it at the same time and a sent
one is never sent again. A worker killed after the server accepted the message but before the
commit leaves the row pending, and it is sent again (SMTP has no way to ask "did you get it?").
Every message carries a Message-ID made from the notification id, so mail systems and readers
can recognise that rare repeat. See docs/reminders.md.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import EmailState, Notification
from notifications.registry import Alert, describe

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
BATCH = 50  # notifications per task
PER_TICK = 5000  # e-mails queued per tick at most; the rest wait for the next tick


def message_id(notification: Notification) -> str:
    return f"<notification-{notification.pk}@pathway>"


def build_message(notification: Notification) -> EmailMessage:
    """The e-mail for one notification, in its user's language. No name, no case content:
    the case code, what is due, and a link to the notification list (which needs a login)."""
    occurrence, user = notification.occurrence, notification.user
    rule = describe(occurrence.rule)
    with translation.override(user.language):
        context = {
            "case_code": occurrence.case_code,
            "message": rule.message if rule else occurrence.rule,
            "due_on": occurrence.due_at.date(),
            "escalation": notification.escalation,
            "alert": isinstance(rule, Alert),
            "link": settings.SITE_URL.rstrip("/") + reverse("notifications:list"),
        }
        subject = (
            _("Pathway alert: case %(case_code)s")
            if isinstance(rule, Alert)
            else _("Pathway reminder: case %(case_code)s")
        ) % {"case_code": occurrence.case_code}
        body = render_to_string("notifications/email.txt", context)
    return EmailMessage(
        subject=subject,
        body=body,
        to=[user.email],
        headers={"Message-ID": message_id(notification), "Content-Language": user.language},
    )


def send(notification_ids: Iterable[int]) -> int:
    """Send the pending e-mails among `notification_ids`; returns how many were sent. Rows that
    are sent, failed, or being sent by another worker right now are skipped."""
    sent = 0
    with get_connection() as connection:  # one connection to the mail server for the batch
        for pk in notification_ids:
            sent += _send_one(connection, pk)
    return sent


def _send_one(connection: Any, pk: int) -> int:
    """Send one pending e-mail while its row is locked; 1 if sent, 0 if skipped or failed."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("user", "occurrence")
            .filter(pk=pk, email_state=EmailState.PENDING)
            .first()
        )
        if notification is None:
            return 0
        try:
            connection.send_messages([build_message(notification)])
        except Exception as error:  # any failure of the mail server: counted and retried later
            attempts = notification.email_attempts + 1
            state = EmailState.FAILED if attempts >= MAX_ATTEMPTS else EmailState.PENDING
            Notification.objects.filter(pk=pk).update(
                email_attempts=attempts, email_state=state, email_error=type(error).__name__[:300]
            )
            logger.warning("notification %s: e-mail attempt %s failed (%s)", pk, attempts, type(error).__name__)
            return 0
        Notification.objects.filter(pk=pk).update(
            email_state=EmailState.SENT,
            emailed_at=timezone.now(),
            email_attempts=F("email_attempts") + 1,
            email_error="",
        )
    return 1


def pending_ids(*, limit: int = PER_TICK) -> list[int]:
    return list(
        Notification.objects.filter(email_state=EmailState.PENDING).order_by("pk").values_list("pk", flat=True)[:limit]
    )


def enqueue_pending() -> int:
    """Queue the pending e-mails in batches of ids. A batch that is lost, expires or dies with
    its worker is simply queued again by a later tick: the state lives in the database."""
    from notifications.tasks import send_notification_emails  # the tasks module imports this one

    ids = pending_ids()
    queue = getattr(settings, "REMINDER_QUEUE", None) or None
    for start in range(0, len(ids), BATCH):
        send_notification_emails.apply_async((ids[start : start + BATCH],), queue=queue, expires=120)
    return len(ids)
