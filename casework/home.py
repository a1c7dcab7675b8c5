"""What a manager's home page counts: the decisions waiting for them and the numbers that matter,
each a count the page links to the list behind it (counts only, no personal data)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from accounts.models import ReminderOccurrence
from casework import selectors, workload
from casework.permissions import managed_organisations


@dataclass(frozen=True)
class ManagerCounts:
    closures: int
    reopenings: int
    plans: int
    transfers: int
    open_cases: int
    overdue_cases: int
    overdue_reminders: int


def manager_counts(*, user: Any) -> ManagerCounts | None:
    """None for someone who manages no organisation."""
    organisations = managed_organisations(user)
    if not organisations:
        return None
    today = timezone.localdate()
    cases = workload.open_managed_cases(user=user)
    return ManagerCounts(
        closures=workload.closures_awaiting(user=user).count(),
        reopenings=workload.reopenings_awaiting(user=user).count(),
        plans=workload.plans_awaiting(user=user).count(),
        transfers=selectors.transfers_waiting(user=user).count(),
        open_cases=cases.count(),
        overdue_cases=cases.filter(pk__in=workload.overdue_case_ids(today=today)).count(),
        overdue_reminders=ReminderOccurrence.objects.filter(
            organisation_id__in=organisations, resolved_at__isnull=True, due_at__lt=timezone.now()
        ).count(),
    )
