"""CSV and XLSX downloads of the three reports (shelters/reports.py). Counts only: no row of any
export describes a person.

Each report becomes a `Sheet` (title, header, rows) once; the CSV (streamed, header then rows)
and the XLSX (a title row naming the period and shelters, a bold header, sized columns) are two
renderings of the same sheet, so the two formats can never disagree.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
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
    YearTable,
)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A cell that starts with one of these is run as a formula by spreadsheet programs.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Sheet:
    title: str
    header: list[str]
    rows: list[list[Any]]


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


# --- The three reports as sheets -------------------------------------------------------------------
def occupancy_sheet(report: OccupancyReport, title: str) -> Sheet:
    """One row per shelter and the total, every figure of the occupancy report."""
    destinations = list(report.total.exits_by_destination)
    labels = dict(ExitDestination.choices)
    group_labels = dict(ExitGroup.choices)
    header = [
        _("Shelter code"),
        _("Shelter"),
        _("Days"),
        _("Beds in service at start"),
        _("Beds in service at end"),
        _("Available bed nights"),
        _("Occupied bed nights"),
        _("of which without a bed"),
        _("Utilisation %"),
        _("Within 65-105 %"),
        _("Average daily census"),
        _("Residents at start"),
        _("Admissions"),
        _("Exits"),
        *[_("Exits: %(destination)s") % {"destination": labels[d]} for d in destinations],
        *[_("Exits, group: %(group)s") % {"group": group_labels[g]} for g in EXIT_GROUP_ORDER],
        _("Exits to positive destinations %"),
        _("Residents at end"),
        _("Leavers: average stay (nights)"),
        _("Leavers: median stay (nights)"),
        *[_("Leavers: %(bucket)s nights") % {"bucket": key} for key, _low, _high in LOS_BUCKETS],
        _("Stayers: average stay so far (nights)"),
        _("Stayers: median stay so far (nights)"),
        *[_("Stayers: %(bucket)s nights") % {"bucket": key} for key, _low, _high in LOS_BUCKETS],
        _("Non-residential persons assisted"),
    ]

    def line(row: OccupancyRow) -> list[Any]:
        plausible = row.utilisation_plausible
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
            "" if plausible is None else (_("yes") if plausible else _("no")),
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

    return Sheet(title, header, [line(row) for row in [*report.rows, report.total]])


def shelter_table_sheet(
    rows: Sequence[ShelterTableRow | NonResidentialRow], title: str, first: str | None = None
) -> Sheet:
    header = [
        first or _("Category"),
        _("Total"),
        _("Female"),
        _("Male"),
        _("Under 18: total"),
        _("Under 18: female"),
        _("Under 18: male"),
        _("18 and over: total"),
        _("18 and over: female"),
        _("18 and over: male"),
    ]
    return Sheet(title, header, [[row.label, *row.counts()] for row in rows])


def non_residential_sheet(rows: Sequence[NonResidentialRow], title: str) -> Sheet:
    return shelter_table_sheet(rows, title, first=_("Kind of assistance"))


def by_year_sheet(table: YearTable, title: str) -> Sheet:
    header = [_("Category")]
    for year in table.years:
        header += [_("%(year)s: residents") % {"year": year}, _("%(year)s: of whom children") % {"year": year}]
    rows = []
    for row in [*table.rows, table.total]:
        cells: list[Any] = [row.label]
        for cell in row.cells:
            cells += [cell.residents, cell.children]
        rows.append(cells)
    return Sheet(title, header, rows)


# --- Renderings --------------------------------------------------------------------------------
class _Echo:
    """csv.writer writes into this and hands each line straight to the response."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """A CSV a line at a time (the rows may be a generator: nothing is held in memory)."""
    writer = csv.writer(_Echo())
    yield "\ufeff"  # a byte-order mark, so that spreadsheet programs read Lao text as UTF-8
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow(["" if value is None else _text(value) for value in row])


def _csv_lines(sheet: Sheet) -> Iterator[str]:
    return csv_lines(sheet.header, sheet.rows)


def csv_response(sheet: Sheet, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(_csv_lines(sheet), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_bytes(sheet: Sheet) -> bytes:
    return xlsx_book([sheet])


def xlsx_book(sheets: Sequence[Sheet], names: Sequence[str] = ()) -> bytes:
    """One worksheet per sheet (named by `names`, else "Pathway", "Pathway 2", ...)."""
    book = Workbook()
    book.remove(book.active)
    for index, sheet in enumerate(sheets):
        page = book.create_sheet(
            names[index] if index < len(names) else ("Pathway" + (f" {index + 1}" if index else ""))
        )
        page.append([_text(sheet.title)])
        page["A1"].font = Font(bold=True, size=13)
        page.append([_text(label) for label in sheet.header])
        for cell in page[2]:
            cell.font = Font(bold=True)
        for row in sheet.rows:
            page.append([_text(value) for value in row])
        page.freeze_panes = "B3"
        for column, width in enumerate(_widths(sheet.header, sheet.rows), start=1):
            page.column_dimensions[get_column_letter(column)].width = width
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _widths(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> list[float]:
    widths = [min(max(len(label) * 0.9, 8), 40) for label in header]
    for row in rows:
        for index, value in enumerate(row):
            widths[index] = max(widths[index], min(len(str(value)) + 2, 60))
    return widths


def xlsx_response(
    sheet: Sheet, filename: str, *, more: Sequence[Sheet] = (), names: Sequence[str] = ()
) -> HttpResponse:
    response = HttpResponse(xlsx_book([sheet, *more], names), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
