"""The one write of national statistics: rebuilding the summaries (models.py) from the raw rows.

Why a rebuild and not counts kept by triggers: the counts are of distinct persons, per year,
per organisation's subtree, and a fact (a stay, a service, a form of exploitation, a journey
step, a person's sex) changes the counts of many cells at once, some of which it shares with
other facts of the same person; recounting from the facts is the only way that stays exact
after every kind of change (corrections, merges, retention, erasure, bulk imports). It runs in
one transaction: readers keep the previous counts until it commits (DELETE, not TRUNCATE, so no
read waits), and the page says when they were counted. Beat runs it every
STATISTICS_REFRESH_SECONDS (docs/statistics.md, "Summaries").
"""

from __future__ import annotations

import re
import time
from collections import Counter
from datetime import datetime
from itertools import groupby
from operator import itemgetter
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction

from national_statistics import ctdc, queries
from national_statistics.models import SEPARATOR, CtdcCell, CtdcRelease, SummaryCell, SummaryState

FIRST_YEAR = 2000  # the page's and the API's earliest year

# Every organisation's ancestors, itself included: a case counts in the scope of each of them,
# and in the national scope ''.
_UP = """up(owner, scope) AS (
    SELECT id, id FROM accounts_organisation
    UNION ALL
    SELECT up.owner, o.parent_id FROM up JOIN accounts_organisation o ON o.id = up.scope
    WHERE o.parent_id IS NOT NULL
), """
_SCOPES = (
    "CROSS JOIN LATERAL (SELECT ''::text UNION ALL SELECT up.scope::text FROM up WHERE up.owner = c.owner_id) s(scope)"
)
_FIRST_CASE = f"""
    SELECT DISTINCT ON (s.scope, c.person_id) c.id, c.person_id, c.identified_on, c.exploitation_country_id, s.scope
    FROM casework_case c {_SCOPES}
    WHERE c.category = 'trafficking'
    ORDER BY s.scope, c.person_id, c.identified_on, c.id"""  # noqa: S608 - constants of this module
_CTDC_SQL = ctdc.histogram_sql(_FIRST_CASE, ctes=_UP) + " ORDER BY 1"


def grid_key(row: str | None, filters: dict[str, str]) -> str:
    """The stored name of a grid: its breakdown ('' for the years' totals), then its filters."""
    return (row or "") + "".join(f"|{name}={value}" for name, value in sorted(filters.items()))


def stored_grids(measure: str) -> list[tuple[str | None, dict[str, str]]]:
    """The grids kept for a measure: the totals, every breakdown it has, the filtered ones."""
    rows = [name for name in queries.DIMENSIONS if name != "year" and measure in queries.ONLY_FOR.get(name, {measure})]
    kept: list[tuple[str | None, dict[str, str]]] = [(None, {}), *((row, {}) for row in rows)]
    if measure == "identified":
        kept += [(None, queries.CHILD_VICTIMS), ("sex", queries.CHILD_VICTIMS)]
    return kept


def _on_facts(expression: str) -> str:
    """A breakdown's SQL (queries.DIMENSIONS, over the case c and the person p) over the facts
    table below, which carries the columns it reads under the same names."""
    return re.sub(r"\b[cp]\.", "f.", expression)


def _measure_sql(measure: str) -> tuple[str, dict[str, Any]]:
    params: dict[str, Any] = {"measure": measure}
    parts = []
    for n, (row, filters) in enumerate(stored_grids(measure)):
        value = f"coalesce(({_on_facts(queries.DIMENSIONS[row][1])})::text, '')" if row else "''"
        where = ""
        for name, wanted in filters.items():
            params[f"g{n}_{name}"] = wanted
            where += f" AND {_on_facts(queries.DIMENSIONS[name][1])} = %(g{n}_{name})s"
        params[f"g{n}"] = grid_key(row, filters)
        joins = queries.joins([row or "", *filters], case="f.id", lateral=False)
        parts.append(
            f"SELECT scope, %(g{n})s, year, value, count(*) FROM (SELECT DISTINCT f.scope, f.year, {value} AS value, "  # noqa: S608
            f"f.person_id FROM fc f {joins} WHERE true{where}) x GROUP BY scope, year, value"
        )
    union = "\nUNION ALL\n".join(parts)
    return (
        f"""WITH RECURSIVE {_UP}f(case_id, year, child, extra) AS ({queries.FACTS[measure]}),
fc AS MATERIALIZED (
    SELECT DISTINCT f.case_id AS id, f.year, f.child, f.extra, c.person_id, c.category, c.child_at_identification,
           p.registration_province_id, p.sex, p.nationality_id, s.scope
    FROM f JOIN casework_case c ON c.id = f.case_id JOIN casework_person p ON p.id = c.person_id {_SCOPES}
)
INSERT INTO national_statistics_summarycell (scope, grid, year, value, persons, measure)
SELECT *, %(measure)s FROM ({union}) counted""",  # noqa: S608 - constants of this module and of queries
        params,
    )


def ctdc_release(scope: str, histogram: Counter[tuple[str, ...]]) -> CtdcRelease:
    """The scope's k-anonymous records (ctdc.anonymise with today's settings) from its histogram,
    as the export reads them (summary.ctdc_export): generalised once per recount, not per read."""
    k, share = int(settings.STATISTICS_CTDC_K), float(settings.STATISTICS_CTDC_MAX_SUPPRESSED)
    result = ctdc.anonymise(histogram, k=k, max_suppressed=share)
    return CtdcRelease(
        scope=scope,
        k=k,
        max_suppressed=share,
        levels=list(result.levels),
        persons=result.persons,
        suppressed=result.suppressed,
        classes=[[SEPARATOR.join(combo), n] for combo, n in result.classes.items()],
    )


def refresh_summaries() -> SummaryState | None:
    """Recount every summary from the raw rows in one transaction; None when another refresh
    holds the lock (it will have counted the same rows)."""
    started = time.monotonic()
    last = datetime.now(ZoneInfo(queries.TIME_ZONE)).year
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(hashtext('national_statistics.refresh_summaries'))")
        if not cursor.fetchone()[0]:
            return None
        cursor.execute("SELECT set_config('work_mem', '64MB', true), set_config('jit', 'off', true), now()")
        counted_at = cursor.fetchone()[2]
        SummaryCell.objects.all().delete()
        CtdcCell.objects.all().delete()
        CtdcRelease.objects.all().delete()
        for measure in queries.FACTS:
            statement, params = _measure_sql(measure)
            cursor.execute(statement, {**params, "first": FIRST_YEAR, "last": last})
        cursor.execute(_CTDC_SQL, {**ctdc.PARAMS, "everyone": True, "owners": []})
        for scope, rows in groupby(cursor.fetchall(), key=itemgetter(0)):
            kept = ctdc.coarse(row[1:] for row in rows)
            CtdcCell.objects.bulk_create(
                (CtdcCell(scope=scope, values=SEPARATOR.join(values), persons=n) for values, n in kept.items()),
                batch_size=5000,
            )
            ctdc_release(scope, kept).save()
        SummaryState.objects.all().delete()
        return SummaryState.objects.create(
            counted_at=counted_at, seconds=time.monotonic() - started, first_year=FIRST_YEAR, last_year=last
        )
