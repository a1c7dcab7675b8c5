"""The outbox: a message is stored in the transaction of the change it tells (`queue`), and a
Celery task sends it after the commit (`deliver`). Waiting happens in the database: a failed
attempt sets the next one `backoff(n)` later, and beat's sweep (`due_peer_ids`) queues the peers
that have a message due. Once one message gets through, every pending message of that peer
follows at once, in order (the peer is back: no need to wait out each message's backoff).

One sender per peer at a time (a session advisory lock), so a peer receives its messages in the
order they were written; the receiver orders them per transfer anyway (crossborder.services.inbox).
Delivery is at-least-once; the receiver applies a message id once."""

from __future__ import annotations

import logging
import urllib.error
import urllib.request
from datetime import timedelta
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.actors import Staff
from accounts.models import AuditAction
from accounts.services import audit_record
from core.errors import ApplicationError
from crossborder import protocol, signatures
from crossborder.choices import OutboxState
from crossborder.models import OutboxMessage, Peer, Transfer
from crossborder.permissions import manage_peer

logger = logging.getLogger(__name__)

INBOX_PATH = "/crossborder/api/messages/"
TIMEOUT_SECONDS = 10
FIRST_RETRY = timedelta(seconds=30)
# Answers that say the message itself is refused: waiting will not change them; a person must.
REFUSED = {400, 401, 403, 404, 413, 422}
_LOCK_SPACE = 0x63620000  # "cb": advisory locks of this module


def backoff(failed_attempts: int) -> timedelta:
    """30 s, 1, 2, 4 ... minutes, never more than CROSSBORDER_BACKOFF_MAX_SECONDS."""
    longest = timedelta(seconds=settings.CROSSBORDER_BACKOFF_MAX_SECONDS)
    return min(FIRST_RETRY * 2 ** max(failed_attempts - 1, 0), longest)


def queue(*, transfer: Transfer, kind: str, data: dict[str, Any]) -> OutboxMessage:
    """Store the next message of `transfer` to its peer, in the caller's transaction (which must
    hold the transfer's row lock, so sequence numbers never clash), and send it after the commit."""
    last = OutboxMessage.objects.filter(transfer=transfer).aggregate(last=Max("seq"))["last"] or 0
    now = timezone.now()
    message = OutboxMessage(
        peer_id=transfer.peer_id, transfer=transfer, seq=last + 1, kind=kind, created_at=now, next_attempt_at=now
    )
    message.body = protocol.encode(
        protocol.envelope(
            message_id=message.id,
            transfer_id=transfer.transfer_id,
            seq=message.seq,
            kind=kind,
            sender=settings.CROSSBORDER_INSTANCE_ID,
            created=now.isoformat(),
            data=data,
        )
    ).decode()
    message.save(force_insert=True)
    # robust: the change is committed; with the broker down, beat's sweep sends it later.
    transaction.on_commit(partial(enqueue, [transfer.peer_id]), robust=True)
    return message


def enqueue(peer_ids: list[Any]) -> None:
    from crossborder.tasks import deliver_to_peer  # the tasks module imports this one

    for peer_id in peer_ids:
        deliver_to_peer.delay(str(peer_id))


def due_peer_ids() -> list[Any]:
    return list(
        OutboxMessage.objects.filter(state=OutboxState.PENDING, next_attempt_at__lte=Now(), peer__active=True)
        .values_list("peer_id", flat=True)
        .distinct()
    )


def _post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int | None, str]:
    """POST once, straight to the peer (no proxy, no redirects followed)."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), NoRedirects())
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 (scheme checked at registration)
    try:
        with opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            response.read(4096)
            return response.status, ""
    except urllib.error.HTTPError as error:
        detail = error.read(300).decode(errors="replace")
        error.close()
        return error.code, f"HTTP {error.code} {detail}"[:300]
    except (OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        return None, f"{type(reason).__name__}: {reason}"[:300]


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def send_one(peer: Peer, message: OutboxMessage) -> str:
    """One attempt: "delivered", "held" (the peer refuses the message itself) or "failed"."""
    body = message.body.encode()
    url = peer.base_url.rstrip("/") + INBOX_PATH
    headers = signatures.sign(
        method="POST", path=urlsplit(url).path, body=body, key_id=settings.CROSSBORDER_INSTANCE_ID
    )
    headers["User-Agent"] = "Pathway-Crossborder/1"
    status, error = _post(url, body, headers)
    now = timezone.now()
    changes: dict[str, Any] = {"attempts": message.attempts + 1, "last_status": status, "last_error": error}
    if status is not None and 200 <= status < 300:
        outcome = "delivered"
        changes.update(state=OutboxState.DELIVERED, delivered_at=now, last_error="")
    elif status in REFUSED:
        outcome = "held"
        changes.update(state=OutboxState.HELD)
    else:
        outcome = "failed"
        changes.update(next_attempt_at=now + backoff(message.attempts + 1))
    OutboxMessage.objects.filter(pk=message.pk, state=OutboxState.PENDING).update(**changes)
    if outcome != "delivered":  # ids and status only, never the body
        logger.warning("crossborder message %s to peer %s: %s (%s)", message.pk, peer.pk, outcome, status or error[:80])
    return outcome


def deliver(peer_id: Any, *, batch: int = 200) -> dict[str, int]:
    """Send the peer's due messages in order; after the first success, every pending one. Stops
    at the first failure (the peer is down: beat comes back when the next one is due)."""
    counts = {"delivered": 0, "held": 0, "failed": 0}
    peer = Peer.objects.filter(pk=peer_id, active=True).first()
    if peer is None:
        return counts
    lock = (_LOCK_SPACE, peer.pk.int & 0x7FFFFFFF)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", lock)
        if not cursor.fetchone()[0]:
            return counts  # another worker is sending to this peer now
    try:
        reachable = False
        while True:
            pending = OutboxMessage.objects.filter(peer=peer, state=OutboxState.PENDING)
            if not reachable:
                pending = pending.filter(next_attempt_at__lte=Now())
            messages = list(pending.order_by("created_at", "seq")[:batch])
            for message in messages:
                outcome = send_one(peer, message)
                counts[outcome] += 1
                if outcome == "failed":
                    return counts
                reachable = True
            if len(messages) < batch:
                return counts
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", lock)


@transaction.atomic
def outbox_retry(*, actor: Staff, message: OutboxMessage) -> None:
    """Put a message the peer refused back in line (after the keys or the agreement were fixed)."""
    manage_peer.require(actor, message.peer, _("Only an administrator can resolve held messages."))
    updated = OutboxMessage.objects.filter(pk=message.pk, state=OutboxState.HELD).update(
        state=OutboxState.PENDING, next_attempt_at=timezone.now()
    )
    if not updated:
        raise ApplicationError(_("This message is not held any more."))
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=message, fields=["state"], reason="retried")
    transaction.on_commit(partial(enqueue, [message.peer_id]), robust=True)
