"""CSV and XLSX downloads of the four reports (shelters/reports/). Counts only: no row of any
export describes a person.

Each report becomes a `Sheet` (title, header, rows) once; the CSV (streamed, header then rows)
and the XLSX (a title row naming the period and shelters, a bold header, sized columns) are two
renderings of the same sheet, so the two formats can never disagree. The staff API answers the
same sheet as JSON (shelters/api/reports.py), so the three can never disagree either.

A sheet's columns carry a stable, language-neutral code beside their translated title, and its
rows a stable key (a category, a shelter's code, `total`, a period's first day): with
`columns="codes"` the header is the codes and the first cell of each row its key, so a program
can read the file whatever the user's language (docs/reports.md lists the codes). Cells hold
plain values (numbers, text, booleans, None); only the titled rendering translates a boolean.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any, Literal

from django.http import FileResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from shelters.choices import ExitDestination, ExitGroup
from shelters.reports import (
    EXIT_GROUP_ORDER,
    LOS_BUCKETS,
    NonResidentialRow,
    OccupancyReport,
    OccupancyRow,
    ShelterTableRow,
    UtilisationPoint,
    YearTable,
)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A cell that starts with one of these is run as a formula by spreadsheet programs.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
WIDTH_SAMPLE = 1000  # rows read to size the XLSX columns (write-only: widths come before rows)


Columns = Literal["titles", "codes"]
COLUMN_MODES: tuple[Columns, ...] = ("titles", "codes")
TOTAL_KEY = "total"


@dataclass(frozen=True)
class Sheet:
    title: str
    header: list[str]
    rows: Sequence[Sequence[Any]]  # a list, or a lazy sequence of many rows (the CTDC records)
    codes: list[str] = field(default_factory=list)  # one per header title: stable, language-neutral
    keys: list[str] = field(default_factory=list)  # one per row: stable, replaces its first cell with codes
    labels: list[str] = field(default_factory=list)  # one per row: its name in the user's language

    def __post_init__(self) -> None:
        if self.codes and len(self.codes) != len(self.header):
            raise ValueError("A sheet needs one column code per title.")
        if self.codes and any(len(row) != len(self.codes) for row in self.rows):
            raise ValueError("A sheet needs one cell per column in every row.")
        if self.keys and len(self.keys) != len(self.rows):
            raise ValueError("A sheet needs one key per row.")

    def head(self, columns: Columns = "titles") -> list[str]:
        return list(self.codes) if columns == "codes" and self.codes else list(self.header)

    def lines(self, columns: Columns = "titles") -> Iterator[list[Any]]:
        """The rows as rendered, one at a time (a sheet of a million rows is never copied): with
        codes, each row's first cell is its key and booleans stay booleans; with titles, a
        boolean is the translated yes or no."""
        if columns == "codes" and self.codes:
            keys = self.keys or (row[0] for row in self.rows)
            return ([key, *row[1:]] for key, row in zip(keys, self.rows, strict=True))
        return ([_yes_no(value) for value in row] for row in self.rows)


def _yes_no(value: Any) -> Any:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return value


def _text(value: Any) -> Any:
    """Numbers stay numbers; text that a spreadsheet would run as a formula gets a quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _rate(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _days(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def period_title(report_name: str, start: dt.date, end: dt.date, shelters: str) -> str:
    return _("%(report)s, %(start)s to %(end)s, %(shelters)s") % {
        "report": report_name,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "shelters": shelters,
    }


# --- The four reports as sheets -------------------------------------------------------------------
def _bucket_code(key: str) -> str:
    """A length-of-stay bucket's key as a code: `<=30` upto_30, `31-60` 31_60, `>730` over_730."""
    return key.replace("<=", "upto_").replace(">", "over_").replace("-", "_")


def occupancy_sheet(report: OccupancyReport, title: str) -> Sheet:
    """One row per shelter and the total, every figure of the occupancy report."""
    destinations = list(report.total.exits_by_destination)
    labels = dict(ExitDestination.choices)
    group_labels = dict(ExitGroup.choices)
    buckets = [key for key, _low, _high in LOS_BUCKETS]
    columns = [
        ("shelter_code", _("Shelter code")),
        ("shelter_name", _("Shelter")),
        ("days", _("Days")),
        ("beds_at_start", _("Beds in service at start")),
        ("beds_at_end", _("Beds in service at end")),
        ("available_bed_nights", _("Available bed nights")),
        ("occupied_bed_nights", _("Occupied bed nights")),
        ("nights_without_bed", _("of which without a bed")),
        ("utilisation_percent", _("Utilisation %")),
        ("utilisation_plausible", _("Within 65-105 %")),
        ("average_daily_census", _("Average daily census")),
        ("residents_at_start", _("Residents at start")),
        ("admissions", _("Admissions")),
        ("exits", _("Exits")),
        *[(f"exits_{d}", _("Exits: %(destination)s") % {"destination": labels[d]}) for d in destinations],
        *[(f"exits_group_{g}", _("Exits, group: %(group)s") % {"group": group_labels[g]}) for g in EXIT_GROUP_ORDER],
        ("positive_exits_percent", _("Exits to positive destinations %")),
        ("residents_at_end", _("Residents at end")),
        ("leavers_average_nights", _("Leavers: average stay (nights)")),
        ("leavers_median_nights", _("Leavers: median stay (nights)")),
        *[(f"leavers_{_bucket_code(k)}_nights", _("Leavers: %(bucket)s nights") % {"bucket": k}) for k in buckets],
        ("stayers_average_nights", _("Stayers: average stay so far (nights)")),
        ("stayers_median_nights", _("Stayers: median stay so far (nights)")),
        *[(f"stayers_{_bucket_code(k)}_nights", _("Stayers: %(bucket)s nights") % {"bucket": k}) for k in buckets],
        ("non_residential_assisted", _("Non-residential persons assisted")),
    ]

    def line(row: OccupancyRow) -> list[Any]:
        return [
            row.shelter.code if row.shelter else "",
            row.shelter.name if row.shelter else _("Total"),
            row.days,
            row.capacity_start,
            row.capacity_end,
            row.available_bed_nights,
            row.occupied_bed_nights,
            row.nights_without_bed,
            _rate(row.utilisation),
            row.utilisation_plausible,
            _days(row.average_daily_census),
            row.residents_at_start,
            row.admissions,
            row.exits,
            *[row.exits_by_destination[d] for d in destinations],
            *[row.exits_by_group[g] for g in EXIT_GROUP_ORDER],
            _rate(row.positive_exit_rate),
            row.residents_at_end,
            _days(row.leavers.average),
            _days(row.leavers.median),
            *row.leavers.buckets.values(),
            _days(row.stayers.average),
            _days(row.stayers.median),
            *row.stayers.buckets.values(),
            row.non_residential_assisted,
        ]

    lines = [*report.rows, report.total]
    rows = [line(row) for row in lines]
    keys = [row.shelter.code if row.shelter else TOTAL_KEY for row in lines]
    return _sheet(title, columns, rows, keys, [str(row[1]) for row in rows])


def shelter_table_columns() -> list[tuple[str, str]]:
    """The counts of a `ShelterTableRow` (`counts()`, in order), by field name (the column's
    code) and title."""
    return [
        ("total", _("Total")),
        ("female", _("Female")),
        ("male", _("Male")),
        ("under_18_total", _("Under 18: total")),
        ("under_18_female", _("Under 18: female")),
        ("under_18_male", _("Under 18: male")),
        ("adult_total", _("18 and over: total")),
        ("adult_female", _("18 and over: female")),
        ("adult_male", _("18 and over: male")),
    ]


def shelter_table_sheet(
    rows: Sequence[ShelterTableRow | NonResidentialRow], title: str, first: tuple[str, str] | None = None
) -> Sheet:
    """One row per row of the table, whatever rows the report produces, keyed by `row.key`;
    `first`: the code and title of the first column (the category by default)."""
    return _sheet(
        title,
        [first or ("category", _("Category")), *shelter_table_columns()],
        [[row.label, *row.counts()] for row in rows],
        [row.key for row in rows],
        [row.label for row in rows],
    )


def non_residential_sheet(rows: Sequence[NonResidentialRow], title: str) -> Sheet:
    return shelter_table_sheet(rows, title, first=("kind", _("Kind of assistance")))


def by_year_sheet(table: YearTable, title: str) -> Sheet:
    columns = [("category", _("Category"))]
    for year in table.years:
        columns += [
            (f"residents_{year}", _("%(year)s: residents") % {"year": year}),
            (f"children_{year}", _("%(year)s: of whom children") % {"year": year}),
        ]
    lines = [*table.rows, table.total]
    rows = []
    for row in lines:
        cells: list[Any] = [row.label]
        for cell in row.cells:
            cells += [cell.residents, cell.children]
        rows.append(cells)
    return _sheet(title, columns, rows, [row.key for row in lines], [row.label for row in lines])


def utilisation_sheet(points: Sequence[UtilisationPoint], title: str) -> Sheet:
    """One row per month (or week) of the period, keyed by its first day."""
    columns = [
        ("start", _("From")),
        ("end", _("To")),
        ("available_bed_nights", _("Available bed nights")),
        ("occupied_bed_nights", _("Occupied bed nights")),
        ("utilisation_percent", _("Utilisation %")),
    ]
    rows = [
        [p.start.isoformat(), p.end.isoformat(), p.available_bed_nights, p.occupied_bed_nights, _rate(p.utilisation)]
        for p in points
    ]
    keys = [p.start.isoformat() for p in points]
    return _sheet(title, columns, rows, keys, [f"{p.start.isoformat()}..{p.end.isoformat()}" for p in points])


def _sheet(
    title: str, columns: Sequence[tuple[str, str]], rows: list[list[Any]], keys: list[str], labels: list[str]
) -> Sheet:
    return Sheet(title, [str(t) for _code, t in columns], rows, [code for code, _title in columns], keys, labels)


# --- Renderings --------------------------------------------------------------------------------
class _Echo:
    """csv.writer writes into this and hands each line straight to the response."""

    def write(self, value: str) -> str:
        return value


def csv_lines(
    header: Sequence[str], rows: Iterable[Sequence[Any]], value: Callable[[Any], Any] | None = None
) -> Iterator[str]:
    """A CSV a line at a time (the rows may be a generator: nothing is held in memory)."""
    writer = csv.writer(_Echo())
    shown = value or _text
    yield "\ufeff"  # a byte-order mark, so that spreadsheet programs read Lao text as UTF-8
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow(["" if cell is None else shown(cell) for cell in row])


def _csv_lines(sheet: Sheet, columns: Columns) -> Iterator[str]:
    return csv_lines(sheet.head(columns), sheet.lines(columns), _csv_value)


def _csv_value(value: Any) -> Any:
    if isinstance(value, bool):  # only with codes: a titled sheet has translated them
        return "true" if value else "false"
    return _text(value)


def csv_response(sheet: Sheet, filename: str, columns: Columns = "titles") -> StreamingHttpResponse:
    response = StreamingHttpResponse(_csv_lines(sheet, columns), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_book(sheets: Sequence[Sheet], names: Sequence[str] = (), columns: Columns = "titles") -> IO[bytes]:
    """One worksheet per sheet (named by `names`, else "Pathway", "Pathway 2", ...), written row
    by row (openpyxl write-only) to a temporary file, rewound for streaming: memory stays flat
    whatever the number of rows. Column widths come from the header and the first rows."""
    book = Workbook(write_only=True)
    for index, sheet in enumerate(sheets):
        page = book.create_sheet(
            names[index] if index < len(names) else ("Pathway" + (f" {index + 1}" if index else ""))
        )
        header, rows = sheet.head(columns), sheet.lines(columns)
        first = list(itertools.islice(rows, WIDTH_SAMPLE))
        for column, width in enumerate(_widths(header, first), start=1):
            page.column_dimensions[get_column_letter(column)].width = width
        page.freeze_panes = "B3"
        page.append([_styled(page, _text(sheet.title), Font(bold=True, size=13))])
        page.append([_styled(page, _text(label), Font(bold=True)) for label in header])
        for row in itertools.chain(first, rows):
            page.append([_text(value) for value in row])
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - handed to the response, which closes it
    book.save(spool)
    spool.seek(0)
    return spool


def _styled(page: Any, value: Any, font: Font) -> WriteOnlyCell:
    cell = WriteOnlyCell(page, value=value)
    cell.font = font
    return cell


def _widths(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> list[float]:
    widths = [min(max(len(label) * 0.9, 8), 40) for label in header]
    for row in rows:
        for index, value in enumerate(row):
            widths[index] = max(widths[index], min(len(str(value)) + 2, 60))
    return widths


def xlsx_response(
    sheet: Sheet, filename: str, *, more: Sequence[Sheet] = (), names: Sequence[str] = (), columns: Columns = "titles"
) -> FileResponse:
    return FileResponse(
        xlsx_book([sheet, *more], names, columns),
        as_attachment=True,
        filename=f"{filename}.xlsx",
        content_type=XLSX_TYPE,
    )
