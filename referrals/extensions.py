"""What referrals add to casework (casework.extensions): the case page's "Referrals" and "Consent" tabs, the
dashboard's list of referrals waiting for the user's organisation, the consents and
referrals in a subject access export and the retention rule, and the cases referred to an
organisation (a shelter's operator admits the cases referred to it for a placement), and the
warning that referrals are still open when the case's closure is requested."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from casework.extensions import (
    CaseTab,
    DashboardPanel,
    ManagerDecision,
    PersonRecords,
    register_case_referrals,
    register_case_tab,
    register_closure_warning,
    register_dashboard_panel,
    register_manager_decision,
    register_person_records,
)
from referrals import attachment_owners, consent_views, permissions, selectors, services
from referrals.choices import ReferralStatus
from referrals.models import Referral
from referrals.transitions import OPEN

WAITING = (ReferralStatus.SENT, ReferralStatus.ACKNOWLEDGED)
WAITING_SHOWN = 10


def referrals_of_case(request: HttpRequest, case: Any) -> dict[str, Any]:
    return {
        "referrals": list(selectors.case_referrals(user=request.user, case=case)),
        "may_refer": permissions.send_referral.allows(request.user, case),
    }


def waiting_for_my_organisation(request: HttpRequest) -> dict[str, Any] | None:
    """Sent referrals addressed to the user's organisation that nobody has answered yet: case
    codes, services and dates only (the minimal data set waits behind the referral's own page)."""
    waiting = list(
        selectors.inbox(user=request.user)
        .filter(status__in=WAITING)
        .select_related("from_organisation")[: WAITING_SHOWN + 1]
    )
    return {"referrals": waiting[:WAITING_SHOWN], "more": len(waiting) > WAITING_SHOWN}


def open_referrals(case: Any) -> str | None:
    """Before a closure: referrals of the case still waiting for or receiving their service."""
    count = Referral.objects.filter(case=case, status__in=OPEN).count()
    if not count:
        return None
    return ngettext(
        "%(count)s referral of this case is still open.", "%(count)s referrals of this case are still open.", count
    ) % {"count": count}


def register() -> None:
    attachment_owners.register()
    register_manager_decision(
        ManagerDecision(
            key="consent-overrides",
            label=_("Consent overrides waiting for a decision"),
            url_name="referrals:overrides",
            count=lambda user: selectors.overrides_waiting(user=user).count(),
            position=35,
        )
    )
    register_closure_warning("referrals", open_referrals)
    register_case_tab(
        CaseTab(
            key="referrals",
            label=_("Referrals"),
            template="referrals/case_referrals_tab.html",
            context=referrals_of_case,
            position=5,
        )
    )
    # Same position, registered after: inserted at that place last, it comes just before Referrals.
    register_case_tab(
        CaseTab(
            key=consent_views.TAB,
            label=_("Consent"),
            template="referrals/case_consents_tab.html",
            context=consent_views.consents_tab,
            position=5,
        )
    )
    register_dashboard_panel(
        DashboardPanel(
            key="referrals-waiting",
            template="referrals/dashboard_waiting.html",
            context=waiting_for_my_organisation,
            position=20,
        )
    )
    register_case_referrals("referrals", selectors.referred_cases)
    register_person_records(
        PersonRecords(key="referrals", collect=selectors.person_records, anonymise=services.person_records_anonymise)
    )
