"""Partner webhooks (referrals.webhooks): what is scheduled, what is sent and how it is signed,
retries with backoff, giving up, and never sending a delivery twice.

Deliveries go over real HTTPS to a receiver on 127.0.0.1 with a certificate made for this test
run by `openssl`, trusted through the WEBHOOK_CA_BUNDLE setting, and reachable although it is
loopback through the test-only WEBHOOK_ALLOWED_NETWORKS setting. The worker-process version of
these tests is test_webhook_worker.py; this module calls the delivery function in-process.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.db import IntegrityError, connections, transaction
from django.urls import reverse
from django.utils import timezone

from casework.models import ServiceType
from core.errors import ApplicationError, PermissionDenied
from referrals import services, webhooks
from referrals.models import Referral, ReferralEvent, Webhook, WebhookDelivery
from tests.factories import make_user, open_case


# --- A local HTTPS receiver ---------------------------------------------------------------------
@dataclass
class Received:
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> dict[str, Any]:
        return json.loads(self.body)


@dataclass
class Receiver:
    """Answers each POST with the next status of `answers` (200 once they run out) and keeps
    what it got."""

    url: str
    ca_file: str
    answers: list[int] = field(default_factory=list)
    delay: float = 0.0  # seconds to think before answering (a slow partner)
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self) -> int:
        with self.lock:
            return len(self.received)


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    """A self-signed certificate for 127.0.0.1 (it is its own CA): (cert.pem, key.pem)."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.fail("openssl is needed to make the test receiver's certificate")
    directory = tmp_path_factory.mktemp("webhook-tls")
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1,DNS:partner.webhook.test",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return str(cert), str(key)


@contextmanager
def https_receiver(certificate: tuple[str, str], answers: list[int] | None = None) -> Iterator[Receiver]:
    cert, key = certificate
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    receiver = Receiver(url=f"https://127.0.0.1:{server.server_address[1]}/hooks/pathway", ca_file=cert)
    receiver.answers = list(answers or [])

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with receiver.lock:
                receiver.received.append(Received(headers=dict(self.headers.items()), body=body))
                status = receiver.answers.pop(0) if receiver.answers else 200
            time.sleep(receiver.delay)
            self.send_response(status)
            if 300 <= status < 400:
                self.send_header("Location", "http://127.0.0.1:9/elsewhere")
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server.RequestHandlerClass = Handler
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def signature_ok(secret: str, received: Received) -> bool:
    expected = "sha256=" + hmac.new(secret.encode(), received.body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, received.headers["X-Pathway-Signature"])


# --- Referrals, through the services staff use ------------------------------------------------------
ADULT = {
    "given_name_latin": "Noy",
    "family_name_latin": "Synthetic",
    "sex": "female",
    "date_of_birth": date(1995, 5, 1),
}


def draft_referral(sender: Any, to_organisation: Any) -> Referral:
    """A draft from `sender`'s office to `to_organisation`, covered by the adult's own consent."""
    case = open_case(sender, person_values=ADULT)
    training = [ServiceType.objects.get(code="vocational_training")]
    consent = services.consent_record(
        actor=sender,
        case=case,
        recipient=to_organisation,
        data_categories=["identity", "language"],
        service_types=training,
        purpose="vocational training",
        given_by="person",
    )
    return services.referral_create(
        actor=sender,
        case=case,
        to_organisation=to_organisation,
        service_types=training,
        urgency="routine",
        reason="wants to train as a tailor",
        shared_categories=["identity"],
        consent=consent,
    )


def sent_referral(sender: Any, to_organisation: Any) -> tuple[Referral, ReferralEvent]:
    referral = services.referral_send(actor=sender, referral=draft_referral(sender, to_organisation))
    return referral, referral.events.get(kind="sent")


RECEIVER_NETWORK = "127.0.0.1/32"


@pytest.fixture
def loopback_allowed(settings):  # type: ignore[no-untyped-def]
    settings.WEBHOOK_ALLOWED_NETWORKS = [RECEIVER_NETWORK]


@pytest.fixture
def receiver(certificate, settings, loopback_allowed):  # type: ignore[no-untyped-def]
    with https_receiver(certificate) as running:
        settings.WEBHOOK_CA_BUNDLE = running.ca_file
        yield running


@pytest.fixture
def hook(people, orgs, receiver):  # type: ignore[no-untyped-def]
    """The partner NGO's webhook pointing at the receiver: (webhook, secret)."""
    return webhooks.webhook_register(actor=people.partner, organisation=orgs.ngo, url=receiver.url)


