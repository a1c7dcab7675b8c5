"""The receiving end: signed messages from a registered peer are stored and applied once, in
order per transfer; forged, replayed and unauthorised ones are refused and audited; one that
cannot be applied is held for a person, with the messages behind it waiting."""

from __future__ import annotations

import json
import threading
import time
import uuid
from datetime import date

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.db import connection, transaction
from django.test import Client

from accounts.models import AuditAction, AuditEvent
from crossborder.models import InboxMessage, Transfer
from crossborder.services import inbox_retry, inbox_set_aside, step_record, transfer_accept
from tests.crossborder.peers import post, referral, signed_headers, step

pytestmark = pytest.mark.django_db


def send(body: bytes, key: Ed25519PrivateKey, **kwargs):  # type: ignore[no-untyped-def]
    return post(Client(), body, signed_headers(body, key, **kwargs))


def refusals() -> list[str]:
    return list(
        AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED, object_type="crossborder.peer").values_list(
            "reason", flat=True
        )
    )


def test_a_signed_referral_lands_in_the_receiving_organisations_inbox(peer, thai_key, orgs):
    transfer_id = uuid.uuid4()
    answer = send(referral(transfer_id), thai_key)
    assert answer.status_code == 200, answer.content
    assert answer.json() == {"status": "stored", "state": "applied"}
    transfer = Transfer.objects.get(transfer_id=transfer_id)
    assert (transfer.role, transfer.status, transfer.organisation) == ("destination", "sent", orgs.mlsw_vt)
    assert transfer.peer_case_code == "TH-2026-0001"
    assert AuditEvent.objects.filter(object_type="crossborder.transfer", object_id=str(transfer_id)).exists()


def test_a_forged_signature_is_refused_with_401_stored_nowhere_and_audited(peer):
    forger = Ed25519PrivateKey.generate()
    answer = send(referral(uuid.uuid4()), forger)
    assert answer.status_code == 401
    assert not InboxMessage.objects.exists() and not Transfer.objects.exists()
    assert any("does not verify" in reason for reason in refusals())


def test_a_tampered_body_unsigned_request_unknown_key_and_stale_signature_are_401(peer, thai_key):
    body = referral(uuid.uuid4())
    headers = signed_headers(body, thai_key)
    assert post(Client(), body.replace(b"Bangkok", b"Phuket"), headers).status_code == 401
    assert post(Client(), body, {"Content-Type": "application/json"}).status_code == 401
    assert send(body, thai_key, key_id="somebody-else").status_code == 401
    assert send(body, thai_key, created=1_000_000_000).status_code == 401
    assert len(refusals()) == 4
    assert not InboxMessage.objects.exists()


def test_a_replayed_request_is_refused_with_409_and_audited(peer, thai_key):
    body = referral(uuid.uuid4())
    headers = signed_headers(body, thai_key)
    assert post(Client(), body, headers).status_code == 200
    replay = post(Client(), body, headers)
    assert replay.status_code == 409
    assert any("replayed" in reason for reason in refusals())
    assert InboxMessage.objects.count() == 1


def test_the_same_message_sent_again_is_applied_once(peer, thai_key):
    """A sender that lost our answer sends the message again, freshly signed: 200, nothing new."""
    body = referral(uuid.uuid4())
    assert send(body, thai_key).json()["status"] == "stored"
    again = send(body, thai_key)
    assert again.status_code == 200 and again.json() == {"status": "duplicate", "state": "applied"}
    assert Transfer.objects.count() == 1 and InboxMessage.objects.count() == 1


def test_what_the_agreement_does_not_allow_is_refused_with_403(peer, thai_key):
    peer.may_send = ["reintegration"]
    peer.save()
    assert send(referral(uuid.uuid4()), thai_key).status_code == 403
    outside = referral(uuid.uuid4(), purpose="reintegration", categories=["identity", "contact"])
    assert send(outside, thai_key).status_code == 403
    assert not Transfer.objects.exists()
    assert len(refusals()) == 2


def test_a_malformed_envelope_is_400(peer, thai_key):
    answer = send(b'{"v": 1, "id": "nope"}', thai_key)
    assert answer.status_code == 400 and "id" in answer.json()["error"]


@pytest.fixture
def accepted(peer, thai_key, people):  # type: ignore[no-untyped-def]
    """A referral from Thailand, accepted here (a case opened for the child), nationality verified."""
    transfer_id = uuid.uuid4()
    send(referral(transfer_id), thai_key)
    transfer = Transfer.objects.get(transfer_id=transfer_id)
    transfer_accept(actor=people.social_worker, transfer=transfer)
    step_record(actor=people.social_worker, transfer=transfer, code="nationality_verified", done_on=date(2026, 12, 1))
    return transfer


