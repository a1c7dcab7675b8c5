"""The shared steps of a transfer (crossborder.choices.STEPS) as the steps of the case's own
repatriation (casework.repatriation_flows): one table, read both ways. A shared step done on
either side completes the repatriation step it stands for here; a repatriation step a worker
completes here sends the shared step it stands for (crossborder.services.transfers). A
repatriation opened after the partner referred the person catches up with the referral and with
the shared steps recorded before it was opened."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.actors import Actor, Staff, staff
from casework.choices import RepatriationStatus
from casework.models import Repatriation, RepatriationStep
from casework.services import repatriation as repatriations
from core.errors import ApplicationError
from crossborder.choices import Purpose, Role, TransferStatus
from crossborder.models import Transfer

# shared step -> the repatriation steps it stands for (a flow has at most one of them). The
# handover date has no repatriation step of its own: it stays on the transfer.
REPATRIATION_STEPS: dict[str, tuple[str, ...]] = {
    "nationality_verified": ("nationality_verification_travel_documents", "return_coordination"),
    "handover_done": ("handover_at_border",),
    "reception": ("transit_centre_reception", "temporary_shelter_reception"),
    "follow_up": ("reintegration_follow_up",),
}
# What a partner's referral for repatriation stands for on the receiving side: the steps the
# referring country did before it referred (the interview and documentation, and, under the
# Thailand MOU, its request to trace the family). They are the partner's, done the day the
# referral arrived.
REFERRAL_STEPS: tuple[str, ...] = ("case_interview_documentation", "family_tracing_requested")
SHARED_STEP: dict[str, str] = {code: shared for shared, codes in REPATRIATION_STEPS.items() for code in codes}
OPEN = (RepatriationStatus.IN_PROGRESS, RepatriationStatus.AWAITING_LEGAL_PROCEEDINGS)


def repatriation_advance(transfer: Transfer, actor: Actor, *, code: str, done_on: date, note: str) -> None:
    """Complete the step of the case's open repatriation that the shared step stands for, through
    the repatriation service (its rules, audit and timeline), unless it is finished already. A
    member of staff needs the right to change the case; a partner's report needs none."""
    if transfer.case_id is None or code not in REPATRIATION_STEPS:
        return
    step = (
        RepatriationStep.objects.filter(
            repatriation__case_id=transfer.case_id, repatriation__status__in=OPEN, code__in=REPATRIATION_STEPS[code]
        )
        .exclude(status__in=repatriations.FINISHED)
        .first()
    )
    if step is None:
        return
    waiting = step.depends_on.exclude(status__in=repatriations.FINISHED).exists()
    reason = _("Done together with the partner country (cross-border transfer).") if waiting else ""
    worker = staff(actor)
    if worker is not None:
        repatriations.step_complete(actor=worker, step=step, done_on=done_on, notes=note, reason=reason)
    else:
        repatriations.step_complete_reported(actor=actor, step=step, done_on=done_on, notes=note, reason=reason)


def repatriation_catch_up(actor: Staff, repatriation: Repatriation) -> None:
    """A repatriation just started (casework.extensions.REPATRIATION_STARTED) on a case of an
    accepted transfer: complete what the transfer already says was done, the referral's steps
    (REFERRAL_STEPS, by the partner, on a referral to us) and the shared steps recorded before
    the repatriation was opened, each by the side that did it. A step the repatriation's rules
    refuse now (a child's handover before the best-interests determination) stays open for the
    worker; the start itself is never refused for it."""
    transfers = (
        Transfer.objects.filter(
            case_id=repatriation.case_id, status__in=(TransferStatus.ACCEPTED, TransferStatus.COMPLETED)
        )
        .select_related("peer")
        .order_by("created_at")
    )
    for transfer in transfers:
        partner = transfer.peer.as_actor()
        if transfer.role == Role.DESTINATION and transfer.purpose == Purpose.REPATRIATION:
            arrived = timezone.localdate(transfer.created_at)
            for step in repatriation.steps.filter(code__in=REFERRAL_STEPS).order_by("position"):
                _catch_up(
                    repatriations.step_complete_reported, actor=partner, step=step, done_on=arrived, notes="", reason=""
                )
        for row in transfer.steps.order_by("recorded_at", "id"):
            by = actor if row.done_by_role == transfer.role else partner
            _catch_up(repatriation_advance, transfer, by, code=row.code, done_on=row.done_on, note=row.note)


def _catch_up(complete: Callable[..., object], *args: Any, **kwargs: Any) -> None:
    try:
        with transaction.atomic():
            complete(*args, **kwargs)
    except ApplicationError:
        return  # refused by the repatriation's rules: left for the worker