def make_due(delivery: WebhookDelivery) -> None:
    """Let the wait before the next attempt pass (the row says when it is due)."""
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))


# --- Tests -------------------------------------------------------------------------------------------
pytestmark = pytest.mark.django_db


def test_the_receiver_gets_one_post_whose_signature_it_can_verify(people, orgs, receiver, hook):
    webhook, secret = hook
    referral, event = sent_referral(people.social_worker, orgs.ngo)
    delivery = WebhookDelivery.objects.get(event=event)
    assert delivery.webhook == webhook

    assert webhooks.deliver(delivery.pk) == "delivered"

    [got] = receiver.received
    assert signature_ok(secret, got)
    assert not signature_ok("another secret", got)
    assert got.headers["X-Pathway-Event-Seq"] == str(event.seq)
    assert got.headers["X-Pathway-Delivery"] == str(delivery.pk)
    assert got.headers["Content-Type"] == "application/json"
    assert got.json == {
        "event": "referral_sent",
        "referral_id": str(referral.pk),
        "seq": event.seq,
        "at": event.at.isoformat(),
    }
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.last_status, delivery.next_attempt_at) == (1, 200, None)
    assert delivery.delivered_at is not None


def test_a_tampered_body_fails_verification(people, orgs, receiver, hook):
    _, secret = hook
    _, event = sent_referral(people.social_worker, orgs.ngo)
    webhooks.deliver(WebhookDelivery.objects.get(event=event).pk)
    [got] = receiver.received
    tampered = Received(headers=got.headers, body=got.body.replace(b'"seq":', b'"seq":1'))
    assert not signature_ok(secret, tampered)


def test_the_payload_carries_no_personal_data(people, orgs, receiver, hook):
    referral, event = sent_referral(people.social_worker, orgs.ngo)
    webhooks.deliver(WebhookDelivery.objects.get(event=event).pk)
    [got] = receiver.received
    assert set(got.json) == {"event", "referral_id", "seq", "at"}
    person = referral.case.person
    text = got.body.decode() + json.dumps(got.headers)
    for value in (person.given_name_latin, person.family_name_latin, person.case_code, referral.reason, str(person.pk)):
        assert value
        assert value not in text


def test_backoff_doubles_from_one_minute_and_is_capped_at_six_hours():
    minutes = [webhooks.backoff(n) / timedelta(minutes=1) for n in range(1, 10)]
    assert minutes == [1, 2, 4, 8, 16, 32, 64, 128, 256]
    assert webhooks.backoff(10) == timedelta(hours=6)
    assert webhooks.backoff(30) == timedelta(hours=6)


def test_a_failed_attempt_is_retried_later_with_backoff(people, orgs, receiver, hook):
    receiver.answers = [500, 503]
    _, event = sent_referral(people.social_worker, orgs.ngo)
    delivery = WebhookDelivery.objects.get(event=event)

    before = timezone.now()
    assert webhooks.deliver(delivery.pk) == "failed"
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.last_status, delivery.last_error) == (1, 500, "HTTP 500")
    assert before + timedelta(minutes=1) <= delivery.next_attempt_at <= timezone.now() + timedelta(minutes=1)
    assert delivery.pk not in webhooks.due_delivery_ids()
    assert webhooks.deliver(delivery.pk) == "skipped", "not due yet"
    assert receiver.count() == 1

    make_due(delivery)
    assert delivery.pk in webhooks.due_delivery_ids()
    before = timezone.now()
    assert webhooks.deliver(delivery.pk) == "failed"
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.last_status) == (2, 503)
    assert before + timedelta(minutes=2) <= delivery.next_attempt_at <= timezone.now() + timedelta(minutes=2)

    make_due(delivery)
    assert webhooks.deliver(delivery.pk) == "delivered"
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.last_status, delivery.last_error) == (3, 200, "")
    assert receiver.count() == 3
    assert len({got.body for got in receiver.received}) == 1, "every attempt sends the same signed body"


def test_delivery_gives_up_after_ten_failed_attempts(people, orgs, receiver, hook):
    receiver.answers = [500] * 20
    _, event = sent_referral(people.social_worker, orgs.ngo)
    delivery = WebhookDelivery.objects.get(event=event)
    outcomes = []
    for _ in range(10):
        make_due(delivery)
        outcomes.append(webhooks.deliver(delivery.pk))
    assert outcomes == ["failed"] * 9 + ["gave_up"]
    delivery.refresh_from_db()
    assert delivery.attempts == 10
    assert delivery.gave_up_at is not None
    assert delivery.next_attempt_at is None
    assert delivery.delivered_at is None

    make_due(delivery)
    assert delivery.pk not in webhooks.due_delivery_ids()
    assert webhooks.deliver(delivery.pk) == "skipped"
    assert receiver.count() == 10


