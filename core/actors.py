"""Who acts in a service: a member of staff, a partner organisation's system (through one of its
API tokens), or Pathway itself (beat tasks such as the consent expiry). Services that only staff
call take `actor: Staff`; the audit and timeline writers take any `Actor` and record each kind
as it is (a user; the token's organisation and prefix, never the token; nobody).

These are protocols so that core imports no domain app: accounts.models.User is a `Staff`,
referrals.models.PartnerToken a `PartnerSystem`."""

from __future__ import annotations

from typing import Any, Final, Protocol, final, runtime_checkable


@runtime_checkable
class Staff(Protocol):
    pk: Any
    organisation_id: Any
    roles: Any
    is_authenticated: bool
    is_active: bool

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
