"""The report page and its downloads: who may open them, what a bad request gets back, and that
the CSV and XLSX files say exactly what the reports compute. Run against the seeded MLSW transit
centre (40 beds in service since 2020, operated by `mlsw-transit-centre`)."""

from __future__ import annotations

import csv
import io
from datetime import date

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from shelters import reports, views
from tests.clients import client_for

pytestmark = pytest.mark.django_db

TRANSIT = "mlsw-transit-vientiane"
JANUARY = {"shelter": TRANSIT, "start": "2025-01-01", "end": "2025-01-31"}


@pytest.fixture
def manager(transit_manager):
    return transit_manager


@pytest.fixture
def stays(transit_residents):
    return transit_residents


def page_url():
    return reverse("shelters:occupancy-report")


def download_url(report, fmt):
    return reverse("shelters:report-download", args=[report, fmt])


# --- The page ------------------------------------------------------------------------------------
def test_page_shows_the_figures_charts_and_tables_to_a_manager_of_the_operator(manager, stays):
    response = client_for(manager).get(page_url(), JANUARY)
    assert response.status_code == 200
    total = response.context["total"]
    assert (total.available_bed_nights, total.occupied_bed_nights) == (40 * 31, 10 + 31 + 5)
    html = response.content.decode()
    assert html.count("<svg") == 2
    assert '<title id="utilisation-title">' in html and '<desc id="categories-desc">' in html
    assert "Human trafficking: 2" in html  # the bar chart's description
    assert "1240" in html and "46" in html
    for report in views.REPORTS:
        for fmt in ("csv", "xlsx"):
            assert f"{download_url(report, fmt)}?shelter={TRANSIT}&amp;start=2025-01-01&amp;end=2025-01-31" in html
    assert "Page" not in html.replace("page", "")  # no name of a resident anywhere
    assert "Synthetic" not in html


def test_without_a_shelter_the_report_covers_the_whole_scope(manager, stays):
    response = client_for(manager).get(page_url(), {"start": "2025-01-01", "end": "2025-01-31"})
    assert response.status_code == 200
    assert [row.shelter.code for row in response.context["occupancy"].rows] == [TRANSIT]


def test_without_dates_the_page_shows_this_year_so_far(manager):
    client = client_for(manager)
    for query in ({}, {"shelter": TRANSIT}):
        response = client.get(page_url(), query)
        assert response.status_code == 200
        assert response.context["start"].month == 1 and response.context["start"].day == 1
        assert response.context["end"] == timezone.localdate()


def test_reading_the_report_writes_no_audit_row_and_a_download_one_export_row(manager, stays):
    """Counts only: nothing personal is read, so the page logs nothing; a download is an export
    (docs/audit.md), one row naming the report, format, shelter and period. A POST is refused."""
    client = client_for(manager)
    before = AuditEvent.objects.count()
    assert client.get(page_url(), JANUARY).status_code == 200
    assert AuditEvent.objects.count() == before
    assert client.get(download_url("shelter-table", "csv"), JANUARY).status_code == 200
    row = AuditEvent.objects.get(action="export", object_type="shelter_report")
    assert (row.actor, row.object_id) == (manager, "shelter-table.csv")
    assert sorted(row.fields) == ["end=2025-01-31", f"shelter={TRANSIT}", "start=2025-01-01"]
    assert AuditEvent.objects.count() == before + 1
    assert client.post(page_url(), JANUARY).status_code == 405
    assert views.occupancy_report.reads_personal_data is False
    assert views.report_download.reads_personal_data is False


# --- Access --------------------------------------------------------------------------------------
def test_a_shelter_outside_the_scope_is_not_found(manager):
    client = client_for(manager)
    assert client.get(page_url(), {**JANUARY, "shelter": "lwu-cpc-vientiane"}).status_code == 404
    assert client.get(page_url(), {**JANUARY, "shelter": "no-such-shelter"}).status_code == 404
    assert client.get(download_url("occupancy", "csv"), {**JANUARY, "shelter": "lwu-cpc-vientiane"}).status_code == 404


def test_a_social_worker_of_another_organisation_is_refused(people):
    """people.outsider works for MLSW Savannakhet: no shelter to report on."""
    client = client_for(people.outsider)
    assert client.get(page_url(), JANUARY).status_code == 403
    assert client.get(download_url("occupancy", "xlsx"), JANUARY).status_code == 403


