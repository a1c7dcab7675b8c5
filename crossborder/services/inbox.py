"""The inbox: what a peer sends is checked (signature, freshness, nonce, envelope, agreement),
stored under its message id, then applied once and in order per transfer.

- A forged, unsigned, stale or unknown-key request is refused with 401, a replayed one (a nonce
  already seen) with 409; both are audited and nothing is stored.
- A message id already stored is answered 200 "duplicate" and not applied again (the sender
  retried after a lost answer).
- Messages of one transfer are applied in their sequence: one that arrives before an earlier one
  waits ("waiting") until the gap fills.
- A message that cannot be applied (the protocol does not allow it now, the data does not fit)
  is "held" with its reason, and the messages after it wait, until a person retries it or sets
  it aside on the held-messages page. Nothing is dropped.
"""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.actors import Staff
from accounts.models import AuditAction
from accounts.services import audit_record
from casework.services.common import record
from core.actors import SYSTEM
from core.errors import ApplicationError
from core.validation import required_text
from crossborder import protocol, signatures, transitions
from crossborder.choices import SENT_BY, InboxState, Kind, Role, TransferStatus
from crossborder.models import InboxMessage, Peer, SeenNonce, Transfer
from crossborder.services.transfers import apply_step

logger = logging.getLogger(__name__)
_LOCK_SPACE = 0x63620001


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict[str, Any]


def refuse(status: int, reason: str, peer: Peer | None, key_id: str = "") -> Answer:
    """Audit a refused request in its own transaction (the caller's rolls back) and answer it."""
    with transaction.atomic():
        audit_record(
            actor=peer.as_actor() if peer else SYSTEM,
            action=AuditAction.LOGIN_FAILED,
            object_type="crossborder.peer",
            object_id=str(peer.pk) if peer else key_id[:60],
            reason=f"cross-border message refused ({status}): {reason}",
        )
    logger.warning("crossborder request refused %s: %s", status, reason)
    return Answer(status, {"error": reason})


def authenticate(*, method: str, path: str, headers: dict[str, str], body: bytes) -> Peer | Answer:
    """The active peer that signed this request, or the refusal (401, 409), audited. Every signed
    endpoint of the protocol (messages, the directory) checks its requests here."""
    try:
        signed = signatures.parse(headers.get("Signature-Input", ""), headers.get("Signature", ""))
    except signatures.SignatureError as error:
        return refuse(401, str(error), None)
    peer = Peer.objects.filter(instance_id=signed.key_id, active=True).first()
    if peer is None:
        return refuse(401, "unknown key id", None, signed.key_id)
    try:
        signatures.verify(
            signed,
            public_key=signatures.load_public_key(peer.public_key),
            method=method,
            path=path,
            content_type=headers.get("Content-Type", ""),
            digest=headers.get("Content-Digest", ""),
            body=body,
        )
    except (signatures.SignatureError, ValueError) as error:
        return refuse(401, str(error), peer)
    try:
        with transaction.atomic():
            SeenNonce.objects.create(peer=peer, nonce=signed.nonce)
    except IntegrityError:
        return refuse(409, "replayed request: nonce already used", peer)
    return peer


def receive(*, method: str, path: str, headers: dict[str, str], body: bytes) -> Answer:
    """Check, store and apply one request to the inbox endpoint."""
    peer = authenticate(method=method, path=path, headers=headers, body=body)
    if isinstance(peer, Answer):
        return peer
    try:
        message = protocol.parse(body)
    except protocol.ProtocolError as error:
        return refuse(400, str(error), peer)
    if message["sender"] != peer.instance_id:
        return refuse(401, "the sender is not the signing peer", peer)
    refused = _not_agreed(peer, message)
    if refused:
        return refuse(403, refused, peer)
    return _store_and_apply(peer, message, body)


