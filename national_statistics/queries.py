"""The counts of the national statistics, computed by PostgreSQL (docs/statistics.md defines
each one). One aggregate statement per grid: the facts of a measure (one row per case and
year it counts in), joined to the case and the person for the breakdowns, and counted as
distinct persons per cell (breakdown value and year) and per year. No person's row ever
reaches Python: only (row value, year, count).

Measures (a person counts once per cell however many facts they have there):
- identified: a case whose identification date is in the year;
- assisted: a service in progress or done whose span touches the year, a night in a shelter in
  the year, or a non-residential assistance in the year (recorded against a case);
- sheltered: a night in a shelter in the year;
- repatriated: a repatriation completed in the year (country: the one the person returned from);
- reintegrated: a case closed in the year with the reason "reintegrated";
- proceedings: a stage of a legal proceeding of the case reached in the year (the stage is its
  breakdown: complaint ... compensation ordered, compensation paid, appeal, closed);
- verdicts: an outcome of a legal proceeding of the case (convicted, acquitted, ...), in the year
  of its verdict, else of its closing.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import get_language, gettext_lazy

from accounts.models import Country, Province
from casework.choices import CaseCategory, ProceedingOutcome, ProceedingStage, Sex
from casework.models import ExploitationForm, JourneyCode
from core.replica import read_connection
from shelters.models import Shelter

ADULT_AGE = 18
MAX_YEARS = 20
TIME_ZONE = "Asia/Vientiane"

MEASURES: dict[str, Any] = {
    "identified": gettext_lazy("Persons identified"),
    "assisted": gettext_lazy("Persons assisted"),
    "sheltered": gettext_lazy("Persons sheltered"),
    "repatriated": gettext_lazy("Persons repatriated"),
    "reintegrated": gettext_lazy("Persons reintegrated"),
    "proceedings": gettext_lazy("Persons in legal proceedings"),
    "verdicts": gettext_lazy("Persons with an outcome of legal proceedings"),
}


def _years(first_day: str, last_day: str) -> str:
    """The years first..last that a span of days touches, as a join with the (few) years of the
    report: the planner estimates it well, unlike generate_series over each row's own bounds."""
    return (
        "JOIN generate_series(%(first)s, %(last)s) y(y) "
        f"ON y.y BETWEEN extract(year FROM {first_day})::int AND extract(year FROM {last_day})::int"
    )


_STAY_YEARS = _years("lower(s.during)", "coalesce(upper(s.during) - 1, make_date(%(last)s, 12, 31))")
_STAYS_IN_RANGE = "s.during && daterange(make_date(%(first)s, 1, 1), make_date(%(last)s + 1, 1, 1))"
_IN_YEARS = "{column} >= make_date(%(first)s, 1, 1) AND {column} < make_date(%(last)s + 1, 1, 1)"
_IN_YEARS_LOCAL = (
    f"{{column}} >= make_date(%(first)s, 1, 1)::timestamp AT TIME ZONE '{TIME_ZONE}' "
    f"AND {{column}} < make_date(%(last)s + 1, 1, 1)::timestamp AT TIME ZONE '{TIME_ZONE}'"
)
# Every stage of a legal proceeding with the column of the date it was reached (casework STAGE_DATE).
_STAGES_REACHED = ", ".join(f"('{stage}', lp.{stage}_on)" for stage in ProceedingStage.values)
_OUTCOME_ON = "coalesce(lp.verdict_on, lp.closed_on)"

