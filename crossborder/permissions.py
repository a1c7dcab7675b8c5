"""Who may do what with cross-border transfers. Administrators register peers and resolve held
messages (they see no case content there: kinds, ids and reasons only). A transfer is seen by
the case staff of the organisation that handles it on this side, and by whoever may see its
local case; it is changed by that organisation's case workers or whoever may change the case."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Q

from accounts.models import Role
from casework import permissions as case_permissions
from casework.models import Case
from core.permissions import EVERYTHING, NOTHING, Permission, define, has_role
from crossborder.models import InboxMessage, PartnerProvider, Peer, Transfer
from referrals.permissions import DIRECTORY_READERS

CASE_STAFF = (Role.SOCIAL_WORKER, Role.COUNSELLOR, Role.MANAGER)
CASE_WORKERS = (Role.SOCIAL_WORKER, Role.COUNSELLOR)


def _is_admin(user: Any, obj: Any = None) -> bool:
    return has_role(user, Role.ADMIN)


def _all_for_admin(user: Any) -> Q:
    return EVERYTHING if has_role(user, Role.ADMIN) else NOTHING


manage_peer = define("crossborder.manage_peer", Peer, predicate=_is_admin, filter=_all_for_admin)
resolve_message = define("crossborder.resolve_message", InboxMessage, predicate=_is_admin, filter=_all_for_admin)


def _works_on(roles: tuple[str, ...], on_case: Permission[Case]) -> Callable[[Any, Transfer], bool]:
    """The predicate: one of `roles` in the organisation handling the transfer, or `on_case` on its case."""

    def predicate(user: Any, transfer: Transfer) -> bool:
        if has_role(user, *roles) and transfer.organisation_id == user.organisation_id:
            return True
        return transfer.case_id is not None and on_case.allows(user, transfer.case)

    return predicate


def _worked_on(roles: tuple[str, ...], on_case: Permission[Case]) -> Callable[[Any], Q]:
    """The filter beside `_works_on`."""

    def filter_(user: Any) -> Q:
        if not user.is_authenticated:
            return NOTHING
        own = Q(organisation_id=user.organisation_id) if has_role(user, *roles) and user.organisation_id else NOTHING
        return own | Q(case__in=on_case.scope(user, Case.objects.all()).values("pk"))

    return filter_


VIEW, CHANGE = (CASE_STAFF, case_permissions.view_case), (CASE_WORKERS, case_permissions.change_case)
view_transfer = define("crossborder.view_transfer", Transfer, predicate=_works_on(*VIEW), filter=_worked_on(*VIEW))
change_transfer = define(
    "crossborder.change_transfer", Transfer, predicate=_works_on(*CHANGE), filter=_worked_on(*CHANGE)
)


# A partner country's providers are read by whoever reads our directory (staff; no partner
# account): organisations and office contacts, no person. Only those of active peers.
def _reads_directory(user: Any, provider: PartnerProvider | None = None) -> bool:
    return has_role(user, *DIRECTORY_READERS) and (provider is None or provider.peer.active)


def _read_providers(user: Any) -> Q:
    return Q(peer__active=True) if has_role(user, *DIRECTORY_READERS) else NOTHING


view_partner_provider = define(
    "crossborder.view_partner_provider", PartnerProvider, predicate=_reads_directory, filter=_read_providers
)
