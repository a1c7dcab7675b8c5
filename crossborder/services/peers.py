"""Registering a partner instance (keys exchanged out of band) and switching it off."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.actors import Staff
from accounts.models import AuditAction, Organisation
from accounts.services import audit_record
from core.errors import ApplicationError, Conflict
from crossborder import signatures
from crossborder.choices import Purpose
from crossborder.models import Peer
from crossborder.permissions import manage_peer
from referrals.choices import DataCategory

SHAREABLE = [value for value in DataCategory.values if value != DataCategory.HTCDS]


def _url_problem(url: str) -> str:
    """Why `url` cannot be a partner's address ("" when it can)."""
    parts = urlsplit(url)
    allowed = ("https", "http") if settings.CROSSBORDER_ALLOW_HTTP else ("https",)
    if parts.scheme not in allowed or not parts.hostname or parts.username or parts.password or parts.query:
        return _("Give the partner's https:// address.")
    return ""


@transaction.atomic
def peer_register(
    *,
    actor: Staff,
    name: str,
    instance_id: str,
    base_url: str,
    public_key: str,
    organisation: Organisation,
    receiving_organisation: Organisation,
    may_send: list[str],
    may_receive: list[str],
    categories_in: list[str],
    categories_out: list[str],
    share_directory: bool = True,
) -> Peer:
    manage_peer.require(actor, None, _("Only an administrator can register partner instances."))
    errors: dict[str, list[str]] = {}
    try:
        signatures.load_public_key(public_key)
    except ValueError:
        errors["public_key"] = [_("Paste the partner's Ed25519 public key (base64, 44 characters).")]
    if not set(may_send) | set(may_receive) <= set(Purpose.values):
        errors["may_send"] = [_("Choose repatriation or reintegration.")]
    if not set(categories_in) | set(categories_out) <= set(SHAREABLE):
        errors["categories_in"] = [_("Choose data categories.")]
    base_url = base_url.strip().rstrip("/")
    if _url_problem(base_url):
        errors["base_url"] = [_url_problem(base_url)]
    if instance_id == settings.CROSSBORDER_INSTANCE_ID:
        errors["instance_id"] = [_("This is our own instance id.")]
    if errors:
        raise ApplicationError(_("Please correct the errors below."), fields=errors)
    peer = Peer(
        name=name.strip(),
        instance_id=instance_id.strip(),
        base_url=base_url,
        public_key=public_key.strip(),
        organisation=organisation,
        receiving_organisation=receiving_organisation,
        may_send=sorted(set(may_send)),
        may_receive=sorted(set(may_receive)),
        categories_in=sorted(set(categories_in)),
        categories_out=sorted(set(categories_out)),
        share_directory=share_directory,
        created_by=actor,
    )
    try:
        peer.full_clean(exclude=["base_url"])
    except Exception as error:  # ValidationError: the form's own fields
        fields = getattr(error, "message_dict", {"name": [str(error)]})
        raise ApplicationError(_("Please correct the errors below."), fields=fields) from error
    try:
        with transaction.atomic():
            peer.save(force_insert=True)
    except IntegrityError as error:
        raise Conflict(_("A partner with this instance id is already registered.")) from error
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=peer,
        fields=["instance_id", "base_url", "public_key", "may_send", "may_receive", "share_directory"],
    )
    return peer


@transaction.atomic
def peer_deactivate(*, actor: Staff, peer: Peer) -> Peer:
    """Stop talking to the peer: nothing is sent to it, and what it sends is refused (401)."""
    return peer_switch(actor=actor, peer=peer, field="active", value=False)


def peer_switch(*, actor: Staff, peer: Peer, field: str, value: bool) -> Peer:
    """Set one of the peer's switches (`active`, `share_directory`) as its administrator, audited;
    in the caller's transaction."""
    manage_peer.require(actor, peer, _("Only an administrator can change partner instances."))
    Peer.objects.filter(pk=peer.pk).update(**{field: value})
    setattr(peer, field, value)
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=peer, fields=[field])
    return peer