def test_a_delivered_delivery_is_skipped(people, orgs, receiver, hook):
    _, event = sent_referral(people.social_worker, orgs.ngo)
    delivery = WebhookDelivery.objects.get(event=event)
    assert webhooks.deliver(delivery.pk) == "delivered"
    make_due(delivery)  # even if a stale message or a clock says it is due
    assert webhooks.deliver(delivery.pk) == "skipped"
    assert delivery.pk not in webhooks.due_delivery_ids()
    assert receiver.count() == 1


def test_a_redirect_is_a_failure_and_is_not_followed(people, orgs, receiver, hook):
    receiver.answers = [302]
    _, event = sent_referral(people.social_worker, orgs.ngo)
    delivery = WebhookDelivery.objects.get(event=event)
    assert webhooks.deliver(delivery.pk) == "failed"
    delivery.refresh_from_db()
    assert delivery.last_status == 302
    assert receiver.count() == 1


def test_an_untrusted_certificate_is_refused(people, orgs, receiver, hook, settings):
    settings.WEBHOOK_CA_BUNDLE = None  # system trust only: the test certificate is not in it
    _, event = sent_referral(people.social_worker, orgs.ngo)
    delivery = WebhookDelivery.objects.get(event=event)
    assert webhooks.deliver(delivery.pk) == "failed"
    delivery.refresh_from_db()
    assert delivery.last_status is None
    assert "CERTIFICATE_VERIFY_FAILED" in delivery.last_error
    assert receiver.count() == 0


def test_an_unreachable_endpoint_is_a_failed_attempt(people, orgs, loopback_allowed):
    import socket

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    webhooks.webhook_register(actor=people.partner, organisation=orgs.ngo, url=f"https://127.0.0.1:{port}/x")
    _, event = sent_referral(people.social_worker, orgs.ngo)
    delivery = WebhookDelivery.objects.get(event=event)
    assert webhooks.deliver(delivery.pk) == "failed"
    delivery.refresh_from_db()
    assert delivery.attempts == 1
    assert delivery.last_status is None
    assert "ConnectionRefusedError" in delivery.last_error


def test_one_delivery_per_event_and_active_webhook_of_the_receiving_organisation(people, orgs, receiver, hook):
    first, _ = hook
    second, _ = webhooks.webhook_register(actor=people.partner, organisation=orgs.ngo, url=receiver.url + "/2")
    inactive, _ = webhooks.webhook_register(actor=people.partner, organisation=orgs.ngo, url=receiver.url + "/3")
    webhooks.webhook_deactivate(actor=people.partner, webhook=inactive)
    other = make_partner_webhook(people, orgs.ngo_other, receiver.url + "/other")

    _, event = sent_referral(people.social_worker, orgs.ngo)

    deliveries = WebhookDelivery.objects.filter(event=event)
    assert {d.webhook_id for d in deliveries} == {first.pk, second.pk}
    assert other.pk not in {d.webhook_id for d in deliveries}
    with transaction.atomic():
        assert sorted(webhooks.schedule_deliveries(event)) == sorted(d.pk for d in deliveries)  # again: no new rows
    assert WebhookDelivery.objects.filter(event=event).count() == 2
    with pytest.raises(IntegrityError), transaction.atomic():
        WebhookDelivery.objects.create(webhook=first, event=event)


def make_partner_webhook(people, organisation, url):  # type: ignore[no-untyped-def]
    partner = make_user(f"partner-{organisation.code}", organisation, "partner")
    webhook, _ = webhooks.webhook_register(actor=partner, organisation=organisation, url=url)
    return webhook


