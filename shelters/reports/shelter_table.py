"""The shelters' own table: residents by category over a period (docs/reports.md)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext

from casework.choices import CaseCategory
from shelters.models import Shelter
from shelters.reports.occupancy_report import (
    ADULT_AGE,
    CATEGORIES,
    _check_period,
    _fetch,
    _period_params,
    _report_transaction,
    _shelters,
)


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

    @property
    def key(self) -> str:
        """A stable, language-neutral key: the category, or "total"."""
        return self.category or "total"

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
