"""Issue 16: a social worker asks a shelter to admit her client (instead of a bare 403 on the
admit page), the shelter's staff see the request from their board and accept it (an admission
through stay_admit, choosing a bed) or decline with a reason, and the worker reads the answer
on the case's Stays tab. Pages and API call the same services; nothing is half-saved; a
request the user may not see is the same 404 as a missing one; the staff never read the name
of someone who is not (yet) their resident."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from casework.models import CaseEvent
from shelters import permissions, services
from shelters.models import AdmissionRequest, Stay
from tests.clients import client_for
from tests.factories import open_case
from tests.permission_checks import assert_predicate_matches_filter

pytestmark = pytest.mark.django_db

MISSING = "00000000-0000-4000-8000-000000000000"


def main(response):
    """The page's own content (the layout around it carries a per-request token)."""
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


@pytest.fixture
def client_case(people):
    """A case of the social worker's office (t-mlsw-vt): nothing links it to the LWU shelter."""
    return open_case(people.social_worker)


@pytest.fixture
def asked(people, client_case, cpc, staff, today):
    return services.admission_request_create(
        actor=people.social_worker, case=client_case, shelter=cpc, needed_from=today, note="Needs a place tonight"
    )


def ask_page(people, case, **data):
    url = reverse("shelters:request-admission", args=[case.pk])
    return client_for(people.social_worker).post(url, data)


# --- Asking ---------------------------------------------------------------------------------------
def test_the_admit_page_tells_a_worker_how_to_ask_instead_of_a_bare_refusal(people, cpc):
    response = client_for(people.social_worker).get(reverse("shelters:admit", args=[cpc.code]))
    assert response.status_code == 403
    assert "Ask a shelter to admit" in response.content.decode()


def test_the_worker_asks_from_the_stays_tab_and_the_request_is_recorded_and_audited(
    people, client_case, cpc, staff, today
):
    tab = client_for(people.social_worker).get(reverse("casework:case-detail", args=[client_case.pk]), {"tab": "stays"})
    assert reverse("shelters:request-admission", args=[client_case.pk]) in tab.content.decode()
    response = ask_page(people, client_case, shelter=cpc.code, needed_from=str(today), note="Tonight")
    assert response.status_code == 302
    request = AdmissionRequest.objects.get(case=client_case)
    assert (request.shelter, request.status, request.note) == (cpc, "pending", "Tonight")
    assert CaseEvent.objects.filter(case=client_case, kind="admission_requested").exists()
    assert AuditEvent.objects.filter(object_id=str(request.pk), action="create").exists()


def test_a_bad_request_is_400_with_the_message_beside_the_field_and_saves_nothing(people, client_case, cpc, today):
    response = ask_page(people, client_case, shelter="", needed_from="")
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"shelter", "needed_from"}
    response = ask_page(people, client_case, shelter=cpc.code, needed_from=str(today - timedelta(days=3)))
    assert response.status_code == 400
    assert response.context["form"].errors["needed_from"] == ["This date is in the past."]
    assert not AdmissionRequest.objects.exists()


def test_a_second_waiting_request_to_the_same_shelter_is_refused(people, client_case, cpc, asked, today):
    response = ask_page(people, client_case, shelter=cpc.code, needed_from=str(today))
    assert response.status_code == 409
    assert "already waiting" in response.content.decode()
    assert AdmissionRequest.objects.count() == 1


@pytest.mark.parametrize("persona", ["police", "counsellor", "shelter_staff"])
def test_only_the_cases_workers_ask(people, client_case, persona):
    """Police read the case (shared with them elsewhere; here not): 404 as for a missing case to
    whoever cannot see it, 403 to a reader who may not change it."""
    url = reverse("shelters:request-admission", args=[client_case.pk])
    assert client_for(getattr(people, persona)).get(url).status_code == 404
    missing = reverse("shelters:request-admission", args=[MISSING])
    assert client_for(people.social_worker).get(missing).status_code == 404


# --- The shelter's side -----------------------------------------------------------------------------
def test_staff_see_the_waiting_request_from_their_board_without_the_name(people, asked, cpc, staff):
    client = client_for(staff)
    board = client.get(reverse("shelters:board", args=[cpc.code])).content.decode()
    assert reverse("shelters:requests", args=[cpc.code]) in board
    assert "1 waiting" in board
    page = client.get(reverse("shelters:requests", args=[cpc.code]))
    html = page.content.decode()
    assert asked.case.person.case_code in html and "Needs a place tonight" in html
    assert "Noy" not in html and "Synthetic" not in html  # the name waits for the admission
    assert AuditEvent.objects.filter(object_id=str(asked.case.person_id), action="list", actor=staff).exists()


def test_staff_accept_choosing_a_bed_and_the_worker_reads_the_answer_on_the_case(people, asked, cpc, staff, today):
    bed = cpc.beds.get(label="B02")
    url = reverse("shelters:request-accept", args=[asked.pk])
    response = client_for(staff).post(url, {"admitted_on": str(today), "bed": str(bed.pk)})
    assert response.status_code == 302
    stay = Stay.objects.get(case=asked.case)
    asked.refresh_from_db()
    assert (asked.status, asked.stay, stay.bed, asked.decided_by) == ("accepted", stay, bed, staff)
    kinds = set(CaseEvent.objects.filter(case=asked.case).values_list("kind", flat=True))
    assert {"stay_admitted", "admission_request_accepted"} <= kinds
    tab = client_for(people.social_worker).get(reverse("casework:case-detail", args=[asked.case.pk]), {"tab": "stays"})
    assert "Accepted: admitted" in tab.content.decode()


