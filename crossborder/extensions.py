"""What cross-border referral adds to casework's pages (casework.extensions): a tab of the case
page with the case's transfers and the link to refer it to a partner country."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from casework.extensions import CaseTab, register_case_tab
from casework.permissions import change_case
from crossborder import selectors
from crossborder.models import Peer


def transfers_of_case(request: HttpRequest, case: Any) -> dict[str, Any] | None:
    rows = list(selectors.transfers(user=request.user).filter(case=case))
    may_refer = (
        change_case.allows(request.user, case) and Peer.objects.filter(active=True).exclude(may_receive=[]).exists()
    )
    if not rows and not may_refer:
        return None
    return {"transfers": rows, "may_refer": may_refer}


def register() -> None:
    register_case_tab(
        CaseTab(
            key="crossborder",
            label=_("Partner country"),
            template="crossborder/case_tab.html",
            context=transfers_of_case,
            position=6,
        )
    )
