"""The referring end and the outbox: a referral shares only what consent and agreement allow and
is stored with its message in one transaction; messages go out signed, are retried with backoff
while the peer is unreachable, and are held when the peer refuses them."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from casework.extensions import PERSON_RECORDS
from casework.models import CaseEvent
from casework.privacy import REDACTED
from core.errors import ApplicationError
from crossborder import signatures
from crossborder.models import OutboxMessage, Transfer
from crossborder.services import deliver, outbox_retry, step_record, transfer_refer
from crossborder.services.outbox import INBOX_PATH, backoff
from tests.crossborder.peers import THAI_ID, child_consent

pytestmark = pytest.mark.django_db


def refer(people, case, peer, consent, categories=("identity", "origin")):  # type: ignore[no-untyped-def]
    return transfer_refer(
        actor=people.social_worker,
        case=case,
        peer=peer,
        purpose="repatriation",
        consent=consent,
        categories=list(categories),
        reason="Identified in Bangkok.",
    )


def test_a_referral_shares_only_the_chosen_categories_and_queues_its_message(people, child_case, peer):
    consent = child_consent(people.social_worker, child_case, peer.organisation)
    transfer = refer(people, child_case, peer, consent, categories=["identity"])
    envelope = json.loads(OutboxMessage.objects.get(transfer=transfer).body)
    assert (envelope["kind"], envelope["seq"], envelope["transfer"]) == ("referral", 1, str(transfer.transfer_id))
    assert envelope["data"]["person"] == {
        "given_name_latin": "Dao",
        "family_name_latin": "Synthetic",
        "sex": "female",
        "date_of_birth": "2012-02-01",
    }
    assert CaseEvent.objects.filter(case=child_case, kind="crossborder_referred").exists()


def test_no_referral_without_a_consent_that_names_the_peer_and_covers_the_data(people, child_case, peer, orgs):
    elsewhere = child_consent(people.social_worker, child_case, orgs.ngo)
    narrow = child_consent(people.social_worker, child_case, peer.organisation, categories=["identity"])
    for consent, categories in ((None, ["identity"]), (elsewhere, ["identity"]), (narrow, ["identity", "origin"])):
        with pytest.raises(ApplicationError) as refused:
            refer(people, child_case, peer, consent, categories=categories)
        assert "consent" in refused.value.fields
    peer.categories_out = ["identity"]
    peer.save()
    with pytest.raises(ApplicationError) as refused:
        refer(people, child_case, peer, narrow, categories=["identity", "contact"])
    assert "categories" in refused.value.fields
    assert not Transfer.objects.exists() and not OutboxMessage.objects.exists()


def test_only_someone_who_may_change_the_case_refers_it(people, child_case, peer):
    consent = child_consent(people.social_worker, child_case, peer.organisation)
    with pytest.raises(ApplicationError):
        transfer_refer(
            actor=people.outsider, case=child_case, peer=peer, purpose="repatriation", consent=consent,
            categories=["identity"], reason="x",
        )  # fmt: skip


def test_steps_wait_for_acceptance_and_follow_each_other(people, child_case, peer):
    consent = child_consent(people.social_worker, child_case, peer.organisation)
    transfer = refer(people, child_case, peer, consent)
    with pytest.raises(ApplicationError):
        step_record(
            actor=people.social_worker, transfer=transfer, code="handover_date_agreed", done_on=date(2026, 12, 1)
        )
    Transfer.objects.filter(pk=transfer.pk).update(status="accepted")
    with pytest.raises(ApplicationError):  # nationality is verified first, by the other side
        step_record(
            actor=people.social_worker, transfer=transfer, code="handover_date_agreed", done_on=date(2026, 12, 1),
            agreed_date=date(2026, 12, 20),
        )  # fmt: skip


class Receiver:
    """A peer's endpoint on 127.0.0.1 answering every message with `status`, keeping what it got."""

    def __init__(self, status: int) -> None:
        self.status, self.requests = status, []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((self.path, dict(self.headers), body))
                self.send_response(receiver.status)
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"


@pytest.fixture
def receiver(request) -> Iterator[Receiver]:  # type: ignore[no-untyped-def]
    server = Receiver(getattr(request, "param", 200))
    thread = threading.Thread(target=server.server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.server.shutdown()


@pytest.fixture
def queued(people, child_case, peer):  # type: ignore[no-untyped-def]
    consent = child_consent(people.social_worker, child_case, peer.organisation)
    return refer(people, child_case, peer, consent)


def test_a_message_goes_out_signed_and_is_marked_delivered(queued, peer, receiver, settings):
    peer.base_url = receiver.url
    peer.save()
    assert deliver(peer.pk) == {"delivered": 1, "held": 0, "failed": 0}
    path, headers, body = receiver.requests[0]
    assert path == INBOX_PATH
    signed = signatures.parse(headers["Signature-Input"], headers["Signature"])
    assert signed.key_id == settings.CROSSBORDER_INSTANCE_ID != THAI_ID
    ours = signatures.private_key().public_key()
    signatures.verify(
        signed,
        public_key=ours,
        method="POST",
        path=path,
        content_type=headers["Content-Type"],
        digest=headers["Content-Digest"],
        body=body,
    )
    assert OutboxMessage.objects.get().state == "delivered"
    assert deliver(peer.pk)["delivered"] == 0  # nothing left: never sent twice


def test_an_unreachable_peer_is_retried_later_with_growing_waits(queued, peer):
    """The peer's address refuses connections: the message stays, due again after the backoff."""
    before = timezone.now()
    assert deliver(peer.pk) == {"delivered": 0, "held": 0, "failed": 1}
    message = OutboxMessage.objects.get()
    assert (message.state, message.attempts) == ("pending", 1)
    assert message.next_attempt_at >= before + backoff(1)
    assert deliver(peer.pk)["failed"] == 0  # not due yet: nothing tried
    assert [backoff(n) for n in (1, 2, 3)] == [timedelta(seconds=30), timedelta(seconds=60), timedelta(seconds=120)]
    assert backoff(30) == timedelta(seconds=1800)


@pytest.mark.parametrize("receiver", [403], indirect=True)
def test_a_message_the_peer_refuses_is_held_for_a_person_then_sent_again(queued, peer, receiver, people):
    peer.base_url = receiver.url
    peer.save()
    assert deliver(peer.pk)["held"] == 1
    message = OutboxMessage.objects.get()
    assert message.state == "held" and message.last_status == 403
    receiver.status = 200
    outbox_retry(actor=people.admin, message=message)
    assert deliver(peer.pk)["delivered"] == 1


def test_the_retention_rule_clears_what_was_shared_and_the_export_lists_it(people, child_case, peer):
    consent = child_consent(people.social_worker, child_case, peer.organisation)
    transfer = refer(people, child_case, peer, consent)
    exported = PERSON_RECORDS["crossborder"].collect(child_case.person, [child_case.pk])
    assert "Dao" in exported["crossborder_transfers"][0]["shared"]
    PERSON_RECORDS["crossborder"].anonymise([child_case.person_id])
    transfer.refresh_from_db()
    assert (transfer.shared, transfer.reason) == ("", REDACTED)
    assert "Dao" not in OutboxMessage.objects.get(transfer=transfer).body