# Built from constants of this module only (never from input); values are parameters.
# Each measure's facts: (case_id, year, child, extra). `child` is the age group of a stay (under
# 18 at admission); NULL takes the case's (under 18 when identified). `extra` is the country of
# return or the shelter. Each keeps to the years first..last by a plain range on its date column
# (which the planner estimates well), never by a filter on the computed year. The facts of
# "assisted" are deduplicated per case and year (UNION) before they are joined.
FACTS: dict[str, str] = {
    "identified": f"""
        SELECT c.id, extract(year FROM c.identified_on)::int, NULL::boolean, NULL::text
        FROM casework_case c
        WHERE {_IN_YEARS.format(column="c.identified_on")}""",  # noqa: S608 - constants of this module
    "reintegrated": f"""
        SELECT c.id, extract(year FROM c.closed_at AT TIME ZONE '{TIME_ZONE}')::int, NULL::boolean, NULL::text
        FROM casework_case c
        WHERE c.status = 'closed' AND c.closure_reason = 'reintegrated'
          AND {_IN_YEARS_LOCAL.format(column="c.closed_at")}""",  # noqa: S608 - constants of this module
    "repatriated": f"""
        SELECT r.case_id, extract(year FROM r.completed_at AT TIME ZONE '{TIME_ZONE}')::int, NULL::boolean,
               r.from_country_id::text
        FROM casework_repatriation r
        WHERE r.status = 'completed' AND {_IN_YEARS_LOCAL.format(column="r.completed_at")}""",  # noqa: S608
    "sheltered": f"""
        SELECT s.case_id, y.y, s.age_at_admission < {ADULT_AGE}, s.shelter_id::text
        FROM shelters_stay s {_STAY_YEARS}
        WHERE {_STAYS_IN_RANGE}""",  # noqa: S608 - constants of this module
    "assisted": f"""
        SELECT sv.case_id, y.y, NULL::boolean, NULL::text
        FROM casework_service sv {_years("sv.started_on", "coalesce(sv.ended_on, current_date)")}
        WHERE sv.status IN ('in_progress', 'done') AND sv.started_on < make_date(%(last)s + 1, 1, 1)
      UNION
        SELECT s.case_id, y.y, NULL::boolean, NULL::text
        FROM shelters_stay s {_STAY_YEARS}
        WHERE {_STAYS_IN_RANGE}
      UNION
        SELECT n.case_id, extract(year FROM n.assisted_on)::int, NULL::boolean, NULL::text
        FROM shelters_nonresidentialassistance n
        WHERE n.case_id IS NOT NULL AND {_IN_YEARS.format(column="n.assisted_on")}""",  # noqa: S608
    "proceedings": f"""
        SELECT lp.case_id, extract(year FROM s.reached)::int, NULL::boolean, s.stage
        FROM casework_legalproceeding lp CROSS JOIN LATERAL (VALUES {_STAGES_REACHED}) s(stage, reached)
        WHERE {_IN_YEARS.format(column="s.reached")}""",  # noqa: S608 - constants of this module
    "verdicts": f"""
        SELECT lp.case_id, extract(year FROM {_OUTCOME_ON})::int, NULL::boolean, lp.outcome
        FROM casework_legalproceeding lp
        WHERE lp.outcome <> '' AND {_IN_YEARS.format(column=_OUTCOME_ON)}""",  # noqa: S608 - constants
}

AGE_GROUPS = {
    "child": gettext_lazy("Under 18"),
    "adult": gettext_lazy("18 and over"),
    "unknown": gettext_lazy("Age not known"),
}
_CHILD = "coalesce(f.child, c.child_at_identification)"
_AGE_GROUP = f"CASE WHEN {_CHILD} THEN 'child' WHEN NOT {_CHILD} THEN 'adult' ELSE 'unknown' END"
AGE_SEX = [f"{age}_{sex}" for age in AGE_GROUPS for sex in Sex.values]

# The dimensions a table of the statistics page and API can be broken down by (its rows).
BREAKDOWNS = (
    "province",
    "category",
    "sex",
    "age_group",
    "exploitation",
    "recruitment",
    "forced_criminality",
    "nationality",
    "country",
    "proceeding_stage",
    "outcome",
)

