"""The four shelter reports as data (/api/v1/reports/...) and the CSV/XLSX with column codes: the
same figures as the downloads, the same scope and refusals as the page, one export audit row per
answer, and columns that follow whatever the report produces. Residents: tests/shelters/conftest.py
(three at the MLSW transit centre in January 2025)."""

from __future__ import annotations

import csv
import io
from dataclasses import fields

import openpyxl
import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from shelters import exports
from shelters.reports import ShelterTableRow
from tests.clients import client_for

pytestmark = pytest.mark.django_db

TRANSIT = "mlsw-transit-vientiane"
JANUARY = {"shelter": TRANSIT, "start": "2025-01-01", "end": "2025-01-31"}
REPORTS = ("occupancy", "shelter-table", "by-year", "utilisation")


def api_url(report):
    return reverse("v1:report-detail", args=[report])


def download_url(report, fmt):
    return reverse("shelters:report-download", args=[report, fmt])


def as_csv(value):
    """A JSON value as the codes CSV writes it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def read_csv(response):
    assert response.status_code == 200, response.content
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


@pytest.fixture
def manager_api(api, transit_manager):
    api.force_authenticate(transit_manager)
    return api


# --- The figures ---------------------------------------------------------------------------------
@pytest.mark.parametrize("report", REPORTS)
def test_the_json_is_the_csv_with_codes_row_by_row(manager_api, transit_manager, transit_residents, report):
    """One sheet, three renderings: the API's columns and values are the codes CSV's header and
    rows, and its column titles the titled CSV's header."""
    answer = manager_api.get(api_url(report), JANUARY)
    assert answer.status_code == 200, answer.content
    data = answer.json()
    client = client_for(transit_manager)
    coded = read_csv(client.get(download_url(report, "csv"), {**JANUARY, "columns": "codes"}))
    titled = read_csv(client.get(download_url(report, "csv"), JANUARY))
    assert [column["code"] for column in data["columns"]] == coded[0]
    assert [column["title"] for column in data["columns"]] == titled[0]
    assert [row["key"] for row in data["rows"]] == [line[0] for line in coded[1:]]
    for row, line in zip(data["rows"], coded[1:], strict=True):
        assert [as_csv(value) for value in row["values"].values()] == line
    assert (data["report"], data["shelter"], data["shelters"]) == (report, TRANSIT, [TRANSIT])
    assert (data["start"], data["end"]) == ("2025-01-01", "2025-01-31")


def test_known_answers(manager_api, transit_residents):
    def rows(report, query=JANUARY):
        return {row["key"]: row for row in manager_api.get(api_url(report), query).json()["rows"]}

    occupancy = rows("occupancy")
    assert set(occupancy) == {TRANSIT, "total"}
    total = occupancy["total"]["values"]
    assert (total["available_bed_nights"], total["occupied_bed_nights"]) == (1240, 46)
    assert total["exits_family_reunification_home_village"] == 1 and total["leavers_median_nights"] == 10.0
    assert total["utilisation_plausible"] is False and total["shelter_code"] == "total"

    table = rows("shelter-table")
    assert table["trafficking"]["label"] == "Human trafficking"
    assert table["trafficking"]["values"] == {
        "category": "trafficking",
        "total": 2,
        "female": 2,
        "male": 0,
        "under_18_total": 1,
        "under_18_female": 1,
        "under_18_male": 0,
        "adult_total": 1,
        "adult_female": 1,
        "adult_male": 0,
    }
    assert table["total"]["values"]["total"] == 3

    years = rows("by-year", {**JANUARY, "start": "2024-06-01"})
    assert years["total"]["values"] == {
        "category": "total",
        "residents_2024": 1,
        "children_2024": 0,
        "residents_2025": 3,
        "children_2025": 1,
    }

    weeks = rows("utilisation")  # a month: ISO weeks, the first and last clipped to the period
    assert next(iter(weeks)) == "2025-01-01" and weeks["2025-01-01"]["values"]["end"] == "2025-01-05"
    assert sum(row["values"]["occupied_bed_nights"] for row in weeks.values()) == 46


def test_codes_and_keys_do_not_change_with_the_language(manager_api, transit_residents):
    english = manager_api.get(api_url("shelter-table"), JANUARY).json()
    lao = manager_api.get(api_url("shelter-table"), JANUARY, HTTP_ACCEPT_LANGUAGE="lo").json()
    assert [c["code"] for c in lao["columns"]] == [c["code"] for c in english["columns"]]
    assert [r["values"] for r in lao["rows"]] == [r["values"] for r in english["rows"]]
    assert lao["columns"][1]["title"] != english["columns"][1]["title"]  # "Total", translated


def test_every_count_of_the_shelter_table_is_a_column():
    """A count added to the table's rows must be given a code and a title, and then appears in
    the API, the CSV and the XLSX without more; a row the table gains appears under its key."""
    counts = [f.name for f in fields(ShelterTableRow) if f.type == "int"]
    assert [code for code, _title in exports.shelter_table_columns()] == counts
    assert len(ShelterTableRow(None, "Total").counts()) == len(counts)
    rows = [ShelterTableRow("trafficking", "T", total=2), ShelterTableRow(None, "Total", total=2)]
    sheet = exports.shelter_table_sheet(rows, "title")
    assert sheet.keys == ["trafficking", "total"]
    assert list(sheet.lines("codes")) == [["trafficking", 2, *[0] * 8], ["total", 2, *[0] * 8]]


