"""What cross-border referral adds to casework (casework.extensions): a tab of the case page with
the case's transfers and the link to refer it to a partner country, and the transfers in a
subject access export and under the retention rule (what was shared, the texts, the messages)."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from casework.extensions import (
    CaseTab,
    PersonRecords,
    register_case_tab,
    register_person_records,
    register_repatriation_started,
    register_step_done,
)
from casework.permissions import change_case
from casework.privacy import as_record, clear
from crossborder import selectors
from crossborder.models import InboxMessage, OutboxMessage, Peer, Transfer
from crossborder.repatriation_steps import repatriation_catch_up
from crossborder.services.transfers import repatriation_step_done
from referrals.partner_directories import PartnerDirectories, register_partner_directories


def transfers_of_case(request: HttpRequest, case: Any) -> dict[str, Any] | None:
    rows = list(selectors.transfers(user=request.user).filter(case=case))
    may_refer = (
        change_case.allows(request.user, case) and Peer.objects.filter(active=True).exclude(may_receive=[]).exists()
    )
    if not rows and not may_refer:
        return None
    return {"transfers": rows, "may_refer": may_refer}


def person_records(person: Any, case_ids: list[Any]) -> dict[str, list[dict[str, Any]]]:
    transfers = Transfer.objects.filter(case_id__in=case_ids).prefetch_related("steps").order_by("created_at")
    return {
        "crossborder_transfers": [
            {**as_record(transfer), "steps": [as_record(step) for step in transfer.steps.all()]}
            for transfer in transfers
        ]
    }


def person_records_anonymise(person_ids: list[Any]) -> None:
    """What was shared and written goes; who referred whom, when, and the steps' dates stay."""
    transfers = Transfer.objects.filter(case__person_id__in=person_ids)
    shared_ids = list(transfers.values_list("transfer_id", flat=True))
    clear(transfers, blank=("shared",), redact=("reason", "question", "answer", "decline_reason"))
    clear(OutboxMessage.objects.filter(transfer__transfer_id__in=shared_ids), body="{}")
    clear(InboxMessage.objects.filter(transfer_id__in=shared_ids), body="{}")


def register() -> None:
    register_step_done("crossborder", repatriation_step_done)
    register_repatriation_started("crossborder", repatriation_catch_up)
    register_person_records(
        PersonRecords(key="crossborder", collect=person_records, anonymise=person_records_anonymise)
    )
    register_case_tab(
        CaseTab(
            key="crossborder",
            label=_("Partner country"),
            template="crossborder/case_tab.html",
            context=transfers_of_case,
            position=6,
        )
    )
    register_partner_directories(
        PartnerDirectories(
            countries=_countries, areas=_areas, groups=_groups, template="crossborder/partner_directory.html"
        )
    )


def _countries(user: Any) -> list[tuple[str, str]]:
    return [(str(peer.pk), peer.name) for peer in selectors.partner_peers(user=user)]


def _areas(user: Any, country: str) -> list[tuple[str, str]]:
    return selectors.partner_areas(user=user, peer=_peer_id(country))


def _groups(user: Any, country: str, service_code: str, area: str) -> list[dict[str, Any]]:
    return selectors.partner_groups(user=user, peer=_peer_id(country), service_code=service_code, area=area)


def _peer_id(country: str) -> str | None:
    """A country value of the directory page's filter is a peer's id; anything else is every peer."""
    try:
        return str(uuid.UUID(country))
    except ValueError:
        return None
