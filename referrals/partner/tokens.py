"""Partner API tokens: issue (the plaintext is returned once), revoke, list, and look up.

A token is `pw_` followed by 43 URL-safe characters (32 random bytes). Only its SHA-256 digest
is stored: with 256 bits of entropy a slow password hash would add nothing but cost, and a plain
digest can be looked up through a unique index on every request. The first 12 characters are
kept as `prefix` so that people can tell tokens apart (on the token page, in the audit log).

Who may manage the tokens of an organisation: an administrator, or a member of that
organisation with the `partner` or `manager` role. Tokens exist only for NGOs (roles.md: the
partner role is for partner NGOs only), so no other kind of organisation can open an API door.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.actors import Staff
from accounts.models import AuditAction, Organisation, OrganisationKind, Role
from accounts.services import audit_record
from core.errors import ApplicationError, PermissionDenied
from core.permissions import EVERYTHING, NOTHING, define, has_role
from referrals.models import PartnerToken

TOKEN_PREFIX = "pw_"  # noqa: S105 (the public marker of every token, not a secret)
PREFIX_LENGTH = 12  # PartnerToken.prefix: "pw_" and 9 random characters
NAME_MAX_LENGTH = 100
# last_used_at is written at most this often per token, so that a busy client does not turn
# every read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def token_digest(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode("utf-8")).hexdigest()


def _new_plaintext() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


# --- Who may manage tokens ---------------------------------------------------------------------
def _manages_own_tokens(user: Any) -> bool:
    """A partner or manager of an NGO manages that NGO's tokens."""
    return bool(
        has_role(user, Role.PARTNER, Role.MANAGER)
        and user.organisation_id is not None
        and user.organisation.kind == OrganisationKind.NGO
    )


def _tokens_manageable(user: Any) -> Q:
    if has_role(user, Role.ADMIN):
        return EVERYTHING
    if _manages_own_tokens(user):
        return Q(organisation_id=user.organisation_id)
    return NOTHING


manage_partner_token = define(
    "referrals.manage_partner_token",
    PartnerToken,
    predicate=lambda user, token: (
        has_role(user, Role.ADMIN) or (_manages_own_tokens(user) and token.organisation_id == user.organisation_id)
    ),
    filter=_tokens_manageable,
)


def may_manage_tokens_of(user: Any, organisation: Organisation) -> bool:
    """May `user` issue tokens for (and see and revoke the tokens of) `organisation`."""
    if not (user.is_authenticated and user.is_active) or organisation.kind != OrganisationKind.NGO:
        return False
    if has_role(user, Role.ADMIN):
        return True
    return _manages_own_tokens(user) and user.organisation_id == organisation.pk


def token_organisations(*, user: Any) -> QuerySet[Organisation]:
    """The organisations whose tokens `user` may manage (for the page's form)."""
    queryset = Organisation.objects.filter(kind=OrganisationKind.NGO, is_active=True).order_by("name_en")
    if has_role(user, Role.ADMIN):
        return queryset
    if _manages_own_tokens(user):
        return queryset.filter(pk=user.organisation_id)
    return queryset.none()


def token_list(*, user: Any) -> QuerySet[PartnerToken]:
    """Tokens `user` may manage, newest first, revoked ones included (they stay for the record)."""
    return manage_partner_token.scope(user).select_related("organisation", "created_by", "revoked_by")


# --- Writes --------------------------------------------------------------------------------------
@transaction.atomic
def token_issue(
    *, actor: Staff, organisation: Organisation, name: str, expires_at: datetime | None = None
) -> tuple[PartnerToken, str]:
    """Create a token and return it with its plaintext: the only time the plaintext exists
    outside the caller's hands. Several tokens may be active at once, so a partner rotates by
    issuing a new one, deploying it, then revoking the old one."""
    if not may_manage_tokens_of(actor, organisation):
        raise PermissionDenied(_("You may not manage API tokens of this organisation."))
    if not organisation.is_active:
        raise ApplicationError(_("This organisation is no longer active."))
    name = (name or "").strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Give the token a name, such as the system that will use it.")]
    elif len(name) > NAME_MAX_LENGTH:
        errors["name"] = [_("Use at most %(n)d characters.") % {"n": NAME_MAX_LENGTH}]
    if expires_at is not None and expires_at <= timezone.now():
        errors["expires_at"] = [_("The expiry must be in the future.")]
    if errors:
        raise ApplicationError(_("Please correct the errors below."), fields=errors)
    plaintext = _new_plaintext()
    token = PartnerToken.objects.create(
        organisation=organisation,
        name=name,
        prefix=plaintext[:PREFIX_LENGTH],
        digest=token_digest(plaintext),
        created_by=actor,
        expires_at=expires_at,
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=token,
        fields=["name", "expires_at"],
        reason=f"partner token {token.prefix} issued",
    )
    return token, plaintext


@transaction.atomic
def token_revoke(*, actor: Staff, token: PartnerToken) -> PartnerToken:
    """Revoke at once: authentication reads the token row on every request, so the very next
    request with it is refused. Revoking a revoked token changes nothing."""
    if not manage_partner_token.allows(actor, token):
        raise PermissionDenied(_("You may not manage API tokens of this organisation."))
    now = timezone.now()
    # Compare-and-swap: of two people revoking at once, one writes and both see it revoked.
    changed = PartnerToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now, revoked_by=actor)
    token.refresh_from_db(fields=["revoked_at", "revoked_by"])
    if changed:
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=token,
            fields=["revoked_at"],
            reason=f"partner token {token.prefix} revoked",
        )
    return token


# --- Authentication's lookup ---------------------------------------------------------------------
def token_for_plaintext(plaintext: str) -> PartnerToken | None:
    """The usable token with this plaintext, or None (unknown, revoked, expired, or its
    organisation deactivated). One indexed query."""
    if not plaintext.startswith(TOKEN_PREFIX) or len(plaintext) > 100:
        return None
    digest = token_digest(plaintext)
    token = PartnerToken.objects.select_related("organisation").filter(digest=digest).first()
    # The index finds the row by digest; comparing again in constant time costs nothing and
    # keeps the check independent of how the database compares strings.
    if token is None or not secrets.compare_digest(token.digest, digest):
        return None
    now = timezone.now()
    if token.revoked_at is not None or (token.expires_at is not None and token.expires_at <= now):
        return None
    if not token.organisation.is_active:
        return None
    return token


def token_touch(token: PartnerToken) -> None:
    """Record the use, at most once per LAST_USED_RESOLUTION: the conditional UPDATE makes
    concurrent requests write once between them, and a recent stamp costs no query at all."""
    now = timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_RESOLUTION:
        return
    PartnerToken.objects.filter(pk=token.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_RESOLUTION)
    ).update(last_used_at=now)
    token.last_used_at = now
