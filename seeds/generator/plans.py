"""Case plans and follow-up visits: for a share of active (and closed) cases a plan with goals,
approved by the owner's manager, waiting for approval, returned or still a draft; and after each
return home (a repatriation's escort to the family, a stay that ended in family reunification)
the visits of the follow-up policy (1, 3, 6 and 12 months after by default), the past ones mostly
done. A closed case keeps only the visits due before its closure."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from casework.cadence import visit_dates
from casework.choices import ApprovalStatus, CaseCategory, CaseStatus
from casework.choices import SupportPlanType as Support
from casework.models import Case, CasePlan, CasePlanGoal, FollowUpVisit
from seeds.generator.base import Part
from seeds.generator.copy import Batch, build

PLAN_SHARE = {CaseStatus.ACTIVE: 0.6, CaseStatus.CLOSED: 0.5}
PLAN_STATUSES = (
    (ApprovalStatus.APPROVED, 50),
    (ApprovalStatus.SUBMITTED, 20),
    (ApprovalStatus.DRAFT, 20),
    (ApprovalStatus.RETURNED, 10),
)
SUPPORT = {
    CaseCategory.TRAFFICKING: (Support.SOCIAL_CARE, Support.LIVELIHOOD, Support.HEALTH, Support.LEGAL),
    CaseCategory.SEXUAL_EXPLOITATION: (Support.SEXUAL_REHABILITATION, Support.HEALTH, Support.SOCIAL_CARE),
    CaseCategory.CHILD_LABOUR: (Support.LABOUR_REHABILITATION, Support.EDUCATION, Support.SOCIAL_CARE),
    CaseCategory.RAPE: (Support.HEALTH, Support.LEGAL, Support.SOCIAL_CARE),
    CaseCategory.DOMESTIC_VIOLENCE: (Support.SOCIAL_CARE, Support.LEGAL, Support.FINANCIAL),
    CaseCategory.VULNERABLE: (Support.EDUCATION, Support.SOCIAL_CARE, Support.HEALTH),
    CaseCategory.RISK_GROUP: (Support.LIVELIHOOD, Support.RIGHTS_TRAINING, Support.EDUCATION),
}
OBJECTIVES = {
    Support.EDUCATION: "Back in school for the next term, fees and uniform covered.",
    Support.FINANCIAL: "A small grant to start again, with a monthly budget made together.",
    Support.HEALTH: "Health check done and treatment followed to the end.",
    Support.LABOUR_REHABILITATION: "Recovers from the work abroad; wages owed claimed.",
    Support.LEGAL: "Complaint filed and accompanied to every hearing.",
    Support.LIVELIHOOD: "Earns a regular income from a trade learnt near home.",
    Support.RIGHTS_TRAINING: "Knows the risks of unsafe migration and where to ask for help.",
    Support.SEXUAL_REHABILITATION: "Regular counselling; feels safe at home.",
    Support.SOCIAL_CARE: "Settled with the family; the village authority supports the return.",
}
SUMMARY = "Plan agreed with the person: safety first, then health, school or work near home."
RETURN_REASON = "Add a target date for each goal and say who supports the family."
VISIT_NOTES = ("Visited at home; doing well.", "Met at the village office; no new concerns.", "")


class Plans(Part):
    def plan(self, batch: Batch, case: Case) -> CasePlan | None:
        """The case plan, or None (open cases have none yet)."""
        share = PLAN_SHARE.get(case.status, 0.0)  # type: ignore[call-overload]
        if not self.chance(share):
            return None
        limit = self.end_of(case)
        worker, manager = self.worker_for(case), self.manager_for(case)
        written = self.after(case.identified_on, 3, 30, limit)
        status = self.pick(PLAN_STATUSES) if case.status == CaseStatus.ACTIVE else ApprovalStatus.APPROVED
        policies = list(self.ref.policies)
        plan = build(
            CasePlan,
            id=self.uuid(),
            case_id=case.pk,
            summary=SUMMARY,
            follow_up_policy_id=policies[0] if policies and (len(policies) == 1 or self.chance(0.8)) else None,
            status=status,
            updated_at=self.at(written),
        )
        if plan.follow_up_policy_id is None and len(policies) > 1:
            plan.follow_up_policy_id = self.rng.choice(policies[1:])
        saved_at = plan.updated_at
        if status != ApprovalStatus.DRAFT:
            plan.submitted_by_id, plan.submitted_at = worker.pk, self.at(self.after(written, 0, 10, limit))
            plan.submitted_at = plan.updated_at = max(plan.submitted_at, plan.updated_at + timedelta(minutes=5))
            self.event(batch, case, worker, plan.submitted_at, "plan_submitted")
        if status in (ApprovalStatus.APPROVED, ApprovalStatus.RETURNED):
            decided = max(self.at(self.after(written, 1, 14, limit)), plan.updated_at + timedelta(minutes=30))
            plan.updated_at = decided
            if status == ApprovalStatus.APPROVED:
                plan.approved_by_id, plan.approved_at = manager.pk, decided
            else:
                plan.return_reason = RETURN_REASON
            self.event(batch, case, manager, decided, f"plan_{status}")
        batch.add(plan)
        goals = self.goals(batch, case, plan, written, limit)
        self.event(batch, case, worker, saved_at, "plan_saved", goals=goals)
        return plan

    def goals(self, batch: Batch, case: Case, plan: CasePlan, written: date, limit: date) -> int:
        kinds = list(SUPPORT[case.category])  # type: ignore[index]
        if case.child_at_identification and Support.EDUCATION not in kinds:
            kinds.append(Support.EDUCATION)
        chosen = self.rng.sample(kinds, self.rng.randint(1, len(kinds)))
        for kind in chosen:
            target = written + timedelta(days=self.rng.randint(30, 270))
            achieved = None
            if target <= limit and self.chance(0.8 if case.status == CaseStatus.CLOSED else 0.6):
                achieved = self.after(written, 14, (target - written).days + 30, limit)
            batch.add(
                build(
                    CasePlanGoal,
                    id=self.uuid(),
                    plan_id=plan.pk,
                    support_type=kind,
                    objective=OBJECTIVES[kind],
                    target_date=target,
                    achieved_on=achieved,
                )
            )
        return len(chosen)

    def follow_ups(self, batch: Batch, case: Case, plan: CasePlan | None, homecomings: Iterable[date]) -> None:
        """The visits after each return home, one per day at most (as follow_ups_schedule)."""
        code = plan.follow_up_policy_id if plan is not None else None
        policy = self.ref.policies.get(code) if code else self.ref.default_policy
        if policy is None:
            return
        limit = self.end_of(case)
        starts: dict[date, date] = {}  # due day -> the return home it counts from (the first one)
        for start in sorted(homecomings):
            for due in visit_dates(policy.months, start):
                starts.setdefault(due, start)
        worker = self.worker_for(case)
        for due, start in sorted(starts.items()):
            if case.closed_at is not None and due > limit:
                continue
            visit = build(FollowUpVisit, id=self.uuid(), case_id=case.pk, reintegrated_on=start, due_on=due)
            if due <= self.today and self.chance(0.85):
                visit.done_on = min(due + timedelta(days=self.rng.randint(-3, 10)), limit)
                visit.done_by_id = worker.pk
                visit.notes = self.rng.choice(VISIT_NOTES)
            batch.add(visit)