# Breakdowns: the SQL expression of the value, and which measures they apply to.
DIMENSIONS: dict[str, tuple[Any, str]] = {
    "year": (gettext_lazy("Year"), "f.year::text"),
    "province": (gettext_lazy("Province (of registration)"), "p.registration_province_id::text"),
    "category": (gettext_lazy("Category"), "c.category"),
    "sex": (gettext_lazy("Sex"), "p.sex"),
    "age_group": (gettext_lazy("Child or adult"), _AGE_GROUP),
    "exploitation": (gettext_lazy("Form of exploitation"), "coalesce(ef.exploitationform_id, '')"),
    # From the trafficking journey: a person counts once under each value her steps record.
    "recruitment": (gettext_lazy("How she was recruited"), "coalesce(jr.code, '')"),
    "forced_criminality": (gettext_lazy("Forced criminality"), "coalesce(jc.code, '')"),
    "nationality": (gettext_lazy("Nationality"), "p.nationality_id"),
    "country": (gettext_lazy("Country of return"), "f.extra"),
    "proceeding_stage": (gettext_lazy("Stage of the legal proceedings reached"), "f.extra"),
    "outcome": (gettext_lazy("Outcome of the legal proceedings"), "f.extra"),
    "shelter": (gettext_lazy("Shelter"), "f.extra"),
    "age_sex": (gettext_lazy("Age group and sex"), f"({_AGE_GROUP}) || '_' || p.sex"),
    # The finest cell of the shelter residents' grid: shelter, category, age group and sex.
    "resident": (
        gettext_lazy("Shelter residents"),
        f"f.extra || ' ' || c.category || ' ' || ({_AGE_GROUP}) || '_' || p.sex",
    ),
}
# The journey's breakdowns: the lateral join's alias -> (dimension, stage, array column).
JOURNEY_JOINS = {
    "jr": ("recruitment", "recruitment", "recruitment_methods"),
    "jc": ("forced_criminality", "exploitation", "forced_criminality"),
}
# The one filtered grid a table asks for (tables.child_victims): children identified as
# trafficking cases.
CHILD_VICTIMS = {"category": "trafficking", "age_group": "child"}
ONLY_FOR = {
    "country": {"repatriated"},
    "shelter": {"sheltered"},
    "resident": {"sheltered"},
    "proceeding_stage": {"proceedings"},
    "outcome": {"verdicts"},
}
# What the page and the API answer when a breakdown is asked of a measure it is not one of.
NOT_A_BREAKDOWN = {
    "country": gettext_lazy("Only repatriations have a country of return."),
    "proceeding_stage": gettext_lazy("Only persons in legal proceedings have a stage reached."),
    "outcome": gettext_lazy("Only persons with an outcome of legal proceedings have an outcome."),
}


@dataclass(frozen=True)
class Scope:
    """Whose cases are counted: everyone's (statisticians, national view) or those owned by these
    organisations (a manager's). See national_statistics.permissions.run_statistics."""

    owners: frozenset[Any] | None

    @property
    def everyone(self) -> bool:
        return self.owners is None


@dataclass(frozen=True)
class Counts:
    """True counts of one grid before protection; `rows` and `cols` are the values (keys);
    `col_totals` are the distinct persons of each column (a year's total)."""

    measure: str
    row_dimension: str
    col_dimension: str
    rows: list[str]
    cols: list[str]
    cells: list[list[int]]
    col_totals: list[int]


def joins(dimensions: Collection[str], case: str = "c.id", *, lateral: bool = True) -> str:
    """The joins the many-valued breakdowns among `dimensions` need (one row per value): per
    case (lateral, for a few cases), or as one hash join (for every case, the summaries)."""
    join = (
        f"LEFT JOIN casework_case_exploitation_forms ef ON ef.case_id = {case}" if "exploitation" in dimensions else ""
    )
    for alias, (dimension, stage, field) in JOURNEY_JOINS.items():
        if dimension in dimensions:
            values = f"SELECT DISTINCT j.case_id, unnest(j.{field}) AS code FROM casework_journeyevent j"  # noqa: S608
            if lateral:
                join += (
                    f" LEFT JOIN LATERAL ({values} WHERE j.case_id = {case} AND j.stage = '{stage}') {alias} ON true"
                )
            else:
                join += f" LEFT JOIN ({values} WHERE j.stage = '{stage}') {alias} ON {alias}.case_id = {case}"
    return join


def _sql(measure: str, rows: Sequence[str], col: str, shelter: bool, filters: Collection[str]) -> str:
    join = joins((*rows, col, *filters))
    where_shelter = "AND f.extra = %(shelter)s" if shelter else ""
    where_shelter += "".join(f" AND {DIMENSIONS[name][1]} = %(filter_{name})s" for name in filters)
    values = ", ".join(f"{DIMENSIONS[row][1]} AS r{i}" for i, row in enumerate(rows))
    # With one breakdown the base is already distinct per (row, year, person).
    persons = "count(*)" if len(rows) == 1 else "count(DISTINCT person_id)"
    per_row = "".join(
        f"SELECT {i}, r{i}::text, k, {persons} FROM base GROUP BY r{i}, k\nUNION ALL\n"  # noqa: S608 - constants
        for i in range(len(rows))
    )
    return f"""
WITH f(case_id, year, child, extra) AS ({FACTS[measure]}),
base AS MATERIALIZED (
    SELECT DISTINCT {values}, {DIMENSIONS[col][1]} AS k, c.person_id
    FROM f
    JOIN casework_case c ON c.id = f.case_id
    JOIN casework_person p ON p.id = c.person_id
    {join}
    WHERE (%(everyone)s OR c.owner_id = ANY(%(owners)s::uuid[]))
      {where_shelter}
)
{per_row}SELECT -1, NULL, k, count(*) FROM (SELECT DISTINCT k, person_id FROM base) per_col GROUP BY k
"""  # noqa: S608 - the interpolated parts are constants of this module; values are parameters


