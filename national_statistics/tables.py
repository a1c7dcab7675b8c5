"""The published tables: counts from `queries`, protected by `suppression` one year column at a
time (the fixed grid of docs/statistics.md), labelled for display and download. Everything a
statistician sees passes through here. Every total that spans several years or cells is the sum
of the published figures it covers, hidden when one of them is: so a table of any year range
only ever repeats the grid's own figures and adds nothing to solve a hidden one with."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from national_statistics import queries, summary
from national_statistics.queries import Counts, Scope
from national_statistics.suppression import complete, protect_column, small
from shelters.exports import Sheet

HIDDEN = "x"  # what a hidden cell shows: the same for small cells and for their complements


def threshold() -> int:
    return max(1, int(settings.STATISTICS_MIN_CELL))


@dataclass(frozen=True)
class Line:
    label: str
    values: list[int | None]
    total: int | None
    is_total: bool = False


@dataclass(frozen=True)
class Published:
    title: str
    row_title: str
    col_labels: list[str]
    lines: list[Line]  # the rows, then the total line
    threshold: int

    def sheet(self) -> Sheet:
        def show(value: int | None) -> Any:
            return HIDDEN if value is None else value

        return Sheet(
            self.title,
            [self.row_title, *self.col_labels, _("Total")],
            [[line.label, *map(show, line.values), show(line.total)] for line in self.lines],
        )


def total(values: Sequence[int | None]) -> int | None:
    """The sum of published figures; hidden (None) when one of them is."""
    return None if any(value is None for value in values) else sum(values)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Grid:
    """A grid as published: one protected column per year, and the years' totals."""

    cells: list[list[int | None]]
    year_totals: list[int | None]


def protect_grid(table: Counts, limit: int) -> Grid:
    """Protect each year column on its own (suppression.protect_column): the same figures are
    hidden whatever years a table spans. A year total is hidden only when it is small."""
    columns = []
    for j in range(len(table.cols)):
        column = [row[j] for row in table.cells]
        columns.append(
            [
                None if hide else value
                for hide, value in zip(protect_column(column, threshold=limit), column, strict=True)
            ]
        )
    return Grid(
        cells=[[column[i] for column in columns] for i in range(len(table.rows))],
        year_totals=[None if small(value, limit) else value for value in table.col_totals],
    )


def publish(table: Counts, title: str) -> Published:
    """Protect a breakdown x year grid; row and grand totals are sums of what is published."""
    limit = threshold()
    grid = protect_grid(table, limit)
    row_names = queries.labels(table.row_dimension, table.rows)
    col_names = queries.labels(table.col_dimension, table.cols)
    lines = [Line(row_names[key], values, total(values)) for key, values in zip(table.rows, grid.cells, strict=True)]
    lines.append(Line(_("Total"), grid.year_totals, total(grid.year_totals), is_total=True))
    return Published(
        title=title,
        row_title=str(queries.DIMENSIONS[table.row_dimension][0]),
        col_labels=[col_names[key] for key in table.cols],
        lines=lines,
        threshold=limit,
    )


def grid_counts(measure: str, rows: list[str], *, first: int, last: int, scope: Scope, **options: Any) -> list[Counts]:
    """The true counts of a measure by each breakdown (rows) and year (columns): from the
    summaries when they hold them, else one statement over the raw rows."""
    return summary.grids(
        measure,
        rows,
        "year",
        first=first,
        last=last,
        scope=scope,
        row_values=[queries.fixed_values(row, first=first, last=last) for row in rows],
        col_values=queries.fixed_values("year", first=first, last=last),
        **options,
    )


def by_year(measure: str, row: str, *, first: int, last: int, scope: Scope) -> Published:
    """A measure by a breakdown (rows) and year (columns)."""
    title = _("%(measure)s by %(breakdown)s and year, %(first)s-%(last)s") % {
        "measure": queries.MEASURES[measure],
        "breakdown": str(queries.DIMENSIONS[row][0]).lower(),
        "first": first,
        "last": last,
    }
    return publish(grid_counts(measure, [row], first=first, last=last, scope=scope)[0], title)


# --- The tables of the government's periodic reports --------------------------------------------
def child_victims(*, first: int, last: int, scope: Scope) -> Published:
    """Children (under 18 when identified) identified as trafficking cases, by sex and year."""
    (counts,) = grid_counts(
        "identified",
        ["sex"],
        first=first,
        last=last,
        scope=scope,
        filters=queries.CHILD_VICTIMS,
    )
    return publish(counts, _("Child victims of trafficking identified, by sex and year"))


def repatriated(*, first: int, last: int, scope: Scope) -> Published:
    """Persons repatriated, by the country they returned from (Thailand, China, ...) and year:
    the grid of repatriated by country, as the table of that breakdown shows it."""
    return publish(
        grid_counts("repatriated", ["country"], first=first, last=last, scope=scope)[0],
        _("Persons repatriated, by country of return and year"),
    )


