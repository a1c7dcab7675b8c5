"""Places where apps that build on casework (shelters, referrals, reminders) add to its pages
without casework importing them: a tab of the case page, a panel of the dashboard.

Each app registers in its AppConfig.ready(); the `context` function gets the request (and the
case, for a tab), calls that app's own selectors (scoped and audited there) and returns the
template's context, or None to show nothing (the user may not see that kind of record)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest


@dataclass(frozen=True)
class CaseTab:
    key: str
    label: Any  # a lazy translation
    template: str
    context: Callable[[HttpRequest, Any], dict[str, Any] | None]
    position: int


@dataclass(frozen=True)
class DashboardPanel:
    key: str
    template: str
    context: Callable[[HttpRequest], dict[str, Any] | None]
    position: int


CASE_TABS: dict[str, CaseTab] = {}
DASHBOARD_PANELS: dict[str, DashboardPanel] = {}


def register_case_tab(tab: CaseTab) -> None:
    CASE_TABS[tab.key] = tab


def register_dashboard_panel(panel: DashboardPanel) -> None:
    DASHBOARD_PANELS[panel.key] = panel


def dashboard_panels(request: HttpRequest) -> list[tuple[str, dict[str, Any]]]:
    """(template, context) of every panel that has something for this user, in order."""
    shown = []
    for panel in sorted(DASHBOARD_PANELS.values(), key=lambda p: p.position):
        context = panel.context(request)
        if context is not None:
            shown.append((panel.template, context))
    return shown
