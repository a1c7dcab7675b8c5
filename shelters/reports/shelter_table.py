"""The shelters' own table: residents by category over a period (docs/reports.md)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

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
    """One line of the shelters' own table: a category, or the total (`category` None), or with
    `exploitation` one form of exploitation of the trafficking residents (EXPLOITATION_ROWS)."""

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
    exploitation: str | None = None

    @property
    def key(self) -> str:
        """A stable key: the category, "trafficking.labour" for a form of exploitation, "total"."""
        base = self.category or "total"
        return f"{base}.{self.exploitation}" if self.exploitation else base

    def counts(self) -> tuple[int, ...]:
        """The nine counts in the table's column order (COUNT_FIELDS)."""
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


COUNT_FIELDS = (
    "total",
    "female",
    "male",
    "under_18_total",
    "under_18_female",
    "under_18_male",
    "adult_total",
    "adult_female",
    "adult_male",
)


# --- Forms of exploitation --------------------------------------------------------------------
# The trafficking residents broken down by the forms of exploitation recorded on their case
# (casework ExploitationForm.kind): labour, sexual, the other forms (those of both kinds: forced
# marriage, surrogacy, organ removal, other), and the cases with none recorded. A case with forms
# of two kinds is in both rows: each row counts a person once, the rows do not add up to the
# trafficking row when cases have several forms.
EXPLOITATION_ROWS: tuple[tuple[str, Any], ...] = (
    ("labour", _("Human trafficking: labour exploitation")),
    ("sexual", _("Human trafficking: sexual exploitation")),
    ("other", _("Human trafficking: other forms of exploitation")),
    ("not_recorded", _("Human trafficking: form of exploitation not recorded")),
)
# A stay's rows as a bit set: bit i for CATEGORIES[i], bit len(CATEGORIES) + j for
# EXPLOITATION_ROWS[j] (trafficking stays only).
_FORMS_JOIN = f"""
    LEFT JOIN (
        SELECT cef.case_id,
               bit_or(CASE f.kind WHEN 'labour' THEN 1 WHEN 'sexual' THEN 2 ELSE 4 END) AS forms
        FROM casework_case_exploitation_forms cef
        JOIN casework_exploitationform f ON f.code = cef.exploitationform_id
        GROUP BY cef.case_id
    ) forms ON forms.case_id = s.case_id AND s.case_category = '{CaseCategory.TRAFFICKING}'"""  # noqa: S608 - constants
_FORMS = (
    f"CASE WHEN s.case_category = '{CaseCategory.TRAFFICKING}' THEN coalesce(forms.forms, 8) ELSE 0 END"
    f" << {len(CATEGORIES)}"
)


def stay_rows_sql(by_exploitation: bool) -> tuple[str, str, int]:
    """(the FROM clause's join, the stay's extra row bits, the number of rows) for a table with
    or without the forms of exploitation."""
    if by_exploitation:
        return _FORMS_JOIN, _FORMS, len(CATEGORIES) + len(EXPLOITATION_ROWS)
    return "", "0", len(CATEGORIES)


def row_of(index: int) -> tuple[str, str | None]:
    """(category, form of exploitation) of a row index of the queries."""
    if index < len(CATEGORIES):
        return CATEGORIES[index], None
    return CaseCategory.TRAFFICKING, EXPLOITATION_ROWS[index - len(CATEGORIES)][0]


def ordered_rows() -> list[tuple[str, str | None, str]]:
    """(category, form, label) of every row but the total, the forms under trafficking."""
    labels = dict(CaseCategory.choices)
    rows: list[tuple[str, str | None, str]] = []
    for category in CATEGORIES:
        rows.append((category, None, str(labels[category])))
        if category == CaseCategory.TRAFFICKING:
            rows += [(category, form, str(label)) for form, label in EXPLOITATION_ROWS]
    return rows


# --- The shelters' own table -----------------------------------------------------------------
# A person counts once per row (a category, or a form of exploitation; the category of the stay's
# case is copied onto the stay with the person's sex by triggers, so no join but for the forms)
# and once in the total. Each person's stays fold into three bit sets over the rows: where they
# stayed, where a stay had an age at admission under 18, where a stay had an age at all. Their
# age in a row is thus the lowest age at admission of their stays in it (the age at their first
# admission when ages are recorded consistently); in the total, the lowest of all. Persons are
# then counted per (sex, bit sets) shape, a few hundred rows at most, and unfolded per row.
#
# Grouping a million stays by person would cost seconds, yet most persons have a single stay
# (`person_has_other_stays` false): one parallel pass counts those per (rows, sex, age) and
# keeps the others apart by person (the statistics `stay_person_groups` tell the planner how few
# groups that makes); only these are then folded per person.
_CATEGORY_VALUES = "VALUES " + ", ".join(f"('{category}', {i})" for i, category in enumerate(CATEGORIES))
_PERSON_OR_NULL = "CASE WHEN s.person_has_other_stays THEN s.person_id END"


def _table_sql(by_exploitation: bool) -> str:
    join, forms, count = stay_rows_sql(by_exploitation)
    return f"""
WITH stays AS (
    SELECT {_PERSON_OR_NULL} AS person_id,
           s.case_category,
           {forms} AS forms,
           s.person_sex AS sex,
           s.age_at_admission < %(adult)s AS child,
           count(*) AS n
    FROM shelters_stay s{join}
    WHERE s.shelter_id = ANY(%(ids)s::uuid[]) AND s.during && daterange(%(d0)s, %(d1)s)
    GROUP BY 1, 2, 3, 4, 5
), bits AS (
    SELECT st.person_id, st.sex, st.n,
           (1 << k.i) | st.forms AS present,
           CASE WHEN st.child THEN (1 << k.i) | st.forms ELSE 0 END AS child,
           CASE WHEN st.child IS NOT NULL THEN (1 << k.i) | st.forms ELSE 0 END AS known
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
    CROSS JOIN generate_series(0, {count - 1}) k(i)
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


_TABLE_SQL = {flag: _table_sql(flag) for flag in (False, True)}


def shelter_table(
    shelters: QuerySet[Shelter], start: dt.date, end: dt.date, *, by_exploitation: bool = False
) -> list[ShelterTableRow]:
    """The shelters' own table for persons residing at any time in `start..end` in any of
    `shelters`: one row per category (CaseCategory order, zeros included; with `by_exploitation`
    the forms of exploitation under trafficking), then the total row, which counts distinct
    persons. Three queries."""
    _check_period(start, end)
    found: dict[tuple[str, str | None] | None, tuple[int, ...]] = {}
    with _report_transaction():
        ids = [ref.id for ref in _shelters(shelters)]
        if ids:
            params = {**_period_params(start, end, ids), "adult": ADULT_AGE}
            for index, *counts in _fetch(_TABLE_SQL[by_exploitation], params):
                found[None if index is None else row_of(index)] = tuple(int(n) for n in counts)
    rows = [
        _row(category, label, found.get((category, form), ()), form)
        for category, form, label in ordered_rows()
        if by_exploitation or form is None
    ]
    rows.append(_row(None, _total_label(), found.get(None, ()), None))
    return rows


def _row(category: str | None, label: str, counts: tuple[int, ...], form: str | None) -> ShelterTableRow:
    return ShelterTableRow(category, label, **dict(zip(COUNT_FIELDS, counts, strict=False)), exploitation=form)


def _total_label() -> str:
    return gettext("Total")
