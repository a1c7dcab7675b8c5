"""Who may see and change organisations, users and the audit trail (the engine: core.permissions)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from accounts.models import AuditEvent, Organisation, Role, User
from core.permissions import EVERYTHING, NOTHING, define, has_role

# --- Organisations: reference data, visible to every active user --------------------------
view_organisation = define(
    "accounts.view_organisation",
    Organisation,
    predicate=lambda user, organisation: True,
    filter=lambda user: EVERYTHING,
)
change_organisation = define(
    "accounts.change_organisation",
    Organisation,
    predicate=lambda user, organisation: has_role(user, Role.ADMIN),
    filter=lambda user: EVERYTHING if has_role(user, Role.ADMIN) else NOTHING,
)


# --- Users: yourself; a manager sees their organisation's staff; an admin sees everyone -------
def _can_view_user(user: Any, other: User) -> bool:
    if user.pk == other.pk or has_role(user, Role.ADMIN):
        return True
    return has_role(user, Role.MANAGER) and other.organisation_id == user.organisation_id


def _users_visible(user: Any) -> Q:
    if has_role(user, Role.ADMIN):
        return EVERYTHING
    if has_role(user, Role.MANAGER):
        return Q(pk=user.pk) | Q(organisation_id=user.organisation_id)
    return Q(pk=user.pk)


view_user = define("accounts.view_user", User, predicate=_can_view_user, filter=_users_visible)
change_user = define(
    "accounts.change_user",
    User,
    predicate=lambda user, other: has_role(user, Role.ADMIN),
    filter=lambda user: EVERYTHING if has_role(user, Role.ADMIN) else NOTHING,
)


# --- Rows of an organisation that its managers oversee: admins all, managers their own -----------
def admin_or_own_manager(user: Any, row: Any) -> bool:
    if has_role(user, Role.ADMIN):
        return True
    return has_role(user, Role.MANAGER) and row.organisation_id == user.organisation_id


def admin_or_own_manager_filter(user: Any) -> Q:
    if has_role(user, Role.ADMIN):
        return EVERYTHING
    return Q(organisation_id=user.organisation_id) if has_role(user, Role.MANAGER) else NOTHING


# --- Audit events: admins all; managers those of their organisation's staff ------------------
# (The audit trail of one case is governed by casework's case permission.)
view_auditevent = define(
    "accounts.view_auditevent",
    AuditEvent,
    predicate=admin_or_own_manager,
    filter=admin_or_own_manager_filter,
)
