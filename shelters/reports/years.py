"""Residents by year and category, with the children among them (docs/reports.md)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import QuerySet

from casework.choices import CaseCategory
from shelters.models import Shelter
from shelters.reports.occupancy_report import (
    ADULT_AGE,
    CATEGORIES,
    MAX_PERIOD_YEARS,
    _fetch,
    _period_params,
    _report_transaction,
    _shelters,
)
from shelters.reports.shelter_table import _CATEGORY_VALUES, _PERSON_OR_NULL, _total_label


@dataclass(frozen=True)
class YearCell:
    residents: int = 0
    children: int = 0


@dataclass(frozen=True)
class YearRow:
    category: str | None
    label: str
    cells: list[YearCell] = field(default_factory=list)  # one per year, in `YearTable.years` order

    @property
    def key(self) -> str:
        """A stable, language-neutral key: the category, or "total"."""
        return self.category or "total"


@dataclass(frozen=True)
class YearTable:
    years: list[int]
    rows: list[YearRow]
    total: YearRow


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