def test_a_refused_admission_leaves_the_request_waiting_and_no_stay(people, asked, cpc, staff, today):
    url = reverse("shelters:request-accept", args=[asked.pk])
    response = client_for(staff).post(url, {"admitted_on": str(today + timedelta(days=2))})
    assert response.status_code == 400
    assert response.context["form"].errors["admitted_on"] == ["The admission date is in the future."]
    asked.refresh_from_db()
    assert asked.status == "pending"
    assert not Stay.objects.filter(case=asked.case).exists()


def test_a_decline_needs_a_reason_and_the_worker_reads_it(people, asked, staff):
    url = reverse("shelters:request-decline", args=[asked.pk])
    response = client_for(staff).post(url, {"reason": "  "})
    assert response.status_code == 400
    assert "reason" in response.context["form"].errors
    asked.refresh_from_db()
    assert asked.status == "pending"
    assert client_for(staff).post(url, {"reason": "No bed for a month"}).status_code == 302
    asked.refresh_from_db()
    assert (asked.status, asked.decline_reason) == ("declined", "No bed for a month")
    assert AuditEvent.objects.filter(object_id=str(asked.pk), action="update").exists()
    tab = client_for(people.social_worker).get(reverse("casework:case-detail", args=[asked.case.pk]), {"tab": "stays"})
    assert "No bed for a month" in tab.content.decode()
    again = client_for(staff).post(reverse("shelters:request-accept", args=[asked.pk]), {"admitted_on": "2026-01-01"})
    assert again.status_code == 409


def test_the_request_is_what_lets_the_shelter_admit_a_case_of_another_organisation(
    people, client_case, cpc, staff, today
):
    assert not permissions.admit_case.allows(staff, client_case)
    asked = services.admission_request_create(
        actor=people.social_worker, case=client_case, shelter=cpc, needed_from=today
    )
    assert permissions.admit_case.allows(staff, client_case)
    services.admission_request_decline(actor=staff, admission=asked, reason="full")
    assert not permissions.admit_case.allows(staff, client_case)
    assert_predicate_matches_filter(permissions.admit_case, [staff], [client_case])


@pytest.mark.parametrize("route", ["shelters:request-accept", "shelters:request-decline"])
def test_a_request_outside_scope_is_the_same_404_as_a_missing_one(people, asked, route):
    for persona in ("outsider", "counsellor"):
        client = client_for(getattr(people, persona))
        seen = client.get(reverse(route, args=[asked.pk]))
        missing = client.get(reverse(route, args=[MISSING]))
        assert (seen.status_code, missing.status_code) == (404, 404)
        assert main(seen) == main(missing)
    # the worker sees her own request but does not work the shelter: 403
    assert client_for(people.social_worker).get(reverse(route, args=[asked.pk])).status_code == 403


def test_view_and_answer_predicates_match_their_filters(people, asked, staff):
    users = [getattr(people, p) for p in ("social_worker", "police", "outsider", "manager", "shelter_staff")]
    assert_predicate_matches_filter(permissions.view_admission_request, users, [asked])
    assert_predicate_matches_filter(permissions.answer_admission_request, users, [asked])


# --- API ----------------------------------------------------------------------------------------------
def test_the_api_asks_and_answers_with_the_same_services(api, people, client_case, cpc, staff, today):
    api.force_authenticate(people.social_worker)
    body = {"case": str(client_case.pk), "shelter": cpc.code, "needed_from": str(today)}
    made = api.post(reverse("v1:admission-request-list"), body, format="json")
    assert made.status_code == 201, made.json()
    api.force_authenticate(staff)
    listed = api.get(reverse("v1:admission-request-list"), {"status": "pending"}).json()["results"]
    assert [row["id"] for row in listed] == [made.json()["id"]]
    bad = api.post(reverse("v1:admission-request-decline", args=[made.json()["id"]]), {"reason": ""}, format="json")
    assert bad.status_code == 400 and "reason" in bad.json()["errors"]
    accepted = api.post(
        reverse("v1:admission-request-accept", args=[made.json()["id"]]), {"admitted_on": str(today)}, format="json"
    )
    assert accepted.status_code == 201, accepted.json()
    assert accepted.json()["case"] == str(client_case.pk)


def test_the_api_answers_a_strangers_case_like_a_missing_one(api, people, client_case, cpc, today):
    api.force_authenticate(people.outsider)
    answers = []
    for case_id in (str(client_case.pk), MISSING):
        body = {"case": case_id, "shelter": cpc.code, "needed_from": str(today)}
        response = api.post(reverse("v1:admission-request-list"), body, format="json")
        answers.append((response.status_code, response.json()))
    assert answers[0] == answers[1] and answers[0][0] == 404


def test_an_admission_by_case_code_answers_the_waiting_request(people, asked, cpc, staff, today):
    """The staff admit from the admit page instead of the request: the request is answered too,
    so the worker reads it on the case and nothing stays waiting."""
    response = client_for(staff).post(
        reverse("shelters:admit", args=[cpc.code]),
        {"case_code": asked.case.person.case_code, "admitted_on": str(today)},
    )
    assert response.status_code == 302
    asked.refresh_from_db()
    assert (asked.status, asked.stay) == ("accepted", Stay.objects.get(case=asked.case))
    assert CaseEvent.objects.filter(case=asked.case, kind="admission_request_accepted").count() == 1
