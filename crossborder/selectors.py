"""Reads of the cross-border pages, scoped by crossborder.permissions; a read of what was shared
about a person writes its audit row."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.models import AuditAction, Organisation, Province
from accounts.services import audit_record
from casework.choices import CaseCategory, Sex
from casework.models import ServiceType
from core.pages import local_name
from crossborder.choices import OutboxState, Purpose, Role, steps_for
from crossborder.models import InboxMessage, OutboxMessage, PartnerProvider, Peer, PeerDirectory, Transfer
from crossborder.permissions import change_transfer, manage_peer, resolve_message, view_partner_provider, view_transfer
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
        "receiving": receiving_service(transfer),
    }


def receiving_service(transfer: Transfer) -> dict[str, str] | None:
    """The receiving service named in the referral, in words: on the referring side from our copy
    of the peer's directory, on the receiving side from our own organisations (codes as sent when
    unknown)."""
    if not transfer.provider_code:
        return None
    if transfer.role == Role.ORIGIN:
        provider = PartnerProvider.objects.filter(peer=transfer.peer_id, code=transfer.provider_code).first()
        organisation = named_locally(provider.__dict__) if provider else transfer.provider_code
    else:
        organisation = local_name(Organisation.objects.filter(code=transfer.provider_code).first())
    service = local_name(ServiceType.objects.filter(code=transfer.provider_service).first())
    return {
        "organisation": organisation or transfer.provider_code,
        "service": service or transfer.provider_service,
    }


def peers(*, user: Any) -> QuerySet[Peer]:
    return manage_peer.scope(
        user,
        Peer.objects.select_related("organisation", "receiving_organisation", "directory").annotate(
            provider_count=Count("providers")
        ),
    )


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
            "directory": _copy(peer),
            "stale": is_stale(_copy(peer)),
        }
        for peer in peers(user=user)
    ]


def held_messages(*, user: Any) -> dict[str, Any]:
    """Messages held on either side, for the page where a person resolves them: ids, kinds,
    sequence numbers and reasons, never the body."""
    inbox = resolve_message.scope(user, InboxMessage.objects.select_related("peer")).filter(state="held")
    outbox = OutboxMessage.objects.select_related("peer").filter(state=OutboxState.HELD, peer__in=peers(user=user))
    return {"inbox": list(inbox.order_by("received_at")[:200]), "outbox": list(outbox.order_by("created_at")[:200])}


# --- Partner countries' directories ---------------------------------------------------------------
def _copy(peer: Peer) -> PeerDirectory | None:
    try:
        return peer.directory
    except PeerDirectory.DoesNotExist:
        return None


def is_stale(copy: PeerDirectory | None) -> bool:
    """A copy is stale when the last attempt failed, or it is older than two refresh intervals."""
    if copy is None or copy.refreshed_at is None:
        return False
    old = timezone.now() - timedelta(seconds=2 * settings.CROSSBORDER_DIRECTORY_SECONDS)
    return bool(copy.last_error) or copy.refreshed_at < old


def named_locally(named: dict[str, str]) -> str:
    """A service's, an area's or an organisation's name as the peer published it, in the page's
    language (the Lao name in Lao when there is one)."""
    lao = (translation.get_language() or "").startswith("lo")
    return (named.get("name_lo") if lao else "") or named.get("name_en") or named.get("code", "")


def partner_providers(
    *, user: Any, peer: Any = None, service_code: str = "", area: str = ""
) -> QuerySet[PartnerProvider]:
    """The providers in our copies of the peers' directories the user may read, of one peer (or
    all), offering the service and in the area (by their codes; empty: any), accepting first."""
    providers = view_partner_provider.scope(user, PartnerProvider.objects.select_related("peer", "peer__directory"))
    if isinstance(peer, QuerySet):
        providers = providers.filter(peer__in=peer)
    elif peer:
        providers = providers.filter(peer=peer)
    if service_code:
        providers = providers.filter(service_codes__contains=[service_code])
    if area:
        providers = providers.filter(area_codes__contains=[area])
    return providers.order_by("peer__name", "-accepting", "name_en")


def partner_peers(*, user: Any) -> list[Peer]:
    """The active peers whose directory we hold a copy of (or tried to), for the filters."""
    if not view_partner_provider.allows(user, None):
        return []
    return list(Peer.objects.filter(active=True, directory__isnull=False).select_related("directory").order_by("name"))


def partner_areas(*, user: Any, peer: Any = None) -> list[tuple[str, str]]:
    """The areas the peers' providers work in, as (code, name), by name."""
    named: dict[str, str] = {}
    for areas in partner_providers(user=user, peer=peer).values_list("areas", flat=True):
        for area in areas:
            named.setdefault(area["code"], named_locally(area))
    return sorted(named.items(), key=lambda item: item[1])


def provider_rows(providers: Any) -> list[dict[str, Any]]:
    """Each provider with its names in the page's language: a service we know by its code under
    our own name (the same list of services on both sides), any other as the peer named it."""
    providers = list(providers)
    codes = {service["code"] for provider in providers for service in provider.services}
    ours = {service.code: local_name(service) for service in ServiceType.objects.filter(code__in=codes)}
    return [
        {
            "provider": provider,
            "name": named_locally(provider.__dict__),
            "services": ", ".join(ours.get(service["code"]) or named_locally(service) for service in provider.services)
            or "-",
            "areas": ", ".join(named_locally(area) for area in provider.areas) or "-",
        }
        for provider in providers
    ]


def partner_groups(*, user: Any, peer: Any = None, service_code: str = "", area: str = "") -> list[dict[str, Any]]:
    """The directory page's partner section: per peer, when its copy was refreshed, whether it is
    stale, and its providers that match (at most 200 a peer)."""
    groups = []
    for each in partner_peers(user=user):
        if peer and str(each.pk) != str(peer):
            continue
        found = partner_providers(user=user, peer=each, service_code=service_code, area=area)[:200]
        groups.append(
            {"peer": each, "copy": each.directory, "stale": is_stale(each.directory), "rows": provider_rows(found)}
        )
    return groups
