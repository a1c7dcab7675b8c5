"""The slice of time one scan looks at, with each organisation's delay for the rule.

A rule's objects fall due at `base + delay`, where the delay is the organisation's setting (or
the rule's default). A scan takes only the rows whose due time is in (after, until]: the base
column is first bounded with the longest and shortest delay (so its index is used), then the
exact due time is compared. Nothing outside the window is read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.db.models import Case, DateTimeField, DurationField, ExpressionWrapper, F, QuerySet, Value, When
from django.db.models.functions import Cast

# The columns of a candidate row, in the order the engine inserts them.
ROW_COLUMNS = ("r_object", "r_due", "r_case", "r_code", "r_organisation", "r_recipient")


@dataclass(frozen=True)
class Window:
    after: datetime | None
    until: datetime
    default: timedelta
    delays: Mapping[Any, timedelta] = field(default_factory=dict)  # organisation id -> delay
    disabled: frozenset[Any] = frozenset()  # organisations that switched the rule off

    def delay_expression(self, organisation: str) -> Any:
        if not self.delays:
            return Value(self.default, output_field=DurationField())
        return Case(
            *[When(**{organisation: org}, then=Value(delay)) for org, delay in self.delays.items()],
            default=Value(self.default),
            output_field=DurationField(),
        )

    def rows(
        self,
        queryset: QuerySet[Any],
        *,
        base: str,
        case: str = "case",
        obj: str = "pk",
        date_based: bool = False,
        before: bool = False,
    ) -> QuerySet[Any]:
        """The objects of `queryset` due in this window, as the rows the engine stores (columns
        named in ROW_COLUMNS). `case` is the path to the case ("" for the case itself), `obj` the
        path to the object reminded about; a date-based base falls due at 00:00 UTC. With
        `before`, an object falls due the delay *before* its base (a hearing's date)."""
        prefix = f"{case}__" if case else ""
        organisation = f"{prefix}owner_id"
        delays = [self.default, *self.delays.values()]
        longest, shortest = max(delays), min(delays)
        if before:  # due = base - delay: the base lies in (after + delay, until + delay]
            upper = self.until + longest
            lower = self.after + shortest if self.after is not None else None
        else:
            upper = self.until - shortest
            lower = self.after - longest if self.after is not None else None
        if date_based:
            queryset = queryset.filter(**{f"{base}__lte": upper.date()})
            if lower is not None:
                queryset = queryset.filter(**{f"{base}__gte": lower.date()})
            start: Cast | F = Cast(F(base), DateTimeField())
        else:
            queryset = queryset.filter(**{f"{base}__lte": upper})
            if lower is not None:
                queryset = queryset.filter(**{f"{base}__gt": lower})
            start = F(base)
        if self.disabled:
            queryset = queryset.exclude(**{f"{organisation}__in": self.disabled})
        delay = self.delay_expression(organisation)
        due_at = ExpressionWrapper(start - delay if before else start + delay, output_field=DateTimeField())
        queryset = queryset.annotate(reminder_due_at=due_at).filter(reminder_due_at__lte=self.until)
        if self.after is not None:
            queryset = queryset.filter(reminder_due_at__gt=self.after)
        return queryset.order_by().values(
            r_object=F(obj),
            r_due=F("reminder_due_at"),
            r_case=F(f"{case}_id" if case else "pk"),
            r_code=F(f"{prefix}person__case_code"),
            r_organisation=F(organisation),
            r_recipient=F(f"{prefix}assigned_worker_id"),
        )


def day_start(day: date) -> datetime:
    """The moment a date-based rule falls due on `day` (00:00 UTC), for tests and the docs."""
    return datetime(day.year, day.month, day.day, tzinfo=UTC)
