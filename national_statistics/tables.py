"""The published tables: counts from `queries`, rare open-ended rows merged, small cells hidden
by `suppression`, labelled for display and download. Everything a statistician sees passes
through `publish`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from national_statistics import queries
from national_statistics.queries import Counts, Scope
from national_statistics.suppression import Protected, protect
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
    protected: Protected
    threshold: int

    @property
    def hidden_count(self) -> int:
        return len(self.protected.hidden)

    def sheet(self) -> Sheet:
        def show(value: int | None) -> Any:
            return HIDDEN if value is None else value

        return Sheet(
            self.title,
            [self.row_title, *self.col_labels, _("Total")],
            [[line.label, *map(show, line.values), show(line.total)] for line in self.lines],
        )


def publish(table: Counts, title: str, *, min_cell: int | None = None) -> Published:
    """Merge rare open-ended rows, protect, label."""
    limit = threshold() if min_cell is None else min_cell
    if table.row_dimension in queries.OPEN_ENDED:
        table = queries.merge_rare_rows(table, limit)
    protected = protect(
        table.rows,
        table.cols,
        table.cells,
        table.row_totals,
        table.col_totals,
        table.grand_total,
        threshold=limit,
    )
    row_names = queries.labels(table.row_dimension, table.rows)
    col_names = queries.labels(table.col_dimension, table.cols)
    lines = [Line(row_names[key], protected.cells[i], protected.row_totals[i]) for i, key in enumerate(table.rows)]
    lines.append(Line(_("Total"), protected.col_totals, protected.grand_total, is_total=True))
    return Published(
        title=title,
        row_title=str(queries.DIMENSIONS[table.row_dimension][0]),
        col_labels=[col_names[key] for key in table.cols],
        lines=lines,
        protected=protected,
        threshold=limit,
    )


def by_year(measure: str, row: str, *, first: int, last: int, scope: Scope, **options: Any) -> Published:
    """A measure by a breakdown (rows) and year (columns)."""
    counts = queries.counts(
        measure,
        row,
        "year",
        first=first,
        last=last,
        scope=scope,
        row_values=queries.fixed_values(row, first=first, last=last),
        col_values=queries.fixed_values("year", first=first, last=last),
        **options,
    )
    title = _("%(measure)s by %(breakdown)s and year, %(first)s-%(last)s") % {
        "measure": queries.MEASURES[measure],
        "breakdown": str(queries.DIMENSIONS[row][0]).lower(),
        "first": first,
        "last": last,
    }
    return publish(counts, title)


# --- The tables of the government's periodic reports --------------------------------------------
def child_victims(*, first: int, last: int, scope: Scope) -> Published:
    """Children (under 18 when identified) identified as trafficking cases, by sex and year."""
    counts = queries.counts(
        "identified",
        "sex",
        "year",
        first=first,
        last=last,
        scope=scope,
        filters={"category": "trafficking", "age_group": "child"},
        row_values=queries.fixed_values("sex", first=first, last=last),
        col_values=queries.fixed_values("year", first=first, last=last),
    )
    return publish(counts, _("Child victims of trafficking identified, by sex and year"))


def repatriated(*, first: int, last: int, scope: Scope) -> Published:
    """Persons repatriated, by the country they returned from (Thailand, China, ...) and year."""
    counts = queries.counts(
        "repatriated",
        "country",
        "year",
        first=first,
        last=last,
        scope=scope,
        col_values=queries.fixed_values("year", first=first, last=last),
    )
    return publish(counts, _("Persons repatriated, by country of return and year"))


def shelter_residents(*, first: int, last: int, scope: Scope, shelter: Any = None) -> Published:
    """Residents of a shelter (or of all) by category, and age at admission with sex."""
    counts = queries.counts(
        "sheltered",
        "category",
        "age_sex",
        first=first,
        last=last,
        scope=scope,
        shelter=shelter,
        row_values=queries.fixed_values("category", first=first, last=last),
        col_values=queries.fixed_values("age_sex", first=first, last=last),
    )
    return publish(
        counts,
        _("Shelter residents by category, age at admission and sex, %(first)s-%(last)s")
        % {
            "first": first,
            "last": last,
        },
    )


def yearly_totals(*, first: int, last: int, scope: Scope) -> dict[str, list[int | None]]:
    """Each measure's total per year as published (hidden ones are None): the trend chart. Each
    measure is protected as a one-line table (years and the total over them), with the same
    threshold, so a year total below it is never shown here either."""
    years = [str(year) for year in range(first, last + 1)]
    found = {}
    for measure, (counts, overall) in queries.yearly_totals(first=first, last=last, scope=scope).items():
        protected = protect([measure], years, [counts], [overall], counts, overall, threshold=threshold())
        found[measure] = protected.cells[0]
    return found
