"""What shelters add to casework (casework.extensions): the case page's "Stays" tab, the home
page's beds tonight, and the stays in a subject access export and the retention rule."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.extensions import (
    CaseTab,
    DashboardPanel,
    PersonRecords,
    register_case_tab,
    register_dashboard_panel,
    register_person_records,
)
from shelters import selectors, services
from shelters.permissions import view_stay, work_shelter

SHELTERS_SHOWN = 5


def stays_of_case(request: HttpRequest, case: Any) -> dict[str, Any]:
    """The case's stays the user may see (view_stay), newest first; counts and dates only, the
    shelter's address is never shown here."""
    stays = view_stay.scope(request.user).filter(case=case).select_related("shelter", "bed").order_by("-created_at")
    return {"stays": list(stays)}


def beds_tonight(request: HttpRequest) -> dict[str, Any] | None:
    """Tonight's occupancy of the shelters the user works in (posted staff, the operator's
    workers and managers), each linking to its bed board; counts only."""
    shelters = list(work_shelter.scope(request.user).order_by("name_en", "id")[: SHELTERS_SHOWN + 1])
    if not shelters:
        return None
    tonight = timezone.localdate()
    rows = [(shelter, selectors.board_counts(shelter=shelter, on=tonight)) for shelter in shelters[:SHELTERS_SHOWN]]
    return {"rows": rows, "more": len(shelters) > SHELTERS_SHOWN}


def register() -> None:
    register_dashboard_panel(
        DashboardPanel(key="beds-tonight", template="shelters/dashboard_beds.html", context=beds_tonight, position=5)
    )
    register_case_tab(
        CaseTab(
            key="stays", label=_("Stays"), template="shelters/case_stays_tab.html", context=stays_of_case, position=4
        )
    )
    register_person_records(
        PersonRecords(key="shelters", collect=selectors.person_records, anonymise=services.person_records_anonymise)
    )
