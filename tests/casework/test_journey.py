"""The trafficking journey (issue 20, item 3): steps of a case through the service, the pages
and the staff API; tier 2 (police in scope see it, outsiders get a 404), codes checked against
the seeded HTCDS code lists, an audit row and a timeline row for every change."""

from __future__ import annotations

import json
import uuid
from datetime import date
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.models import AuditAction, AuditEvent
from casework.models import BorderPoint, CaseEvent, JourneyCode, JourneyEvent
from casework.services.journey import journey_event_add, journey_event_update
from core.errors import ApplicationError, NotFound, PermissionDenied
from tests.clients import client_for

pytestmark = pytest.mark.django_db
FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "htcds_v2_fields.json"
SEEDS = Path(__file__).resolve().parents[2] / "seeds" / "data" / "journey_codes.json"


def recruitment(actor, case, **extra):
    values = {
        "country": None,
        "place": "Pakse",
        "started_on": date(2025, 3, 1),
        "recruitment_methods": ["through_online_social_networks"],
        "recruiter_relationship": "acquainted",
        "apps": ["facebook", "telegram"],
        "promise": "A job in a restaurant",
    }
    return journey_event_add(actor=actor, case=case, stage="recruitment", **{**values, **extra})


def test_every_seeded_htcds_value_is_a_value_of_the_standard():
    """The code lists follow HTCDS v2.0: each `htcds` value is in the standard's list for its field."""
    standard = json.loads(FIXTURE.read_text())["fields"]
    seeds = json.loads(SEEDS.read_text())
    for name, rows in seeds["lists"].items():
        field = seeds["htcds_fields"].get(name)
        for row in rows:
            assert row["name_lo"], (name, row["code"])
            if field:
                assert row["htcds"] in standard[field]["values"], (name, row["htcds"])
            else:
                assert row["htcds"] == ""


def test_a_step_is_recorded_with_audit_and_timeline(people, case):
    event = recruitment(people.social_worker, case)
    assert event.apps == ["facebook", "telegram"]
    timeline = CaseEvent.objects.get(case=case, kind="journey_event_added")
    assert timeline.data == {"stage": "recruitment"}  # never the place nor the promise
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_id=str(event.pk)).exists()


def test_a_code_outside_its_list_is_refused_and_nothing_is_saved(people, case):
    with pytest.raises(ApplicationError) as refused:
        recruitment(people.social_worker, case, apps=["facebook", "pigeon_post"], recruiter_relationship="uncle")
    assert set(refused.value.fields) == {"apps", "recruiter_relationship"}
    # A value of another list is not one of this list's either.
    with pytest.raises(ApplicationError):
        recruitment(people.social_worker, case, recruitment_methods=["online_scam"])
    assert not JourneyEvent.objects.exists()


def test_the_fields_of_another_stage_are_cleared(people, case):
    event = recruitment(people.social_worker, case)
    journey_event_update(actor=people.social_worker, event=event, stage="exit", exit_kind="rescued")
    event.refresh_from_db()
    assert (event.apps, event.promise, event.exit_kind) == ([], "", "rescued")


def test_dates_out_of_order_are_refused_and_a_crossing_point_needs_a_crossing(people, case):
    with pytest.raises(ApplicationError) as refused:
        recruitment(people.social_worker, case, ended_on=date(2025, 1, 1))
    assert refused.value.fields
    point = BorderPoint.objects.get(code="friendship_bridge_1")
    event = journey_event_add(
        actor=people.social_worker, case=case, stage="transit", border_point=point, irregular_crossing=True
    )
    assert (event.border_point, event.irregular_crossing) == (None, False)


def test_police_in_scope_record_and_see_it_outsiders_do_not(people, case, orgs):
    from casework.services.cases import case_share

    recruitment(people.social_worker, case)
    with pytest.raises(NotFound):
        recruitment(people.outsider, case)
    with pytest.raises(NotFound):  # police of another unit do not even see the case
        recruitment(people.police, case)
    case_share(actor=people.social_worker, case=case, organisation=orgs.police, purpose="investigation")
    recruitment(people.police, case, place="Bokeo")
    with pytest.raises(PermissionDenied):  # a manager reads it but does not record it
        recruitment(people.manager, case)
    assert JourneyEvent.objects.filter(case=case).count() == 2


