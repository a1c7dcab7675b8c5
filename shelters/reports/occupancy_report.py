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
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import get_language

from casework import ages
from casework.choices import CaseCategory
from core.replica import read_connection
from shelters.choices import EXIT_CODES, EXIT_GROUPS, POSITIVE_DESTINATIONS, ExitDestination, ExitGroup
from shelters.models import Shelter

# HUD treats average utilisation outside this range as a sign of missing exits or a wrong bed count.
PLAUSIBLE_UTILISATION = (65.0, 105.0)
ADULT_AGE = ages.ADULT_AGE
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
    with transaction.atomic(using=read_connection().alias), read_connection().cursor() as cursor:
        cursor.execute("SELECT set_config('work_mem', %s, true), set_config('jit', 'off', true)", [REPORT_WORK_MEM])
        yield


def _prefer_index_reads() -> None:
    """Cost a page read from an index about like one from a sequential scan, for the rest of the
    report's transaction. PostgreSQL's default (4x) supposes spinning disks and makes it choose a
    seq scan for the occupancy pass; the stays are read from memory, where the index-only pass
    over `stay_exit_length_idx` costs about half as much (docs/performance.md)."""
    with read_connection().cursor() as cursor:
        cursor.execute("SELECT set_config('random_page_cost', %s, true)", [INDEX_PAGE_COST])


def _fetch(sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    with read_connection().cursor() as cursor:
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
    f"coalesce(sum(discharged) FILTER (WHERE exit_code = %(dest_{i})s), 0) AS exit_{i}"
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
# One parallel pass over the stays folds them by shelter, exit destination (its code, `exit_code`:
# 2 bytes in the index instead of the text's 20) and the episode's
# length in nights (NULL while open), summing nights, census, admissions and discharges: some
# thousands of rows. The planner knows how few from the extended statistics `stay_length_groups`
# (migration 0005), so each worker aggregates its share; without them it expects a group per
# stay and gathers a million rows to one process. The pass reads the index `stay_exit_length_idx`
# (migrations 0008-0010), which is in the order of this grouping and carries every column it
# reads: the stays of a group come one after another and are folded as they come, where a seq scan
# would look each one up in a hash table of some ten thousand groups (twice the cost of the scan).
# The pass costs in proportion to that index's pages, so it carries no bed: the nights without a
# bed (a few stays) are summed from the partial index `stay_without_bed_idx`. The residents of the
# first and of the last night (at most a bed's worth each) come from the range index alone (it
# includes `episode_started_on`), not from the scan. Every flow, the exits by
# destination and the lengths of stay (`los`: a leaver's nights; minus a stayer's nights so far;
# 0 for a bed move) come from these. A median from such a histogram is exactly
# percentile_cont(0.5) of the lengths, without sorting a million of them.
_STAYS_SQL = f"""
WITH folded AS (
    SELECT s.shelter_id,
           s.exit_code,
           upper(s.during) - s.episode_started_on AS length,
           -- nights inside the period: min(discharge, end + 1) - max(admission, start), never negative here
           sum(least(coalesce(upper(s.during), %(d1)s), %(d1)s) - greatest(lower(s.during), %(d0)s)) AS nights,
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
), without_bed AS (
    SELECT s.shelter_id, GROUPING(s.shelter_id) AS is_total,
           sum(least(coalesce(upper(s.during), %(d1)s), %(d1)s) - greatest(lower(s.during), %(d0)s)) AS n
    FROM shelters_stay s
    WHERE s.bed_id IS NULL AND s.shelter_id = ANY(%(ids)s::uuid[]) AND s.during && daterange(%(d0)s, %(d1)s)
    GROUP BY GROUPING SETS ((s.shelter_id), ())
), flows AS (
    SELECT shelter_id,
           GROUPING(shelter_id) AS is_total,
           sum(nights) AS nights, sum(admissions) AS admissions,
           coalesce(sum(discharged) FILTER (WHERE exit_code <> %(bed_move)s), 0) AS exits,
           {_EXIT_SUMS}
    FROM folded
    GROUP BY GROUPING SETS ((shelter_id), ())
), histogram AS (
    SELECT shelter_id, CASE WHEN exit_code = %(bed_move)s THEN 0 ELSE length END AS los, sum(discharged) AS n
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
       f.nights, coalesce(w.n, 0), coalesce(b.n, 0), f.admissions, f.exits, coalesce(t.at_end, 0), {_EXIT_COLUMNS},
       t.leaver_average, m.leaver_median, t.stayer_average, m.stayer_median, {_BUCKET_COLUMNS}
FROM flows f
LEFT JOIN totals t ON t.is_total = f.is_total AND t.shelter_id IS NOT DISTINCT FROM f.shelter_id
LEFT JOIN medians m ON m.is_total = f.is_total AND m.shelter_id IS NOT DISTINCT FROM f.shelter_id
LEFT JOIN starting b ON b.is_total = f.is_total AND b.shelter_id IS NOT DISTINCT FROM f.shelter_id
LEFT JOIN without_bed w ON w.is_total = f.is_total AND w.shelter_id IS NOT DISTINCT FROM f.shelter_id
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


def _exit_code_params() -> dict[str, int]:
    """The codes the pass compares `exit_code` with (shelters.choices.EXIT_CODES)."""
    return {f"dest_{i}": EXIT_CODES[destination] for i, destination in enumerate(DESTINATIONS)} | {
        "bed_move": EXIT_CODES[ExitDestination.BED_MOVE]
    }


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
            params.update(_exit_code_params())
            beds = _keyed(_fetch(_BEDS_SQL, params))
            nonres = _keyed(_fetch(_NON_RESIDENTIAL_SQL, params))
            _prefer_index_reads()  # last: at that cost the beds are read by an index scan, 20 times the pages
            stays = _keyed(_fetch(_STAYS_SQL, params))

    def row(key: Any, ref: ShelterRef | None) -> OccupancyRow:
        return _occupancy_row(ref, days, stays.get(key), beds.get(key), nonres.get(key, (0,))[0])

    return OccupancyReport(start=start, end=end, rows=[row(ref.id, ref) for ref in refs], total=row(None, None))
