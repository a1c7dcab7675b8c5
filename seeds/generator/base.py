"""What every part of the generator shares: one seeded random stream with its draws, the
reference data, the staff, the day the data ends, and the case-timeline row."""

from __future__ import annotations

import random
import uuid
from bisect import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import accumulate
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from django.conf import settings

from accounts.models import User
from casework.models import Case, CaseEvent
from seeds.generator.copy import Batch, build
from seeds.generator.reference import Reference
from seeds.generator.staff import Staff

LOCAL = ZoneInfo(settings.TIME_ZONE)
T = TypeVar("T")


@dataclass
class Context:
    rng: random.Random
    ref: Reference
    staff: Staff
    today: date
    weights: dict[Any, tuple[list[Any], list[float]]] = field(default_factory=dict)


class Part:
    """One kind of rows. Every part draws from the same stream, so the order in which a batch
    calls them is part of what a seed means."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.rng = ctx.rng
        self.ref = ctx.ref
        self.staff = ctx.staff
        self.today = ctx.today

    # -- draws --
    def uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def pick(self, weighted: Sequence[tuple[T, float]]) -> T:
        """One value by weight: the draw random.choices makes with cumulated weights, without
        its per-call set-up (cumulated once per table)."""
        cached = self.ctx.weights.get(weighted)  # type: ignore[call-overload]
        if cached is None:
            cached = ([v for v, _w in weighted], list(accumulate(w for _v, w in weighted)))
            self.ctx.weights[weighted] = cached  # type: ignore[index]
        values, cumulated = cached
        return values[bisect(cumulated, self.rng.random() * cumulated[-1], 0, len(values) - 1)]  # type: ignore[no-any-return]

    def chance(self, probability: float) -> bool:
        return self.rng.random() < probability

    def at(self, day: date) -> datetime:
        """A working-hours moment of `day`, in Vientiane time."""
        moment = time(self.rng.randint(8, 16), self.rng.randint(0, 59), self.rng.randint(0, 59))
        return datetime.combine(day, moment, tzinfo=LOCAL)

    def after(self, day: date, low: int, high: int, limit: date | None = None) -> date:
        return min(day + timedelta(days=self.rng.randint(low, high)), limit or self.today)

    # -- cases --
    def owner_code(self, case: Case) -> str:
        return self.ref.organisation_codes[case.owner_id]

    def worker_for(self, case: Case) -> User:
        """The assigned worker, else any worker of the owner."""
        pool = self.staff.workers[self.owner_code(case)]
        if case.assigned_worker_id:
            return next(u for u in pool if u.pk == case.assigned_worker_id)
        return self.rng.choice(pool)

    def manager_for(self, case: Case) -> User:
        return self.staff.managers[self.owner_code(case)]

    def end_of(self, case: Case) -> date:
        """The last day something can happen on the case: its closure, or today."""
        return case.closed_at.astimezone(LOCAL).date() if case.closed_at else self.today

    def event(self, batch: Batch, case: Case, actor: User | None, at: datetime, kind: str, **data: Any) -> None:
        batch.add(
            build(
                CaseEvent,
                case_id=case.pk,
                actor_id=actor.pk if actor else None,
                at=at,
                kind=kind,
                data={**data, "generated": True},
            )
        )
