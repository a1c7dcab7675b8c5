"""Reads of the cross-border pages, scoped by crossborder.permissions; a read of what was shared
about a person writes its audit row."""

from __future__ import annotations

import json
from typing import Any

from django.db.models import QuerySet

from accounts.models import AuditAction
from accounts.services import audit_record
from crossborder.choices import OutboxState, Role, steps_for
from crossborder.models import InboxMessage, OutboxMessage, Peer, Transfer
from crossborder.permissions import change_transfer, manage_peer, resolve_message, view_transfer


def transfers(*, user: Any, role: str = "") -> QuerySet[Transfer]:
    """Transfers the user may see, newest first; no personal data (codes, statuses, peers)."""
    queryset = view_transfer.scope(user, Transfer.objects.select_related("peer", "case__person"))
    return queryset.filter(role=role) if role in Role.values else queryset


def transfer_page(*, user: Any, pk: Any) -> dict[str, Any]:
    """One transfer with what was shared and both ends' steps; the read is audited."""
    transfer = view_transfer.get(user, Transfer.objects.select_related("peer", "case__person", "consent"), pk=pk)
    shared = json.loads(transfer.shared or "{}")
    audit_record(actor=user, action=AuditAction.VIEW, obj=transfer, fields=sorted(shared))
    done = {step.code: step for step in transfer.steps.all()}
    steps = [
        {"step": step, "done": done.get(step.code), "ours": step.by == transfer.role}
        for step in steps_for(transfer.purpose)
    ]
    messages = list(OutboxMessage.objects.filter(transfer=transfer).defer("body"))
    return {
        "transfer": transfer,
        "shared": shared,
        "steps": steps,
        "outbox": messages,
        "waiting": sum(1 for message in messages if message.state == OutboxState.PENDING),
        "may_change": change_transfer.allows(user, transfer),
    }


def peers(*, user: Any) -> QuerySet[Peer]:
    return manage_peer.scope(user, Peer.objects.select_related("organisation", "receiving_organisation"))


def held_messages(*, user: Any) -> dict[str, Any]:
    """Messages held on either side, for the page where a person resolves them: ids, kinds,
    sequence numbers and reasons, never the body."""
    inbox = resolve_message.scope(user, InboxMessage.objects.select_related("peer")).filter(state="held")
    outbox = OutboxMessage.objects.select_related("peer").filter(state=OutboxState.HELD, peer__in=peers(user=user))
    return {"inbox": list(inbox.order_by("received_at")[:200]), "outbox": list(outbox.order_by("created_at")[:200])}