# --- Pages -------------------------------------------------------------------------------------
def tab(case):
    return reverse("casework:case-detail", args=[case.pk]) + "?tab=journey"


def test_the_journey_tab_adds_corrects_and_removes_a_step(people, case):
    client = client_for(people.social_worker)
    html = client.get(tab(case)).content.decode()
    add = reverse("casework:journey-add", args=[case.pk, "exploitation"])
    assert add in html
    form = client.get(add).content.decode()
    assert 'name="forced_criminality"' in form and 'name="promise"' not in form
    response = client.post(
        add,
        {
            "started_on": "01/04/2025",
            "ended_on": "31/12/2025",
            "place": "Golden Triangle",
            "exploitation_types": ["forced_labour"],
            "labour_industry": "information_and_communication",
            "forced_criminality": ["online_scam"],
            "methods_of_control": ["withholds_documents", "debt_bondage"],
        },
    )
    assert response.status_code == 302
    event = JourneyEvent.objects.get(case=case)
    assert event.forced_criminality == ["online_scam"] and event.ended_on == date(2025, 12, 31)
    with translation.override("lo"):
        shown = client.get(tab(case), HTTP_ACCEPT_LANGUAGE="lo").content.decode()
    assert JourneyCode.objects.get(list="forced_criminality", code="online_scam").name_lo in shown
    edit = reverse("casework:journey-edit", args=[case.pk, event.pk])
    bad = client.post(edit, {"started_on": "31/12/2025", "ended_on": "01/01/2025"})
    assert bad.status_code == 400
    event.refresh_from_db()
    assert event.started_on == date(2025, 4, 1)  # nothing half-saved
    assert client.post(reverse("casework:journey-remove", args=[case.pk, event.pk])).status_code == 302
    assert not JourneyEvent.objects.exists()
    assert CaseEvent.objects.filter(case=case, kind="journey_event_removed").exists()


def test_an_outsider_gets_404_on_every_journey_page(people, case):
    event = recruitment(people.social_worker, case)
    client = client_for(people.outsider)
    for url in (
        reverse("casework:journey-add", args=[case.pk, "recruitment"]),
        reverse("casework:journey-edit", args=[case.pk, event.pk]),
        reverse("casework:journey-edit", args=[case.pk, uuid.uuid4()]),
    ):
        assert client.get(url).status_code == 404
    assert client.post(reverse("casework:journey-remove", args=[case.pk, event.pk])).status_code == 404
    assert client_for(people.social_worker).get(reverse("casework:journey-add", args=[case.pk, "x"])).status_code == 404


# --- API ---------------------------------------------------------------------------------------
def test_the_api_lists_creates_corrects_and_removes_steps(api, people, case, django_assert_max_num_queries):
    api.force_authenticate(people.social_worker)
    body = {
        "case": str(case.pk),
        "stage": "transit",
        "country": "TH",
        "crossed_border": True,
        "border_point": "friendship_bridge_1",
        "started_on": "2025-03-10",
    }
    created = api.post("/api/v1/journey/", body, format="json")
    assert created.status_code == 201, created.content
    step = created.json()["id"]
    assert api.post("/api/v1/journey/", {**body, "apps": ["nope"]}, format="json").status_code == 400
    changed = api.patch(f"/api/v1/journey/{step}/", {"irregular_crossing": True}, format="json")
    assert changed.status_code == 200 and changed.json()["irregular_crossing"] is True
    recruitment(people.social_worker, case)
    with django_assert_max_num_queries(12):
        listed = api.get(f"/api/v1/journey/?case={case.pk}")
    assert [row["stage"] for row in listed.json()["results"]] == ["recruitment", "transit"]
    assert AuditEvent.objects.filter(action=AuditAction.VIEW, object_id=step).exists()
    api.force_authenticate(people.outsider)
    assert api.get(f"/api/v1/journey/{step}/").status_code == 404
    assert api.get(f"/api/v1/journey/?case={case.pk}").json()["results"] == []
    api.force_authenticate(people.social_worker)
    assert api.delete(f"/api/v1/journey/{step}/").status_code == 204
    codes = api.get("/api/v1/reference/journey-codes/").json()
    assert {"list": "recruitment_method", "code": "at_work", "htcds": "AtWork"}.items() <= next(
        row for row in codes if row["code"] == "at_work"
    ).items()