def test_messages_of_a_transfer_are_applied_in_order_whatever_order_they_arrive_in(accepted, thai_key):
    transfer_id = accepted.transfer_id
    later = send(step(transfer_id, 3, "handover_done"), thai_key)
    assert later.json() == {"status": "stored", "state": "waiting"}
    assert not accepted.steps.filter(code="handover_done").exists()
    earlier = send(step(transfer_id, 2, "handover_date_agreed", agreed_date="2026-12-20"), thai_key)
    assert earlier.json()["state"] == "applied"
    assert list(accepted.steps.values_list("code", "done_by_role")) == [
        ("nationality_verified", "destination"),
        ("handover_date_agreed", "origin"),
        ("handover_done", "origin"),
    ]
    assert set(InboxMessage.objects.values_list("state", flat=True)) == {"applied"}


def test_a_message_that_cannot_be_applied_is_held_and_the_next_ones_wait(peer, thai_key, people):
    """Thailand records the handover before we accepted: held with the reason, not dropped; once
    accepted (and our step done) a person tries it again and the waiting one follows."""
    transfer_id = uuid.uuid4()
    send(referral(transfer_id), thai_key)
    held = send(step(transfer_id, 2, "handover_date_agreed", agreed_date="2026-12-20"), thai_key)
    assert held.json()["state"] == "held"
    behind = send(step(transfer_id, 3, "handover_done"), thai_key)
    assert behind.json()["state"] == "waiting"
    message = InboxMessage.objects.get(seq=2)
    assert "accepted" in message.held_reason
    transfer = Transfer.objects.get(transfer_id=transfer_id)
    transfer_accept(actor=people.social_worker, transfer=transfer)
    step_record(actor=people.social_worker, transfer=transfer, code="nationality_verified", done_on=date(2026, 12, 1))
    inbox_retry(actor=people.admin, message=message)
    assert dict(InboxMessage.objects.values_list("seq", "state")) == {1: "applied", 2: "applied", 3: "applied"}
    assert transfer.steps.count() == 3


def test_a_held_message_set_aside_lets_the_next_ones_through(accepted, thai_key, people):
    transfer_id = accepted.transfer_id
    send(step(transfer_id, 2, "reception"), thai_key)  # reception is our side's step: held
    assert InboxMessage.objects.get(seq=2).state == "held"
    send(step(transfer_id, 3, "handover_date_agreed", agreed_date="2026-12-20"), thai_key)
    inbox_set_aside(
        actor=people.admin, message=InboxMessage.objects.get(seq=2), note="Sent by mistake, said on the phone."
    )
    states = dict(InboxMessage.objects.values_list("seq", "state"))
    assert states == {1: "applied", 2: "set_aside", 3: "applied"}
    with pytest.raises(Exception):  # noqa: B017, PT011  # a social worker cannot resolve held messages
        inbox_retry(actor=people.social_worker, message=InboxMessage.objects.get(seq=2))


@pytest.mark.django_db(transaction=True)
def test_a_second_attempt_racing_the_first_is_answered_as_a_duplicate(peer, thai_key):
    """The sender timed out and sent the message again while the receiver was still storing the
    first attempt: the second waits for the first and is a duplicate, neither refused nor stored
    twice (seen in the two-instance catch-up under load)."""
    body = referral(uuid.uuid4())
    envelope = json.loads(body)
    stored, waited = threading.Event(), threading.Event()

    def first_attempt() -> None:
        """Stores the message and commits once the second attempt waits for it."""
        try:
            with transaction.atomic():
                InboxMessage.objects.create(
                    id=envelope["id"], peer=peer, transfer_id=envelope["transfer"], seq=1, kind="referral", body="{}"
                )
                stored.set()
                deadline = time.monotonic() + 30
                with connection.cursor() as cursor:
                    while time.monotonic() < deadline:
                        # A wait on another transaction's row is a lock without a database
                        # (pg_locks.database is null for a transaction id): ask who waits instead.
                        cursor.execute(
                            "SELECT count(*) FROM pg_stat_activity "
                            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                        )
                        if cursor.fetchone()[0]:
                            waited.set()
                            break
                        time.sleep(0.02)
        finally:
            connection.close()

    thread = threading.Thread(target=first_attempt)
    thread.start()
    assert stored.wait(30)
    answer = send(body, thai_key)
    thread.join()
    assert waited.is_set(), "the second attempt never waited for the first: no race was run"
    assert answer.status_code == 200, answer.content
    assert answer.json()["status"] == "duplicate"
    assert InboxMessage.objects.filter(pk=envelope["id"]).count() == 1
    assert refusals() == []
