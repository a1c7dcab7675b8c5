"""Webhooks end to end: a real Celery worker process, the real Redis broker, the test database
and a local HTTPS receiver. Sending a referral through the service queues the first attempt when
the transaction commits; retries are driven by calling `retry_due_webhooks` (what beat does every
minute) after moving the due time, never by sleeping through the backoff."""

from __future__ import annotations

import time

import pytest

from referrals import webhooks
from referrals.models import WebhookDelivery
from referrals.tasks import deliver_webhook, retry_due_webhooks
from tests.processes import celery_worker, wait_for
from tests.referrals.test_webhooks import (
    RECEIVER_NETWORK,
    certificate,
    https_receiver,
    make_due,
    sent_referral,
    signature_ok,
)

pytestmark = [pytest.mark.slow, pytest.mark.worker, pytest.mark.django_db(transaction=True)]
__all__ = ["certificate"]  # the session fixture, shared with test_webhooks


@pytest.fixture
def receiver(certificate, settings, monkeypatch):  # type: ignore[no-untyped-def]
    with https_receiver(certificate) as running:
        settings.WEBHOOK_CA_BUNDLE = running.ca_file
        # The worker process trusts the test certificate through its environment.
        monkeypatch.setenv("WEBHOOK_CA_BUNDLE", running.ca_file)
        settings.WEBHOOK_ALLOWED_NETWORKS = [RECEIVER_NETWORK]
        monkeypatch.setenv("WEBHOOK_ALLOWED_NETWORKS", RECEIVER_NETWORK)
        yield running


@pytest.fixture
def worker(receiver, settings):  # type: ignore[no-untyped-def]
    """A worker (two processes) on a private queue; deliveries queued here go to it."""
    with celery_worker(concurrency=2) as (process, queue):
        settings.WEBHOOK_QUEUE = queue
        yield process, queue
        assert process.poll() is None, "the worker died"


def attempts_made(delivery: WebhookDelivery, n: int) -> WebhookDelivery | None:
    delivery.refresh_from_db()
    return delivery if delivery.attempts >= n else None


def test_sending_a_referral_makes_the_receiver_get_one_signed_post(people, orgs, receiver, worker):
    _, queue = worker
    webhook, secret = webhooks.webhook_register(actor=people.partner, organisation=orgs.ngo, url=receiver.url)

    referral, event = sent_referral(people.social_worker, orgs.ngo)

    delivery = WebhookDelivery.objects.get(event=event, webhook=webhook)
    wait_for(lambda: attempts_made(delivery, 1), what="the first attempt")
    assert delivery.delivered_at is not None
    assert delivery.last_status == 200
    [got] = receiver.received
    assert signature_ok(secret, got)
    assert got.json == {
        "event": "referral_sent",
        "referral_id": str(referral.pk),
        "seq": event.seq,
        "at": got.json["at"],
    }
    assert got.headers["X-Pathway-Event-Seq"] == str(event.seq)

    # A redelivered message and the periodic sweep change nothing: the delivery is done.
    redelivered = deliver_webhook.apply_async((delivery.pk,), queue=queue, ignore_result=False)
    assert redelivered.get(timeout=60) == "skipped"
    assert retry_due_webhooks() == 0
    delivery.refresh_from_db()
    assert delivery.attempts == 1
    assert receiver.count() == 1


def test_a_receiver_failing_twice_gets_the_event_on_the_third_attempt_and_only_once(people, orgs, receiver, worker):
    _, queue = worker
    receiver.answers = [500, 502]
    _, secret = webhooks.webhook_register(actor=people.partner, organisation=orgs.ngo, url=receiver.url)

    _, event = sent_referral(people.social_worker, orgs.ngo)
    delivery = WebhookDelivery.objects.get(event=event)

    wait_for(lambda: attempts_made(delivery, 1), what="the first attempt")
    assert (delivery.last_status, delivery.delivered_at) == (500, None)
    assert retry_due_webhooks() == 0, "not due for a minute: nothing is queued"

    make_due(delivery)
    assert retry_due_webhooks() == 1
    wait_for(lambda: attempts_made(delivery, 2), what="the second attempt")
    assert (delivery.last_status, delivery.delivered_at) == (502, None)

    # Third attempt: a slow receiver, and the sweep runs three times before the worker answers
    # (beat firing again, a backlog): the two worker processes take the messages concurrently,
    # yet only one POST is made.
    receiver.delay = 1.0
    make_due(delivery)
    assert [retry_due_webhooks() for _ in range(3)] == [1, 1, 1]
    wait_for(lambda: attempts_made(delivery, 3), what="the third attempt")
    assert delivery.delivered_at is not None
    assert delivery.last_status == 200
    # Everything queued before this message has been taken by the time it is answered.
    assert deliver_webhook.apply_async((delivery.pk,), queue=queue, ignore_result=False).get(timeout=60) == "skipped"
    time.sleep(receiver.delay + 0.5)  # let a (wrong) concurrent second POST arrive if there were one
    delivery.refresh_from_db()
    assert delivery.attempts == 3
    assert receiver.count() == 3
    assert all(signature_ok(secret, got) for got in receiver.received)
    assert len({got.body for got in receiver.received}) == 1, "the same event each time"
