"""The directory of services across the border (docs/cross-border.md, "The directory").

- **Publishing**: a peer's signed `GET /crossborder/api/directory/` is answered with the part of
  our directory we share: every active organisation's entry (names, services, provinces,
  capacity, accepting, office contact, note), never a person, and never the organisations that
  stand for partner instances here. Only to a peer whose `share_directory` is on (else 403).
- **Pulling**: beat's task asks each active peer for its directory with the same signature, and
  replaces our copy in one transaction. A peer that cannot be reached (or answers nonsense)
  leaves the last copy in place, marked stale; one that refuses (401, 403, 404) has it removed.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.actors import Staff
from accounts.models import AuditAction
from accounts.services import audit_record
from crossborder import directory_format, signatures
from crossborder.models import PartnerProvider, Peer, PeerDirectory
from crossborder.permissions import manage_peer
from crossborder.protocol import ProtocolError
from crossborder.services.inbox import Answer, authenticate, refuse
from crossborder.services.outbox import TIMEOUT_SECONDS, NoRedirects
from crossborder.services.peers import peer_switch
from referrals.models import DirectoryEntry

logger = logging.getLogger(__name__)

DIRECTORY_PATH = "/crossborder/api/directory/"
# The peer refuses us: our copy goes (it no longer shares, or does not know us any more).
WITHDRAWN = {401, 403, 404}


def _named(obj: Any) -> dict[str, str]:
    return {"code": obj.code, "name_en": obj.name_en, "name_lo": obj.name_lo or ""}


def published() -> list[dict[str, Any]]:
    """Our directory as peers receive it."""
    entries = (
        DirectoryEntry.objects.filter(organisation__is_active=True)
        .exclude(organisation__in=Peer.objects.values("organisation"))
        .select_related("organisation")
        .prefetch_related("service_types", "provinces")
        .order_by("organisation__code")
    )
    return [
        {
            **_named(entry.organisation),
            "services": [_named(service) for service in entry.service_types.all()],
            "areas": [_named(province) for province in entry.provinces.all()],
            "capacity": entry.capacity,
            "accepting": entry.accepting,
            "phone": entry.phone,
            "email": entry.email,
            "note": entry.note,
            "updated": entry.updated_at.isoformat(),
        }
        for entry in entries
    ]


def serve(*, method: str, path: str, headers: dict[str, str]) -> tuple[int, bytes]:
    """Answer a peer's request for our directory: the signature as for messages (401, 409), then
    the agreement (403), all audited as refusals; a directory given is audited too."""
    peer = authenticate(method=method, path=path, headers=headers, body=b"")
    if isinstance(peer, Peer) and not peer.share_directory:
        peer = refuse(403, "our directory is not shared with this peer", peer)
    if isinstance(peer, Answer):
        return peer.status, json.dumps(peer.body).encode()
    body = directory_format.document(
        sender=settings.CROSSBORDER_INSTANCE_ID, generated=timezone.now().isoformat(), providers=published()
    )
    audit_record(actor=peer.as_actor(), action=AuditAction.EXPORT, obj=peer, reason="directory of services read")
    return 200, body


# --- Pulling a peer's directory -------------------------------------------------------------------
def _get(url: str, headers: dict[str, str]) -> tuple[int | None, bytes, str]:
    """GET once, straight to the peer (no proxy, no redirects followed): status, body, error."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), NoRedirects())
    request = urllib.request.Request(url, headers=headers, method="GET")  # noqa: S310 (scheme checked at registration)
    try:
        with opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            return response.status, response.read(directory_format.MAX_BODY + 1), ""
    except urllib.error.HTTPError as error:
        detail = error.read(300).decode(errors="replace")
        error.close()
        return error.code, b"", f"HTTP {error.code} {detail}"[:300]
    except (OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        return None, b"", f"{type(reason).__name__}: {reason}"[:300]


def pull(peer_id: Any) -> str:
    """Ask the peer for its directory and keep our copy: "refreshed", "withdrawn" or "failed"."""
    peer = Peer.objects.filter(pk=peer_id, active=True).first()
    if peer is None:
        return "failed"
    url = peer.base_url.rstrip("/") + DIRECTORY_PATH
    headers = signatures.sign(method="GET", path=urlsplit(url).path, body=b"", key_id=settings.CROSSBORDER_INSTANCE_ID)
    headers["User-Agent"] = "Pathway-Crossborder/1"
    status, body, error = _get(url, headers)
    providers: list[dict[str, Any]] = []
    if status == 200:
        try:
            providers = directory_format.parse(body, sender=peer.instance_id)
        except ProtocolError as wrong:
            status, error = None, f"the directory is not valid: {wrong}"[:300]
    outcome = "refreshed" if status == 200 else "withdrawn" if status in WITHDRAWN else "failed"
    _keep(peer, outcome, providers, error)
    if outcome != "refreshed":  # ids and status only
        logger.warning("crossborder directory of peer %s: %s (%s)", peer.pk, outcome, status or error[:80])
    return outcome


@transaction.atomic
def _keep(peer: Peer, outcome: str, providers: list[dict[str, Any]], error: str) -> None:
    now = timezone.now()
    copy, _created = PeerDirectory.objects.select_for_update().get_or_create(peer=peer)
    copy.attempted_at = now
    copy.last_error = error
    if outcome == "failed":  # the last copy stays, stale
        copy.save()
        return
    PartnerProvider.objects.filter(peer=peer).delete()
    copy.shared = outcome == "refreshed"
    copy.refreshed_at = now if copy.shared else None
    copy.save()
    PartnerProvider.objects.bulk_create(
        PartnerProvider(
            peer=peer,
            code=provider["code"],
            name_en=provider["name_en"],
            name_lo=provider["name_lo"],
            services=provider["services"],
            service_codes=[service["code"] for service in provider["services"]],
            areas=provider["areas"],
            area_codes=[area["code"] for area in provider["areas"]],
            capacity=provider["capacity"],
            accepting=provider["accepting"],
            phone=provider["phone"],
            email=provider["email"],
            note=provider["note"],
            updated_at=provider["updated"],
        )
        for provider in providers
    )


@transaction.atomic
def claim_due() -> list[Any]:
    """The peers due for a pull, each marked as attempted now, so that the next sweeps do not
    queue it again while its pull waits for a worker or for a slow peer."""
    due = due_for_refresh()
    now = timezone.now()
    for peer_id in due:
        PeerDirectory.objects.update_or_create(peer_id=peer_id, defaults={"attempted_at": now})
    return due


def due_for_refresh() -> list[Any]:
    """The active peers whose copy is older than CROSSBORDER_DIRECTORY_SECONDS (or never pulled)."""
    cutoff = timezone.now() - timedelta(seconds=settings.CROSSBORDER_DIRECTORY_SECONDS)
    recent = PeerDirectory.objects.filter(attempted_at__gt=cutoff).values("peer")
    return list(Peer.objects.filter(active=True).exclude(pk__in=recent).values_list("pk", flat=True))


# --- What an administrator does -------------------------------------------------------------------
@transaction.atomic
def peer_share_directory(*, actor: Staff, peer: Peer, share: bool) -> Peer:
    """Let the peer read our directory, or stop it."""
    return peer_switch(actor=actor, peer=peer, field="share_directory", value=share)


def peer_directory_refresh(*, actor: Staff, peer: Peer) -> None:
    """Ask for the peer's directory now (the worker does it), instead of at the next sweep."""
    manage_peer.require(actor, peer, _("Only an administrator can change partner instances."))
    from crossborder.tasks import pull_directory  # the tasks module imports this one

    pull_directory.delay(str(peer.pk))
