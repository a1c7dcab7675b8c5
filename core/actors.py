"""Who acts besides a member of staff: a partner organisation's system (through one of its API
tokens), or Pathway itself (beat tasks such as the consent expiry). The audit and timeline
writers record each kind as it is (a user; the token's organisation and prefix, never the
token; nobody). A member of staff is an accounts User: accounts.actors names the full `Actor`.

`PartnerSystem` is a protocol so that core imports no domain app: referrals.models.PartnerToken is one."""

from __future__ import annotations

from typing import Any, Final, Protocol, final, runtime_checkable


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
