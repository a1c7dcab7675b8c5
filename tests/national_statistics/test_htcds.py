"""The HTCDS v2.0 export (issue 20, item 6): one row per consenting person, one per step of
her journey and one per perpetrator linked to her case, in the standard's field names and codes,
validated against the standard's field list and code lists (tests/fixtures/htcds_v2_fields.json,
read from github.com/UNMigration/HTCDS at commit 3c2f653); de-identified; CSV and XLSX; audited;
managers and statisticians only."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import AuditAction, AuditEvent, Country
from casework.models import JourneyCode, ServiceType
from casework.services import cases, perpetrators
from casework.services.journey import journey_event_add
from national_statistics import htcds
from national_statistics.queries import Scope
from referrals.services import consent_record, consent_withdraw
from tests.clients import client_for
from tests.factories import open_case

pytestmark = pytest.mark.django_db
STANDARD = json.loads((Path(__file__).resolve().parents[1] / "fixtures" / "htcds_v2_fields.json").read_text())
ADULT = {"given_name_latin": "Keo", "family_name_latin": "Zyxwv", "sex": "female", "date_of_birth": date(1996, 7, 9)}


@pytest.fixture
def case_person():
    return ADULT


def consent(case, categories=("htcds",), **extra):
    iom = case.owner.__class__.objects.get(code="iom")
    services = [] if list(categories) == ["htcds"] else [ServiceType.objects.get(code="shelter")]
    return consent_record(
        actor=case.assigned_worker,
        case=case,
        recipient=iom,
        data_categories=categories,
        service_types=services,
        purpose="HTCDS data sharing with IOM",
        given_by="person",
        **extra,
    )


@pytest.fixture
def exported(people, case):
    """The case with a consent and a journey; beside it cases that must not be exported."""
    consent(case)
    worker = people.social_worker
    journey_event_add(
        actor=worker,
        case=case,
        stage="recruitment",
        country=Country.objects.get(code="LA"),
        place="Ban Zyxwv, Champasak",
        started_on=date(2024, 11, 20),
        recruitment_methods=["through_online_social_networks", "through_friends_or_social_events"],
        recruiter_relationship="acquainted",
        apps=["facebook"],
        promise="Secret promise text",
    )
    journey_event_add(actor=worker, case=case, stage="transit", country=Country.objects.get(code="TH"),
                      started_on=date(2024, 12, 2), crossed_border=True, irregular_crossing=True)  # fmt: skip
    journey_event_add(
        actor=worker,
        case=case,
        stage="exploitation",
        country=Country.objects.get(code="MM"),
        started_on=date(2024, 12, 5),
        exploitation_types=["forced_labour"],
        labour_industry="information_and_communication",
        methods_of_control=["withholds_documents", "debt_bondage"],
        forced_criminality=["online_scam"],
        apps=["telegram"],
    )
    journey_event_add(actor=worker, case=case, stage="exit", exit_kind="rescued", started_on=date(2025, 6, 1))
    no_consent = open_case(
        worker, person_values={**ADULT, "given_name_latin": "Other", "date_of_birth": date(1990, 1, 1)}
    )
    withdrawn = open_case(
        worker, person_values={**ADULT, "given_name_latin": "Third", "date_of_birth": date(1991, 1, 1)}
    )
    consent_withdraw(actor=worker, consent=consent(withdrawn))
    other = open_case(worker, person_values={**ADULT, "given_name_latin": "Fourth", "date_of_birth": date(1992, 1, 1)})
    consent(other, categories=("identity",))  # a consent, but not for this export
    rape = open_case(worker, category="rape", person_values={**ADULT, "given_name_latin": "Fifth"})
    consent(rape)  # not a trafficking case
    assert no_consent
    return case


def read_csv(response):
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def check_against_standard(header, rows):
    """Every column is an HTCDS field (or the record link, or a Pathway `x_` extension), and
    every value of a picklist column is one of the standard's codes."""
    fields = STANDARD["fields"]
    for column in header:
        assert column in fields or column == htcds.LINK or column.startswith("x_"), column
    for row in rows:
        for column, value in zip(header, row, strict=True):
            values = fields.get(column, {}).get("values")
            if values and value != "":
                assert set(value.split(";")) <= set(values), (column, value)


