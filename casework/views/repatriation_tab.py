"""What the Repatriation tab shows: each repatriation of the case with its ordered checklist
(status, due date, who is responsible on each side of the border, as the flow defines it) and,
for the one still open, the forms that move it. The forms post to casework.views.repatriation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone

from casework import permissions
from casework.choices import RepatriationStatus, StepStatus
from casework.models import Case, Repatriation, RepatriationStep
from casework.repatriation_flows import ASSESSMENT_STEPS, RETURN_STEP, flow_steps
from casework.repatriation_forms import (
    AssessmentForm,
    AwaitLegalForm,
    CancelForm,
    ResumeForm,
    ReturnDecisionForm,
    StartForm,
    StepForm,
)

OPEN = (RepatriationStatus.IN_PROGRESS, RepatriationStatus.AWAITING_LEGAL_PROCEEDINGS)
FINISHED = (StepStatus.DONE, StepStatus.SKIPPED)
DECISIONS = {**dict.fromkeys(ASSESSMENT_STEPS, "assessment"), RETURN_STEP: "return"}


@dataclass(frozen=True)
class StepRow:
    """One line of the checklist. `form` is its change form while it can move; `decision` names
    the form that completes it ("assessment" or "return"), for the two steps a bare "done"
    cannot complete, shown while the step is open (or when it came back refused)."""

    step: RepatriationStep
    in_laos: bool
    abroad: bool
    late: bool
    form: StepForm | None
    decision: str


@dataclass(frozen=True)
class Trip:
    repatriation: Repatriation
    steps: list[StepRow]
    is_open: bool
    steps_move: bool  # in progress and the user may change the case


def tab_context(user: Any, case: Case) -> dict[str, Any]:
    trips = (
        permissions.view_repatriation.scope(user)
        .filter(case=case)
        .select_related("from_country", "border_point")
        .prefetch_related(
            Prefetch(
                "steps",
                queryset=RepatriationStep.objects.select_related("responsible_in_laos", "done_by").order_by("position"),
            )
        )
    )
    movable = permissions.change_case.allows(user, case)
    shown = [_trip(repatriation, movable) for repatriation in trips]
    statuses = {trip.repatriation.status for trip in shown}
    # Where a refused form has no place left on the tab (another worker cancelled the
    # repatriation or finished the step meanwhile), its message goes to the top of the tab.
    context: dict[str, Any] = {
        "trips": shown,
        "steps_move": any(trip.steps_move for trip in shown),
        "in_progress": RepatriationStatus.IN_PROGRESS in statuses,
        "awaiting": RepatriationStatus.AWAITING_LEGAL_PROCEEDINGS in statuses,
        "has_open": any(trip.is_open for trip in shown),
    }
    if movable:
        if any(trip.is_open for trip in shown):
            context |= {
                "assessment_form": AssessmentForm(),
                "return_form": ReturnDecisionForm(),
                "await_form": AwaitLegalForm(),
                "cancel_form": CancelForm(),
                "resume_form": ResumeForm(),
            }
        else:
            context["start_form"] = StartForm()
    return context


def _trip(repatriation: Repatriation, movable: bool) -> Trip:
    sides = {template.code: template.side for template in flow_steps(repatriation.flow)}
    today = timezone.localdate()
    steps_move = movable and repatriation.status == RepatriationStatus.IN_PROGRESS
    rows = []
    for step in repatriation.steps.all():
        side = sides.get(step.code, "both")
        unfinished = step.status not in FINISHED
        rows.append(
            StepRow(
                step=step,
                in_laos=side != "abroad",
                abroad=side != "laos",
                late=unfinished and step.due_on is not None and step.due_on < today,
                form=StepForm(step=step) if steps_move and unfinished else None,
                decision=DECISIONS.get(step.code, "") if steps_move else "",
            )
        )
    return Trip(repatriation=repatriation, steps=rows, is_open=repatriation.status in OPEN, steps_move=steps_move)
