"""The shared steps of a transfer (crossborder.choices.STEPS) as the steps of the case's own
repatriation (casework.repatriation_flows): one table, read both ways. A shared step done on
either side completes the repatriation step it stands for here; a repatriation step a worker
completes here sends the shared step it stands for (crossborder.services.transfers)."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

from accounts.actors import Actor, staff
from casework.choices import RepatriationStatus
from casework.models import RepatriationStep
from casework.services import repatriation as repatriations
from crossborder.models import Transfer

# shared step -> the repatriation steps it stands for (a flow has at most one of them). The
# handover date has no repatriation step of its own: it stays on the transfer.
REPATRIATION_STEPS: dict[str, tuple[str, ...]] = {
    "nationality_verified": ("nationality_verification_travel_documents", "return_coordination"),
    "handover_done": ("handover_at_border",),
    "reception": ("transit_centre_reception", "temporary_shelter_reception"),
    "follow_up": ("reintegration_follow_up",),
}
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
