"""The HTCDS export on the demo data, in a real browser (issue 20.6, 20.7): the demo statistician
finds the export from the statistics page, downloads the three tables as XLSX, and the workbook
(opened with openpyxl) has the standard's field names as headers and only values of the
standard's code lists (tests/fixtures/htcds_v2_fields.json), in English and in Lao."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.utils import translation
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from accounts.models import AuditAction, AuditEvent, User
from casework.choices import ProceedingStage
from casework.models import Perpetrator
from national_statistics import htcds
from seeds.demo import seed_demo
from tests.browser.conftest import both_widths, login_as, screenshot

STANDARD = json.loads((Path(__file__).resolve().parents[1] / "fixtures" / "htcds_v2_fields.json").read_text())
FIELDS = STANDARD["fields"]


def cells(sheet) -> list[list[str]]:  # type: ignore[no-untyped-def]
    return [[("" if value is None else str(value)) for value in row] for row in sheet.iter_rows(values_only=True)]


def check_table(rows: list[list[str]], columns: list[str]) -> None:
    header, *body = rows
    assert header == columns
    for column in header:  # an HTCDS field, the record link, or a Pathway `x_` extension
        assert column in FIELDS or column == htcds.LINK or column.startswith("x_"), column
    assert any(column in FIELDS for column in header)
    assert body, "no rows"
    coded = 0
    for row in body:
        for column, value in zip(header, row, strict=True):
            values = FIELDS.get(column, {}).get("values")
            if values and value:
                assert set(value.split(htcds.MULTI)) <= set(values), (column, value)
                coded += 1
    assert coded, "no coded value checked"


@pytest.mark.parametrize("language", ["en", "lo"])
def test_the_statistician_downloads_the_htcds_xlsx_of_the_demo(page: Page, language: str) -> None:
    counts = seed_demo(people=150)
    assert counts and counts["demo.htcds consents"] > 0
    statistician = User.objects.get(username="statistician")
    login_as(page, statistician, language=language)
    page.goto("/statistics/")
    # The legal proceedings' tables of the statistics (the demo records proceedings), on a phone too.
    with translation.override(language):
        stage = str(ProceedingStage.COMPLAINT.label)
    expect(page.locator("th[scope=row]", has_text=stage).first).to_be_visible()
    both_widths(page, f"statistics-proceedings-{language}")
    page.locator("a[href='/statistics/htcds/']").click()
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", language)
    screenshot(page, f"htcds-export-demo-{language}")
    with page.expect_download() as download:
        page.locator("#htcds-downloads a[href$='.xlsx']").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    book = load_workbook(io.BytesIO(download.value.path().read_bytes()), read_only=True)
    assert book.sheetnames == ["victims", "events", "perpetrators"]
    victims, events = cells(book["victims"]), cells(book["events"])
    perpetrators = cells(book["perpetrators"])
    check_table(victims, htcds.VICTIM_COLUMNS)
    check_table(events, htcds.EVENT_COLUMNS)
    check_table(perpetrators, htcds.PERPETRATOR_COLUMNS)
    assert len(victims) - 1 == counts["demo.htcds consents"]
    assert {row[1] for row in events[1:]} <= {"Recruitment", "Transit", "Exploitation"}
    # Each perpetrator row belongs to a victim row of the same workbook; no name leaves.
    assert {row[0] for row in perpetrators[1:]} <= {row[0] for row in victims[1:]}
    known = set(Perpetrator.objects.values_list("known_as", flat=True))
    assert not known & {value for row in perpetrators for value in row}
    assert AuditEvent.objects.filter(actor=statistician, action=AuditAction.EXPORT, object_id="export.xlsx").exists()
