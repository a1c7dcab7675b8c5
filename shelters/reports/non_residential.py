"""Non-residential assistance by kind, sex and age (docs/reports.md): the persons a shelter
assisted without a stay, as the shelters count them in their own tables."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext

from casework.ages import age_on_sql
from shelters.models import AssistanceKind, Shelter
from shelters.reports.occupancy_report import (
    ADULT_AGE,
    _check_period,
    _fetch,
    _period_params,
    _report_transaction,
    _shelters,
)
from shelters.reports.shelter_table import _total_label

NOT_RECORDED = ""  # the kind of the records made before kinds were recorded


@dataclass(frozen=True)
class NonResidentialRow:
    """One kind of assistance (`kind` its code; NOT_RECORDED for records without one), or the
    total (`kind` None), with the nine counts of the shelters' table (ShelterTableRow.counts)."""

    kind: str | None
    label: str
    figures: tuple[int, ...] = (0,) * 9

    @property
    def key(self) -> str:
        if self.kind is None:
            return "total"
        return self.kind or "not_recorded"

    def counts(self) -> tuple[int, ...]:
        return self.figures


# A person counts once per kind (their age in it: the lowest age on a day they were assisted with
# that kind, casework.ages.age_on_sql, so a person turning 18 between two visits counts under 18)
# and once in the total (the lowest of all). An unknown age is in neither age column.
_KIND_SQL = f"""
WITH assisted AS (
    SELECT n.person_id, coalesce(n.kind_id, '') AS kind, min(p.sex) AS sex,
           min({age_on_sql("p", "n.assisted_on")}) AS age
    FROM shelters_nonresidentialassistance n
    JOIN casework_person p ON p.id = n.person_id
    WHERE n.shelter_id = ANY(%(ids)s::uuid[]) AND n.assisted_on >= %(d0)s AND n.assisted_on < %(d1)s
    GROUP BY 1, 2
), counted AS (
    SELECT false AS total, kind, sex, age FROM assisted
  UNION ALL
    SELECT true, NULL, min(sex), min(age) FROM assisted GROUP BY person_id
)
SELECT total, kind,
       count(*),
       count(*) FILTER (WHERE sex = 'female'),
       count(*) FILTER (WHERE sex = 'male'),
       count(*) FILTER (WHERE age < %(adult)s),
       count(*) FILTER (WHERE age < %(adult)s AND sex = 'female'),
       count(*) FILTER (WHERE age < %(adult)s AND sex = 'male'),
       count(*) FILTER (WHERE age >= %(adult)s),
       count(*) FILTER (WHERE age >= %(adult)s AND sex = 'female'),
       count(*) FILTER (WHERE age >= %(adult)s AND sex = 'male')
FROM counted
GROUP BY total, kind
"""  # noqa: S608 - the interpolated parts are constants; values are parameters


def non_residential_table(shelters: QuerySet[Shelter], start: dt.date, end: dt.date) -> list[NonResidentialRow]:
    """Persons assisted without a stay in `start..end` by any of `shelters`: one row per kind
    of assistance (the active kinds in their order, zeros included, and any retired kind that
    has records), a row for the records without a kind when there are any, then the total of
    distinct persons. Three queries."""
    _check_period(start, end)
    found: dict[str | None, tuple[int, ...]] = {}
    with _report_transaction():
        ids = [ref.id for ref in _shelters(shelters)]
        if ids:
            params = {**_period_params(start, end, ids), "adult": ADULT_AGE}
            for total, kind, *counts in _fetch(_KIND_SQL, params):
                found[None if total else kind] = tuple(int(n) for n in counts)
        kinds = list(AssistanceKind.objects.filter(active=True) | AssistanceKind.objects.filter(code__in=found))
    rows = [NonResidentialRow(kind.code, str(kind), found.get(kind.code, (0,) * 9)) for kind in kinds]
    if NOT_RECORDED in found:
        rows.append(NonResidentialRow(NOT_RECORDED, gettext("Not recorded"), found[NOT_RECORDED]))
    rows.append(NonResidentialRow(None, _total_label(), found.get(None, (0,) * 9)))
    return rows
