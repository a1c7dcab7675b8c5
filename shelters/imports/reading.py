"""Reading an uploaded register (CSV or XLSX) into rows keyed by column code. Cells stay text
(a date cell of a spreadsheet becomes yyyy-mm-dd) until the import parses them, so that each
row's problems are reported against the row, not as one failure of the whole file."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from core.errors import ApplicationError
from shelters.imports.columns import code_for

MAX_ROWS = 20_000


@dataclass(frozen=True)
class SourceRow:
    line: int  # the line (spreadsheet row) number the user sees, the header being line 1
    values: dict[str, str]


def read_register(content: bytes, filename: str) -> list[SourceRow]:
    """Rows of the file; an unreadable file or an unknown column is refused as a whole."""
    if filename.lower().endswith(".xlsx"):
        table = _xlsx_rows(content)
    elif filename.lower().endswith(".csv"):
        table = _csv_rows(content)
    else:
        _refuse(_("Upload a register as an .xlsx or .csv file."))
    if not table:
        _refuse(_("This file is empty."))
    codes = _header(table[0])
    rows = []
    for number, cells in enumerate(table[1:], start=2):
        values = {code: _text(cell) for code, cell in zip(codes, cells, strict=False) if code}
        if any(values.values()):
            rows.append(SourceRow(number, values))
    if not rows:
        _refuse(_("This file has no rows under its titles."))
    if len(rows) > MAX_ROWS:
        _refuse(_("A register may have at most %(max)s rows; split the file.") % {"max": f"{MAX_ROWS:,}"})
    return rows


def _header(cells: list[Any]) -> list[str | None]:
    codes: list[str | None] = []
    unknown = []
    for cell in cells:
        text = _text(cell)
        code = code_for(text) if text else None
        if text and code is None:
            unknown.append(text)
        codes.append(code)
    if unknown:
        _refuse(_("Unknown column: %(titles)s. Use the template's titles.") % {"titles": ", ".join(unknown)})
    if "register_ref" not in codes:
        _refuse(_("The file has no register number column."))
    return codes


def _xlsx_rows(content: bytes) -> list[list[Any]]:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        _refuse(_("This file could not be read as a spreadsheet."))
    sheet = workbook.worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _csv_rows(content: bytes) -> list[list[Any]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        _refuse(_("Save the CSV file as UTF-8."))
    return [list(row) for row in csv.reader(io.StringIO(text))]


def _text(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, dt.datetime):
        return cell.date().isoformat()
    if isinstance(cell, dt.date):
        return cell.isoformat()
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def _refuse(message: str) -> Any:
    raise ApplicationError(message, fields={"file": [message]})
