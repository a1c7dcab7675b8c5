"""Bed utilisation over time: a daily census of the chosen shelters (docs/reports.md)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from django.db.models import QuerySet

from shelters.models import Shelter
from shelters.reports.occupancy_report import _check_period, _fetch, _period_params, _report_transaction, _shelters


@dataclass(frozen=True)
class UtilisationPoint:
    """One month (or week) of the period, clipped to it: `start..end` inclusive."""

    start: dt.date
    end: dt.date
    available_bed_nights: int
    occupied_bed_nights: int

    @property
    def utilisation(self) -> float | None:
        if not self.available_bed_nights:
            return None
        return 100.0 * self.occupied_bed_nights / self.available_bed_nights


# --- Utilisation over time -------------------------------------------------------------------
# A daily census from a difference array: every stay adds +1 on its first night in the period
# and -1 on its discharge day (when inside the period); beds and outages do the same for the
# capacity. A running sum over the days of the period gives each night's census and capacity,
# summed per month or week. Two plain scans of the stays (arrivals, departures: cheaper than one
# scan that emits two rows per stay); no per-day join with them.
_SERIES_SQL = """
WITH events AS (
    SELECT greatest(lower(s.during), %(d0)s::date) AS day, 1 AS occupied, 0 AS available
    FROM shelters_stay s
    WHERE s.shelter_id = ANY(%(ids)s::uuid[]) AND s.during && daterange(%(d0)s, %(d1)s)
  UNION ALL
    SELECT upper(s.during), -1, 0
    FROM shelters_stay s
    WHERE s.shelter_id = ANY(%(ids)s::uuid[]) AND s.during && daterange(%(d0)s, %(d1)s)
      AND upper(s.during) < %(d1)s
  UNION ALL
    SELECT e.day, 0, e.available
    FROM shelters_bed b
    CROSS JOIN LATERAL (VALUES (greatest(lower(b.in_service), %(d0)s::date), 1), (upper(b.in_service), -1))
         e(day, available)
    WHERE b.shelter_id = ANY(%(ids)s::uuid[]) AND b.in_service && daterange(%(d0)s, %(d1)s)
      AND e.day < %(d1)s
  UNION ALL
    SELECT e.day, 0, e.available
    FROM shelters_bedoutage o
    JOIN shelters_bed b ON b.id = o.bed_id
    CROSS JOIN LATERAL (SELECT o.during * b.in_service * daterange(%(d0)s, %(d1)s) AS r) cut
    CROSS JOIN LATERAL (VALUES (lower(cut.r), -1), (upper(cut.r), 1)) e(day, available)
    WHERE b.shelter_id = ANY(%(ids)s::uuid[]) AND o.during && (b.in_service * daterange(%(d0)s, %(d1)s))
      AND e.day < %(d1)s
), daily AS (
    SELECT day, sum(occupied) AS occupied, sum(available) AS available FROM events GROUP BY day
), census AS (
    SELECT g.day::date AS day,
           sum(coalesce(d.occupied, 0)) OVER (ORDER BY g.day) AS occupied,
           sum(coalesce(d.available, 0)) OVER (ORDER BY g.day) AS available
    FROM generate_series(%(d0)s::date, %(last)s::date, interval '1 day') g(day)
    LEFT JOIN daily d ON d.day = g.day::date
)
SELECT date_trunc(%(step)s, day)::date AS bucket, min(day), max(day), sum(available), sum(occupied)
FROM census
GROUP BY 1
ORDER BY 1
"""


def utilisation_series(
    shelters: QuerySet[Shelter], start: dt.date, end: dt.date, step: Literal["month", "week"] = "month"
) -> list[UtilisationPoint]:
    """Available and occupied bed nights per calendar month (or ISO week) of the period, the
    first and last clipped to it. Three queries."""
    _check_period(start, end)
    if step not in ("month", "week"):
        raise ValueError("step must be 'month' or 'week'")
    with _report_transaction():
        ids = [ref.id for ref in _shelters(shelters)]
        found = _fetch(_SERIES_SQL, {**_period_params(start, end, ids), "step": step}) if ids else []
    return [
        UtilisationPoint(start=first, end=last, available_bed_nights=int(available), occupied_bed_nights=int(occupied))
        for _, first, last, available, occupied in found
    ]
