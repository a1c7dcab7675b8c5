"""What a manager's home page counts: the decisions waiting for them (casework's own and those
other apps register, casework.extensions.MANAGER_DECISIONS) and the numbers that matter, each a
count linked to the list behind it (counts only, no personal data)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count as DbCount
from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import ReminderOccurrence
from casework import selectors, workload
from casework.choices import RiskLevel
from casework.extensions import MANAGER_DECISIONS, ManagerDecision, register_manager_decision
from casework.models import CaseFlag
from casework.permissions import managed_organisations


@dataclass(frozen=True)
class Count:
    label: str
    url: str
    number: int


def _counter(queryset: Callable[..., QuerySet[Any]]) -> Callable[[Any], int]:
    return lambda user: queryset(user=user).count()


def register() -> None:
    """Casework's own decisions (called from CaseworkConfig.ready)."""
    for position, (key, label, url_name, count) in enumerate(
        [
            ("closures", _("Closures awaiting approval"), "manage:closures", workload.closures_awaiting),
            ("plans", _("Plans awaiting approval"), "manage:plans", workload.plans_awaiting),
            ("reopenings", _("Reopenings awaiting approval"), "manage:reopenings", workload.reopenings_awaiting),
            ("transfers", _("Transfers waiting"), "casework:transfers", selectors.transfers_waiting),
        ]
    ):
        register_manager_decision(
            ManagerDecision(
                key=key,
                label=label,
                url_name=url_name,
                count=_counter(count),
                position=position * 10,
            )
        )


def manager_home(*, user: Any) -> dict[str, list[Count]] | None:
    """{"decisions": [...], "numbers": [...]}; None for someone who manages no organisation."""
    organisations = managed_organisations(user)
    if not organisations:
        return None
    decisions = [
        Count(str(decision.label), reverse(decision.url_name), decision.count(user))
        for decision in sorted(MANAGER_DECISIONS.values(), key=lambda decision: decision.position)
    ]
    today = timezone.localdate()
    cases = workload.open_managed_cases(user=user)
    case_list = reverse("casework:case-list")
    open_flags = CaseFlag.objects.filter(case=OuterRef("pk"), cleared_at__isnull=True)
    flagged = cases.aggregate(  # both counts in one query
        any=DbCount("pk", filter=Exists(open_flags)),
        urgent=DbCount("pk", filter=Exists(open_flags.filter(level=RiskLevel.URGENT))),
    )
    overdue_reminders = ReminderOccurrence.objects.filter(
        organisation_id__in=organisations, resolved_at__isnull=True, due_at__lt=timezone.now()
    )
    numbers = [
        Count(str(_("Open cases")), f"{case_list}?current=on", cases.count()),
        Count(
            str(_("Cases with an overdue visit or step")),
            f"{case_list}?current=on&overdue=any",
            cases.filter(pk__in=workload.overdue_case_ids(today=today)).count(),
        ),
        Count(str(_("Cases with an urgent risk flag")), f"{case_list}?current=on&flagged=on", flagged["urgent"]),
        Count(str(_("Flagged cases")), f"{case_list}?current=on&flagged=on", flagged["any"]),
        Count(str(_("Overdue reminders")), reverse("notifications:list"), overdue_reminders.count()),
    ]
    return {"decisions": decisions, "numbers": numbers}