RESIDENT_MARGINS = ("category", "age_group", "sex")  # the grids whose columns sum the residents' cells


def _residents_year(cells: dict[tuple[str, ...], int], margins: dict[str, Grid], keys: dict[str, list[str]],
                    year: int, year_total: int | None) -> frozenset[tuple[str, ...]]:  # fmt: skip
    """The hidden cells (shelter, category, age group, sex) of one year of the residents' grid:
    the small ones, and complements until no hidden figure of the category, age and sex grids,
    and none of these cells, follows from the published ones."""
    hidden_margins = tuple(
        (dimension, value, row[year] is None)
        for dimension, grid in margins.items()
        for value, row in zip(keys[dimension], grid.cells, strict=True)
    )
    return _hidden_cells(tuple(cells.items()), hidden_margins, year_total is None, threshold())


@functools.lru_cache(maxsize=256)
def _hidden_cells(cells: tuple[tuple[tuple[str, ...], int], ...], margins: tuple[tuple[str, str, bool], ...],
                  total_hidden: bool, limit: int) -> frozenset[tuple[str, ...]]:  # fmt: skip
    """`_residents_year` from its inputs alone, remembered: the search for complements (exact
    linear algebra) is the slow part of the page, and the same year of the same summaries (or
    of unchanged raw rows) asks the same question again until the next recount."""
    values = dict(cells)
    position = {"category": 1, "age_group": 2, "sex": 3}
    sums: list[frozenset[tuple[str, ...]]] = []
    secrets: list[frozenset[tuple[str, ...]]] = []
    for dimension, value, hidden in margins:
        members = frozenset(cell for cell in values if cell[position[dimension]] == value)
        (secrets if hidden else sums).append(members)
    (secrets if total_hidden else sums).append(frozenset(values))
    return frozenset(complete(values, {cell for cell, n in values.items() if small(n, limit)}, sums, secrets))


def shelter_residents(*, first: int, last: int, scope: Scope, shelter: Any = None) -> Published:
    """Residents of a shelter (or of all) by category, and age at admission with sex. The grid
    is shelter x category x age group x sex per year, protected with the category, age and sex
    grids of "sheltered" whose columns are its sums; a figure over several years or shelters is
    the sum of the grid's published cells."""
    found, *sums = grid_counts("sheltered", ["resident", *RESIDENT_MARGINS], first=first, last=last, scope=scope)
    margins = {counts.row_dimension: protect_grid(counts, threshold()) for counts in sums}
    keys = {dim: queries.fixed_values(dim, first=first, last=last) or [] for dim in RESIDENT_MARGINS}
    groups = queries.AGE_SEX
    year_totals = protect_grid(found, threshold()).year_totals
    published: dict[tuple[str, str], list[int | None]] = {}  # (category, age_sex) -> per cell and year
    for j in range(len(found.cols)):
        counted = {tuple(key.split(" ")): row[j] for key, row in zip(found.rows, found.cells, strict=True) if row[j]}
        # Every cell of the year's shelters, zeros too: a zero shown is known, and the pattern
        # of zeros could otherwise tie a category to an age group (suppression.complete).
        places = sorted({place for place, _category, _group in counted})
        cells = {
            (place, category, *group.split("_", 1)): counted.get((place, category, group), 0)
            for place in places
            for category in keys["category"]
            for group in groups
        }
        hidden = _residents_year(cells, margins, keys, j, year_totals[j])
        for cell, n in cells.items():
            if shelter is None or cell[0] == str(shelter):
                published.setdefault((cell[1], f"{cell[2]}_{cell[3]}"), []).append(None if cell in hidden else n)
    categories = keys["category"]
    table = [[total(published.get((category, group), [])) for group in groups] for category in categories]
    row_names = queries.labels("category", categories)
    col_names = queries.labels("age_sex", groups)
    lines = [Line(row_names[c], values, total(values)) for c, values in zip(categories, table, strict=True)]
    column_totals = [total([values[j] for values in table]) for j in range(len(groups))]
    lines.append(Line(_("Total"), column_totals, total(column_totals), is_total=True))
    return Published(
        title=_("Shelter residents by category, age at admission and sex, %(first)s-%(last)s")
        % {"first": first, "last": last},
        row_title=str(queries.DIMENSIONS["category"][0]),
        col_labels=[col_names[group] for group in groups],
        lines=lines,
        threshold=threshold(),
    )


def yearly_totals(*, first: int, last: int, scope: Scope) -> dict[str, list[int | None]]:
    """Each measure's total per year as published (hidden ones are None): the trend chart. The
    same figures as every grid's year totals: hidden when small, and only then."""
    limit = threshold()
    return {
        measure: [None if small(n, limit) else n for n in counts]
        for measure, counts in summary.yearly_totals(first=first, last=last, scope=scope).items()
    }
