"""Repatriations: the flow of the country the person comes back from, its steps as far as time
has let them progress, the family assessment and the safeguarding rule for the return."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from accounts.models import User
from casework.ages import is_child_on
from casework.choices import (
    CancellationReason,
    FamilyAssessment,
    RepatriationFlow,
    RepatriationStatus,
    ReturnDestination,
    StepStatus,
)
from casework.models import Case, Repatriation, RepatriationStep
from seeds.generator.base import Part
from seeds.generator.copy import Batch, StepDependency, build

FLOW_OF = {"TH": RepatriationFlow.THAILAND_MOU, "CN": RepatriationFlow.CHINA}
BORDER_POINTS = {
    "TH": (("friendship_bridge_1", 40), ("friendship_bridge_2", 25), ("vang_tao", 20), ("friendship_bridge_3", 15)),
    "CN": (("boten", 80), ("phou_lakkham", 20)),
}
PARTNER_ABROAD = {
    "TH": "Thai MSDHS protection and occupational development centre",
    "CN": "Chinese public security border unit",
    "MY": "Malaysian government shelter",
}
BLOCK_REASON = "Waiting for travel documents from the partner abroad."
BEST_INTERESTS = "Best-interests determination recorded by the provincial social welfare office."
HANDOVER_STEP = "handover_at_border"


@dataclass(frozen=True)
class Journey:
    """A repatriation as the rest of the case sees it: when its last step finished, when the
    person crossed into Lao PDR, and when they went home or to a shelter (and which)."""

    repatriation: Repatriation
    last_step_on: date
    arrived_on: date | None
    returned_on: date | None

    @property
    def home_on(self) -> date | None:
        """The day the person was escorted home to the family (follow-up visits start there)."""
        home = self.repatriation.destination == ReturnDestination.FAMILY
        return self.returned_on if home else None


class Repatriations(Part):
    def repatriation(self, batch: Batch, case: Case, worker: User) -> Journey:
        """The repatriation with its flow's steps, as far as time has let them progress."""
        from casework.repatriation_flows import ASSESSMENT_STEPS, RETURN_STEP, flow_steps

        country = case.exploitation_country_id or "TH"
        flow = FLOW_OF.get(country, RepatriationFlow.OTHER_COUNTRY)
        started_on = self.after(case.identified_on, 0, 7)
        border = BORDER_POINTS.get(country)
        repatriation = build(
            Repatriation,
            id=self.uuid(),
            case_id=case.pk,
            flow=flow,
            from_country_id=country,
            partner_abroad=PARTNER_ABROAD.get(country, ""),
            border_point_id=self.pick(border) if border else "wattay_airport",
            started_by_id=worker.pk,
            started_at=self.at(started_on),
        )
        if repatriation.border_point_id not in self.ref.border_points:
            repatriation.border_point_id = None
        roll = self.rng.random()
        halt = "legal" if roll < 0.08 else ("cancel" if roll < 0.14 else "")
        templates = flow_steps(flow)
        stop_at = 1 if halt == "legal" else (self.rng.randint(1, len(templates) - 1) if halt == "cancel" else None)
        steps: dict[str, RepatriationStep] = {}
        due: dict[str, int] = {}
        child = is_child_on(case.person, self.today) is not False
        for position, template in enumerate(templates, start=1):
            step = build(
                RepatriationStep,
                id=self.uuid(),
                repatriation_id=repatriation.pk,
                position=position,
                code=template.code,
                responsible_in_laos_id=case.owner_id if template.side != "abroad" else None,
                responsible_abroad=repatriation.partner_abroad if template.side != "laos" else "",
                due_on=started_on + timedelta(days=template.due_days) if template.due_days is not None else None,
            )
            needed = [steps[code] for code in template.depends_on]
            due[template.code] = template.due_days or 0
            ready = all(s.status == StepStatus.DONE for s in needed)
            if ready and (stop_at is None or position <= stop_at):
                since = max([started_on, *(s.done_on for s in needed if s.done_on)])
                span = template.due_days - max([0, *(due[c] for c in template.depends_on)]) if template.due_days else 7
                done_on = since + timedelta(days=max(1, round(span * self.rng.uniform(0.6, 1.6))))
                if done_on <= self.today:
                    step.status, step.done_on, step.done_by_id = StepStatus.DONE, done_on, worker.pk
                else:
                    step.status = self.pick(
                        ((StepStatus.IN_PROGRESS, 6), (StepStatus.PENDING, 3), (StepStatus.BLOCKED, 1))
                    )
                    step.reason = BLOCK_REASON if step.status == StepStatus.BLOCKED else ""
            if step.status == StepStatus.DONE and template.code in ASSESSMENT_STEPS:
                repatriation.family_assessment = self.pick(
                    ((FamilyAssessment.SAFE, 75), (FamilyAssessment.UNSAFE, 15), (FamilyAssessment.NOT_FOUND, 10))
                )
            if step.status == StepStatus.DONE and template.code == RETURN_STEP:
                # The safeguarding rule: home only after a safe family assessment.
                safe = repatriation.family_assessment == FamilyAssessment.SAFE
                home = safe and self.chance(0.9)
                repatriation.destination = ReturnDestination.FAMILY if home else ReturnDestination.SHELTER
                repatriation.best_interests_decision = BEST_INTERESTS if child else ""
            steps[template.code] = step
            batch.add(step)
            for code in template.depends_on:
                batch.add(
                    build(StepDependency, from_repatriationstep_id=step.pk, to_repatriationstep_id=steps[code].pk)
                )
        last_step_on = max([started_on, *(step.done_on for step in steps.values() if step.done_on)])
        self.finish(repatriation, steps, halt, last_step_on)
        batch.add(repatriation)
        self.event(
            batch,
            case,
            worker,
            repatriation.started_at,
            "repatriation_started",
            repatriation=str(repatriation.pk),
            flow=str(flow),
            from_country=country,
        )
        handover, returned = steps.get(HANDOVER_STEP), steps.get(RETURN_STEP)
        return Journey(
            repatriation=repatriation,
            last_step_on=last_step_on,
            arrived_on=handover.done_on if handover else None,
            returned_on=returned.done_on if returned else None,
        )

    def finish(
        self, repatriation: Repatriation, steps: dict[str, RepatriationStep], halt: str, last_step_on: date
    ) -> None:
        """The repatriation's status from its steps: completed, on hold, cancelled or running."""
        if all(step.status == StepStatus.DONE for step in steps.values()):
            repatriation.status = RepatriationStatus.COMPLETED
            repatriation.completed_at = self.at(last_step_on)
        elif halt == "legal":
            repatriation.status = RepatriationStatus.AWAITING_LEGAL_PROCEEDINGS
        elif halt == "cancel":
            repatriation.status = RepatriationStatus.CANCELLED
            repatriation.cancellation_reason = self.pick(
                (
                    (CancellationReason.VICTIM_DECLINED, 5),
                    (CancellationReason.STAY_IN_DESTINATION, 3),
                    (CancellationReason.OTHER, 2),
                )
            )
            repatriation.cancellation_note = (
                "Synthetic cancellation." if repatriation.cancellation_reason == "other" else ""
            )
        else:
            repatriation.status = RepatriationStatus.IN_PROGRESS