def test_the_victims_table_follows_the_standard_and_only_consenting_people_are_in_it(people, exported):
    response = client_for(people.manager).get(reverse("statistics:htcds-csv", args=["victims"]))
    assert response.status_code == 200
    header, *rows = read_csv(response)
    assert header == htcds.VICTIM_COLUMNS
    check_against_standard(header, rows)
    assert len(rows) == 1
    row = dict(zip(header, rows[0], strict=True))
    assert row["prs_Gender"] == "Feminine" and row["prs_Citizenship"] == "LA"
    assert row["vic_AgeWhenTrafficked"] == "28"  # on the first step of her journey, 20 November 2024
    assert row["vic_MethodOfRecruitment"] == "ThroughFriendsOrSocialEvents;ThroughOnlineSocialNetworks"
    assert row["vic_RelationshipToTrafficker"] == "Acquainted"
    assert row["vic_RecruitmentWebsitesAndApps"] == "Facebook"
    assert row["vic_ExploitationWebsitesAndApps"] == "Telegram"
    assert row["vic_MethodsOfControl"] == "DebtBondage;WithholdsDocuments"
    assert row["vic_ForcedLabourIndustry"] == "J_InformationAndCommunication"
    assert "ForcedLabour" in row["vic_TypeOfExploitation"].split(";")
    assert (row["x_ForcedCriminality"], row["x_ExitKind"], row["con_Consent"]) == ("online_scam", "rescued", "true")
    assert AuditEvent.objects.filter(actor=people.manager, action=AuditAction.EXPORT, object_id="victims.csv").exists()


def test_the_events_table_has_the_standard_types_and_months_only(people, exported):
    header, *rows = read_csv(client_for(people.statistician).get(reverse("statistics:htcds-csv", args=["events"])))
    assert header == htcds.EVENT_COLUMNS
    check_against_standard(header, rows)
    assert [row[1:] for row in rows] == [
        ["Recruitment", "LA", "2024-11"],
        ["Transit", "TH", "2024-12"],
        ["Exploitation", "MM", "2024-12"],
    ]  # the exit has no HTCDS type: it is the victim row's x_ExitKind


def test_nothing_identifying_leaves(people, exported):
    client = client_for(people.manager)
    text = "".join(
        b"".join(client.get(reverse("statistics:htcds-csv", args=[table])).streaming_content).decode()
        for table in ("victims", "events")
    )
    person = exported.person
    for secret in (person.given_name_latin, person.family_name_latin, person.case_code, "Zyxwv", "Secret", "1996",
                   str(exported.pk), "2024-11-20"):  # fmt: skip
        assert secret not in text


def test_the_xlsx_has_every_table(people, exported):
    response = client_for(people.manager).get(reverse("statistics:htcds-xlsx"))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    assert book.sheetnames == ["victims", "events", "perpetrators"]
    victims = [[("" if v is None else str(v)) for v in row] for row in book["victims"].iter_rows(values_only=True)]
    assert victims[0] == htcds.VICTIM_COLUMNS and len(victims) == 2
    check_against_standard(victims[0], victims[1:])
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, object_type="htcds", object_id="export.xlsx").exists()


def test_only_managers_and_statisticians_export(people, exported):
    for user in (people.social_worker, people.counsellor, people.police, people.shelter_staff, people.admin):
        client = client_for(user)
        assert client.get(reverse("statistics:htcds")).status_code == 403
        assert client.get(reverse("statistics:htcds-csv", args=["victims"])).status_code == 403
    assert client_for(people.statistician).get(reverse("statistics:htcds")).status_code == 200
    # Another province's manager exports none of this office's cases.
    rows = list(htcds.rows("victims", Scope(owners=frozenset({people.outsider.organisation_id}))))
    assert rows == []


def test_a_withdrawn_consent_stops_the_export(people, exported):
    assert len(list(htcds.rows("victims", Scope(owners=None)))) == 1
    consent_withdraw(actor=people.social_worker, consent=exported.consents.get())
    assert list(htcds.rows("victims", Scope(owners=None))) == []


def test_the_api_streams_the_same_tables(api, people, exported):
    api.force_authenticate(people.statistician)
    response = api.get("/api/v1/statistics/htcds/?table=events&file=csv")
    assert response.status_code == 200
    assert read_csv(response)[0] == htcds.EVENT_COLUMNS
    assert api.get("/api/v1/statistics/htcds/?table=people").status_code == 400
    api.force_authenticate(people.social_worker)
    assert api.get("/api/v1/statistics/htcds/").status_code == 403


