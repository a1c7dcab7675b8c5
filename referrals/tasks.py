"""Celery tasks of the referrals app: thin wrappers that take ids and call the services.

Both are idempotent (acks_late: a task of a killed worker runs again): a delivery that is
delivered, given up, not due or being sent by another worker is skipped."""

from __future__ import annotations

from celery import shared_task

from referrals import webhooks
from referrals.services import consent_expiry_record


@shared_task(name="referrals.tasks.deliver_webhook", acks_late=True, ignore_result=True)
def deliver_webhook(delivery_id: int) -> str:
    """One attempt at one webhook delivery (see referrals.webhooks.deliver)."""
    return webhooks.deliver(delivery_id)


@shared_task(name="referrals.tasks.retry_due_webhooks", acks_late=True, ignore_result=True)
def retry_due_webhooks() -> int:
    """Queue every delivery whose next attempt is due (run by beat every minute). Waiting
    happens in the database, never as a long ETA parked in the broker."""
    due = webhooks.due_delivery_ids()
    webhooks.enqueue(due)
    return len(due)


@shared_task(name="referrals.tasks.record_consent_expiries", acks_late=True)
def record_consent_expiries() -> int:
    """Put an event on every referral whose consent expired, so partners' next pull shows the
    referral without the data it no longer covers. Idempotent: an expiry is recorded once."""
    return consent_expiry_record()
