"""Legal proceedings in the national statistics (issue 20): persons by the stage their
proceedings reached (compensation ordered and paid among the stages) and by outcome, per year,
with the same small-cell protection as every table; on the page (English and Lao), in the
downloads and in the API, for whoever the statistics permissions let count."""

from __future__ import annotations

from datetime import date

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from casework.services.proceedings import proceeding_move, proceeding_open
from national_statistics import queries, summary, tables
from national_statistics.queries import Scope
from national_statistics.services import refresh_summaries
from tests.clients import client_for
from tests.factories import open_case

pytestmark = pytest.mark.django_db
EVERYONE = Scope(owners=None)
YEARS = {"first": 2024, "last": 2025}
PERSON = {"family_name_latin": "Zyxwv", "sex": "female", "date_of_birth": date(1996, 7, 9)}


def convicted(worker, n: int, *, paid: bool) -> None:
    """A person whose proceedings went from a complaint in 2024 to a verdict in 2025 and
    compensation ordered (and paid, or not) in 2025."""
    person = {**PERSON, "given_name_latin": f"Witness{n}"}
    case = open_case(worker, identified_on=date(2024, 1, 2), person_values=person)
    proceeding = proceeding_open(actor=worker, case=case, complaint_on=date(2024, 2, 1))
    for stage, on in (("investigation", date(2024, 3, 1)), ("prosecution", date(2024, 9, 1)),
                      ("trial", date(2025, 1, 10)), ("verdict", date(2025, 3, 1)), ("sentence", date(2025, 3, 2)),
                      ("compensation_ordered", date(2025, 3, 3))):  # fmt: skip
        proceeding = proceeding_move(actor=worker, proceeding=proceeding, stage=stage, on=on,
                                     outcome="convicted" if stage == "verdict" else "")  # fmt: skip
    if paid:
        proceeding_move(actor=worker, proceeding=proceeding, stage="compensation_paid", on=date(2025, 6, 1))


@pytest.fixture
def proceedings(people):
    """Seven persons convicted their perpetrators (five paid), two saw the complaint dropped."""
    worker = people.social_worker
    for n in range(7):
        convicted(worker, n, paid=n < 5)
    for n in range(2):
        case = open_case(worker, person_values={**PERSON, "given_name_latin": f"Dropped{n}"})
        proceeding = proceeding_open(actor=worker, case=case, complaint_on=date(2025, 4, 1))
        proceeding_move(actor=worker, proceeding=proceeding, stage="closed", on=date(2025, 5, 1), outcome="dropped")
    return people


def shown(table: tables.Published) -> dict[str, list[int | None]]:
    return {line.label: line.values for line in table.lines}


def test_persons_by_stage_reached_and_year_with_small_cells_hidden(proceedings):
    table = shown(tables.by_year("proceedings", "proceeding_stage", **YEARS, scope=EVERYONE))
    assert table["Complaint filed"] == [7, None]  # two in 2025: hidden, with a complement
    assert table["Trial"] == [0, 7] and table["Verdict"] == [0, 7]
    assert table["Compensation ordered"] == [0, 7] and table["Compensation paid"] == [0, 5]
    assert table["Closed"] == [0, None]
    assert table["Total"] == [7, 9]  # persons, once each per year whatever stages they reached
    outcomes = shown(tables.by_year("verdicts", "outcome", **YEARS, scope=EVERYONE))
    assert outcomes["Convicted"] == [0, None] and outcomes["Acquitted"] == [0, 0]  # the complement of 2
    assert outcomes["Charges dropped or investigation closed"] == [0, None]
    assert outcomes["Total"] == [0, 9]


def test_the_summaries_give_the_same_tables_as_the_raw_rows(proceedings):
    raw = [tables.by_year(*grid, **YEARS, scope=EVERYONE) for grid in (("proceedings", "proceeding_stage"),
                                                                        ("verdicts", "outcome"))]  # fmt: skip
    refresh_summaries()
    assert summary.drift([EVERYONE]) == []
    assert [tables.by_year(*grid, **YEARS, scope=EVERYONE) for grid in (("proceedings", "proceeding_stage"),
                                                                         ("verdicts", "outcome"))] == raw  # fmt: skip


def test_the_page_shows_both_tables_in_english_and_lao(proceedings):
    client = client_for(proceedings.statistician)
    page = client.get(reverse("statistics:page"), {"first": 2024, "last": 2025})
    assert page.status_code == 200
    text = page.content.decode()
    assert "Compensation paid" in text and "Charges dropped or investigation closed" in text
    download = client.get(reverse("statistics:download", args=["verdicts", "csv"]), {"first": 2024, "last": 2025})
    assert download.status_code == 200 and "Convicted" in b"".join(download.streaming_content).decode()
    with translation.override("lo"):
        lao = str(queries.MEASURES["proceedings"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "lo"
    assert lao != "Persons in legal proceedings" and lao in client.get(reverse("statistics:page")).content.decode()
    asked = client.get(reverse("statistics:page"), {"measure": "identified", "breakdown": "outcome"})
    assert asked.status_code == 400 and "errors" in asked.content.decode()


def test_the_api_answers_the_proceedings_and_refuses_a_breakdown_of_another_count(api, proceedings):
    api.force_authenticate(proceedings.statistician)
    response = api.get("/api/v1/statistics/", {"measure": "proceedings", "breakdown": "proceeding_stage",
                                               "first": 2024, "last": 2025})  # fmt: skip
    assert response.status_code == 200
    lines = {line["label"]: line["values"] for line in response.json()["lines"]}
    assert lines["Compensation paid"] == [0, 5] and lines["Complaint filed"] == [7, None]
    refused = api.get("/api/v1/statistics/", {"measure": "sheltered", "breakdown": "outcome",
                                              "first": 2024, "last": 2025})  # fmt: skip
    assert refused.status_code == 400 and "breakdown" in str(refused.json())
    api.force_authenticate(proceedings.police)  # police follow their own rule for records, not here
    assert api.get("/api/v1/statistics/", {"measure": "proceedings", "breakdown": "sex",
                                           "first": 2024, "last": 2025}).status_code == 403  # fmt: skip
