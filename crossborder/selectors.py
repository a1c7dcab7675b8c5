"""Reads of the cross-border pages, scoped by crossborder.permissions; a read of what was shared
about a person writes its audit row."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import AuditAction, Province
from accounts.services import audit_record
from casework.choices import CaseCategory, Sex
from core.pages import local_name
from crossborder.choices import OutboxState, Purpose, Role, steps_for
from crossborder.models import InboxMessage, OutboxMessage, Peer, Transfer
from crossborder.permissions import change_transfer, manage_peer, resolve_message, view_transfer
from referrals.choices import DataCategory

LABELS = {
    "given_name_latin": _("Given name (Latin letters)"),
    "family_name_latin": _("Family name (Latin letters)"),
    "given_name_lo": _("Given name (Lao script)"),
    "family_name_lo": _("Family name (Lao script)"),
    "sex": _("Sex"),
    "date_of_birth": _("Date of birth"),
    "estimated_age": _("Estimated age"),
    "phone": _("Phone"),
    "origin_province": _("Province of origin"),
    "origin_village": _("Village of origin"),
    "languages": _("Languages"),
    "interpreter_needed": _("An interpreter is needed"),
    "case_category": _("Case category"),
}


def shared_rows(shared: dict[str, Any]) -> list[tuple[Any, str]]:
    """What was shared as the page shows it: (label, value in words), in the protocol's order."""
    words: dict[str, Any] = {
        "sex": lambda value: Sex(value).label,
        "case_category": lambda value: CaseCategory(value).label,
        "date_of_birth": lambda value: date.fromisoformat(value).strftime("%d/%m/%Y"),
        "languages": lambda value: ", ".join(value),
        "interpreter_needed": lambda value: _("Yes") if value else _("No"),
        "origin_province": lambda value: local_name(Province.objects.filter(code=value).first()) or value,
    }
    rows = []
    for name, label in LABELS.items():
        if name in shared:
            try:
                rows.append((label, str(words.get(name, str)(shared[name]))))
            except (ValueError, TypeError):  # a partner's value we have no word for: shown as sent
                rows.append((label, str(shared[name])))
    return rows


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
        "shared": shared_rows(shared),
        "steps": steps,
        "outbox": messages,
        "waiting": sum(1 for message in messages if message.state == OutboxState.PENDING),
        "may_change": change_transfer.allows(user, transfer),
    }


def peers(*, user: Any) -> QuerySet[Peer]:
    return manage_peer.scope(user, Peer.objects.select_related("organisation", "receiving_organisation"))


def peer_rows(*, user: Any) -> list[dict[str, Any]]:
    """The partners with their agreement in words (purposes and data categories by their labels)."""

    def named(choices: Any, codes: list[str]) -> str:
        return ", ".join(str(label) for value, label in choices if value in codes) or "-"

    return [
        {
            "peer": peer,
            "may_send": named(Purpose.choices, peer.may_send),
            "may_receive": named(Purpose.choices, peer.may_receive),
            "categories_in": named(DataCategory.choices, peer.categories_in),
            "categories_out": named(DataCategory.choices, peer.categories_out),
        }
        for peer in peers(user=user)
    ]


def held_messages(*, user: Any) -> dict[str, Any]:
    """Messages held on either side, for the page where a person resolves them: ids, kinds,
    sequence numbers and reasons, never the body."""
    inbox = resolve_message.scope(user, InboxMessage.objects.select_related("peer")).filter(state="held")
    outbox = OutboxMessage.objects.select_related("peer").filter(state=OutboxState.HELD, peer__in=peers(user=user))
    return {"inbox": list(inbox.order_by("received_at")[:200]), "outbox": list(outbox.order_by("created_at")[:200])}
