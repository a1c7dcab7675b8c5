"""Register files for the import's tests and benchmark (shelters/imports): rows as a shelter
would write them, and the same rows as CSV or XLSX with titles in either language."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from django.utils import translation
from openpyxl import Workbook

from shelters.imports.columns import COLUMNS, header


def stay_row(n: int, *, year: int = 2016, **values: Any) -> dict[str, str]:
    """A woman admitted in `year` and discharged to her family four months later."""
    admitted = dt.date(year, 1, 1) + dt.timedelta(days=n % 200)
    row = {
        "register_ref": f"{year}-{n:05d}",
        "given_name_latin": f"Noy{n}",
        "family_name_latin": "Test",
        "sex": "female",
        "estimated_age": "19",
        "age_estimated_on": admitted.isoformat(),
        "category": "trafficking",
        "identification_route": "police",
        "identified_on": admitted.isoformat(),
        "exploitation_forms": "forced_labour",
        "admitted_on": admitted.isoformat(),
        "discharged_on": (admitted + dt.timedelta(days=120)).isoformat(),
        "exit_destination": "family_reunification_home_village",
    }
    row.update({key: str(value) for key, value in values.items()})
    return row


def assistance_row(n: int, *, year: int = 2017, **values: Any) -> dict[str, str]:
    """A boy assisted without a stay."""
    day = dt.date(year, 3, 1) + dt.timedelta(days=n % 200)
    row = {
        "register_ref": f"NR-{year}-{n:05d}",
        "given_name_latin": f"Bee{n}",
        "sex": "male",
        "estimated_age": "15",
        "age_estimated_on": day.isoformat(),
        "category": "child_labour",
        "identification_route": "village_authority",
        "identified_on": day.isoformat(),
        "assisted_on": day.strftime("%d/%m/%Y"),
        "assistance_kind": "child_labour",
        "services": "basic_needs;counselling",
    }
    row.update({key: str(value) for key, value in values.items()})
    return row


def table(rows: list[dict[str, str]], language: str = "en") -> list[list[str]]:
    with translation.override(language):
        titles = [header(column) for column in COLUMNS]
    return [titles, *([row.get(column.code, "") for column in COLUMNS] for row in rows)]


def as_csv(rows: list[dict[str, str]], language: str = "en") -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(table(rows, language))
    return out.getvalue().encode("utf-8-sig")


def as_xlsx(rows: list[dict[str, str]], language: str = "en") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for line in table(rows, language):
        sheet.append(line)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
