"""Perpetrators and legal proceedings in the pages and the staff API (issue 20.4): the Legal tab
as police and as the social worker (no perpetrators for her), its forms with their errors, the
perpetrator page, Lao, the API with its access log and its 400s."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from accounts.models import AuditAction, AuditEvent
from casework.models import CasePerpetrator, Hearing, LegalProceeding
from casework.services import perpetrators, proceedings
from tests.casework.test_legal import BROKER, share_with_police
from tests.clients import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared(people, orgs, case):  # type: ignore[no-untyped-def]
    return share_with_police(people, orgs, case)


def tab(case):  # type: ignore[no-untyped-def]
    return reverse("casework:case-detail", args=[case.pk]) + "?tab=legal"


def test_police_record_a_perpetrator_from_the_tab_and_the_worker_does_not_see_it(people, shared):
    police = client_for(people.police)
    page = police.get(tab(shared)).content.decode()
    assert reverse("casework:perpetrator-add", args=[shared.pk]) in page and "No perpetrator recorded." in page
    response = police.post(
        reverse("casework:perpetrator-add", args=[shared.pk]),
        {**BROKER, "roles": ["recruiter", "transporter"], "relation": "neighbour", "nationality": "", "notes": ""},
    )
    assert response.status_code == 302
    page = police.get(tab(shared)).content.decode()
    assert "Broker from Bokeo" in page and "Recruiter or intermediary" in page
    worker_page = client_for(people.social_worker).get(tab(shared)).content.decode()
    assert "Broker from Bokeo" not in worker_page and 'id="perpetrators"' not in worker_page
    link = CasePerpetrator.objects.get()
    detail = client_for(people.social_worker).get(reverse("casework:perpetrator-detail", args=[link.perpetrator_id]))
    assert detail.status_code == 404
    assert (
        client_for(people.social_worker).get(reverse("casework:perpetrator-add", args=[shared.pk])).status_code == 403
    )


def test_the_perpetrator_form_refuses_bad_input_beside_its_fields(people, shared):
    response = client_for(people.police).post(
        reverse("casework:perpetrator-add", args=[shared.pk]),
        {"known_as": "", "roles": ["boss"], "relation": "neighbour", "sex": "male", "age_band": "unknown"},
    )
    assert response.status_code == 400
    assert {"known_as", "roles"} <= set(response.context["form"].errors)
    assert not CasePerpetrator.objects.exists()


def test_the_perpetrator_page_lists_the_cases_the_reader_may_see(people, shared):
    link = perpetrators.perpetrator_add(actor=people.police, case=shared, roles=["exploiter"], **BROKER)
    page = client_for(people.police).get(reverse("casework:perpetrator-detail", args=[link.perpetrator_id]))
    assert page.status_code == 200 and shared.person.case_code in page.content.decode()
    assert AuditEvent.objects.filter(action=AuditAction.VIEW, object_type="casework.perpetrator").exists()


def test_proceedings_from_the_tab_stage_move_and_a_hearing(people, shared):
    worker = client_for(people.social_worker)
    response = worker.post(
        reverse("casework:proceeding-add", args=[shared.pk]),
        {"complaint_on": "03/03/2026", "court": "Vientiane People's Court", "support": ["interpreter"]},
    )
    assert response.status_code == 302
    proceeding = LegalProceeding.objects.get()
    prefix = str(proceeding.pk)
    move = reverse("casework:proceeding-move", args=[shared.pk, proceeding.pk])
    refused = worker.post(move, {f"{prefix}-stage": "verdict", f"{prefix}-on": ""})
    assert refused.status_code == 400  # not a next stage of a complaint
    assert worker.post(move, {f"{prefix}-stage": "investigation", f"{prefix}-on": "04/03/2026"}).status_code == 302
    added = worker.post(
        reverse("casework:hearing-add", args=[shared.pk, proceeding.pk]),
        {"held_on": "05/01/2030", "kind": "trial", "place": ""},
    )
    assert added.status_code == 302
    page = worker.get(tab(shared)).content.decode()
    assert "Police investigation" in page and "Interpreter" in page and 'data-hearing="2030-01-05"' in page
    bad = worker.post(reverse("casework:hearing-add", args=[shared.pk, proceeding.pk]), {"held_on": "31/02/2030"})
    assert bad.status_code == 400 and Hearing.objects.count() == 1


def test_the_tab_in_lao(people, shared):
    proceedings.proceeding_open(actor=people.social_worker, case=shared)
    client = client_for(people.social_worker)
    client.cookies["django_language"] = "lo"
    page = client.get(tab(shared)).content.decode()
    assert "ການດຳເນີນຄະດີ" in page and "Legal proceedings" not in page


def test_the_api_links_a_perpetrator_logs_every_read_and_answers_400_by_field(people, shared, api):
    api.force_authenticate(people.police)
    url = reverse("v1:case-perpetrator-list")
    bad = api.post(url, {"case": str(shared.pk), "roles": ["boss"]}, format="json")
    assert bad.status_code == 400 and {"roles"} <= set(bad.json()["errors"])
    created = api.post(url, {"case": str(shared.pk), "roles": ["recruiter"], **BROKER}, format="json")
    assert created.status_code == 201, created.json()
    perpetrator_id = created.json()["perpetrator"]["id"]
    listed = api.get(reverse("v1:perpetrator-list")).json()["results"]
    assert [row["id"] for row in listed] == [perpetrator_id]
    assert [item["case"] for item in listed[0]["cases"]] == [str(shared.pk)]
    views = AuditEvent.objects.filter(action=AuditAction.VIEW, object_type="casework.perpetrator")
    assert views.count() == 1  # the list (the answer to the create shows what was just typed)
    api.force_authenticate(people.social_worker)
    assert api.get(reverse("v1:perpetrator-detail", args=[perpetrator_id])).status_code == 404
    assert api.get(reverse("v1:perpetrator-list")).json()["results"] == []


def test_the_api_moves_proceedings_and_adds_hearings(people, shared, api):
    api.force_authenticate(people.police)
    created = api.post(reverse("v1:proceeding-list"), {"case": str(shared.pk)}, format="json")
    assert created.status_code == 201
    proceeding_id = created.json()["id"]
    move = reverse("v1:proceeding-move", args=[proceeding_id])
    assert api.post(move, {"stage": "trial"}, format="json").status_code == 400
    assert api.post(move, {"stage": "investigation"}, format="json").json()["stage"] == "investigation"
    hearing = api.post(
        reverse("v1:hearing-list"), {"proceeding": proceeding_id, "held_on": "2030-01-05"}, format="json"
    )
    assert hearing.status_code == 201
    shown = api.get(reverse("v1:proceeding-detail", args=[proceeding_id])).json()
    assert [h["held_on"] for h in shown["hearings"]] == ["2030-01-05"]


def test_the_tab_and_the_api_lists_do_not_grow_in_queries_with_the_records(
    people, shared, api, django_assert_max_num_queries
):  # type: ignore[no-untyped-def]
    police = client_for(people.police)
    api.force_authenticate(people.police)

    def add(n: int) -> None:
        for i in range(n):
            perpetrators.perpetrator_add(actor=people.police, case=shared, roles=["exploiter"], known_as=f"P{n}{i}")
            proceeding = proceedings.proceeding_open(actor=people.police, case=shared)
            proceedings.hearing_add(actor=people.police, proceeding=proceeding, held_on=date(2030, 1, 1 + i))

    def counted() -> list[int]:
        sizes = []
        for fetch in (
            lambda: police.get(tab(shared)),
            lambda: api.get(reverse("v1:perpetrator-list")),
            lambda: api.get(reverse("v1:case-perpetrator-list")),
            lambda: api.get(reverse("v1:proceeding-list"), {"case": str(shared.pk)}),
        ):
            with django_assert_max_num_queries(60) as queries:
                assert fetch().status_code == 200
            sizes.append(len(queries.captured_queries))
        return sizes

    add(1)
    few = counted()
    add(5)
    assert counted() == few
