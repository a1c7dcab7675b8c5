"""Who acts in a service: a member of staff, a partner organisation's system (through one of its
API tokens), or Pathway itself (beat tasks such as the consent expiry). Services that only staff
call take `actor: Staff`; the audit and timeline writers take any `Actor` and record each kind
as it is (a user; the token's organisation and prefix, never the token; nobody).

These are protocols so that core imports no domain app: accounts.models.User is a `Staff`,
referrals.models.PartnerToken a `PartnerSystem`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final, Protocol, final, runtime_checkable

from django.core.exceptions import PermissionDenied

if TYPE_CHECKING:
    from django.http import HttpRequest
    from rest_framework.request import Request


@runtime_checkable
class Staff(Protocol):
    pk: Any
    organisation_id: Any
    roles: Any
    is_active: bool

    @property
    def is_authenticated(self) -> bool: ...

    def get_username(self) -> str: ...

    def has_role(self, *roles: str) -> bool: ...


@runtime_checkable
class PartnerSystem(Protocol):
    pk: Any
    organisation_id: Any
    prefix: str


@final
class System:
    """Pathway itself. Audit rows it writes name no user and no organisation."""

    pk = None
    is_authenticated = False

    def __repr__(self) -> str:
        return "SYSTEM"


SYSTEM: Final = System()

Actor = Staff | PartnerSystem | System


def staff(actor: Actor | None) -> Staff | None:
    """The member of staff behind `actor`, if it is one (the timeline and audit rows' user)."""
    return actor if getattr(actor, "is_authenticated", False) else None  # type: ignore[return-value]


def signed_in(request: HttpRequest | Request) -> Staff:
    """The member of staff behind a request that login and the view's permissions let through.
    Only a wiring mistake (a staff view left open) can reach it anonymously: refuse, never act."""
    user = request.user
    if not isinstance(user, Staff) or not user.is_authenticated:
        raise PermissionDenied
    return user
