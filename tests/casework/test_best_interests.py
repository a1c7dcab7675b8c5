"""A child's return or long-term placement needs a best-interests determination by a panel
(issue 20.1): the handover at the border and the return decision are refused without one (a 400
with the message on the field), and so is a shelter stay planned for longer than
LONG_TERM_PLACEMENT_DAYS; the panel's decision must allow the step."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Country
from casework.models import BestInterestsDetermination, CaseEvent
from casework.services import repatriation as services
from casework.services.assessments import LONG_TERM_PLACEMENT_DAYS, best_interests_determine
from core.errors import ApplicationError, NotFound
from tests.clients import client_for
from tests.factories import open_case, refer_to_shelter

pytestmark = pytest.mark.django_db
PANEL = ["Chair, provincial social welfare office", "Child protection officer", "LWU counsellor"]
BEFORE_HANDOVER = ("case_interview_documentation", "family_tracing_requested", "family_tracing_received")


@pytest.fixture
def child(people):
    today = timezone.localdate()
    values = {"given_name_latin": "Noy", "family_name_latin": "Synthetic", "sex": "female"}
    return open_case(people.social_worker, person_values={**values, "date_of_birth": date(today.year - 14, 1, 1)})


@pytest.fixture
def trip(people, child):
    """A repatriation from Thailand with every step before the handover done (family safe)."""
    sw, today = people.social_worker, timezone.localdate()
    rep = services.repatriation_start(
        actor=sw, case=child, flow="thailand_mou", from_country=Country.objects.get(code="TH")
    )
    for code in BEFORE_HANDOVER:
        services.step_complete(actor=sw, step=rep.steps.get(code=code), done_on=today)
    services.family_assessment_record(actor=sw, repatriation=rep, result="safe")
    for code in ("assessment_result_sent", "return_coordination"):
        services.step_complete(actor=sw, step=rep.steps.get(code=code), done_on=today)
    return rep


def determine(actor, case, decision, **extra):
    values = {"decided_on": timezone.localdate(), "panel": PANEL, "reasons": "Heard the child and the family."}
    return best_interests_determine(actor=actor, case=case, decision=decision, **(values | extra))


def test_the_handover_of_a_child_is_refused_without_a_determination(people, child, trip):
    handover = trip.steps.get(code="handover_at_border")
    with pytest.raises(ApplicationError) as refused:
        services.step_complete(actor=people.social_worker, step=handover, done_on=timezone.localdate())
    assert refused.value.status_code == 400 and "best-interests determination" in refused.value.fields["status"][0]
    handover.refresh_from_db()
    assert handover.status == "pending"
    determine(people.manager, child, "return_to_family")  # a manager of the case may record the panel's decision
    services.step_complete(actor=people.social_worker, step=handover, done_on=timezone.localdate())
    handover.refresh_from_db()
    assert handover.status == "done"


def test_the_decision_must_allow_the_return(people, child, trip):
    sw, today = people.social_worker, timezone.localdate()
    determine(sw, child, "placement", decided_on=today - timedelta(days=3))
    for code in ("handover_at_border", "transit_centre_reception"):
        services.step_complete(actor=sw, step=trip.steps.get(code=code), done_on=today)
    home = {"destination": "family", "best_interests_decision": "Home to her mother"}
    with pytest.raises(ApplicationError) as refused:
        services.return_decide(actor=sw, repatriation=trip, **home)
    assert "does not allow" in refused.value.fields["destination"][0]
    determine(sw, child, "not_yet")  # the latest decision counts: not yet refuses the placement too
    with pytest.raises(ApplicationError):
        services.return_decide(actor=sw, repatriation=trip, destination="shelter", best_interests_decision="x")
    determine(sw, child, "return_to_family")
    services.return_decide(actor=sw, repatriation=trip, **home)
    trip.refresh_from_db()
    assert trip.destination == "family"


def test_a_determination_needs_a_panel_a_decision_and_reasons_and_is_for_children(people, case, child):
    with pytest.raises(ApplicationError) as refused:
        determine(people.social_worker, child, "maybe", panel=["One", "Two"], reasons=" ")
    assert set(refused.value.fields) <= {"panel", "decision", "reasons"} and refused.value.fields
    with pytest.raises(ApplicationError) as refused:
        determine(people.social_worker, case, "placement")  # the default case's person is an adult now
    assert "decided_on" in refused.value.fields
    with pytest.raises(NotFound):
        determine(people.outsider, child, "placement")
    done = determine(people.social_worker, child, "placement", panel=[*PANEL, " "])
    assert done.panel == PANEL
    event = CaseEvent.objects.get(case=child, kind="best_interests_determined")
    assert event.data == {"decision": "placement", "panel_size": 3}  # no names, no reasons


def test_the_page_refuses_a_small_panel_beside_its_field_and_saves_nothing(people, child):
    client = client_for(people.social_worker)
    url = reverse("casework:best-interests-new", args=[child.pk])
    body = {"decided_on": "01/12/2026", "panel": "Only me", "decision": "placement", "reasons": "r"}
    response = client.post(url, body)
    assert response.status_code == 400
    assert "Name at least 3 members of the panel." in response.content.decode()
    assert not BestInterestsDetermination.objects.exists()
    response = client.post(url, body | {"panel": "\n".join(PANEL)})
    assert response.status_code == 302 and BestInterestsDetermination.objects.get().panel == PANEL


def test_the_api_refuses_a_return_without_a_determination(people, child, trip, api):
    sw, today = people.social_worker, timezone.localdate()
    api.force_authenticate(sw)
    handover = trip.steps.get(code="handover_at_border")
    url = reverse("v1:repatriation-step-complete", args=[handover.pk])
    response = api.post(url, {"done_on": str(today)}, format="json")
    assert response.status_code == 400, response.content
    body = {"case": str(child.pk), "decided_on": str(today), "panel": PANEL, "decision": "return_to_family",
            "reasons": "Heard the child."}  # fmt: skip
    assert api.post(reverse("v1:best-interests-list"), body, format="json").status_code == 201
    assert api.post(url, {"done_on": str(today)}, format="json").status_code == 200


def test_a_long_term_shelter_stay_for_a_child_needs_a_placement_decision(people, child):
    from shelters import services as shelter_services
    from shelters.models import Shelter

    shelter = Shelter.objects.get(code="lwu-cpc-vientiane")
    shelter_services.staff_post(actor=people.admin, shelter=shelter, user=people.shelter_staff)
    refer_to_shelter(child, shelter)
    today = timezone.localdate()
    admission = {"actor": people.shelter_staff, "shelter": shelter, "case": child, "admitted_on": today}
    with pytest.raises(ApplicationError) as refused:
        shelter_services.stay_admit(**admission, planned_discharge_on=today + timedelta(LONG_TERM_PLACEMENT_DAYS + 1))
    assert "planned_discharge_on" in refused.value.fields
    stay = shelter_services.stay_admit(**admission, planned_discharge_on=today + timedelta(days=30))  # short: fine
    long_term = today + timedelta(days=365)
    with pytest.raises(ApplicationError):
        shelter_services.stay_set_planned_discharge(
            actor=people.shelter_staff, stay=stay, planned_discharge_on=long_term
        )
    determine(people.social_worker, child, "placement")
    shelter_services.stay_set_planned_discharge(actor=people.shelter_staff, stay=stay, planned_discharge_on=long_term)
    stay.refresh_from_db()
    assert stay.planned_discharge_on == long_term


def test_the_step_page_refuses_the_handover_beside_the_change(people, child, trip):
    handover = trip.steps.get(code="handover_at_border")
    url = reverse("casework:step-update", args=[child.pk, handover.pk])
    response = client_for(people.social_worker).post(url, {"action": "complete", "done_on": "01/12/2026"})
    assert response.status_code == 400
    assert "needs a best-interests determination by a panel" in response.content.decode()
    handover.refresh_from_db()
    assert handover.status == "pending"
