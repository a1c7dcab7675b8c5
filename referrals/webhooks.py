"""Partner webhooks: a partner organisation registers an HTTPS endpoint and is told, with an
HMAC-signed POST that carries no personal data, when something happens to a referral addressed
to it. It then pulls the referral itself through the partner API (which checks its token and the
consent), so a leaked or mis-addressed notification reveals nothing.

Which events are notified (`notifies_partner`): the events of a referral addressed to the
webhook's organisation, once it has been sent, that *the sending side* records (the change
stream's kind, prefixed "referral_", is the `event` field):
- `referral_sent`: the referral arrived;
- `referral_withdrawn`: the sender took it back;
- `referral_note`: the sender wrote a note on it;
- `referral_consent_withdrawn`, `referral_consent_expired`: the consent behind it ended, so the
  partner API now returns it without the personal data;
and any kind the sending side adds later. Never the draft's own events (`created`,
`draft_updated`), and never the receiving organisation's own changes (acknowledged, accepted,
declined, started, completed, closed_without_service, its notes): it made them itself.

The body is exactly

    {"at": "<ISO 8601 time of the event>", "event": "referral_<kind>", "referral_id": "<uuid>", "seq": <n>}

(compact JSON, keys sorted), with the headers

    X-Pathway-Signature: sha256=<hex HMAC-SHA256 of the raw body, keyed with the webhook secret>
    X-Pathway-Event-Seq: <n>            (the change-stream number: dedupe and order on it)
    X-Pathway-Delivery: <delivery id>

Delivery (`deliver`, run by the Celery task `referrals.tasks.deliver_webhook`):
- the first attempt is queued when the transaction that recorded the event commits;
- one POST straight to the endpoint (no proxy from the environment), to an address vetted after
  DNS resolution (never loopback, private, link-local, metadata...: referrals.webhook_addresses),
  TLS verified against the system trust store plus `WEBHOOK_CA_BUNDLE`; a 2xx answer within
  `TIMEOUT_SECONDS` is success; any other answer, a redirect (never followed), a TLS or network
  error, a refused address or a timeout is a failed attempt;
- after the n-th failed attempt the next one is due `backoff(n)` later (1, 2, 4, 8 ... minutes,
  never more than 6 hours); after `MAX_ATTEMPTS` failed attempts the delivery is given up;
- due retries are re-queued by the periodic task `referrals.tasks.retry_due_webhooks` (every
  minute): the waiting happens in the database, never as a long ETA in Redis;
- the delivery row is locked (`SELECT ... FOR UPDATE SKIP LOCKED`) while it is being sent, and
  a delivery that is delivered, given up or not yet due is skipped, so a redelivered or
  duplicated task message never sends twice at once nor again after success. Delivery is
  at-least-once: a worker killed after the partner answered but before the commit sends again,
  which is why every request carries the event's sequence number.

Settings (optional; read at call time):
- `WEBHOOK_CA_BUNDLE`: path of a PEM file with extra certificate authorities to trust for
  webhook endpoints, on top of the system trust store (a partner behind a private CA; the
  tests' self-signed receiver). Also read from the environment variable of the same name.
- `WEBHOOK_ALLOWED_NETWORKS`: networks let through the address rule (tests and development
  only; refused in production), e.g. the tests' receiver on 127.0.0.1.
- `WEBHOOK_QUEUE`: the Celery queue deliveries are sent to (default: Celery's default queue),
  so that slow partner endpoints can be given their own worker pool.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import secrets
import ssl
import urllib.error
import urllib.request
from collections.abc import Iterable
from datetime import timedelta
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.actors import Staff
from accounts.models import AuditAction, Organisation, Role
from accounts.services import audit_record
from core.errors import ApplicationError, PermissionDenied
from core.permissions import EVERYTHING, NOTHING, define, has_role
from referrals.choices import ReferralStatus
from referrals.models import Referral, ReferralEvent, Webhook, WebhookDelivery
from referrals.webhook_addresses import VettedHTTPSHandler, check_host

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 5
URL_MAX_LENGTH = 500  # Webhook.url
MAX_ATTEMPTS = 10
FIRST_RETRY = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=6)
SIGNATURE_HEADER = "X-Pathway-Signature"
SEQ_HEADER = "X-Pathway-Event-Seq"
DELIVERY_HEADER = "X-Pathway-Delivery"
# Who may register and deactivate their organisation's webhooks (an administrator: any).
WEBHOOK_ROLES = (Role.PARTNER, Role.MANAGER)


# --- Who may manage webhooks -------------------------------------------------------------------
def _can_manage_webhook(user: Any, webhook: Webhook) -> bool:
    if has_role(user, Role.ADMIN):
        return True
    return has_role(user, *WEBHOOK_ROLES) and webhook.organisation_id == user.organisation_id


def _webhooks_managed(user: Any) -> Q:
    if has_role(user, Role.ADMIN):
        return EVERYTHING
    if has_role(user, *WEBHOOK_ROLES) and user.organisation_id:
        return Q(organisation_id=user.organisation_id)
    return NOTHING


manage_webhook = define("referrals.manage_webhook", Webhook, predicate=_can_manage_webhook, filter=_webhooks_managed)


def can_register_webhook(user: Any, organisation: Organisation) -> bool:
    if has_role(user, Role.ADMIN):
        return True
    return has_role(user, *WEBHOOK_ROLES) and organisation.pk == user.organisation_id


def webhook_organisations(user: Any) -> QuerySet[Organisation]:
    """The organisations `user` may register webhooks for (the page's choice): the queryset
    beside `can_register_webhook`."""
    queryset = Organisation.objects.filter(is_active=True).order_by("name_en")
    if has_role(user, Role.ADMIN):
        return queryset
    if has_role(user, *WEBHOOK_ROLES) and user.organisation_id:
        return queryset.filter(pk=user.organisation_id)
    return queryset.none()


# --- Registration --------------------------------------------------------------------------------
def _validate_url(url: str) -> str:
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        raise ApplicationError(
            _("A webhook must be an https:// address."), fields={"url": [_("Give an https:// address.")]}
        )
    if parts.username or parts.password:
        raise ApplicationError(
            _("A webhook address must not contain a user name or password."),
            fields={"url": [_("Remove the user name and password from the address.")]},
        )
    if len(url) > URL_MAX_LENGTH:
        raise ApplicationError(_("The address is too long."), fields={"url": [_("Use at most 500 characters.")]})
    try:
        port = parts.port or 443
    except ValueError:
        raise ApplicationError(
            _("A webhook must be an https:// address."), fields={"url": [_("The port is not valid.")]}
        ) from None
    if check_host(parts.hostname, port):
        raise ApplicationError(
            _("A webhook must point at a public internet address."),
            fields={"url": [_("This address is on a private, local or reserved network.")]},
        )
    return url


@transaction.atomic
def webhook_register(*, actor: Staff, organisation: Organisation, url: str) -> tuple[Webhook, str]:
    """Register an endpoint of `organisation`. Returns the webhook and its signing secret; the
    secret is shown this once (the partner stores it to verify signatures)."""
    if not can_register_webhook(actor, organisation):
        raise PermissionDenied(_("Only the organisation's partner or manager accounts can register its webhooks."))
    url = _validate_url(url)
    secret = secrets.token_urlsafe(32)
    webhook = Webhook.objects.create(organisation=organisation, url=url, secret=secret, created_by=actor)
    audit_record(actor=actor, action=AuditAction.CREATE, obj=webhook, fields=["url"])
    return webhook, secret


@transaction.atomic
def webhook_deactivate(*, actor: Staff, webhook: Webhook) -> Webhook:
    """Stop notifying the endpoint; deliveries still waiting are given up."""
    if not manage_webhook.allows(actor, webhook):
        raise PermissionDenied(_("You cannot change this organisation's webhooks."))
    now = timezone.now()
    Webhook.objects.filter(pk=webhook.pk).update(active=False)
    webhook.active = False
    webhook.deliveries.filter(delivered_at__isnull=True, gave_up_at__isnull=True).update(
        gave_up_at=now, next_attempt_at=None, last_error="webhook deactivated"
    )
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=webhook, fields=["active"])
    return webhook


# --- Scheduling ----------------------------------------------------------------------------------
def notifies_partner(event: ReferralEvent, referral: Referral) -> bool:
    """Is this event one the receiving organisation is told about (see the module docstring)?"""
    if ReferralStatus.DRAFT in (event.to_status, event.from_status) and event.to_status != ReferralStatus.SENT:
        return False  # still a draft (or a draft thrown away): the partner never saw it
    if not event.to_status and referral.status == ReferralStatus.DRAFT:
        return False  # a note on a draft
    return event.organisation_id != referral.to_organisation_id


def schedule_deliveries(event: ReferralEvent) -> list[int]:
    """Create one delivery per active webhook of the referral's receiving organisation and queue
    the first attempts when the current transaction commits. Runs inside the transaction that
    records the event (referrals.changes.record_change); calling it twice is harmless."""
    referral = event.referral
    if not notifies_partner(event, referral):
        return []
    webhook_ids = list(
        Webhook.objects.filter(organisation_id=referral.to_organisation_id, active=True).values_list("pk", flat=True)
    )
    if not webhook_ids:
        return []
    WebhookDelivery.objects.bulk_create(
        [WebhookDelivery(webhook_id=pk, event=event, next_attempt_at=Now()) for pk in webhook_ids],
        ignore_conflicts=True,  # the unique (webhook, event) constraint makes a second call a no-op
    )
    delivery_ids = list(
        WebhookDelivery.objects.filter(event=event, delivered_at__isnull=True, gave_up_at__isnull=True).values_list(
            "pk", flat=True
        )
    )
    # robust: the change is committed by then; if the broker is down the periodic retry picks
    # the deliveries up (they are due now), so the caller must not see an error.
    transaction.on_commit(partial(enqueue, delivery_ids), robust=True)
    return delivery_ids


def enqueue(delivery_ids: Iterable[int]) -> None:
    from referrals.tasks import deliver_webhook  # the tasks module imports this one

    queue = getattr(settings, "WEBHOOK_QUEUE", None) or None
    for delivery_id in delivery_ids:
        deliver_webhook.apply_async((delivery_id,), queue=queue)


def due_delivery_ids(*, limit: int = 1000) -> list[int]:
    """Deliveries whose next attempt is due, oldest first."""
    return list(
        WebhookDelivery.objects.filter(
            delivered_at__isnull=True,
            gave_up_at__isnull=True,
            next_attempt_at__lte=Now(),
            webhook__active=True,
        )
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


# --- The request ---------------------------------------------------------------------------------
def payload(event: ReferralEvent) -> bytes:
    """The exact bytes that are signed and sent: no names, no case content, only pointers."""
    body = {
        "event": event_name(event),
        "referral_id": str(event.referral_id),
        "seq": event.seq,
        "at": event.at.isoformat(),
    }
    return json.dumps(body, separators=(",", ":"), sort_keys=True).encode()


def event_name(event: ReferralEvent) -> str:
    """The webhook name of a change-stream kind: "sent" -> "referral_sent"."""
    return f"referral_{event.kind}"


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def backoff(failed_attempts: int) -> timedelta:
    """How long to wait after the n-th failed attempt: 1, 2, 4, 8 ... minutes, at most 6 hours."""
    return min(FIRST_RETRY * 2 ** max(failed_attempts - 1, 0), LONGEST_WAIT)


def ca_bundle() -> str | None:
    return getattr(settings, "WEBHOOK_CA_BUNDLE", None) or os.environ.get("WEBHOOK_CA_BUNDLE") or None


def _tls_context() -> ssl.SSLContext:
    context = ssl.create_default_context()  # system trust, hostname checks, TLS >= 1.2
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    bundle = ca_bundle()
    if bundle:
        context.load_verify_locations(cafile=bundle)
    return context


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer, not an instruction: following it could turn the POST into a GET
    to any address (plain http, an internal host)."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int | None, str]:
    """POST once; returns (HTTP status or None, error text or "")."""
    if urlsplit(url).scheme != "https":  # the database refuses it too; never send in the clear
        return None, "not an https address"
    opener = urllib.request.build_opener(
        urllib.request.ProxyHandler({}),  # straight to the partner; no proxy from the environment
        VettedHTTPSHandler(context=_tls_context()),  # resolves, checks and connects to the vetted address
        _NoRedirects(),
    )
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 (https only, checked above)
    try:
        with opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            response.read(1024)  # the answer's content is not used; read a little so keep-alive peers are happy
            return response.status, ""
    except urllib.error.HTTPError as error:
        error.close()
        return error.code, f"HTTP {error.code}"
    except (OSError, ValueError) as error:  # URLError, TLS, timeouts, refused connections
        reason = getattr(error, "reason", error)
        return None, f"{type(reason).__name__}: {reason}"[:300]


def deliver(delivery_id: int) -> str:
    """Make one attempt at one delivery, if it is still pending and due. Returns what happened:
    "delivered", "failed", "gave_up" or "skipped"."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("webhook", "event")
            .filter(pk=delivery_id, delivered_at__isnull=True, gave_up_at__isnull=True, next_attempt_at__lte=Now())
            .first()
        )
        if delivery is None:  # delivered, given up, not due, or being sent by another worker right now
            return "skipped"
        webhook, event = delivery.webhook, delivery.event
        if not webhook.active:
            WebhookDelivery.objects.filter(pk=delivery.pk).update(
                gave_up_at=timezone.now(), next_attempt_at=None, last_error="webhook deactivated"
            )
            return "skipped"
        body = payload(event)
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "Pathway-Webhooks/1",
            SIGNATURE_HEADER: sign(webhook.secret, body),
            SEQ_HEADER: str(event.seq),
            DELIVERY_HEADER: str(delivery.pk),
        }
        # Sent while the row is locked, so that no other worker can send it at the same time;
        # the wait is bounded by the timeout and the lock covers this one row only.
        status, error = _post(webhook.url, body, headers)
        now = timezone.now()
        attempts = delivery.attempts + 1
        changes: dict[str, Any] = {"attempts": attempts, "last_status": status, "last_error": error}
        if status is not None and 200 <= status < 300:
            outcome = "delivered"
            changes.update(delivered_at=now, next_attempt_at=None, last_error="")
        elif attempts >= MAX_ATTEMPTS:
            outcome = "gave_up"
            changes.update(gave_up_at=now, next_attempt_at=None)
        else:
            outcome = "failed"
            changes.update(next_attempt_at=now + backoff(attempts))
        WebhookDelivery.objects.filter(pk=delivery.pk).update(**changes)
    if outcome != "delivered":
        # ids and status only: never the URL's query, the body or anything about the person
        logger.warning(
            "webhook delivery %s to webhook %s: attempt %s %s (%s)", delivery_id, webhook.pk, attempts, outcome, error
        )
    return outcome
