"""Who may do what: each permission is a predicate for one object *and* the queryset filter
that selects every object the predicate allows, defined side by side.

DRF and the admin never apply object permissions to lists, so every list goes through
`Permission.scope()`; detail views go through `Permission.get()`, which answers 404 for both
"missing" and "not yours". tests/ check for every persona that predicate and filter agree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import rules
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.errors import NotFound
from accounts.models import AuditEvent, Notification, Organisation, ReminderSetting, Role, User

M = TypeVar("M", bound=models.Model)

NOTHING = Q(pk__in=[])
# Not Q(): an empty Q disappears when OR-ed with another ("Q(a) | Q()" is Q(a)), which would
# silently narrow a permission built from parts.
EVERYTHING = ~NOTHING


@dataclass(frozen=True)
class Permission(Generic[M]):
    name: str
    model: type[M]
    predicate: Callable[[Any, M], bool]
    filter: Callable[[Any], Q]

    def allows(self, user: Any, obj: M | None) -> bool:
        """May `user` do this to `obj`; with no object, to at least some object (the admin and
        menus ask that way)."""
        if not (user.is_authenticated and user.is_active):
            return False
        if obj is None:
            return self.filter(user) != NOTHING
        return bool(self.predicate(user, obj))

    def scope(self, user: Any, queryset: models.QuerySet[M] | None = None) -> models.QuerySet[M]:
        queryset = self.model._default_manager.all() if queryset is None else queryset
        if not (user.is_authenticated and user.is_active):
            return queryset.none()
        return queryset.filter(self.filter(user))

    def get(self, user: Any, queryset: models.QuerySet[M] | None = None, **lookup: Any) -> M:
        try:
            return self.scope(user, queryset).get(**lookup)
        except (self.model.DoesNotExist, ValueError, TypeError, ValidationError) as error:
            raise NotFound(_("Not found.")) from error


def define(name: str, model: type[M], predicate: Callable[[Any, M], bool], filter: Callable[[Any], Q]) -> Permission[M]:
    """Declare a permission and register its predicate with django-rules, so that
    `user.has_perm(name, obj)` (admin, templates) asks the same question."""
    permission = Permission(name=name, model=model, predicate=predicate, filter=filter)
    rules.set_perm(name, rules.predicate(permission.allows, name=name))
    return permission


def has_role(user: Any, *roles: str) -> bool:
    return bool(user.is_authenticated and user.has_role(*roles))


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
def _admin_or_own_manager(user: Any, row: Any) -> bool:
    if has_role(user, Role.ADMIN):
        return True
    return has_role(user, Role.MANAGER) and row.organisation_id == user.organisation_id


def _admin_or_own_manager_filter(user: Any) -> Q:
    if has_role(user, Role.ADMIN):
        return EVERYTHING
    return Q(organisation_id=user.organisation_id) if has_role(user, Role.MANAGER) else NOTHING


# --- Audit events: admins all; managers those of their organisation's staff ------------------
# (The audit trail of one case is governed by casework's case permission.)
view_auditevent = define(
    "accounts.view_auditevent",
    AuditEvent,
    predicate=_admin_or_own_manager,
    filter=_admin_or_own_manager_filter,
)


# --- Reminders: your own notifications; a manager sets their organisation's rules ------------
view_notification = define(
    "accounts.view_notification",
    Notification,
    predicate=lambda user, notification: notification.user_id == user.pk,
    filter=lambda user: Q(user_id=user.pk),
)


manage_reminder_settings = define(
    "accounts.manage_reminder_settings",
    ReminderSetting,
    predicate=_admin_or_own_manager,
    filter=_admin_or_own_manager_filter,
)


def can_manage_reminders_of(user: Any, organisation: Organisation | None) -> bool:
    """The settings page asks before any row exists."""
    return organisation is not None and _admin_or_own_manager(
        user, ReminderSetting(organisation_id=organisation.pk, rule="")
    )