def test_the_export_reads_in_a_fixed_number_of_queries(people, exported, django_assert_max_num_queries):
    for n in range(5):
        more = open_case(people.social_worker, person_values={**ADULT, "given_name_latin": f"Extra{n}"})
        consent(more)
        journey_event_add(actor=people.social_worker, case=more, stage="exit", exit_kind="escaped")
    with django_assert_max_num_queries(8):
        assert len(list(htcds.rows("victims", Scope(owners=None)))) == 6


def test_the_statistics_count_recruitment_and_forced_criminality_with_small_cells_hidden(people):
    """The new breakdowns of the national statistics: a person counts once under each value of
    her journey, and a count below the threshold (5) is hidden like any other."""
    from national_statistics import tables

    worker = people.social_worker
    for n in range(7):
        case = open_case(worker, person_values={**ADULT, "given_name_latin": f"Many{n}"})
        method = "through_online_social_networks" if n < 6 else "through_family_or_family_events"
        journey_event_add(actor=worker, case=case, stage="recruitment", recruitment_methods=[method])
        if n < 2:
            journey_event_add(actor=worker, case=case, stage="exploitation", forced_criminality=["online_scam"])
    table = tables.by_year("identified", "recruitment", first=2026, last=2026, scope=Scope(owners=None))
    shown = {line.label: line.values for line in table.lines if not line.is_total}
    online = JourneyCode.objects.get(list="recruitment_method", code="through_online_social_networks").name_en
    family = JourneyCode.objects.get(list="recruitment_method", code="through_family_or_family_events").name_en
    assert shown[family] == [None]  # one person: hidden (and a complement with it)
    assert set(shown) >= {online, family}
    assert [line.values for line in table.lines if line.is_total] == [[7]]
    crime = tables.by_year("identified", "forced_criminality", first=2026, last=2026, scope=Scope(owners=None))
    hidden = {line.label: line.values for line in crime.lines if not line.is_total}
    assert all(values == [None] for values in hidden.values())  # two and five persons: both hidden
    page = client_for(people.statistician).get(reverse("statistics:page"), {"breakdown": "recruitment"})
    assert page.status_code == 200 and online in page.content.decode()


def test_the_ctdc_export_gains_the_recruitment_channel_and_forced_criminality(people, settings):
    from national_statistics import ctdc

    settings.STATISTICS_CTDC_K = 3
    worker = people.social_worker
    for n in range(4):
        case = open_case(worker, person_values={**ADULT, "given_name_latin": f"Ctdc{n}"})
        journey_event_add(
            actor=worker, case=case, stage="recruitment", recruitment_methods=["through_online_social_networks"]
        )
        journey_event_add(actor=worker, case=case, stage="exploitation", forced_criminality=["online_scam"])
    result = ctdc.export(Scope(owners=None))
    names = [var.name for var in ctdc.VARIABLES]
    rows = [dict(zip(names, row, strict=True)) for row in result.rows()]
    assert len(rows) == 4
    assert {(row["recruitmentChannel"], row["forcedCriminality"]) for row in rows} == {("Online", "OnlineScam")}


# --- Perpetrators (per_, prs_): one row per perpetrator linked to an exported case -------------
SECRET_PERPETRATOR = {"known_as": "Qwxyz the broker", "notes": "Drives a white van from Qwxyz"}


@pytest.fixture
def with_perpetrators(people, orgs, exported):
    """Her recruiter, also linked to a second consenting person; her exploiter; and a
    perpetrator of a person without a consent, who must stay out."""
    police = people.police
    cases.case_share(actor=people.social_worker, case=exported, organisation=orgs.police, purpose="investigation")
    recruiter = perpetrators.perpetrator_add(
        actor=police, case=exported, roles=["recruiter", "sold"], relation="neighbour", sex="male",
        age_band="30_44", nationality=Country.objects.get(code="LA"), **SECRET_PERPETRATOR,
    )  # fmt: skip
    perpetrators.perpetrator_add(
        actor=police, case=exported, roles=["exploiter", "controlled"], relation="stranger", known_as="Boss",
        sex="female", age_band="unknown",
    )  # fmt: skip
    second = open_case(people.social_worker, person_values={**ADULT, "given_name_latin": "Sister"})
    consent(second)
    cases.case_share(actor=people.social_worker, case=second, organisation=orgs.police, purpose="investigation")
    perpetrators.perpetrator_link(
        actor=police, case=second, perpetrator=recruiter.perpetrator, roles=["recruiter"], relation="family"
    )
    hidden = open_case(people.social_worker, person_values={**ADULT, "given_name_latin": "Unconsenting"})
    cases.case_share(actor=people.social_worker, case=hidden, organisation=orgs.police, purpose="investigation")
    perpetrators.perpetrator_add(actor=police, case=hidden, roles=["kidnapper"], known_as="Hidden one")
    return recruiter.perpetrator