def test_the_first_attempt_is_queued_only_when_the_change_commits(
    people, orgs, receiver, hook, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _, event = sent_referral(people.social_worker, orgs.ngo)
    [queued] = [callback for callback in callbacks if getattr(callback, "func", None) is webhooks.enqueue]
    assert queued.args == ([WebhookDelivery.objects.get(event=event).pk],)
    assert not WebhookDelivery.objects.filter(event=event, attempts__gt=0).exists(), "nothing sent before commit"


def test_only_the_senders_changes_to_a_sent_referral_are_notified(people, orgs, receiver, hook):
    sw = people.social_worker
    ngo_worker = make_user("ngo-sw", orgs.ngo, "social_worker")
    draft = draft_referral(sw, orgs.ngo)
    services.referral_update_draft(actor=sw, referral=draft, urgency="high")
    referral, _ = sent_referral(sw, orgs.ngo)
    services.referral_acknowledge(referral=referral, actor=ngo_worker)
    services.referral_accept(referral=referral, actor=ngo_worker)
    services.referral_add_note(referral=referral, note="the person arrives on Monday", actor=ngo_worker)
    services.referral_add_note(referral=referral, note="she needs an interpreter", actor=sw)
    services.consent_withdraw(actor=sw, consent=referral.consent, note="changed her mind")
    services.referral_withdraw(actor=sw, referral=referral, reason="consent withdrawn")

    kinds = list(WebhookDelivery.objects.order_by("event__seq").values_list("event__kind", "event__organisation"))
    assert kinds == [
        ("sent", orgs.mlsw_vt.pk),
        ("note", orgs.mlsw_vt.pk),
        ("consent_withdrawn", orgs.mlsw_vt.pk),
        ("withdrawn", orgs.mlsw_vt.pk),
    ]
    assert set(draft.events.values_list("kind", flat=True)) == {"created", "draft_updated"}
    assert not WebhookDelivery.objects.filter(event__referral=draft).exists()
    assert not WebhookDelivery.objects.filter(event__organisation=orgs.ngo).exists()
    for delivery in WebhookDelivery.objects.order_by("event__seq"):
        assert webhooks.deliver(delivery.pk) == "delivered"
    assert [got.json["event"] for got in receiver.received] == [
        "referral_sent",
        "referral_note",
        "referral_consent_withdrawn",
        "referral_withdrawn",
    ]
    assert "interpreter" not in str([got.body for got in receiver.received]), "notes are pulled, never pushed"


def test_deactivating_a_webhook_gives_up_its_waiting_deliveries(people, orgs, receiver, hook):
    webhook, _ = hook
    _, event = sent_referral(people.social_worker, orgs.ngo)
    delivery = WebhookDelivery.objects.get(event=event)
    webhooks.webhook_deactivate(actor=people.partner, webhook=webhook)
    assert delivery.pk not in webhooks.due_delivery_ids()
    assert webhooks.deliver(delivery.pk) == "skipped"
    delivery.refresh_from_db()
    assert delivery.gave_up_at is not None
    assert receiver.count() == 0


def test_who_may_register_a_webhook_and_what_address(people, orgs, receiver):
    for user in (people.social_worker, people.outsider, people.statistician):
        with pytest.raises(PermissionDenied):
            webhooks.webhook_register(actor=user, organisation=orgs.ngo, url=receiver.url)
    with pytest.raises(PermissionDenied):  # a partner registers only for its own organisation
        webhooks.webhook_register(actor=people.partner, organisation=orgs.ngo_other, url=receiver.url)
    with pytest.raises(ApplicationError) as refused:
        webhooks.webhook_register(actor=people.partner, organisation=orgs.ngo, url="http://127.0.0.1/hook")
    assert "url" in refused.value.fields
    with pytest.raises(ApplicationError):
        webhooks.webhook_register(actor=people.partner, organisation=orgs.ngo, url="https://user:pw@example.org/")
    webhook, secret = webhooks.webhook_register(actor=people.admin, organisation=orgs.ngo, url=receiver.url)
    assert len(secret) >= 40
    assert webhook.created_by == people.admin
    with pytest.raises(PermissionDenied):
        webhooks.webhook_deactivate(actor=people.outsider, webhook=webhook)


@pytest.mark.django_db(transaction=True)
def test_a_delivery_locked_by_another_worker_is_skipped_not_sent_twice(people, orgs, receiver, hook):
    _, event = sent_referral(people.social_worker, orgs.ngo)
    delivery = WebhookDelivery.objects.get(event=event)
    locked, release, results = threading.Event(), threading.Event(), []

    def other_worker() -> None:
        try:
            with transaction.atomic():
                WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
                locked.set()
                release.wait(timeout=30)
        finally:
            connections.close_all()

    thread = threading.Thread(target=other_worker)
    thread.start()
    try:
        assert locked.wait(timeout=30)
        results.append(webhooks.deliver(delivery.pk))
    finally:
        release.set()
        thread.join(timeout=30)
    assert results == ["skipped"]
    assert receiver.count() == 0
    assert webhooks.deliver(delivery.pk) == "delivered"
    assert receiver.count() == 1


# --- Only public addresses (server-side request forgery) -----------------------------------------
# Every spelling resolves (getaddrinfo, no DNS server needed) to loopback, private, link-local,
# multicast, reserved or metadata addresses.
INWARD_URLS = [
    "https://127.0.0.1/hook",
    "https://localhost/hook",
    "https://127.1/hook",
    "https://2130706433/hook",  # 127.0.0.1, decimal
    "https://0177.0.0.1/hook",  # octal
    "https://0x7f.0.0.1/hook",  # hexadecimal
    "https://0.0.0.0/hook",
    "https://10.1.2.3/hook",
    "https://172.16.0.1/hook",
    "https://192.168.1.1:8443/hook",
    "https://169.254.169.254/latest/meta-data/",  # the usual cloud metadata service
    "https://2852039166/latest/meta-data/",  # the same, decimal
    "https://100.100.100.200/latest/meta-data/",  # shared address space (Alibaba's metadata)
    "https://168.63.129.16/machine",  # Azure's wire server
    "https://224.0.0.1/hook",
    "https://240.0.0.1/hook",
    "https://255.255.255.255/hook",
    "https://[::1]/hook",
    "https://[::]/hook",
    "https://[::ffff:127.0.0.1]/hook",  # IPv4-mapped IPv6
    "https://[::ffff:a9fe:a9fe]/hook",  # 169.254.169.254, mapped
    "https://[64:ff9b::a9fe:a9fe]/hook",  # 169.254.169.254 through NAT64
    "https://[2002:7f00:1::]/hook",  # 6to4 around 127.0.0.1
    "https://[fe80::1]/hook",
    "https://[fd00:ec2::254]/hook",  # AWS's IPv6 metadata service
    "https://[fc00::1]/hook",
    "https://[ff02::1]/hook",
]


@pytest.mark.parametrize("address", INWARD_URLS)
def test_a_webhook_pointing_inward_is_refused_at_registration(people, orgs, address):
    with pytest.raises(ApplicationError) as refused:
        webhooks.webhook_register(actor=people.partner, organisation=orgs.ngo, url=address)
    assert list(refused.value.fields) == ["url"]
    assert not Webhook.objects.exists()


def test_the_api_refuses_an_inward_webhook_on_the_url_field(people, orgs, api):
    api.force_login(people.partner)
    for address in ("https://169.254.169.254/latest/meta-data/", "https://[::ffff:7f00:1]:8000/"):
        answer = api.post(reverse("v1:webhook-list"), {"url": address}, format="json")
        assert answer.status_code == 400, answer.content
        assert list(answer.json()["errors"]) == ["url"]
    assert not Webhook.objects.exists()


def test_a_public_address_or_a_name_that_does_not_resolve_yet_is_accepted(people, orgs):
    for address in ("https://93.184.215.14/hook", "https://[2606:4700::1111]/hook", "https://hooks.example.invalid/"):
        webhooks.webhook_register(actor=people.partner, organisation=orgs.ngo, url=address)
    assert Webhook.objects.count() == 3


def test_delivery_refuses_an_address_that_turned_inward(people, orgs, receiver, hook, settings):
    """Registered while allowed (or before a DNS change): each attempt checks again."""
    settings.WEBHOOK_ALLOWED_NETWORKS = []
    _, event = sent_referral(people.social_worker, orgs.ngo)
    delivery = WebhookDelivery.objects.get(event=event)
    assert webhooks.deliver(delivery.pk) == "failed"
    delivery.refresh_from_db()
    assert delivery.last_status is None
    assert delivery.last_error.startswith("ForbiddenAddress: 127.0.0.1 is loopback")
    assert receiver.count() == 0


def test_delivery_connects_to_the_address_it_vetted_not_to_a_second_lookup(people, orgs, receiver, monkeypatch):
    """A rebinding DNS server answers the check with an allowed address and the connection with
    another: the POST must go to the first (the receiver), the name is looked up once."""
    real_getaddrinfo, lookups = socket.getaddrinfo, []

    def rebinding(host, port, *args, **kwargs):  # type: ignore[no-untyped-def]
        if host != "partner.webhook.test":
            return real_getaddrinfo(host, port, *args, **kwargs)
        lookups.append(host)
        address = "127.0.0.1" if len(lookups) == 1 else "127.0.0.2"  # 127.0.0.2 is not allowed
        return real_getaddrinfo(address, port, *args, **kwargs)

    url = receiver.url.replace("127.0.0.1", "partner.webhook.test")
    webhook = Webhook.objects.create(organisation=orgs.ngo, url=url, secret="s", created_by=people.partner)
    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    _, event = sent_referral(people.social_worker, orgs.ngo)
    assert webhooks.deliver(WebhookDelivery.objects.get(event=event, webhook=webhook).pk) == "delivered"
    assert lookups == ["partner.webhook.test"]
    assert receiver.count() == 1