def _not_agreed(peer: Peer, message: dict[str, Any]) -> str:
    """Why the agreement refuses a referral from this peer ("" when it allows it)."""
    if message["kind"] != Kind.REFERRAL:
        return ""
    data = message["data"]
    if data["purpose"] not in peer.may_send:
        return f"the agreement does not let this peer refer for {data['purpose']}"
    outside = sorted(set(data["categories"]) - set(peer.categories_in))
    return f"the agreement does not allow these data categories: {', '.join(outside)}" if outside else ""


def _store_and_apply(peer: Peer, message: dict[str, Any], body: bytes) -> Answer:
    with transaction.atomic():
        stored = InboxMessage.objects.filter(pk=message["id"]).first()
        if stored is not None:
            return Answer(200, {"status": "duplicate", "state": stored.state})
        try:
            with transaction.atomic():
                InboxMessage.objects.create(
                    id=message["id"],
                    peer=peer,
                    transfer_id=message["transfer"],
                    seq=message["seq"],
                    kind=message["kind"],
                    body=body.decode(),
                )
        except IntegrityError:
            # The same message sent again while its first attempt was being stored (the sender
            # gave up waiting): the insert waited for that attempt, which is now stored.
            stored = InboxMessage.objects.filter(pk=message["id"]).first()
            if stored is not None:
                return Answer(200, {"status": "duplicate", "state": stored.state})
            return refuse(409, "another message already has this sequence number in this transfer", peer)
        apply_ready(peer, message["transfer"])
        state = InboxMessage.objects.values_list("state", flat=True).get(pk=message["id"])
    return Answer(200, {"status": "stored", "state": state})


def apply_ready(peer: Peer, transfer_id: Any) -> int:
    """Apply the transfer's messages that are next in line, in sequence, each in a savepoint: a
    message that fails is held with its reason and stops the line. Returns how many applied."""
    with connection.cursor() as cursor:  # one applier per transfer at a time, for this transaction
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", (_LOCK_SPACE, hash_of(transfer_id)))
    mine = InboxMessage.objects.filter(peer=peer, transfer_id=transfer_id)
    done = mine.filter(state__in=[InboxState.APPLIED, InboxState.SET_ASIDE]).aggregate(last=Max("seq"))["last"] or 0
    applied = 0
    while True:
        message = mine.filter(seq=done + 1, state=InboxState.WAITING).first()
        if message is None:
            return applied
        try:
            # In English whatever the request's language: the reason is stored as the catalogue's
            # sentence and shown translated on the held-messages page.
            with transaction.atomic(), translation.override("en"):
                _apply(peer, message)
                InboxMessage.objects.filter(pk=message.pk).update(
                    state=InboxState.APPLIED, applied_at=timezone.now(), held_reason=""
                )
        except ApplicationError as error:
            reason = str(error)
            InboxMessage.objects.filter(pk=message.pk).update(state=InboxState.HELD, held_reason=reason[:1000])
            return applied
        done += 1
        applied += 1


def hash_of(transfer_id: Any) -> int:
    return uuid.UUID(str(transfer_id)).int & 0x7FFFFFFF