# --- Scope and refusals ----------------------------------------------------------------------------
def test_a_manager_sees_only_the_shelters_the_page_shows_him(manager_api, transit_manager, transit_residents):
    data = manager_api.get(api_url("occupancy"), {"start": "2025-01-01", "end": "2025-01-31"}).json()
    page = client_for(transit_manager).get(reverse("shelters:occupancy-report"), {"start": "2025-01-01"})
    assert data["shelter"] is None
    assert data["shelters"] == [row.shelter.code for row in page.context["occupancy"].rows] == [TRANSIT]
    for code in ("lwu-cpc-vientiane", "no-such-shelter"):  # outside the scope looks like missing
        answer = manager_api.get(api_url("occupancy"), {**JANUARY, "shelter": code})
        assert answer.status_code == 404 and answer.json()["code"] == "not_found"


def test_shelter_staff_report_on_the_shelters_they_are_posted_to(api, staff):
    api.force_authenticate(staff)
    data = api.get(api_url("shelter-table")).json()
    assert data["shelters"] == ["lwu-cpc-vientiane", "sengsavang-savannakhet"]
    assert api.get(api_url("shelter-table"), {"shelter": TRANSIT}).status_code == 404


def test_an_unknown_report_is_not_found(manager_api):
    answer = manager_api.get(api_url("people"), JANUARY)
    assert answer.status_code == 404 and answer.json()["code"] == "not_found"


def test_users_without_a_shelter_to_report_on_are_refused(api, people):
    for user in (people.outsider, people.statistician, people.police):
        api.force_authenticate(user)
        for report in REPORTS:
            assert api.get(api_url(report), JANUARY).status_code == 403
    api.force_authenticate(None)
    assert api.get(api_url("occupancy"), JANUARY).status_code in (401, 403)


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"start": "2025-02-30"}, "start", "Enter the date as day/month/year"),
        ({"start": "1899-12-31"}, "start", "Enter a year between 1900 and 2199."),
        ({"end": "9999-12-31"}, "end", "Enter a year between 1900 and 2199."),
        ({"end": ""}, "end", "This field is required"),
        ({"start": "2025-03-31", "end": "2025-03-01"}, "end", "The last date is before the first."),
        ({"start": "2015-01-01", "end": "2025-01-01"}, "end", "Choose a period of at most ten years."),
    ],
)
def test_bad_input_is_a_400_with_the_field_and_no_audit_row(manager_api, query, field, message):
    before = AuditEvent.objects.count()
    for report in REPORTS:
        answer = manager_api.get(api_url(report), {**JANUARY, **query})
        assert answer.status_code == 400
        body = answer.json()
        assert body["code"] == "invalid" and list(body["errors"]) == [field]
        assert message in body["errors"][field][0]
    assert AuditEvent.objects.count() == before


# --- Audit and queries -----------------------------------------------------------------------------
def test_each_answer_writes_one_export_row(manager_api, transit_manager):
    for report in REPORTS:
        assert manager_api.get(api_url(report), JANUARY).status_code == 200
        row = AuditEvent.objects.filter(action="export", object_type="shelter_report").latest("at")
        assert (row.actor, row.object_id) == (transit_manager, f"{report}.json")
        assert sorted(row.fields) == ["end=2025-01-31", f"shelter={TRANSIT}", "start=2025-01-01"]
    assert AuditEvent.objects.filter(action="export", object_type="shelter_report").count() == len(REPORTS)


QUERIES = {"occupancy": 12, "shelter-table": 9, "by-year": 9, "utilisation": 9}


@pytest.mark.parametrize("report", REPORTS)
def test_a_report_costs_a_fixed_number_of_queries(
    manager_api, transit_residents, report, django_assert_max_num_queries
):
    """Whatever the period and the number of stays: the scope, the report's own queries (one
    transaction), the shelters' codes, the audit row."""
    with django_assert_max_num_queries(QUERIES[report]):
        assert manager_api.get(api_url(report), {"start": "2016-01-01", "end": "2025-12-31"}).status_code == 200


# --- Downloads with column codes -------------------------------------------------------------------
def test_csv_and_xlsx_with_codes(transit_manager, transit_residents):
    client = client_for(transit_manager)
    coded = read_csv(client.get(download_url("shelter-table", "csv"), {**JANUARY, "columns": "codes"}))
    assert coded[0][:4] == ["category", "total", "female", "male"]
    assert coded[1] == ["trafficking", "2", "2", "0", "1", "1", "0", "1", "1", "0"]
    assert coded[-1][0] == "total"
    occupancy = read_csv(client.get(download_url("occupancy", "csv"), {**JANUARY, "columns": "codes"}))
    assert occupancy[-1][occupancy[0].index("utilisation_plausible")] == "false"
    titled = read_csv(client.get(download_url("occupancy", "csv"), JANUARY))
    assert titled[-1][titled[0].index("Within 65-105 %")] == "no"

    response = client.get(download_url("by-year", "xlsx"), {**JANUARY, "columns": "codes"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.getvalue())).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[1] == ["category", "residents_2025", "children_2025"]
    assert rows[-1] == ["total", 3, 1]


def test_an_unknown_column_mode_is_a_400(transit_manager):
    response = client_for(transit_manager).get(download_url("occupancy", "csv"), {**JANUARY, "columns": "lao"})
    assert response.status_code == 400
    assert "columns=codes" in response.content.decode()
