"""Reading the statistics from the summaries (models.py), with the raw rows as the fallback and
the reference: the same signatures as queries.grids, queries.yearly_totals and ctdc.histogram,
the same true counts, read from a few hundred stored rows instead of recounted from every case.

The summaries answer when they have been counted (services.refresh_summaries), the years asked
are within the ones counted, the scope is everyone's or one organisation's subtree (what
statistics_owners gives a statistician or a manager), and the grid is one that is kept
(services.stored_grids). Anything else counts the raw rows, so every question still has an
answer. `drift` compares the two for every kept grid (tests, `manage.py verify_statistics`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.conf import settings

from accounts.models import Organisation
from national_statistics import ctdc, queries
from national_statistics.models import SEPARATOR, CtdcCell, CtdcRelease, SummaryCell, SummaryState
from national_statistics.queries import Counts, Scope
from national_statistics.services import grid_key, stored_grids


def state() -> SummaryState | None:
    return SummaryState.objects.first()


def scope_key(scope: Scope) -> str | None:
    """'' for every case, an organisation's id when the scope is exactly its subtree (one root,
    and every unit below an organisation of the scope in it too), else None."""
    if scope.everyone:
        return ""
    owners = scope.owners or frozenset()
    tree = dict(Organisation.objects.values_list("pk", "parent_id"))
    roots = [pk for pk in owners if tree.get(pk) not in owners]
    closed = all(pk in owners for pk, parent in tree.items() if parent in owners)
    return str(roots[0]) if len(roots) == 1 and closed and owners <= tree.keys() else None


def _summary_for(
    scope: Scope, first: int | None = None, last: int | None = None, found: SummaryState | None = None
) -> str | None:
    """The scope's key when the summaries (their state `found`, read unless given) can answer
    for these years, else None."""
    found = found or state()
    if (
        found is None
        or (first is not None and first < found.first_year)
        or (last is not None and last > found.last_year)
    ):
        return None
    return scope_key(scope)


def counted_at(scope: Scope, first: int, last: int) -> datetime | None:
    """When the figures a page shows for this scope and these years were counted (None: now)."""
    found = state()
    return found.counted_at if found is not None and _summary_for(scope, first, last, found) is not None else None


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
    """queries.grids, from the summaries when they hold the grids asked."""
    filters = filters or {}
    queries.check(measure, (*rows, col, *filters), first=first, last=last)
    kept = {grid_key(row, wanted) for row, wanted in stored_grids(measure)}
    keys = [grid_key(row, filters) for row in rows]
    key = _summary_for(scope, first, last) if col == "year" and shelter is None else None
    if key is None or not {*keys, grid_key(None, filters)} <= kept:
        return queries.grids(
            measure, rows, col, first=first, last=last, scope=scope, shelter=shelter, filters=filters,
            row_values=row_values, col_values=col_values,
        )  # fmt: skip
    index = {grid: i for i, grid in enumerate(keys)} | {grid_key(None, filters): -1}
    stored = SummaryCell.objects.filter(
        scope=key, measure=measure, grid__in=list(index), year__gte=first, year__lte=last
    ).values_list("grid", "year", "value", "persons")
    found = [(index[grid], value, str(year), persons) for grid, year, value, persons in stored]
    return queries.assemble(measure, rows, col, found, row_values=row_values, col_values=col_values)


def yearly_totals(*, first: int, last: int, scope: Scope) -> dict[str, list[int]]:
    """queries.yearly_totals, from the summaries when they can answer."""
    queries.check(None, (), first=first, last=last)
    key = _summary_for(scope, first, last)
    if key is None:
        return queries.yearly_totals(first=first, last=last, scope=scope)
    stored = SummaryCell.objects.filter(scope=key, grid="", year__gte=first, year__lte=last)
    return queries.per_measure(list(stored.values_list("measure", "year", "persons")), first=first, last=last)


def histogram(scope: Scope) -> Counter[tuple[str, ...]]:
    """ctdc.histogram, from the summaries when they can answer."""
    key = _summary_for(scope)
    if key is None:
        return ctdc.histogram(scope)
    return _stored_histogram(key)


def _stored_histogram(key: str) -> Counter[tuple[str, ...]]:
    stored = CtdcCell.objects.filter(scope=key).values_list("values", "persons")
    return Counter({tuple(values.split(SEPARATOR)): n for values, n in stored})


def ctdc_export(scope: Scope) -> ctdc.Anonymised:
    """ctdc.export from the summaries when they can answer: the records the recount made for
    the scope (services.ctdc_release, one row), the first export after it as fast as the rest.
    Generalised here only when the settings changed since, or the scope had no case then."""
    key = _summary_for(scope)
    if key is None:
        return ctdc.export(scope)
    k, share = int(settings.STATISTICS_CTDC_K), float(settings.STATISTICS_CTDC_MAX_SUPPRESSED)
    release = CtdcRelease.objects.filter(scope=key, k=k, max_suppressed=share).first()
    if release is None:
        return ctdc.anonymise(_stored_histogram(key), k=k, max_suppressed=share)
    return ctdc.Anonymised(
        k=release.k,
        levels=tuple(release.levels),
        classes={tuple(values.split(SEPARATOR)): n for values, n in release.classes},
        persons=release.persons,
        suppressed=release.suppressed,
    )


# --- The summaries against the raw rows -------------------------------------------------------------
def drift(scopes: Sequence[Scope]) -> list[str]:
    """Every kept grid, the yearly totals and the CTDC histogram of each scope, from the
    summaries and from the raw rows, over every year counted: the differences found (none
    expected). Runs every raw query, so it takes as long as the page did before summaries."""
    found = state()
    if found is None:
        return ["the summaries have not been counted"]
    differences = []
    spans = [
        (first, min(first + queries.MAX_YEARS - 1, found.last_year))
        for first in range(found.first_year, found.last_year + 1, queries.MAX_YEARS)
    ]
    for scope in scopes:
        for first, last in spans:
            years: dict[str, Any] = {"first": first, "last": last, "scope": scope}
            if yearly_totals(**years) != queries.yearly_totals(**years):
                differences.append(f"{scope}: yearly totals {first}-{last}")
            for measure in queries.FACTS:
                for row, filters in stored_grids(measure):
                    if row is None:
                        continue
                    asked = (measure, [row], "year")
                    if grids(*asked, **years, filters=filters) != queries.grids(*asked, **years, filters=filters):
                        differences.append(f"{scope}: {measure} by {grid_key(row, filters)}, {first}-{last}")
        if histogram(scope) != ctdc.histogram(scope):
            differences.append(f"{scope}: CTDC histogram")
        if ctdc_export(scope) != ctdc.export(scope):
            differences.append(f"{scope}: CTDC records")
    return differences