def _apply(peer: Peer, message: InboxMessage) -> None:
    try:
        envelope = protocol.parse(message.body.encode())
    except protocol.ProtocolError as error:  # set aside or cleared by the retention rule since
        raise ApplicationError(_("The message is not valid: %(error)s") % {"error": error}) from error
    data, kind = envelope["data"], message.kind
    if kind == Kind.REFERRAL:
        _receive_referral(peer, envelope)
        return
    transfer = Transfer.objects.select_for_update().filter(peer=peer, transfer_id=message.transfer_id).first()
    if transfer is None:
        raise ApplicationError(_("No transfer with this id was referred between us."))
    sender_role = Role.DESTINATION if transfer.role == Role.ORIGIN else Role.ORIGIN
    if kind not in SENT_BY[Role(sender_role)]:
        raise ApplicationError(_("The other side cannot send this kind of message."))
    if kind == Kind.ACCEPTED:
        transitions.TRANSFER.move(transfer, TransferStatus.ACCEPTED)
    elif kind == Kind.DECLINED:
        transitions.TRANSFER.move(transfer, TransferStatus.DECLINED, decline_reason=data["reason"])
    elif kind == Kind.INFO_REQUESTED:
        transitions.TRANSFER.move(transfer, TransferStatus.INFO_REQUESTED, question=data["question"])
    elif kind == Kind.INFO_PROVIDED:
        transitions.TRANSFER.move(transfer, TransferStatus.SENT, answer=data["answer"])
    elif kind == Kind.STEP_DONE:
        agreed = data.get("agreed_date")
        apply_step(
            transfer,
            peer.as_actor(),
            code=data["step"],
            by=sender_role,
            done_on=date.fromisoformat(data["done_on"]),
            agreed_date=date.fromisoformat(agreed) if agreed else None,
            note=data.get("note", ""),
        )
    if kind != Kind.STEP_DONE and transfer.case is not None:
        record(
            transfer.case,
            peer.as_actor(),
            f"crossborder_{kind}",
            obj=transfer,
            transfer=str(transfer.transfer_id),
            peer=peer.instance_id,
        )


def _receive_referral(peer: Peer, envelope: dict[str, Any]) -> None:
    data = envelope["data"]
    Transfer.objects.create(
        transfer_id=envelope["transfer"],
        peer=peer,
        role=Role.DESTINATION,
        purpose=data["purpose"],
        organisation_id=peer.receiving_organisation_id,
        categories=data["categories"],
        reason=data["reason"],
        shared=json.dumps(data["person"]),
        peer_case_code=data["case_code"][:40],
        provider_code=data.get("provider", {}).get("organisation", ""),
        provider_service=data.get("provider", {}).get("service", ""),
    )
    audit_record(
        actor=peer.as_actor(),
        action=AuditAction.CREATE,
        object_type="crossborder.transfer",
        object_id=envelope["transfer"],
        fields=sorted(data["person"]),
    )


# --- What a person does with held messages -------------------------------------------------------
@transaction.atomic
def inbox_retry(*, actor: Staff, message: InboxMessage) -> InboxMessage:
    """Apply a held message again (after what stopped it was put right), then those waiting behind it."""
    from crossborder.permissions import resolve_message

    resolve_message.require(actor, message, _("Only an administrator can resolve held messages."))
    updated = InboxMessage.objects.filter(pk=message.pk, state=InboxState.HELD).update(state=InboxState.WAITING)
    if not updated:
        raise ApplicationError(_("This message is not held any more."))
    apply_ready(message.peer, message.transfer_id)
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=message, fields=["state"], reason="retried")
    message.refresh_from_db()
    return message


@transaction.atomic
def inbox_set_aside(*, actor: Staff, message: InboxMessage, note: str) -> InboxMessage:
    """Give up applying a held message, with a note (it stays in the table), and go on with the next."""
    from crossborder.permissions import resolve_message

    resolve_message.require(actor, message, _("Only an administrator can resolve held messages."))
    required_text(note, field="note", message=_("Say why the message is set aside."))
    updated = InboxMessage.objects.filter(pk=message.pk, state=InboxState.HELD).update(
        state=InboxState.SET_ASIDE, resolved_by=actor, resolution_note=note.strip()
    )
    if not updated:
        raise ApplicationError(_("This message is not held any more."))
    apply_ready(message.peer, message.transfer_id)
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=message, fields=["state"], reason="set aside")
    message.refresh_from_db()
    return message


def nonces_prune() -> int:
    """Forget nonces older than twice the signature window: a request that old is refused anyway."""
    cutoff = timezone.now() - timedelta(seconds=2 * settings.CROSSBORDER_SIGNATURE_WINDOW_SECONDS)
    deleted, _ = SeenNonce.objects.filter(seen_at__lt=cutoff).delete()
    return deleted
