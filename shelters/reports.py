"""Occupancy and statistics reports, computed in PostgreSQL (docs/reports.md defines every figure).

Pure reads. Each public function runs a fixed number of queries whatever the number of stays:
one to resolve the shelters, then one aggregate statement per part of the report, so nothing
about individual residents is ever loaded into Python, only counts.

Conventions shared by every query (docs/design/domain.md, Occupancy):
- A stay occupies the nights of `[admission, discharge)`: the discharge night is not a night in
  the shelter; an open stay (no discharge yet) runs on past the end of any period.
- A period `start..end` is inclusive of both nights; in SQL it is `daterange(start, end + 1)`.
- A bed offers a night when its `in_service` range contains the night and no BedOutage of that
  bed does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils.translation import get_language, gettext

from casework.choices import CaseCategory
from shelters.choices import EXIT_GROUPS, POSITIVE_DESTINATIONS, ExitDestination, ExitGroup
from shelters.models import Shelter

# HUD treats average utilisation outside this range as a sign of missing exits or a wrong bed count.
PLAUSIBLE_UTILISATION = (65.0, 105.0)
ADULT_AGE = 18
MAX_PERIOD_YEARS = 10
REPORT_WORK_MEM = "64MB"
INDEX_PAGE_COST = "1.1"  # random_page_cost for the occupancy pass: PostgreSQL's usual advice for SSD or RAM

# Length-of-stay buckets (HUD APR Q22, folded above two years): (key, lowest, highest) in days.
LOS_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("<=30", 1, 30),
    ("31-60", 31, 60),
    ("61-90", 61, 90),
    ("91-180", 91, 180),
    ("181-365", 181, 365),
    ("366-730", 366, 730),
    (">730", 731, None),
)
# Real exits only: a bed move inside a shelter closes a stay but is not an exit.
DESTINATIONS: tuple[str, ...] = tuple(d for d in ExitDestination.values if EXIT_GROUPS[d] != ExitGroup.INTERNAL)
EXIT_GROUP_ORDER: tuple[str, ...] = tuple(g for g in ExitGroup.values if g != ExitGroup.INTERNAL)
CATEGORIES: tuple[str, ...] = tuple(CaseCategory.values)


# --- Results ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class ShelterRef:
    """Which shelter a row is about (tier 0: code and public names only)."""

    id: Any
    code: str
    name_en: str
    name_lo: str = ""

    @property
    def name(self) -> str:
        if (get_language() or "").startswith("lo") and self.name_lo:
            return self.name_lo
        return self.name_en


@dataclass(frozen=True)
class LengthOfStay:
    """Lengths of stay in nights of one group (leavers or stayers): how many, mean, median, buckets."""

    count: int
    average: float | None
    median: float | None
    buckets: dict[str, int]


@dataclass(frozen=True)
class OccupancyRow:
    """The occupancy figures of one shelter, or of all the report's shelters (`shelter` None)."""

    shelter: ShelterRef | None
    days: int
    capacity_start: int
    capacity_end: int
    available_bed_nights: int
    occupied_bed_nights: int
    nights_without_bed: int
    residents_at_start: int
    admissions: int
    exits: int
    exits_by_destination: dict[str, int]
    residents_at_end: int
    leavers: LengthOfStay
    stayers: LengthOfStay
    non_residential_assisted: int

    @property
    def utilisation(self) -> float | None:
        """Occupied / available bed nights, in percent; None when no bed was available."""
        if not self.available_bed_nights:
            return None
        return 100.0 * self.occupied_bed_nights / self.available_bed_nights

    @property
    def utilisation_plausible(self) -> bool | None:
        """HUD's 65-105 % check; None when there is no rate to check."""
        rate = self.utilisation
        if rate is None:
            return None
        low, high = PLAUSIBLE_UTILISATION
        return low <= rate <= high

    @property
    def average_daily_census(self) -> float:
        return self.occupied_bed_nights / self.days

    @property
    def exits_by_group(self) -> dict[str, int]:
        groups = dict.fromkeys(EXIT_GROUP_ORDER, 0)
        for destination, count in self.exits_by_destination.items():
            groups[EXIT_GROUPS[destination]] += count
        return groups

    @property
    def positive_exits(self) -> int:
        return sum(
            count for destination, count in self.exits_by_destination.items() if destination in POSITIVE_DESTINATIONS
        )

    @property
    def positive_exit_rate(self) -> float | None:
        """Percent of all exits that went to a positive (permanent) destination."""
        return 100.0 * self.positive_exits / self.exits if self.exits else None


