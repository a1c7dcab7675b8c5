"""Linked cases for the demo (issue 20.5): groups of siblings and groups of people returned
together, so that a newcomer sees the Linked cases tab and can act on a group at once.

- Returned together: open cases of one organisation of people exploited in the same country
  abroad and identified the same year, in groups of two to six, by identification date (the
  people a border handover brings back together).
- Siblings: two or three open cases of one organisation whose people come from the same district,
  of ages a few years apart.

Each group is made through the service (casework.services.links) by the worker of its first case
(audit and timeline rows as at the page). A case already in a group of that kind is left alone,
so a second run adds nothing."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

from casework import permissions
from casework.choices import CaseStatus, LinkKind
from casework.models import Case
from casework.services.links import case_group_create

MAX_GROUPS = {LinkKind.RETURNED_TOGETHER: 10, LinkKind.SIBLING: 20}
RETURNED = "Returned together from %(country)s, handed over at the border on %(day)s."
SIBLINGS = "Siblings from the same village, found at family tracing."


def _open(kind: str) -> Any:
    return (
        Case.objects.exclude(status=CaseStatus.CLOSED)
        .filter(assigned_worker__isnull=False)
        .exclude(group_memberships__group__kind=kind)
        .select_related("assigned_worker", "person")
    )


def _link(kind: str, reason: str, cases: list[Case]) -> bool:
    worker = cases[0].assigned_worker
    if worker is None:
        return False
    mine = [case for case in cases if permissions.case_in_scope.allows(worker, case)]
    if len(mine) < 2 or not permissions.move_case.allows(worker, mine[0]):
        return False
    case_group_create(actor=worker, kind=kind, reason=reason, cases=mine)
    return True


def _groups(rng: random.Random, keyed: dict[Any, list[Case]], smallest: int, largest: int) -> Iterable[list[Case]]:
    for cases in keyed.values():
        while len(cases) >= smallest:
            size = min(len(cases), rng.randint(smallest, largest))
            yield [cases.pop() for _ in range(size)]


def demo_links(*, seed: int = 2026) -> Counter[str]:
    rng = random.Random(seed)
    counts: Counter[str] = Counter()
    returned: dict[Any, list[Case]] = defaultdict(list)
    abroad = _open(LinkKind.RETURNED_TOGETHER).filter(exploitation_country__isnull=False)
    abroad = abroad.exclude(exploitation_country="LA")
    for case in abroad.order_by("-identified_on", "id")[:3000]:
        returned[(case.owner_id, case.exploitation_country_id, case.identified_on.year)].append(case)
    for cases in _groups(rng, returned, 2, 6):
        if counts["returned together groups"] >= MAX_GROUPS[LinkKind.RETURNED_TOGETHER]:
            break
        day = min(case.identified_on for case in cases).isoformat()
        reason = RETURNED % {"country": cases[0].exploitation_country_id, "day": day}
        if _link(LinkKind.RETURNED_TOGETHER, reason, cases):
            counts["returned together groups"] += 1
    villages: dict[Any, list[Case]] = defaultdict(list)
    candidates = _open(LinkKind.SIBLING).filter(person__origin_district__isnull=False)
    for case in candidates.order_by("created_at", "id")[:3000]:
        villages[(case.owner_id, case.person.origin_district_id)].append(case)
    for cases in _groups(rng, villages, 2, 3):
        if counts["sibling groups"] >= MAX_GROUPS[LinkKind.SIBLING]:
            break
        if _link(LinkKind.SIBLING, SIBLINGS, cases):
            counts["sibling groups"] += 1
    return counts
