"""The dashboard's "due reminders" panel: the user's unread reminders (notifications), the
oldest due first, case codes only, as on the notifications page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from casework.extensions import DashboardPanel, register_dashboard_panel
from notifications import permissions
from notifications.registry import describe

SHOWN = 5


def due_reminders(request: HttpRequest) -> dict[str, Any]:
    unread = (
        permissions.view_notification.scope(request.user)
        .filter(read_at__isnull=True)
        .select_related("occurrence")
        .order_by("occurrence__due_at", "id")[: SHOWN + 1]
    )
    rows = [(notification, describe(notification.occurrence.rule)) for notification in unread]
    return {"rows": rows[:SHOWN], "more": len(rows) > SHOWN}


def register() -> None:
    register_dashboard_panel(
        DashboardPanel(
            key="reminders", template="notifications/dashboard_panel.html", context=due_reminders, position=10
        )
    )
