"""Who may do what with cross-border transfers. Administrators register peers and resolve held
messages (they see no case content there: kinds, ids and reasons only). A transfer is seen by
the case staff of the organisation that handles it on this side, and by whoever may see its
local case; it is changed by that organisation's case workers or whoever may change the case."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from accounts.models import Role
from casework import permissions as case_permissions
from casework.models import Case
from core.permissions import EVERYTHING, NOTHING, define, has_role
from crossborder.models import InboxMessage, Peer, Transfer

CASE_STAFF = (Role.SOCIAL_WORKER, Role.COUNSELLOR, Role.MANAGER)
CASE_WORKERS = (Role.SOCIAL_WORKER, Role.COUNSELLOR)


def _is_admin(user: Any, obj: Any = None) -> bool:
    return has_role(user, Role.ADMIN)


def _all_for_admin(user: Any) -> Q:
    return EVERYTHING if has_role(user, Role.ADMIN) else NOTHING


manage_peer = define("crossborder.manage_peer", Peer, predicate=_is_admin, filter=_all_for_admin)
resolve_message = define("crossborder.resolve_message", InboxMessage, predicate=_is_admin, filter=_all_for_admin)


def _can_view(user: Any, transfer: Transfer) -> bool:
    if has_role(user, *CASE_STAFF) and transfer.organisation_id == user.organisation_id:
        return True
    return transfer.case_id is not None and case_permissions.view_case.allows(user, transfer.case)


def _visible(user: Any) -> Q:
    if not user.is_authenticated:
        return NOTHING
    own = Q(organisation_id=user.organisation_id) if has_role(user, *CASE_STAFF) and user.organisation_id else NOTHING
    cases = case_permissions.view_case.scope(user, Case.objects.all()).values("pk")
    return own | Q(case__in=cases)


def _can_change(user: Any, transfer: Transfer) -> bool:
    if has_role(user, *CASE_WORKERS) and transfer.organisation_id == user.organisation_id:
        return True
    return transfer.case_id is not None and case_permissions.change_case.allows(user, transfer.case)


def _changeable(user: Any) -> Q:
    if not user.is_authenticated:
        return NOTHING
    own = Q(organisation_id=user.organisation_id) if has_role(user, *CASE_WORKERS) and user.organisation_id else NOTHING
    cases = case_permissions.change_case.scope(user, Case.objects.all()).values("pk")
    return own | Q(case__in=cases)


view_transfer = define("crossborder.view_transfer", Transfer, predicate=_can_view, filter=_visible)
change_transfer = define("crossborder.change_transfer", Transfer, predicate=_can_change, filter=_changeable)