@dataclass(frozen=True)
class OccupancyReport:
    start: dt.date
    end: dt.date
    rows: list[OccupancyRow]
    total: OccupancyRow

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


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


@dataclass(frozen=True)
class ShelterTableRow:
    """One line of the shelters' own table: a category, or the total (`category` None)."""

    category: str | None
    label: str
    total: int = 0
    female: int = 0
    male: int = 0
    under_18_total: int = 0
    under_18_female: int = 0
    under_18_male: int = 0
    adult_total: int = 0
    adult_female: int = 0
    adult_male: int = 0

    def counts(self) -> tuple[int, ...]:
        """The nine counts in the table's column order."""
        return (
            self.total,
            self.female,
            self.male,
            self.under_18_total,
            self.under_18_female,
            self.under_18_male,
            self.adult_total,
            self.adult_female,
            self.adult_male,
        )


@dataclass(frozen=True)
class YearCell:
    residents: int = 0
    children: int = 0


@dataclass(frozen=True)
class YearRow:
    category: str | None
    label: str
    cells: list[YearCell] = field(default_factory=list)  # one per year, in `YearTable.years` order


@dataclass(frozen=True)
class YearTable:
    years: list[int]
    rows: list[YearRow]
    total: YearRow


# --- Shared helpers --------------------------------------------------------------------------
def _check_period(start: dt.date, end: dt.date) -> None:
    if end < start:
        raise ValueError("The end of the period is before its start.")
    if (end.year - start.year, end.month, end.day) >= (MAX_PERIOD_YEARS, start.month, start.day):
        raise ValueError("At most ten years at a time.")


def _shelters(shelters: QuerySet[Shelter]) -> list[ShelterRef]:
    rows = shelters.order_by("name_en", "code").values_list("pk", "code", "name_en", "name_lo")
    return [ShelterRef(*row) for row in rows]


@contextmanager
def _report_transaction() -> Iterator[None]:
    """One transaction per report, tuned for a few large aggregates: enough memory that a
    million-row grouping stays in RAM, and no JIT (its compile time costs more than it saves on
    these one-pass queries). SET LOCAL ends with the transaction."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('work_mem', %s, true), set_config('jit', 'off', true)", [REPORT_WORK_MEM])
        yield


def _prefer_index_reads() -> None:
    """Cost a page read from an index about like one from a sequential scan, for the rest of the
    report's transaction. PostgreSQL's default (4x) supposes spinning disks and makes it choose a
    seq scan for the occupancy pass; the stays are read from memory, where the index-only pass
    over `stay_exit_length_idx` costs about half as much (docs/performance.md)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('random_page_cost', %s, true)", [INDEX_PAGE_COST])


