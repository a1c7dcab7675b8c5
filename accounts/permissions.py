"""Who may see and change organisations, users and the audit trail (the engine: core.permissions)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

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


# --- Administering accounts (the user pages): admins everyone; a manager the accounts of their
# own organisation, never an administrator's; only an administrator grants the admin role ---------
def _can_administer(user: Any, other: User | None) -> bool:
    if has_role(user, Role.ADMIN):
        return True
    if not has_role(user, Role.MANAGER):
        return False
    return other is None or (other.organisation_id == user.organisation_id and Role.ADMIN not in other.roles)


def _administered(user: Any) -> Q:
    if has_role(user, Role.ADMIN):
        return EVERYTHING
    if has_role(user, Role.MANAGER):
        return Q(organisation_id=user.organisation_id) & ~Q(roles__contains=[Role.ADMIN])
    return NOTHING


administer_user = define("accounts.administer_user", User, predicate=_can_administer, filter=_administered)


def administered_organisations(user: Any) -> QuerySet[Organisation]:
    """The organisations `user` may add accounts to: the choice on the new-user page."""
    queryset = Organisation.objects.filter(is_active=True).order_by("name_en")
    if has_role(user, Role.ADMIN):
        return queryset
    if has_role(user, Role.MANAGER):
        return queryset.filter(pk=user.organisation_id)
    return queryset.none()


def grantable_roles(user: Any) -> list[str]:
    """Roles `user` may give: an administrator all, a manager all but administrator."""
    return [role for role in Role.values if role != Role.ADMIN or has_role(user, Role.ADMIN)]


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