def test_the_perpetrators_table_follows_the_standard_with_one_number_per_perpetrator(people, with_perpetrators):
    response = client_for(people.statistician).get(reverse("statistics:htcds-csv", args=["perpetrators"]))
    assert response.status_code == 200
    header, *rows = read_csv(response)
    assert header == htcds.PERPETRATOR_COLUMNS
    check_against_standard(header, rows)
    assert set(htcds.PERPETRATOR_COLUMNS) - {htcds.LINK, "x_PerpetratorNumber", "x_AgeBand"} <= set(STANDARD["fields"])
    shown = [dict(zip(header, row, strict=True)) for row in rows]
    assert len(shown) == 3  # the unconsenting person's perpetrator is not in it
    victims = {row[0]: row for row in read_csv(client_for(people.statistician).get(
        reverse("statistics:htcds-csv", args=["victims"])))[1:]}  # fmt: skip
    assert {row[htcds.LINK] for row in shown} <= set(victims) and len(victims) == 2
    recruiter = [row for row in shown if "RecruiterOrIntermediary" in row["per_RoleInProcess"]]
    assert len(recruiter) == 2 and len({row["x_PerpetratorNumber"] for row in recruiter}) == 1
    assert len({row[htcds.LINK] for row in recruiter}) == 2  # one perpetrator, two victims
    by_roles = {row["per_RoleInProcess"]: row for row in shown}
    mine = by_roles["RecruiterOrIntermediary;SoldIndividual"]
    assert (mine["prs_Gender"], mine["prs_Citizenship"], mine["vic_RelationshipToTrafficker"], mine["x_AgeBand"]) == (
        "Masculine", "LA", "Acquainted", "30_44"
    )  # fmt: skip
    boss = by_roles["ControlledIndividual;Exploiter"]
    assert (boss["prs_Gender"], boss["prs_Citizenship"], boss["vic_RelationshipToTrafficker"]) == (
        "Feminine", "", "Unaquainted"
    )  # fmt: skip
    assert by_roles["RecruiterOrIntermediary"]["vic_RelationshipToTrafficker"] == "Familial"
    assert boss["x_PerpetratorNumber"] != mine["x_PerpetratorNumber"]
    # Each row points at its own victim: hers was rescued (x_ExitKind), her sister's has no journey.
    assert "rescued" in victims[boss[htcds.LINK]] and "rescued" in victims[mine[htcds.LINK]]
    assert "rescued" not in victims[by_roles["RecruiterOrIntermediary"][htcds.LINK]]
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, object_id="perpetrators.csv").exists()


def test_no_perpetrator_name_note_or_id_leaves(people, with_perpetrators):
    client = client_for(people.manager)
    text = b"".join(client.get(reverse("statistics:htcds-csv", args=["perpetrators"])).streaming_content).decode()
    book = load_workbook(io.BytesIO(b"".join(client.get(reverse("statistics:htcds-xlsx")).streaming_content)))
    sheet = "\n".join(str(cell) for row in book["perpetrators"].iter_rows(values_only=True) for cell in row)
    assert len(text.splitlines()) == 4 and len(sheet.splitlines()) == 4 * len(htcds.PERPETRATOR_COLUMNS)
    for secret in ("Qwxyz", "van", "Boss", "Hidden", str(with_perpetrators.pk), str(with_perpetrators.pk)[:8]):
        assert secret not in text and secret not in sheet


def test_a_withdrawn_consent_takes_her_perpetrators_out(people, with_perpetrators):
    assert len(list(htcds.rows("perpetrators", Scope(owners=None)))) == 3
    exported = with_perpetrators.links.get(roles=["recruiter", "sold"]).case
    consent_withdraw(actor=people.social_worker, consent=exported.consents.get())
    assert [row[2:] for row in htcds.rows("perpetrators", Scope(owners=None))] == [
        ["Masculine", "LA", "RecruiterOrIntermediary", "Familial", "30_44"]
    ]
    assert list(htcds.rows("perpetrators", Scope(owners=frozenset({people.outsider.organisation_id})))) == []


def test_the_perpetrators_table_is_one_statement(people, with_perpetrators, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        assert len(list(htcds.rows("perpetrators", Scope(owners=None)))) == 3
