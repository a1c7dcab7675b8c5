"""What shelters add to the casework pages: the case page's "Stays" tab (casework.extensions)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from casework.extensions import CaseTab, register_case_tab
from shelters.permissions import view_stay


def stays_of_case(request: HttpRequest, case: Any) -> dict[str, Any]:
    """The case's stays the user may see (view_stay), newest first; counts and dates only, the
    shelter's address is never shown here."""
    stays = view_stay.scope(request.user).filter(case=case).select_related("shelter", "bed").order_by("-created_at")
    return {"stays": list(stays)}


def register() -> None:
    register_case_tab(
        CaseTab(
            key="stays", label=_("Stays"), template="shelters/case_stays_tab.html", context=stays_of_case, position=4
        )
    )
