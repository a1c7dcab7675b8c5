"""What shelters add to casework (casework.extensions): the case page's "Stays" tab, the home
page's beds tonight, and the stays in a subject access export and the retention rule."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from casework.extensions import (
    CaseTab,
    DashboardPanel,
    PersonRecords,
    register_case_tab,
    register_closure_warning,
    register_dashboard_panel,
    register_person_records,
)
from shelters import attachment_owners, permissions, selectors, services
from shelters.models import Shelter, Stay
from shelters.permissions import view_stay, work_shelter

SHELTERS_SHOWN = 5


def stays_of_case(request: HttpRequest, case: Any) -> dict[str, Any]:
    """The case's stays the user may see (view_stay), newest first; counts and dates only, the
    shelter's address is never shown here. With them: the case's requests for a place and
    their answers, the link to ask a shelter (for the case's workers), and one link per shelter
    the user works to record assistance without a stay."""
    user = request.user
    stays = view_stay.scope(user).filter(case=case).select_related("shelter", "bed").order_by("-created_at")
    requests = (
        permissions.view_admission_request.scope(user)
        .filter(case=case)
        .select_related("shelter", "stay__bed")
        .order_by("-requested_at", "id")
    )
    worked = Shelter.objects.filter(permissions.work_shelter.filter(user), is_active=True).order_by("name_en", "code")
    return {
        "stays": list(stays),
        "admission_requests": list(requests),
        "can_request": permissions.request_admission.allows(user, case),
        "worked_shelters": list(worked),
    }


def beds_tonight(request: HttpRequest) -> dict[str, Any] | None:
    """Tonight's occupancy of the shelters the user works in (posted staff, the operator's
    workers and managers), each linking to its bed board; counts only."""
    shelters = list(work_shelter.scope(request.user).order_by("name_en", "id")[: SHELTERS_SHOWN + 1])
    if not shelters:
        return None
    tonight = timezone.localdate()
    rows = [(shelter, selectors.board_counts(shelter=shelter, on=tonight)) for shelter in shelters[:SHELTERS_SHOWN]]
    return {"rows": rows, "more": len(shelters) > SHELTERS_SHOWN}


def open_stay(case: Any) -> str | None:
    """Before a closure: the person still stays in a shelter on this case (no details: the
    worker may not see the stay itself)."""
    if Stay.objects.filter(case=case, during__upper_inf=True).exists():
        return gettext("The person still stays in a shelter on this case: discharge them first.")
    return None


def register() -> None:
    attachment_owners.register()
    register_dashboard_panel(
        DashboardPanel(key="beds-tonight", template="shelters/dashboard_beds.html", context=beds_tonight, position=5)
    )
    register_closure_warning("shelters", open_stay)
    register_case_tab(
        CaseTab(
            key="stays", label=_("Stays"), template="shelters/case_stays_tab.html", context=stays_of_case, position=4
        )
    )
    register_person_records(
        PersonRecords(key="shelters", collect=selectors.person_records, anonymise=services.person_records_anonymise)
    )