def test_anonymous_visitors_are_sent_to_the_login(db):
    response = Client().get(page_url(), JANUARY)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- Bad requests ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"start": "2025-02-30", "end": "2025-03-31"}, "Enter the date as day/month/year"),
        ({"start": "yesterday", "end": "2025-03-31"}, "Enter the date as day/month/year"),
        ({"start": "2025-03-01", "end": ""}, "This field is required"),
        ({"start": "2025-03-31", "end": "2025-03-01"}, "The last date is before the first."),
        ({"start": "2015-01-01", "end": "2025-01-01"}, "Choose a period of at most ten years."),
    ],
)
def test_bad_dates_get_a_400_with_the_reason(manager, query, message):
    client = client_for(manager)
    for url in (page_url(), download_url("by-year", "xlsx")):
        response = client.get(url, {"shelter": TRANSIT, **query})
        assert response.status_code == 400
        assert message in response.content.decode()


def test_ten_years_less_a_day_is_accepted(manager):
    assert client_for(manager).get(page_url(), {"start": "2015-01-01", "end": "2024-12-31"}).status_code == 200


# --- Downloads -----------------------------------------------------------------------------------
def read_csv(response):
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def read_xlsx(response):
    """The rows of a streamed workbook (its content can be read once: kept for a second look)."""
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response.book = openpyxl.load_workbook(io.BytesIO(response.getvalue()))
    return [list(row) for row in response.book.active.iter_rows(values_only=True)]


def test_occupancy_downloads_match_the_report(manager, stays):
    client = client_for(manager)
    expected = reports.occupancy(stays, date(2025, 1, 1), date(2025, 1, 31)).total
    csv_rows = read_csv(client.get(download_url("occupancy", "csv"), JANUARY))
    header, total = csv_rows[0], csv_rows[-1]
    assert len(csv_rows) == 3  # the shelter and the total
    assert total[header.index("Occupied bed nights")] == str(expected.occupied_bed_nights) == "46"
    assert total[header.index("Available bed nights")] == "1240"
    assert total[header.index("Exits: Family reunification in the home village")] == "1"
    assert total[header.index("Leavers: median stay (nights)")] == "10.0"

    xlsx = read_xlsx(client.get(download_url("occupancy", "xlsx"), JANUARY))
    title, header, total = xlsx[0], xlsx[1], xlsx[-1]
    assert "2025-01-01" in title[0] and "2025-01-31" in title[0] and "Transit" in title[0]
    assert total[header.index("Occupied bed nights")] == 46
    assert total[header.index("Residents at end")] == expected.residents_at_end == 2


def test_shelter_table_downloads_match_the_report(manager, stays):
    client = client_for(manager)
    expected = [[row.label, *row.counts()] for row in reports.shelter_table(stays, date(2025, 1, 1), date(2025, 1, 31))]
    csv_rows = read_csv(client.get(download_url("shelter-table", "csv"), JANUARY))
    assert csv_rows[0][:4] == ["Category", "Total", "Female", "Male"]
    assert csv_rows[1:] == [[str(value) for value in row] for row in expected]
    assert csv_rows[1] == ["Human trafficking", "2", "2", "0", "1", "1", "0", "1", "1", "0"]

    response = client.get(download_url("shelter-table", "xlsx"), JANUARY)
    assert response["Content-Disposition"] == (
        f'attachment; filename="shelter-table_{TRANSIT}_2025-01-01_2025-01-31.xlsx"'
    )
    assert read_xlsx(response)[2:] == expected
    assert response.book.active["A2"].font.bold and response.book.active["B2"].font.bold


def test_by_year_downloads_match_the_report(manager, stays):
    client = client_for(manager)
    query = {**JANUARY, "start": "2024-06-01"}
    table = reports.residents_by_year(stays, 2024, 2025)
    csv_rows = read_csv(client.get(download_url("by-year", "csv"), query))
    assert csv_rows[0] == [
        "Category",
        "2024: residents",
        "2024: of whom children",
        "2025: residents",
        "2025: of whom children",
    ]
    assert (
        csv_rows[-1]
        == ["Total", "1", "0", "3", "1"]
        == ["Total", *[str(n) for c in table.total.cells for n in (c.residents, c.children)]]
    )
    xlsx = read_xlsx(client.get(download_url("by-year", "xlsx"), query))
    assert xlsx[-1] == ["Total", 1, 0, 3, 1]


def test_unknown_report_or_format_is_not_found(manager):
    client = client_for(manager)
    assert client.get("/shelters/reports/people.csv", JANUARY).status_code == 404
    assert client.get("/shelters/reports/occupancy.pdf", JANUARY).status_code == 404
