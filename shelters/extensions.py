"""What shelters add to casework (casework.extensions): the case page's "Stays" tab, and the
stays in a subject access export and the retention rule."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from casework.extensions import (
    CaseTab,
    PersonRecords,
    register_case_tab,
    register_closure_warning,
    register_person_records,
)
from shelters import selectors, services
from shelters.models import Stay
from shelters.permissions import view_stay


def stays_of_case(request: HttpRequest, case: Any) -> dict[str, Any]:
    """The case's stays the user may see (view_stay), newest first; counts and dates only, the
    shelter's address is never shown here."""
    stays = view_stay.scope(request.user).filter(case=case).select_related("shelter", "bed").order_by("-created_at")
    return {"stays": list(stays)}


def open_stay(case: Any) -> str | None:
    """Before a closure: the person still stays in a shelter on this case (no details: the
    worker may not see the stay itself)."""
    if Stay.objects.filter(case=case, during__upper_inf=True).exists():
        return gettext("The person still stays in a shelter on this case: discharge them first.")
    return None


def register() -> None:
    register_closure_warning("shelters", open_stay)
    register_case_tab(
        CaseTab(
            key="stays", label=_("Stays"), template="shelters/case_stays_tab.html", context=stays_of_case, position=4
        )
    )
    register_person_records(
        PersonRecords(key="shelters", collect=selectors.person_records, anonymise=services.person_records_anonymise)
    )
