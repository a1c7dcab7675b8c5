"""Who acts in a service. Services that only staff call take `actor: Staff`; the audit and
timeline writers take any `Actor` (core.actors: a partner's system or Pathway itself)."""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from django.core.exceptions import PermissionDenied

from accounts.models import User
from core.actors import PartnerSystem, System

if TYPE_CHECKING:
    from django.http import HttpRequest
    from rest_framework.request import Request

Staff = User
Actor = Staff | PartnerSystem | System


def staff(actor: Actor | None) -> Staff | None:
    """The member of staff behind `actor`, if it is one (the timeline and audit rows' user)."""
    return actor if isinstance(actor, User) else None


def signed_in(request: HttpRequest | Request) -> Staff:
    """The member of staff behind a request that login and the view's permissions let through.
    Only a wiring mistake (a staff view left open) can reach it anonymously: refuse, never act."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def home_organisation_id(actor: Staff) -> UUID:
    """The organisation a member of staff works for. Everyone but a superuser has one (the
    user_has_organisation constraint), and the permission checked before this lets nobody
    without one through: refuse rather than write a row that names no organisation."""
    if actor.organisation_id is None:
        raise PermissionDenied
    return actor.organisation_id
