"""National statistics with hand-built data: what each count counts, that no published figure
is below the threshold or recoverable from the totals, that the CTDC-style export is
k-anonymous, who may see what, and that downloads are audited."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from datetime import UTC, date, datetime

import openpyxl
import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from accounts.models import AuditAction, AuditEvent, Country
from casework.models import Case, ExploitationForm, Repatriation
from national_statistics import ctdc, queries, tables
from national_statistics.permissions import run_statistics, statistics_owners
from national_statistics.queries import Scope
from tests.clients import client_for
from tests.factories import open_case
from tests.permission_checks import assert_predicate_matches_filter

pytestmark = pytest.mark.django_db
EVERYONE = Scope(owners=None)
YEARS = {"first": "2024", "last": "2025"}


def register(actor, n, *, year, sex="female", age=30, category="trafficking", forms=(), **values):
    """n new persons, each with one case identified on 1 March of `year`."""
    made = []
    for _ in range(n):
        person = {"given_name_latin": "Statname", "family_name_latin": "Synthetic", "sex": sex}
        person["date_of_birth"] = date(year - age, 1, 1)
        made.append(
            open_case(
                actor,
                category=category,
                identified_on=date(year, 3, 1),
                person_values=person,
                exploitation_forms=[ExploitationForm.objects.get(code=code) for code in forms],
                **values,
            )
        )
    return made


def published_cells(table):
    values = [v for line in table.lines for v in [*line.values, line.total]]
    return [v for v in values if v is not None]


# --- What is counted ------------------------------------------------------------------------------
def test_identified_counts_distinct_persons_by_sex_and_year(people):
    sw = people.social_worker
    register(sw, 7, year=2024)
    register(sw, 2, year=2024, sex="male")
    twice = register(sw, 1, year=2025)[0]  # a second case the same year counts the person once
    open_case(sw, person=twice.person, category="risk_group", identified_on=date(2025, 6, 1))
    register(sw, 6, year=2025)
    counts = queries.counts(
        "identified", "sex", "year", first=2024, last=2025, scope=EVERYONE, row_values=["female", "male", "other"],
        col_values=["2024", "2025"],
    )  # fmt: skip
    assert counts.cells == [[7, 7], [2, 0], [0, 0]]
    assert counts.col_totals == [9, 7]


def test_a_small_cell_is_hidden_with_its_complements_and_none_can_be_recovered(people):
    sw = people.social_worker
    register(sw, 7, year=2024)
    register(sw, 2, year=2024, sex="male")
    register(sw, 9, year=2025)
    register(sw, 8, year=2025, sex="male")
    table = tables.by_year("identified", "sex", first=2024, last=2025, scope=EVERYONE)
    female, male, other, total = table.lines
    assert male.values == [None, 8]  # 2 < 5
    assert female.values == [None, 9]  # its complement: 7 alone would give it away (9 - 7)
    assert female.total is None and male.total is None  # a sum over a hidden figure is hidden
    assert all(v == 0 or v >= tables.threshold() for v in published_cells(table))
    assert total.values == [9, 17] and total.total == 26 and other.values == [0, 0]


def test_the_threshold_is_a_setting(people, settings):
    register(people.social_worker, 7, year=2024)
    register(people.social_worker, 6, year=2024, sex="male")
    settings.STATISTICS_MIN_CELL = 7
    table = tables.by_year("identified", "sex", first=2024, last=2024, scope=EVERYONE)
    assert all(v == 0 or v >= 7 for v in published_cells(table))
    assert table.lines[1].values == [None]


def test_rare_nationalities_are_hidden_alike_in_every_year_range(people):
    sw = people.social_worker
    register(sw, 6, year=2024)
    register(sw, 6, year=2025)
    for code in ("TH", "VN"):
        for case in register(sw, 2, year=2024):
            case.person.nationality = Country.objects.get(code=code)
            case.person.save(update_fields=["nationality"])
    for first, last in ((2024, 2024), (2024, 2025), (2023, 2024)):
        table = tables.by_year("identified", "nationality", first=first, last=last, scope=EVERYONE)
        by_label = {line.label: line for line in table.lines}
        column = list(range(first, last + 1)).index(2024)
        assert all(by_label[Country.objects.get(code=c).name_en].values[column] is None for c in ("TH", "VN"))
        assert any(line.values[column] == 6 for line in table.lines) and by_label["Total"].values[column] == 10


def test_repatriated_by_country_of_return_and_reintegrated(people):
    sw = people.social_worker
    thailand, china = Country.objects.get(code="TH"), Country.objects.get(code="CN")
    for country, n in ((thailand, 6), (china, 5)):
        for case in register(sw, n, year=2024):
            Repatriation.objects.create(
                case=case, flow="thailand_mou" if country == thailand else "china", from_country=country,
                status="completed", started_by=sw, completed_at=datetime(2025, 2, 1, tzinfo=UTC),
            )  # fmt: skip
    closed = register(sw, 5, year=2024)
    Case.objects.filter(pk__in=[c.pk for c in closed]).update(
        status="closed", closure_reason="reintegrated", closure_approved_by=people.manager,
        closed_at=datetime(2025, 5, 1, tzinfo=UTC),
    )  # fmt: skip
    table = tables.repatriated(first=2024, last=2025, scope=EVERYONE)
    by_country = {line.label: line.values for line in table.lines}
    assert by_country["Thailand"] == [0, 6] and by_country["China"] == [0, 5]
    reintegrated = tables.by_year("reintegrated", "sex", first=2024, last=2025, scope=EVERYONE)
    assert reintegrated.lines[-1].values == [0, 5]


def test_a_managers_statistics_count_their_organisations_cases_only(people):
    register(people.social_worker, 6, year=2024)  # Vientiane office: the manager's
    register(people.outsider, 7, year=2024)  # Savannakhet office: not theirs
    mine = Scope(owners=statistics_owners(people.manager))
    assert queries.counts("identified", "sex", "year", first=2024, last=2024, scope=mine).col_totals == [6]
    assert queries.counts("identified", "sex", "year", first=2024, last=2024, scope=EVERYONE).col_totals == [13]


def test_run_statistics_predicate_matches_filter(people):
    cases = register(people.social_worker, 1, year=2024) + register(people.outsider, 1, year=2024)
    assert_predicate_matches_filter(run_statistics, people.all, cases)
    assert run_statistics.allows(people.statistician, cases[1])
    assert not run_statistics.allows(people.social_worker, None)


def test_the_worked_example_in_docs_statistics_md(settings):
    settings.STATISTICS_MIN_CELL = 5
    counts = queries.Counts(
        measure="identified",
        row_dimension="category",
        col_dimension="year",
        rows=["A", "B", "C"],
        cols=["2024", "2025", "2026"],
        cells=[[20, 3, 15], [12, 9, 30], [40, 18, 22]],
        col_totals=[72, 30, 67],
    )
    table = tables.publish(counts, "example")
    assert [(line.label, line.values, line.total) for line in table.lines] == [
        ("A", [20, None, 15], None),
        ("B", [12, None, 30], None),
        ("C", [40, 18, 22], 80),
        ("Total", [72, 30, 67], 169),
    ]
    assert table.sheet().rows[0] == ["A", 20, "x", 15, "x"]


# --- The CTDC-style export ----------------------------------------------------------------------
def test_the_export_is_k_anonymous_and_has_no_identifier(people, settings):
    settings.STATISTICS_CTDC_K = 5
    sw = people.social_worker
    register(sw, 12, year=2024, age=16, forms=["forced_labour"])
    register(sw, 9, year=2025, age=25, forms=["sexual_exploitation"])
    register(sw, 2, year=2025, age=50, sex="male", forms=["forced_marriage"])
    register(sw, 3, year=2025, category="rape")  # not trafficking: not exported
    response = client_for(people.statistician).get(reverse("statistics:ctdc", args=["csv"]), YEARS)
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    header, records = rows[0], rows[1:]
    assert header == [var.name for var in ctdc.VARIABLES]
    combinations = Counter(tuple(record) for record in records)
    assert combinations and min(combinations.values()) >= 5
    assert len(records) <= 23
    text = "\n".join(",".join(row) for row in rows)
    assert "Statname" not in text and "Synthetic" not in text and "VT-" not in text
    event = AuditEvent.objects.get(action=AuditAction.EXPORT, object_id="ctdc.csv")
    assert event.actor_id == people.statistician.pk


def test_the_report_page_says_what_was_generalised(people, settings):
    settings.STATISTICS_CTDC_K = 3
    register(people.social_worker, 4, year=2024, forms=["forced_labour"])
    response = client_for(people.statistician).get(reverse("statistics:ctdc-report"), YEARS)
    assert response.status_code == 200
    assert response.context["ctdc"].exported == 4
    html = response.content.decode()
    assert "yearOfRegistration" in html and "Statname" not in html


def test_the_xlsx_export_carries_the_report(people, settings):
    settings.STATISTICS_CTDC_K = 3
    register(people.social_worker, 4, year=2024, forms=["forced_labour"])
    response = client_for(people.manager).get(reverse("statistics:ctdc", args=["xlsx"]), YEARS)
    book = openpyxl.load_workbook(io.BytesIO(response.getvalue()))
    assert book.sheetnames == ["records", "report"]
    report = list(book["report"].iter_rows(values_only=True))
    assert any(row[0] and str(row[0]).startswith("k (") and row[1] == 3 for row in report)


VALUES = st.tuples(
    st.sampled_from(["2020", "2021", "2024", "2025"]),
    st.sampled_from(["Female", "Male", "Unknown"]),
    st.sampled_from(["", "0--8", "9--17", "18--20", "30--38", "48+"]),
    st.sampled_from(["", "LA", "TH", "VN", "FR"]),
    st.sampled_from(["", "LA", "TH", "CN", "MY"]),
    st.sampled_from(["", "ForcedLabour", "SexualExploit", "SexAndLabour", "ForcedMarriage", "OtherExploit"]),
    st.sampled_from(["", "DebtBondage", "Threats;WithholdsDocuments", "FalsePromises;PhysicalAbuse"]),
    st.sampled_from(["", "IntimatePartner", "FamilyOrFriend", "Other"]),
    st.sampled_from(["", "Online", "FamilyOrFriends", "Other"]),
    st.sampled_from(["", "OnlineScam", "OtherCrime"]),
)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(VALUES, st.integers(1, 30), max_size=60), st.integers(2, 15), st.sampled_from([0, 0.05, 0.2]))
def test_every_exported_combination_is_held_by_at_least_k_persons(histogram, k, share):
    result = ctdc.anonymise(Counter(histogram), k=k, max_suppressed=share)
    rows = Counter(result.rows())
    assert all(n >= k for n in rows.values())
    assert result.exported + result.suppressed == sum(histogram.values())
    assert len(result.rows()) == result.exported
    records = result.rows()  # made as read (flat memory): indexing agrees with iterating
    listed = list(records)
    assert listed == sorted(listed) and [records[i] for i in range(-len(listed), len(listed))] == listed * 2
    assert records[1:4] == listed[1:4]
    # suppression stays within the budget unless every variable is already fully generalised
    if result.suppressed > share * result.persons:
        assert all(level == var.top for level, var in zip(result.levels, ctdc.VARIABLES, strict=True))


def test_age_bands_and_exploitation_types_follow_ctdc():
    assert [ctdc.age_band(a) for a in (None, 0, 8, 9, 17, 18, 29, 30, 47, 48, 90)] == [
        "", "0--8", "0--8", "9--17", "9--17", "18--20", "27--29", "30--38", "39--47", "48+", "48+",
    ]  # fmt: skip
    assert ctdc.exploitation_type(["ForcedLabour", "SexualExploitation"]) == "SexAndLabour"
    assert ctdc.exploitation_type(["ForcedMarriage", "SexualExploitation"]) == "ForcedMarriage"
    assert ctdc.exploitation_type(["Servitude"]) == "ForcedLabour"
    assert ctdc.exploitation_type([]) == ""


# --- The page, charts and downloads ------------------------------------------------------------------
def test_the_page_shows_protected_tables_and_charts_and_no_person(people):
    sw = people.social_worker
    register(sw, 7, year=2024)
    register(sw, 2, year=2024, sex="male")
    response = client_for(people.statistician).get(
        reverse("statistics:page"), {**YEARS, "measure": "identified", "breakdown": "sex"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<svg") == 2 and "chart-png.js" in html and "data-png=" in html
    assert "Statname" not in html and "Synthetic" not in html
    table = response.context["tables"][0][1]
    assert table.lines[1].values[0] is None  # the two men
    shown = re.findall(r"<td>([^<]*)</td>", html)
    assert shown and all(v == tables.HIDDEN or int(v) == 0 or int(v) >= 5 for v in shown)


def test_the_trend_hides_a_small_year_and_shows_the_others(people):
    register(people.social_worker, 3, year=2024)
    register(people.social_worker, 7, year=2025)
    totals = tables.yearly_totals(first=2024, last=2025, scope=EVERYONE)
    assert totals["identified"] == [None, 7]  # 3 is small; no sum over the years is published
    table = tables.by_year("identified", "sex", first=2024, last=2025, scope=EVERYONE)
    assert table.lines[-1].values == [None, 7] and table.lines[-1].total is None


def test_the_province_chart_never_shows_a_hidden_figure(people):
    register(people.social_worker, 3, year=2024)  # 3 in Vientiane Capital: hidden
    response = client_for(people.manager).get(reverse("statistics:chart", args=["provinces"]), YEARS)
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    svg = response.content.decode()
    assert svg.startswith("<?xml") and "<svg" in svg
    assert ">3<" not in svg and ": 3" not in svg
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, object_id="provinces.svg").count() == 1


def test_table_downloads_show_x_for_hidden_cells(people):
    register(people.social_worker, 7, year=2024)
    register(people.social_worker, 2, year=2024, sex="male")
    query = {**YEARS, "measure": "identified", "breakdown": "sex"}
    response = client_for(people.statistician).get(reverse("statistics:download", args=["by-year", "csv"]), query)
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    male = next(row for row in rows if row[0] == "Male")
    assert male[1] == tables.HIDDEN
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, object_id="by-year.csv").exists()


def test_a_bad_request_is_a_400_and_other_roles_get_403(people):
    client = client_for(people.statistician)
    assert client.get(reverse("statistics:page"), {"first": "2026", "last": "2020"}).status_code == 400
    assert client.get(reverse("statistics:page"), {"measure": "identified", "breakdown": "country"}).status_code == 400
    for persona in ("social_worker", "police", "shelter_staff", "partner", "admin"):
        response = client_for(getattr(people, persona)).get(reverse("statistics:page"))
        assert response.status_code == 403, persona


def test_the_api_gives_the_same_protected_table(people, api):
    register(people.social_worker, 7, year=2024)
    register(people.social_worker, 2, year=2024, sex="male")
    api.force_authenticate(people.statistician)
    query = {"measure": "identified", "breakdown": "sex", "first": 2024, "last": 2024}
    body = api.get(reverse("v1:statistics-list"), query).json()
    assert body["columns"] == ["2024"] and body["threshold"] == 5
    assert [(line["label"], line["values"], line["total"]) for line in body["lines"]] == [
        ("Female", [None], None),
        ("Male", [None], None),
        ("Other / unknown", [0], 0),
        ("Total", [9], 9),
    ]
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, object_id="api").count() == 1
    assert api.get(reverse("v1:statistics-list"), {**query, "breakdown": "country"}).status_code == 400
    api.force_authenticate(people.police)
    assert api.get(reverse("v1:statistics-list"), query).status_code == 403


def test_the_page_runs_one_statement_per_table_whatever_the_years(people, django_assert_max_num_queries):
    """Six tables (the residents' grid and the three it is protected with in one statement; the
    legal proceedings' stages and outcomes), the trend, reference data: the fixed grid adds no
    statement, and none per year or per cell.
    Each statistics statement is three queries (pghistory's context, work_mem, the statement),
    after one that reads whether the summaries can answer (here they have not been counted), and
    one more for the page's "Counted ..."."""
    register(people.social_worker, 7, year=2024)
    register(people.social_worker, 2, year=2025, sex="male")
    client = client_for(people.statistician)
    for first, last in (("2025", "2025"), ("2007", "2026")):
        with django_assert_max_num_queries(51):
            response = client.get(reverse("statistics:page"), {"first": first, "last": last, "breakdown": "sex"})
        assert response.status_code == 200
