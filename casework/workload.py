"""A manager's view of the team: open cases per worker and what is overdue on them, counted in
a handful of grouped queries whatever the number of cases (no personal data: counts only)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy

from accounts.models import Role, User
from casework.choices import ApprovalStatus, CaseStatus, StepStatus
from casework.models import Case, CasePlan, CasePlanGoal, FollowUpVisit, RepatriationStep
from casework.permissions import manage_case, managed_organisations

OPEN_STEP = (StepStatus.PENDING, StepStatus.IN_PROGRESS, StepStatus.BLOCKED)


@dataclass(frozen=True)
class WorkerLoad:
    worker: User | None  # None: cases nobody is assigned to
    open_cases: int
    closure_pending: int
    overdue_follow_ups: int
    overdue_steps: int

    @property
    def overdue(self) -> int:
        return self.overdue_follow_ups + self.overdue_steps

    @property
    def case_filter(self) -> str:
        """The case list's filter for this row's cases (the page links each number to them)."""
        return urlencode({"assigned_worker": self.worker.username} if self.worker else {"unassigned": "on"})


def open_managed_cases(*, user: Any) -> QuerySet[Case]:
    """Cases the manager decides on (their organisations' cases) that are not closed."""
    return Case.objects.filter(manage_case.filter(user)).exclude(status=CaseStatus.CLOSED)


# The case list's "overdue" filter: what is overdue on the case.
OVERDUE_CHOICES = [
    ("any", gettext_lazy("A visit or a step")),
    ("visits", gettext_lazy("A follow-up visit")),
    ("steps", gettext_lazy("A repatriation step")),
]


def overdue_visit(today: date, through: str = "") -> Q:
    """A follow-up visit due before `today` and not done (`through`: the path to it, e.g. from a case)."""
    return Q(**{f"{through}due_on__lt": today, f"{through}done_on__isnull": True})


def overdue_step(today: date, through: str = "") -> Q:
    """A repatriation step due before `today` and still pending, started or blocked."""
    return Q(**{f"{through}due_on__lt": today, f"{through}status__in": OPEN_STEP})


def overdue_case_ids(*, today: date, kind: str = "any") -> QuerySet[Any]:
    """Ids of cases with a follow-up visit (`visits`), a repatriation step (`steps`) or either
    (`any`) due before `today` and not done (a subquery: the caller's scope applies)."""
    visits = Q(pk__in=FollowUpVisit.objects.filter(overdue_visit(today)).values("case_id"))
    steps = Q(pk__in=RepatriationStep.objects.filter(overdue_step(today)).values("repatriation__case_id"))
    condition = {"visits": visits, "steps": steps}.get(kind, visits | steps)
    return Case.objects.filter(condition).values("pk")


def team_workload(*, user: Any, today: date) -> list[WorkerLoad]:
    """One row per active social worker or counsellor of the organisations the user manages
    (with nothing to do too), plus one for unassigned cases if any; busiest first."""
    cases = open_managed_cases(user=user)
    counts: dict[UUID | None, Mapping[str, Any]] = {
        row["assigned_worker"]: row
        for row in cases.values("assigned_worker").annotate(
            n=Count("pk"), pending=Count("pk", filter=Q(closure_requested_at__isnull=False))
        )
    }
    # Counted from the cases' side, so that the scope and each case's worker come from one join
    # (an index-only scan of the open cases: docs/performance.md, "Team workload").
    follow_ups = _per_worker(cases.filter(overdue_visit(today, "follow_ups__")), "follow_ups")
    steps = _per_worker(cases.filter(overdue_step(today, "repatriations__steps__")), "repatriations__steps")
    workers = {
        worker.pk: worker
        for worker in User.objects.filter(
            Q(
                organisation_id__in=managed_organisations(user),
                is_active=True,
                roles__overlap=[Role.SOCIAL_WORKER, Role.COUNSELLOR],
            )
            | Q(pk__in=[pk for pk in counts if pk is not None])
        ).select_related("organisation")
    }
    keys: list[UUID | None] = list(workers) + ([None] if None in counts or None in follow_ups or None in steps else [])
    rows = [
        WorkerLoad(
            worker=workers.get(key) if key is not None else None,
            open_cases=counts.get(key, {}).get("n", 0),
            closure_pending=counts.get(key, {}).get("pending", 0),
            overdue_follow_ups=follow_ups.get(key, 0),
            overdue_steps=steps.get(key, 0),
        )
        for key in keys
    ]
    return sorted(rows, key=lambda row: (-row.open_cases, -row.overdue, row.worker is None, _name(row.worker)))


def _per_worker(cases: QuerySet[Case], rows: str) -> Counter[UUID | None]:
    """The number of `rows` (a relation the cases were filtered on) per assigned worker."""
    return Counter(
        {row["assigned_worker"]: row["n"] for row in cases.values("assigned_worker").annotate(n=Count(rows))}
    )


def _name(worker: User | None) -> str:
    return worker.get_username() if worker else ""


def closures_awaiting(*, user: Any) -> QuerySet[Case]:
    """Cases whose closure was asked for and awaits a manager of the user's organisations,
    oldest request first."""
    return (
        open_managed_cases(user=user)
        .filter(closure_requested_at__isnull=False)
        .select_related("person", "owner", "closure_requested_by", "assigned_worker")
        .order_by("closure_requested_at", "id")
    )


def reopenings_awaiting(*, user: Any) -> QuerySet[Case]:
    """Closed cases a worker asked to reopen, awaiting a manager of the user's organisations,
    oldest request first."""
    return (
        manage_case.scope(user, Case.objects.filter(status=CaseStatus.CLOSED))
        .filter(reopen_requested_at__isnull=False)
        .select_related("person", "owner", "reopen_requested_by", "assigned_worker")
        .order_by("reopen_requested_at", "id")
    )


def plans_awaiting(*, user: Any) -> QuerySet[CasePlan]:
    """Plans submitted for approval on the open cases the user manages, oldest first. The goals
    are counted by a subquery per row shown, not grouped over every waiting plan before the page
    is cut (233 ms at 100,000 people with a GROUP BY: docs/performance.md)."""
    goals = CasePlanGoal.objects.filter(plan=OuterRef("pk")).order_by().values("plan").annotate(n=Count("*"))
    return (
        CasePlan.objects.filter(status=ApprovalStatus.SUBMITTED, case__in=open_managed_cases(user=user))
        .select_related("case__person", "case__owner", "case__assigned_worker", "submitted_by")
        .annotate(goal_count=Coalesce(Subquery(goals.values("n")), 0))
        .order_by("submitted_at", "id")
    )