def _fetch(sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _period_params(start: dt.date, end: dt.date, ids: Sequence[Any]) -> dict[str, Any]:
    return {"ids": list(ids), "d0": start, "d1": end + dt.timedelta(days=1), "last": end}


def _int(value: Any) -> int:
    """A count; an aggregate over no rows (the total of an empty report) gives NULL."""
    return int(value or 0)


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


# --- Occupancy -------------------------------------------------------------------------------
def _bucket_sum(column: str, low: int, high: int | None, name: str) -> str:
    upper = "" if high is None else f" AND {column} <= {high:d}"
    return f"coalesce(sum(n) FILTER (WHERE {column} >= {low:d}{upper}), 0) AS {name}"


# Built once from code constants (never from input): one FILTERed sum per exit destination and
# per length-of-stay bucket, over the small grouped rows below.
_EXIT_SUMS = ",\n".join(
    f"coalesce(sum(discharged) FILTER (WHERE exit_destination = %(dest_{i})s), 0) AS exit_{i}"
    for i in range(len(DESTINATIONS))
)
_EXIT_COLUMNS = ", ".join(f"f.exit_{i}" for i in range(len(DESTINATIONS)))
_BUCKET_SUMS = ",\n".join(
    [_bucket_sum("los", low, high, f"leaver_{i}") for i, (_, low, high) in enumerate(LOS_BUCKETS)]
    + [_bucket_sum("-los", low, high, f"stayer_{i}") for i, (_, low, high) in enumerate(LOS_BUCKETS)]
)
_BUCKET_COLUMNS = ", ".join(
    [f"t.leaver_{i}" for i in range(len(LOS_BUCKETS))] + [f"t.stayer_{i}" for i in range(len(LOS_BUCKETS))]
)

# Which stays matter: those with a night in the period, and those discharged on its first day (the
# last night was the eve of the period, but the exit is dated inside it): overlapping
# `[start - 1, end + 1)` catches exactly those. A move to another bed of the same shelter closes
# one stay (destination `bed_move`) and opens the next with the same `episode_started_on`: it is
# neither an exit nor an admission, and lengths of stay run over the whole episode in the
# shelter. So each stay is a leaver's (discharged in the period, not by a bed move), a stayer's
# (present the last night) or a bed move's, never two of these.
#
# One parallel pass over the stays folds them by shelter, exit destination and the episode's
# length in nights (NULL while open), summing nights, census, admissions and discharges: some
# thousands of rows. The planner knows how few from the extended statistics `stay_length_groups`
# (migration 0005), so each worker aggregates its share; without them it expects a group per
# stay and gathers a million rows to one process. The pass reads the index `stay_exit_length_idx`
# (migration 0008), which is in the order of this grouping and carries every column it reads: the
# stays of a group come one after another and are folded as they come, where a seq scan would look
# each one up in a hash table of some ten thousand groups (twice the cost of the scan). The
# residents of the first and of the last night (at most a bed's worth each) come from the range
# index alone (it includes `episode_started_on`), not from the scan. Every flow, the exits by
# destination and the lengths of stay (`los`: a leaver's nights; minus a stayer's nights so far;
# 0 for a bed move) come from these. A median from such a histogram is exactly
# percentile_cont(0.5) of the lengths, without sorting a million of them.
_STAYS_SQL = f"""
WITH folded AS (
    SELECT s.shelter_id,
           s.exit_destination,
           upper(s.during) - s.episode_started_on AS length,
           -- nights inside the period: min(discharge, end + 1) - max(admission, start), never negative here
           sum(least(coalesce(upper(s.during), %(d1)s), %(d1)s) - greatest(lower(s.during), %(d0)s)) AS nights,
           coalesce(sum(least(coalesce(upper(s.during), %(d1)s), %(d1)s) - greatest(lower(s.during), %(d0)s))
                    FILTER (WHERE s.bed_id IS NULL), 0) AS without_bed,
           count(*) FILTER (WHERE lower(s.during) >= %(d0)s AND s.episode_started_on = lower(s.during)) AS admissions,
           count(*) FILTER (WHERE upper(s.during) < %(d1)s) AS discharged
    FROM shelters_stay s
    WHERE s.shelter_id = ANY(%(ids)s::uuid[])
      AND s.during && daterange(%(d0)s::date - 1, %(d1)s)
    GROUP BY 1, 2, 3
), staying AS (
    SELECT s.shelter_id, s.episode_started_on - %(d1)s AS los, count(*) AS n
    FROM shelters_stay s
    WHERE s.shelter_id = ANY(%(ids)s::uuid[]) AND s.during @> %(last)s::date
    GROUP BY 1, 2
), starting AS (
    SELECT s.shelter_id, GROUPING(s.shelter_id) AS is_total, count(*) AS n
    FROM shelters_stay s
    WHERE s.shelter_id = ANY(%(ids)s::uuid[]) AND s.during @> %(d0)s::date
    GROUP BY GROUPING SETS ((s.shelter_id), ())
), flows AS (
    SELECT shelter_id,
           GROUPING(shelter_id) AS is_total,
           sum(nights) AS nights, sum(without_bed) AS without_bed, sum(admissions) AS admissions,
           coalesce(sum(discharged) FILTER (WHERE exit_destination <> %(bed_move)s), 0) AS exits,
           {_EXIT_SUMS}
    FROM folded
    GROUP BY GROUPING SETS ((shelter_id), ())
), histogram AS (
    SELECT shelter_id, CASE WHEN exit_destination = %(bed_move)s THEN 0 ELSE length END AS los, sum(discharged) AS n
    FROM folded
    WHERE discharged > 0
    GROUP BY 1, 2
  UNION ALL
    SELECT shelter_id, los, n FROM staying
), totals AS (
    SELECT shelter_id,
           GROUPING(shelter_id) AS is_total,
           sum(n * los) FILTER (WHERE los > 0) / sum(n) FILTER (WHERE los > 0) AS leaver_average,
           sum(n * -los) FILTER (WHERE los < 0) / sum(n) FILTER (WHERE los < 0) AS stayer_average,
           coalesce(sum(n) FILTER (WHERE los < 0), 0) AS at_end,
           {_BUCKET_SUMS}
    FROM histogram
    GROUP BY GROUPING SETS ((shelter_id), ())
), lengths AS (
    SELECT shelter_id, GROUPING(shelter_id) AS is_total, los > 0 AS leaver, abs(los) AS days, sum(n) AS n
    FROM histogram
    WHERE los <> 0
    GROUP BY GROUPING SETS ((shelter_id, los), (los))
), ranked AS (
    SELECT shelter_id, is_total, leaver, days,
           sum(n) OVER (PARTITION BY is_total, shelter_id, leaver ORDER BY days) AS up_to,
           sum(n) OVER (PARTITION BY is_total, shelter_id, leaver) AS total
    FROM lengths
), medians AS (
    -- the mean of the values at ranks floor((N+1)/2) and floor(N/2)+1: percentile_cont(0.5)
    SELECT shelter_id, is_total,
           (min(days) FILTER (WHERE leaver AND up_to >= div(total + 1, 2))
            + min(days) FILTER (WHERE leaver AND up_to >= div(total, 2) + 1)) / 2.0 AS leaver_median,
           (min(days) FILTER (WHERE NOT leaver AND up_to >= div(total + 1, 2))
            + min(days) FILTER (WHERE NOT leaver AND up_to >= div(total, 2) + 1)) / 2.0 AS stayer_median
    FROM ranked
    GROUP BY shelter_id, is_total
)
SELECT f.shelter_id, f.is_total,
       f.nights, f.without_bed, coalesce(b.n, 0), f.admissions, f.exits, coalesce(t.at_end, 0), {_EXIT_COLUMNS},
       t.leaver_average, m.leaver_median, t.stayer_average, m.stayer_median, {_BUCKET_COLUMNS}
FROM flows f
LEFT JOIN totals t ON t.is_total = f.is_total AND t.shelter_id IS NOT DISTINCT FROM f.shelter_id
LEFT JOIN medians m ON m.is_total = f.is_total AND m.shelter_id IS NOT DISTINCT FROM f.shelter_id
LEFT JOIN starting b ON b.is_total = f.is_total AND b.shelter_id IS NOT DISTINCT FROM f.shelter_id
"""  # noqa: S608 - the interpolated parts are built above from constants; values are parameters


# Beds: nights in service inside the period, less the nights of their outages inside it (the
# outages of one bed never overlap: an exclusion constraint), so each outage night is taken off
# once; capacity = beds offering the first (last) night, less those in an outage that night.
_BEDS_SQL = """
WITH bed AS (
    SELECT b.id, b.shelter_id, b.in_service * daterange(%(d0)s, %(d1)s) AS r
    FROM shelters_bed b
    WHERE b.shelter_id = ANY(%(ids)s::uuid[]) AND b.in_service && daterange(%(d0)s, %(d1)s)
), outage AS (
    SELECT bed.shelter_id, o.during * bed.r AS r
    FROM shelters_bedoutage o
    JOIN bed ON bed.id = o.bed_id
    WHERE o.during && bed.r
), offered AS (
    SELECT shelter_id, upper(r) - lower(r) AS nights, r @> %(d0)s::date AS first, r @> %(last)s::date AS last, 1 AS beds
    FROM bed
  UNION ALL
    SELECT shelter_id, lower(r) - upper(r), r @> %(d0)s::date, r @> %(last)s::date, -1
    FROM outage
)
SELECT shelter_id,
       GROUPING(shelter_id) AS is_total,
       sum(nights),
       coalesce(sum(beds) FILTER (WHERE first), 0),
       coalesce(sum(beds) FILTER (WHERE last), 0)
FROM offered
GROUP BY GROUPING SETS ((shelter_id), ())
"""

_NON_RESIDENTIAL_SQL = """
SELECT n.shelter_id, GROUPING(n.shelter_id) AS is_total, count(DISTINCT n.person_id)
FROM shelters_nonresidentialassistance n
WHERE n.shelter_id = ANY(%(ids)s::uuid[]) AND n.assisted_on >= %(d0)s AND n.assisted_on < %(d1)s
GROUP BY GROUPING SETS ((n.shelter_id), ())
"""


def _keyed(rows: list[tuple[Any, ...]]) -> dict[Any, tuple[Any, ...]]:
    """Rows of a `GROUPING SETS ((shelter_id), ())` query by shelter id, the total under None."""
    return {(None if row[1] else row[0]): row[2:] for row in rows}


def _los(count: int, average: Any, median: Any, buckets: Sequence[Any]) -> LengthOfStay:
    return LengthOfStay(
        count=count,
        average=_float(average),
        median=_float(median),
        buckets={key: _int(n) for (key, _, _), n in zip(LOS_BUCKETS, buckets, strict=True)},
    )


def _occupancy_row(
    shelter: ShelterRef | None,
    days: int,
    stays: tuple[Any, ...] | None,
    beds: tuple[Any, ...] | None,
    nonres: int,
) -> OccupancyRow:
    """One line from the rows of the three queries (None where a query found nothing)."""
    n_buckets = len(LOS_BUCKETS)
    n_flows = 6 + len(DESTINATIONS)
    found = stays or (0,) * n_flows + (None,) * 4 + (0,) * (2 * n_buckets)
    nights, without_bed, at_start, admissions, exits, at_end, *exit_counts = found[:n_flows]
    l_avg, l_med, s_avg, s_med, *buckets = found[n_flows:]
    available, capacity_start, capacity_end = beds or (0, 0, 0)
    return OccupancyRow(
        shelter=shelter,
        days=days,
        capacity_start=_int(capacity_start),
        capacity_end=_int(capacity_end),
        available_bed_nights=_int(available),
        occupied_bed_nights=_int(nights),
        nights_without_bed=_int(without_bed),
        residents_at_start=_int(at_start),
        admissions=_int(admissions),
        exits=_int(exits),
        exits_by_destination={d: _int(n) for d, n in zip(DESTINATIONS, exit_counts, strict=True)},
        residents_at_end=_int(at_end),
        leavers=_los(_int(exits), l_avg, l_med, buckets[:n_buckets]),
        stayers=_los(_int(at_end), s_avg, s_med, buckets[n_buckets:]),
        non_residential_assisted=_int(nonres),
    )


def occupancy(shelters: QuerySet[Shelter], start: dt.date, end: dt.date) -> OccupancyReport:
    """Occupancy of `shelters` (already scoped by `run_reports`) over the nights `start..end`:
    one row per shelter and a total. The same five queries whatever the number of stays."""
    _check_period(start, end)
    days = (end - start).days + 1
    stays: dict[Any, tuple[Any, ...]] = {}
    beds: dict[Any, tuple[Any, ...]] = {}
    nonres: dict[Any, tuple[Any, ...]] = {}
    with _report_transaction():
        refs = _shelters(shelters)
        if refs:
            params = _period_params(start, end, [ref.id for ref in refs])
            params.update({f"dest_{i}": destination for i, destination in enumerate(DESTINATIONS)})
            params["bed_move"] = ExitDestination.BED_MOVE.value
            _prefer_index_reads()
            stays = _keyed(_fetch(_STAYS_SQL, params))
            beds = _keyed(_fetch(_BEDS_SQL, params))
            nonres = _keyed(_fetch(_NON_RESIDENTIAL_SQL, params))

    def row(key: Any, ref: ShelterRef | None) -> OccupancyRow:
        return _occupancy_row(ref, days, stays.get(key), beds.get(key), nonres.get(key, (0,))[0])

    return OccupancyReport(start=start, end=end, rows=[row(ref.id, ref) for ref in refs], total=row(None, None))


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


# --- The shelters' own table -----------------------------------------------------------------
# A person counts once per category (the category of the stay's case, copied onto the stay with
# the person's sex by triggers, so no join) and once in the total. Each person's stays fold into
# three bit sets over the categories: where they stayed, where a stay had an age at admission
# under 18, where a stay had an age at all. Their age in a category is thus the lowest age at
# admission of their stays in it (the age at their first admission when ages are recorded
# consistently); in the total, the lowest of all. Persons are then counted per (sex, bit sets)
# shape, a few hundred rows at most, and unfolded per category.
#
# Grouping a million stays by person would cost seconds, yet most persons have a single stay
# (`person_has_other_stays` false): one parallel pass counts those per (category, sex, age) and
# keeps the others apart by person (the statistics `stay_person_groups` tell the planner how few
# groups that makes); only these are then folded per person.
_CATEGORY_VALUES = "VALUES " + ", ".join(f"('{category}', {i})" for i, category in enumerate(CATEGORIES))
_PERSON_OR_NULL = "CASE WHEN s.person_has_other_stays THEN s.person_id END"
_TABLE_SQL = f"""
WITH stays AS (
    SELECT {_PERSON_OR_NULL} AS person_id,
           s.case_category,
           s.person_sex AS sex,
           s.age_at_admission < %(adult)s AS child,
           count(*) AS n
    FROM shelters_stay s
    WHERE s.shelter_id = ANY(%(ids)s::uuid[]) AND s.during && daterange(%(d0)s, %(d1)s)
    GROUP BY 1, 2, 3, 4
), bits AS (
    SELECT st.person_id, st.sex, st.n,
           1 << k.i AS present,
           CASE WHEN st.child THEN 1 << k.i ELSE 0 END AS child,
           CASE WHEN st.child IS NOT NULL THEN 1 << k.i ELSE 0 END AS known
    FROM stays st
    JOIN ({_CATEGORY_VALUES}) k(category, i) ON k.category = st.case_category
), per_person AS (
    SELECT min(sex) AS sex, bit_or(present) AS present, bit_or(child) AS child, bit_or(known) AS known, 1 AS n
    FROM bits
    WHERE person_id IS NOT NULL
    GROUP BY person_id
  UNION ALL
    SELECT sex, present, child, known, n FROM bits WHERE person_id IS NULL
), shapes AS (
    SELECT sex, present, child, known, sum(n) AS n
    FROM per_person
    GROUP BY 1, 2, 3, 4
), unfolded AS (
    SELECT k.i, sh.sex, (sh.child >> k.i) & 1 = 1 AS is_child, (sh.known >> k.i) & 1 = 1 AS is_known, sh.n
    FROM shapes sh
    CROSS JOIN generate_series(0, {len(CATEGORIES) - 1}) k(i)
    WHERE (sh.present >> k.i) & 1 = 1
  UNION ALL
    SELECT NULL, sex, child <> 0, known <> 0, n FROM shapes
)
SELECT i,
       sum(n),
       coalesce(sum(n) FILTER (WHERE sex = 'female'), 0),
       coalesce(sum(n) FILTER (WHERE sex = 'male'), 0),
       coalesce(sum(n) FILTER (WHERE is_child), 0),
       coalesce(sum(n) FILTER (WHERE is_child AND sex = 'female'), 0),
       coalesce(sum(n) FILTER (WHERE is_child AND sex = 'male'), 0),
       coalesce(sum(n) FILTER (WHERE is_known AND NOT is_child), 0),
       coalesce(sum(n) FILTER (WHERE is_known AND NOT is_child AND sex = 'female'), 0),
       coalesce(sum(n) FILTER (WHERE is_known AND NOT is_child AND sex = 'male'), 0)
FROM unfolded
GROUP BY i
"""  # noqa: S608 - the interpolated parts are built above from constants; values are parameters


def shelter_table(shelters: QuerySet[Shelter], start: dt.date, end: dt.date) -> list[ShelterTableRow]:
    """The shelters' own table for persons residing at any time in `start..end` in any of
    `shelters`: one row per category (CaseCategory order, zeros included), then the total row,
    which counts distinct persons. Three queries."""
    _check_period(start, end)
    found: dict[str | None, tuple[int, ...]] = {}
    with _report_transaction():
        ids = [ref.id for ref in _shelters(shelters)]
        if ids:
            params = {**_period_params(start, end, ids), "adult": ADULT_AGE}
            for index, *counts in _fetch(_TABLE_SQL, params):
                found[None if index is None else CATEGORIES[index]] = tuple(int(n) for n in counts)
    labels = dict(CaseCategory.choices)
    rows = [ShelterTableRow(category, str(labels[category]), *found.get(category, ())) for category in CATEGORIES]
    rows.append(ShelterTableRow(None, _total_label(), *found.get(None, ())))
    return rows


def _total_label() -> str:
    return gettext("Total")


# --- Residents by year -----------------------------------------------------------------------
# Each stay becomes a bit set of the years it has a night in (bit 0 = first_year); each person's
# stays fold into such a year set per category, and one per category for the years in which a
# stay there had an age at admission under 18. Persons are counted per shape of these sets and
# unfolded per year and category (and per year for the total). As in the shelters' table, persons
# with a single stay are counted in one parallel pass by (category, age, first and last year)
# (statistics `stay_year_groups`) and only the others are folded per person.
_YEAR_SETS = ",\n".join(
    f"coalesce(bit_or(years) FILTER (WHERE i = {i}), 0) AS p{i}, "
    f"coalesce(bit_or(years) FILTER (WHERE i = {i} AND child), 0) AS c{i}"
    for i in range(len(CATEGORIES))
)
_YEAR_COLUMNS = ",\n".join(
    f"CASE WHEN i = {i} THEN years ELSE 0 END AS p{i}, CASE WHEN i = {i} AND child THEN years ELSE 0 END AS c{i}"
    for i in range(len(CATEGORIES))
)
_PRESENT = ", ".join(f"p{i}" for i in range(len(CATEGORIES)))
_CHILD = ", ".join(f"c{i}" for i in range(len(CATEGORIES)))
_YEARS_SQL = f"""
WITH stays AS (
    SELECT {_PERSON_OR_NULL} AS person_id,
           s.case_category,
           coalesce(s.age_at_admission < %(adult)s, false) AS child,
           EXTRACT(year FROM lower(s.during)) AS y0,
           EXTRACT(year FROM upper(s.during) - 1) AS y1,
           count(*) AS n
    FROM shelters_stay s
    WHERE s.shelter_id = ANY(%(ids)s::uuid[]) AND s.during && daterange(%(d0)s, %(d1)s)
    GROUP BY 1, 2, 3, 4, 5
), spans AS (
    SELECT st.person_id, k.i, st.child, st.n,
           (1 << (least(coalesce(st.y1::int, %(last_year)s), %(last_year)s) - %(first)s + 1))
           - (1 << (greatest(st.y0::int, %(first)s) - %(first)s)) AS years
    FROM stays st
    JOIN ({_CATEGORY_VALUES}) k(category, i) ON k.category = st.case_category
), per_person AS (
    SELECT {_YEAR_SETS}, 1 AS n
    FROM spans
    WHERE person_id IS NOT NULL
    GROUP BY person_id
  UNION ALL
    SELECT {_YEAR_COLUMNS}, n
    FROM spans
    WHERE person_id IS NULL
), shapes AS (
    SELECT ARRAY[{_PRESENT}] AS present,
           ARRAY[{_CHILD}] AS child,
           {" | ".join(f"p{i}" for i in range(len(CATEGORIES)))} AS anywhere,
           {" | ".join(f"c{i}" for i in range(len(CATEGORIES)))} AS child_anywhere,
           sum(n) AS n
    FROM per_person
    GROUP BY 1, 2, 3, 4
)
SELECT %(first)s + y.y, k.i,
       coalesce(sum(n) FILTER (WHERE (present[k.i + 1] >> y.y) & 1 = 1), 0),
       coalesce(sum(n) FILTER (WHERE (child[k.i + 1] >> y.y) & 1 = 1), 0)
FROM shapes
CROSS JOIN generate_series(0, %(last_year)s - %(first)s) y(y)
CROSS JOIN generate_series(0, {len(CATEGORIES) - 1}) k(i)
GROUP BY y.y, k.i
UNION ALL
SELECT %(first)s + y.y, NULL,
       coalesce(sum(n) FILTER (WHERE (anywhere >> y.y) & 1 = 1), 0),
       coalesce(sum(n) FILTER (WHERE (child_anywhere >> y.y) & 1 = 1), 0)
FROM shapes
CROSS JOIN generate_series(0, %(last_year)s - %(first)s) y(y)
GROUP BY y.y
"""  # noqa: S608 - the interpolated parts are built above from constants; values are parameters


def residents_by_year(shelters: QuerySet[Shelter], first_year: int, last_year: int) -> YearTable:
    """Residents (distinct persons with a night in the calendar year) and, of whom, children
    (age at admission under 18), per year and category, plus a total row of distinct persons.
    Three queries."""
    if last_year < first_year:
        raise ValueError("The last year is before the first year.")
    if last_year - first_year >= MAX_PERIOD_YEARS:
        raise ValueError("At most ten years at a time.")
    years = list(range(first_year, last_year + 1))
    found: dict[tuple[int, str | None], YearCell] = {}
    with _report_transaction():
        ids = [ref.id for ref in _shelters(shelters)]
        if ids:
            params = {
                **_period_params(dt.date(first_year, 1, 1), dt.date(last_year, 12, 31), ids),
                "first": first_year,
                "last_year": last_year,
                "adult": ADULT_AGE,
            }
            for year, index, n, kids in _fetch(_YEARS_SQL, params):
                found[(year, None if index is None else CATEGORIES[index])] = YearCell(int(n), int(kids))
    labels = dict(CaseCategory.choices)

    def row(category: str | None, label: str) -> YearRow:
        return YearRow(category, label, [found.get((year, category), YearCell()) for year in years])

    return YearTable(
        years=years,
        rows=[row(category, str(labels[category])) for category in CATEGORIES],
        total=row(None, _total_label()),
    )