def check(measure: str | None, dimensions: Sequence[str], *, first: int, last: int) -> None:
    """ValueError unless the measure has these breakdowns and the years are a valid range."""
    if measure is not None and measure not in FACTS:
        raise ValueError(f"unknown measure {measure}")
    for dimension in dimensions:
        if dimension not in DIMENSIONS or measure not in ONLY_FOR.get(dimension, {measure}):
            raise ValueError(f"{dimension} is not a breakdown of {measure}")
    if last < first or last - first >= MAX_YEARS:
        raise ValueError("choose at most twenty years, the first before the last")


def grids(
    measure: str,
    rows: Sequence[str],
    col: str,
    *,
    first: int,
    last: int,
    scope: Scope,
    shelter: Any = None,
    filters: dict[str, str] | None = None,
    row_values: Sequence[Sequence[str] | None] | None = None,
    col_values: Sequence[str] | None = None,
) -> list[Counts]:
    """Grids of distinct persons, one statement for all: `measure` by each of `rows` x `col`
    over the years first..last, and each column's total. Rows and columns are the given values
    (zeros included), else those found, sorted."""
    filters = filters or {}
    check(measure, (*rows, col, *filters), first=first, last=last)
    params = {
        "first": first,
        "last": last,
        "everyone": scope.everyone,
        "owners": [str(owner) for owner in scope.owners or ()],
        "shelter": None if shelter is None else str(shelter),
        **{f"filter_{name}": value for name, value in filters.items()},
    }
    with transaction.atomic(using=read_connection().alias), read_connection().cursor() as cursor:
        cursor.execute("SELECT set_config('work_mem', '64MB', true), set_config('jit', 'off', true)")
        cursor.execute(_sql(measure, rows, col, shelter is not None, list(filters)), params)
        found = cursor.fetchall()
    return assemble(measure, rows, col, found, row_values=row_values, col_values=col_values)


def assemble(
    measure: str,
    rows: Sequence[str],
    col: str,
    found: Sequence[tuple[int, Any, Any, int]],
    *,
    row_values: Sequence[Sequence[str] | None] | None = None,
    col_values: Sequence[str] | None = None,
) -> list[Counts]:
    """The grids from (row index or -1 for the column totals, row value, column value, persons)."""
    inner: dict[tuple[int, str, str], int] = {}
    by_col: dict[str, int] = {}
    for i, r, k, n in found:
        r, k = "" if r is None else str(r), "" if k is None else str(k)
        if i < 0:
            by_col[k] = n
        else:
            inner[(i, r, k)] = n
    cols = list(col_values) if col_values is not None else sorted(by_col)
    made = []
    for i, row in enumerate(rows):
        given = row_values[i] if row_values is not None else None
        keys = list(given) if given is not None else sorted({r for j, r, _k in inner if j == i})
        made.append(
            Counts(
                measure=measure,
                row_dimension=row,
                col_dimension=col,
                rows=keys,
                cols=cols,
                cells=[[inner.get((i, r, k), 0) for k in cols] for r in keys],
                col_totals=[by_col.get(k, 0) for k in cols],
            )
        )
    return made


def counts(measure: str, row: str, col: str, *, row_values: Sequence[str] | None = None, **options: Any) -> Counts:
    """One grid (see `grids`)."""
    return grids(measure, [row], col, row_values=[row_values], **options)[0]


# Built from the constants above only; values are parameters.
_TOTALS_SQL = (
    "WITH f(measure, case_id, year) AS ("  # noqa: S608
    + "\n  UNION ALL\n".join(
        f"SELECT '{measure}', x.case_id, x.year FROM ({sql}) x(case_id, year, child, extra)"  # noqa: S608
        for measure, sql in FACTS.items()
    )
    + """),
base AS MATERIALIZED (
    SELECT DISTINCT f.measure, f.year, c.person_id
    FROM f
    JOIN casework_case c ON c.id = f.case_id
    WHERE (%(everyone)s OR c.owner_id = ANY(%(owners)s::uuid[]))
)
SELECT measure, year, count(*) FROM base GROUP BY measure, year
"""
)


