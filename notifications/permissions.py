"""Who may read notifications and set an organisation's reminder rules."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from accounts.models import Notification, Organisation, ReminderSetting
from accounts.permissions import admin_or_own_manager, admin_or_own_manager_filter
from core.permissions import define

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
    predicate=admin_or_own_manager,
    filter=admin_or_own_manager_filter,
)


def can_manage_reminders_of(user: Any, organisation: Organisation | None) -> bool:
    """The settings page asks before any row exists."""
    return organisation is not None and admin_or_own_manager(
        user, ReminderSetting(organisation_id=organisation.pk, rule="")
    )
