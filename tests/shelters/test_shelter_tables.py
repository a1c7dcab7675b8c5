"""The shelters' own tables, exactly (issue 18): trafficking broken down by form of exploitation in
the shelters' table and the by-year table, and non-residential assistance by kind, sex and age.
Every cell below is worked out by hand from the fixture (docs/reports.md has the definitions)."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.urls import reverse

from accounts.models import Province
from casework.choices import CaseCategory
from casework.models import ExploitationForm
from shelters import reports
from shelters.models import AssistanceKind, NonResidentialAssistance, Shelter
from tests.clients import client_for
from tests.factories import open_case, refer_to_shelter, stay_as_admitted

pytestmark = pytest.mark.django_db

START, END = date(2024, 1, 1), date(2025, 12, 31)
ZERO = (0,) * 9


def person_case(actor, sex, *, born=None, estimate=None, estimated_on=None, category="trafficking", forms=()):
    values = {"given_name_latin": "Table", "family_name_latin": "Synthetic", "sex": sex}
    if born:
        values["date_of_birth"] = born
    if estimate is not None:
        values.update(estimated_age=estimate, age_estimated_on=estimated_on)
    return open_case(
        actor,
        category=category,
        identified_on=date(2023, 12, 1),
        person_values=values,
        exploitation_forms=ExploitationForm.objects.filter(code__in=forms),
    )


@pytest.fixture
def shelter(orgs):
    return Shelter.objects.create(
        code="t-tables", name_en="Tables shelter", operator=orgs.mlsw_vt, province=Province.objects.get(code="VT")
    )


@pytest.fixture
def residents(people, shelter):
    """Residents of 2024-2025:
    p1 female, born 2000-05-01, forced labour: [2024-03-01, 2024-06-01), 23: adult
    p2 female, born 2006-08-15, sexual exploitation and forced labour: [2024-07-01, 2024-10-01),
       17 at admission, 18 on 15 August during the stay: under 18
    p3 male, born 1990-01-01, forced marriage (an "other" form): [2024-11-01, 2025-02-01) and
       [2025-06-01, 2025-07-01), stays in two years: adult, once per row
    p4 female, estimated 16 on 2024-01-10, no form recorded: [2024-01-15, 2025-03-01): under 18
    p5 male, born 2010-01-01, child labour (not trafficking): [2025-01-01, open), 15: under 18
    """
    sw, actor = people.social_worker, people.manager
    p1 = person_case(sw, "female", born=date(2000, 5, 1), forms=["forced_labour"])
    p2 = person_case(sw, "female", born=date(2006, 8, 15), forms=["sexual_exploitation", "forced_labour"])
    p3 = person_case(sw, "male", born=date(1990, 1, 1), forms=["forced_marriage"])
    p4 = person_case(sw, "female", estimate=16, estimated_on=date(2024, 1, 10))
    p5 = person_case(sw, "male", born=date(2010, 1, 1), category="child_labour")
    stay_as_admitted(p1, shelter, date(2024, 3, 1), date(2024, 6, 1), actor=actor)
    stay_as_admitted(p2, shelter, date(2024, 7, 1), date(2024, 10, 1), actor=actor)
    stay_as_admitted(p3, shelter, date(2024, 11, 1), date(2025, 2, 1), actor=actor)
    stay_as_admitted(p3, shelter, date(2025, 6, 1), date(2025, 7, 1), actor=actor)
    stay_as_admitted(p4, shelter, date(2024, 1, 15), date(2025, 3, 1), actor=actor)
    stay_as_admitted(p5, shelter, date(2025, 1, 1), None, actor=actor)
    return SimpleNamespace(p2=p2, p4=p4)


def only(shelter):
    return Shelter.objects.filter(pk=shelter.pk)


def by_key(rows):
    return {row.key: row.counts() for row in rows}


def test_trafficking_by_form_of_exploitation(residents, shelter):
    #                                 total F  M  <18 F  M  18+ F  M
    table = by_key(reports.shelter_table(only(shelter), START, END, by_exploitation=True))
    assert table["trafficking"] == (4, 3, 1, 2, 2, 0, 2, 1, 1)
    assert table["trafficking.labour"] == (2, 2, 0, 1, 1, 0, 1, 1, 0)  # p1, p2
    assert table["trafficking.sexual"] == (1, 1, 0, 1, 1, 0, 0, 0, 0)  # p2: 18 during the stay, counted under 18
    assert table["trafficking.other"] == (1, 0, 1, 0, 0, 0, 1, 0, 1)  # p3: two stays, once
    assert table["trafficking.not_recorded"] == (1, 1, 0, 1, 1, 0, 0, 0, 0)  # p4, by her dated estimate
    assert table["child_labour"] == (1, 0, 1, 1, 0, 1, 0, 0, 0)
    assert table["risk_group"] == ZERO
    assert table["total"] == (5, 3, 2, 3, 2, 1, 2, 1, 1)


def test_the_forms_are_rows_under_trafficking_only_when_asked(residents, shelter):
    plain = reports.shelter_table(only(shelter), START, END)
    broken_down = reports.shelter_table(only(shelter), START, END, by_exploitation=True)
    assert [row.key for row in plain][:2] == ["trafficking", "risk_group"]
    assert [row.key for row in broken_down][:6] == [
        "trafficking",
        "trafficking.labour",
        "trafficking.sexual",
        "trafficking.other",
        "trafficking.not_recorded",
        "risk_group",
    ]
    assert by_key(plain) == {key: value for key, value in by_key(broken_down).items() if "." not in key}


def test_residents_by_year_and_form(residents, shelter):
    """2024: p1-p4 (children p2, p4); 2025: p3 (both stays), p4 until March, p5."""
    table = reports.residents_by_year(only(shelter), 2024, 2025, by_exploitation=True)
    cells = {row.key: [(cell.residents, cell.children) for cell in row.cells] for row in [*table.rows, table.total]}
    assert cells["trafficking"] == [(4, 2), (2, 1)]
    assert cells["trafficking.labour"] == [(2, 1), (0, 0)]
    assert cells["trafficking.sexual"] == [(1, 1), (0, 0)]
    assert cells["trafficking.other"] == [(1, 0), (1, 0)]
    assert cells["trafficking.not_recorded"] == [(1, 1), (1, 1)]
    assert cells["child_labour"] == [(0, 0), (1, 1)]
    assert cells["total"] == [(4, 2), (3, 2)]
    plain = reports.residents_by_year(only(shelter), 2024, 2025)
    assert [row.key for row in plain.rows] == [row.key for row in table.rows if row.exploitation is None]


def test_a_corrected_form_or_age_moves_the_cells(residents, shelter, people):
    """The tables read the case's forms and the stays' ages as they are now."""
    from casework.services.cases import case_update
    from casework.services.people import person_update

    case_update(
        actor=people.social_worker, case=residents.p4, exploitation_forms=ExploitationForm.objects.filter(code="other")
    )
    person_update(actor=people.social_worker, person=residents.p4.person, estimated_age=20)
    table = by_key(reports.shelter_table(only(shelter), START, END, by_exploitation=True))
    assert table["trafficking.not_recorded"] == ZERO
    assert table["trafficking.other"] == (2, 1, 1, 0, 0, 0, 2, 1, 1)


@pytest.fixture
def assisted(people, shelter):
    """Non-residential assistance in 2024:
    p6 female, born 2006-12-01: child labour on 2024-03-01 (17) and 2024-12-15 (18): once, under
       18 (the lowest age); transferred back from abroad on 2024-12-20 (18): adult
    p7 male, estimated 30 on 2024-01-01: trafficking on 2024-05-01; and on 2025-02-01 (not 2024)
    p8 female, age unknown: a record without a kind on 2024-06-01 (not recorded; no age column)
    """
    sw, actor = people.social_worker, people.manager
    p6 = person_case(sw, "female", born=date(2006, 12, 1), category="child_labour")
    p7 = person_case(sw, "male", estimate=30, estimated_on=date(2024, 1, 1))
    p8 = person_case(sw, "female", category="vulnerable")
    kinds = {kind.code: kind for kind in AssistanceKind.objects.all()}
    records = [
        (p6, "child_labour", date(2024, 3, 1)),
        (p6, "child_labour", date(2024, 12, 15)),
        (p6, "returned_from_abroad", date(2024, 12, 20)),
        (p7, "trafficking", date(2024, 5, 1)),
        (p7, "trafficking", date(2025, 2, 1)),
        (p8, None, date(2024, 6, 1)),
    ]
    for case, kind, day in records:
        NonResidentialAssistance.objects.create(
            shelter=shelter, person=case.person, case=case, kind=kinds.get(kind), assisted_on=day, recorded_by=actor
        )


def test_non_residential_assistance_by_kind_sex_and_age(assisted, shelter):
    rows = reports.non_residential_table(only(shelter), date(2024, 1, 1), date(2024, 12, 31))
    table = by_key(rows)
    #                                   total F  M  <18 F  M  18+ F  M
    assert table["child_labour"] == (1, 1, 0, 1, 1, 0, 0, 0, 0)
    assert table["returned_from_abroad"] == (1, 1, 0, 0, 0, 0, 1, 1, 0)
    assert table["trafficking"] == (1, 0, 1, 0, 0, 0, 1, 0, 1)
    assert table["vulnerable"] == ZERO
    assert table["not_recorded"] == (1, 1, 0, 0, 0, 0, 0, 0, 0)
    assert table["total"] == (3, 2, 1, 1, 1, 0, 1, 0, 1)
    seeded = list(AssistanceKind.objects.filter(active=True).values_list("code", flat=True))
    assert [row.key for row in rows] == [*seeded, "not_recorded", "total"]
    assert rows[-2].label == "Not recorded"


def test_no_row_for_records_without_a_kind_when_there_are_none(assisted, shelter):
    rows = reports.non_residential_table(only(shelter), date(2025, 1, 1), date(2025, 12, 31))
    assert "not_recorded" not in by_key(rows)
    assert by_key(rows)["trafficking"] == (1, 0, 1, 0, 0, 0, 1, 0, 1)  # p7 in 2025: 31


def test_the_page_and_downloads_show_the_new_cells(residents, assisted, shelter, people):
    client = client_for(people.manager)
    query = {"shelter": shelter.code, "start": "2024-01-01", "end": "2024-12-31", "by_form": "on"}
    page = client.get(reverse("shelters:occupancy-report"), query)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Human trafficking: labour exploitation" in html
    assert "Non-residential assistance by kind, sex and age" in html
    assert "by_form=on" in html  # the downloads keep the choice
    shelter_csv = client.get(reverse("shelters:report-download", args=["shelter-table", "csv"]), query)
    lines = list(csv.reader(io.StringIO(b"".join(shelter_csv.streaming_content).decode("utf-8-sig"))))
    by_label = {line[0]: line[1:] for line in lines[1:]}
    assert by_label["Human trafficking: sexual exploitation"] == ["1", "1", "0", "1", "1", "0", "0", "0", "0"]
    kinds_csv = client.get(reverse("shelters:report-download", args=["non-residential", "csv"]), query)
    lines = list(csv.reader(io.StringIO(b"".join(kinds_csv.streaming_content).decode("utf-8-sig"))))
    assert lines[0][0] == "Kind of assistance"
    assert {line[0]: line[1:] for line in lines[1:]}["Transferred back from abroad"] == [
        "1",
        "1",
        "0",
        "0",
        "0",
        "0",
        "1",
        "1",
        "0",
    ]
    xlsx = client.get(reverse("shelters:report-download", args=["by-year", "xlsx"]), query)
    assert xlsx.status_code == 200


def test_every_case_category_is_a_kind_of_assistance(reference):
    """The demo generator records a child's assistance under its case's category."""
    assert set(CaseCategory.values) <= set(AssistanceKind.objects.values_list("code", flat=True))


def test_the_api_records_and_gives_the_kind(api, people, staff, cpc, today):
    case = open_case(people.social_worker)
    refer_to_shelter(case, cpc)
    api.force_authenticate(staff)
    url = reverse("v1:non-residential-list")
    body = {"shelter": cpc.code, "case": str(case.pk), "assisted_on": str(today), "service_types": ["legal_aid"]}
    unknown = api.post(url, {**body, "kind": "no-such-kind"}, format="json")
    assert unknown.status_code == 400 and "kind" in unknown.json()["errors"]
    AssistanceKind.objects.filter(code="rape").update(active=False)
    retired = api.post(url, {**body, "kind": "rape"}, format="json")
    assert retired.status_code == 400 and "kind" in retired.json()["errors"]
    assert not NonResidentialAssistance.objects.exists()
    created = api.post(url, {**body, "kind": "returned_from_abroad"}, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["kind"] == "returned_from_abroad"
    unrecorded = api.post(url, {**body, "assisted_on": str(today - timedelta(days=1))}, format="json")
    assert unrecorded.status_code == 201 and unrecorded.json()["kind"] is None