def yearly_totals(*, first: int, last: int, scope: Scope) -> dict[str, list[int]]:
    """Distinct persons per year for every measure at once (the trend chart): {measure: [per
    year]}, the same figures as the year totals of every grid. One statement, no join with the
    person."""
    check(None, (), first=first, last=last)
    params: dict[str, Any] = {
        "first": first,
        "last": last,
        "everyone": scope.everyone,
        "owners": [str(o) for o in scope.owners or ()],
    }
    with transaction.atomic(using=read_connection().alias), read_connection().cursor() as cursor:
        cursor.execute("SELECT set_config('work_mem', '64MB', true), set_config('jit', 'off', true)")
        cursor.execute(_TOTALS_SQL, params)
        found = cursor.fetchall()
    return per_measure(found, first=first, last=last)


def per_measure(found: Sequence[tuple[str, int, int]], *, first: int, last: int) -> dict[str, list[int]]:
    """{measure: [persons per year first..last]} from (measure, year, persons)."""
    years = list(range(first, last + 1))
    per_year = {(measure, year): n for measure, year, n in found}
    return {measure: [per_year.get((measure, year), 0) for year in years] for measure in FACTS}


# --- Values and labels of each breakdown (reference data, tier 0) --------------------------------
def _name(row: Any) -> str:
    if (get_language() or "").startswith("lo") and getattr(row, "name_lo", None):
        return row.name_lo
    return row.name_en


def fixed_values(dimension: str, *, first: int, last: int) -> list[str] | None:
    """Every value of a closed breakdown (shown even when zero), or None for open-ended ones."""
    if dimension == "year":
        return [str(year) for year in range(first, last + 1)]
    if dimension == "province":
        return [str(pk) for pk in Province.objects.order_by("number").values_list("pk", flat=True)]
    if dimension == "category":
        return list(CaseCategory.values)
    if dimension == "sex":
        return list(Sex.values)
    if dimension == "age_group":
        return list(AGE_GROUPS)
    if dimension == "age_sex":
        return AGE_SEX
    if dimension == "proceeding_stage":
        return list(ProceedingStage.values)
    if dimension == "outcome":
        return list(ProceedingOutcome.values)
    return None


def labels(dimension: str, values: Collection[str]) -> dict[str, str]:
    """Display labels for the values of a breakdown."""
    found: dict[str, str] = {}
    if dimension == "province":
        found.update({str(p.pk): _name(p) for p in Province.objects.all()})
    elif dimension in ("nationality", "country"):
        found.update({c.code: _name(c) for c in Country.objects.filter(code__in=values)})
    elif dimension == "exploitation":
        found.update({f.code: _name(f) for f in ExploitationForm.objects.filter(code__in=values)})
        found[""] = str(gettext_lazy("None recorded"))
    elif dimension in ("recruitment", "forced_criminality"):
        code_list = "recruitment_method" if dimension == "recruitment" else "forced_criminality"
        found.update({code.code: _name(code) for code in JourneyCode.objects.filter(list=code_list)})
        found[""] = str(gettext_lazy("None recorded"))
    elif dimension == "shelter":
        found.update({str(s.pk): _name(s) for s in Shelter.objects.all()})
    elif dimension == "category":
        found.update({k: str(v) for k, v in CaseCategory.choices})
    elif dimension == "sex":
        found.update({k: str(v) for k, v in Sex.choices})
    elif dimension == "age_group":
        found.update({k: str(v) for k, v in AGE_GROUPS.items()})
    elif dimension == "proceeding_stage":
        found.update({k: str(v) for k, v in ProceedingStage.choices})
    elif dimension == "outcome":
        found.update({k: str(v) for k, v in ProceedingOutcome.choices})
    elif dimension == "age_sex":
        found.update(
            {f"{age}_{sex}": f"{AGE_GROUPS[age]}: {label}" for age in AGE_GROUPS for sex, label in Sex.choices}
        )
    return {value: found.get(value, value or str(gettext_lazy("Not recorded"))) for value in values}
