"""Issue 16: the bed board's other writes as pages, calling the API's services: move a resident
to another bed, change the planned discharge, record assistance without a stay. A refusal is a
400 with the service's message beside the field and saves nothing; a stay the user cannot see
is the same 404 as a missing one; every change is audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from casework.models import ServiceType
from shelters import services
from shelters.models import NonResidentialAssistance, Stay
from tests.clients import client_for
from tests.factories import ShelterFactory, open_case, refer_to_shelter

pytestmark = pytest.mark.django_db

MISSING = "00000000-0000-4000-8000-000000000000"


@pytest.fixture
def resident(people, cpc, staff, today):
    """A resident of the LWU shelter in bed B01 since five days, referred there by her worker."""
    case = open_case(people.social_worker)
    refer_to_shelter(case, cpc)
    return services.stay_admit(
        actor=staff, shelter=cpc, case=case, admitted_on=today - timedelta(days=5), bed=cpc.beds.get(label="B01")
    )


def test_the_board_links_each_residents_move_and_planned_discharge(people, resident, cpc, staff):
    html = client_for(staff).get(reverse("shelters:board", args=[cpc.code])).content.decode()
    assert reverse("shelters:move-bed", args=[resident.pk]) in html
    assert reverse("shelters:planned-discharge", args=[resident.pk]) in html
    assert reverse("shelters:non-residential", args=[cpc.code]) in html


def test_a_bed_move_closes_the_stay_and_opens_the_next_in_the_new_bed(resident, cpc, staff, today):
    to_bed = cpc.beds.get(label="B03")
    response = client_for(staff).post(
        reverse("shelters:move-bed", args=[resident.pk]), {"to_bed": str(to_bed.pk), "on": str(today)}
    )
    assert response.status_code == 302
    current = Stay.objects.get(case=resident.case, during__contains=today)
    assert (current.bed, current.previous_stay_id) == (to_bed, resident.pk)
    assert AuditEvent.objects.filter(object_id=str(current.pk), action="create").exists()


def test_a_refused_bed_move_is_400_beside_the_field_and_saves_nothing(resident, cpc, staff, today):
    url = reverse("shelters:move-bed", args=[resident.pk])
    response = client_for(staff).post(url, {"to_bed": "", "on": str(today)})
    assert response.status_code == 400 and "to_bed" in response.context["form"].errors
    to_bed = cpc.beds.get(label="B03")
    response = client_for(staff).post(url, {"to_bed": str(to_bed.pk), "on": str(today + timedelta(days=1))})
    assert response.status_code == 400
    assert response.context["form"].errors["on"] == ["This date is in the future."]
    assert Stay.objects.filter(case=resident.case).count() == 1


def test_the_planned_discharge_is_set_and_cleared(resident, staff, today):
    url = reverse("shelters:planned-discharge", args=[resident.pk])
    client = client_for(staff)
    assert client.post(url, {"planned_discharge_on": str(today + timedelta(days=9))}).status_code == 302
    resident.refresh_from_db()
    assert resident.planned_discharge_on == today + timedelta(days=9)
    assert AuditEvent.objects.filter(object_id=str(resident.pk), action="update").exists()
    assert client.post(url, {"planned_discharge_on": ""}).status_code == 302
    resident.refresh_from_db()
    assert resident.planned_discharge_on is None


def test_a_planned_discharge_before_the_admission_is_refused_beside_the_field(resident, staff, today):
    url = reverse("shelters:planned-discharge", args=[resident.pk])
    response = client_for(staff).post(url, {"planned_discharge_on": str(today - timedelta(days=30))})
    assert response.status_code == 400
    assert response.context["form"].errors["planned_discharge_on"] == [
        "The planned discharge must be after the admission."
    ]
    resident.refresh_from_db()
    assert resident.planned_discharge_on is None


@pytest.mark.parametrize("route", ["shelters:move-bed", "shelters:planned-discharge"])
def test_a_stay_outside_scope_is_the_same_404_as_a_missing_one(people, resident, route):
    client = client_for(people.outsider)
    assert client.get(reverse(route, args=[resident.pk])).status_code == 404
    assert client.get(reverse(route, args=[MISSING])).status_code == 404


def test_assistance_without_a_stay_is_recorded_from_the_case_and_audited(people, cpc, staff, today):
    case = open_case(people.social_worker)
    refer_to_shelter(case, cpc)
    code = case.person.case_code
    url = reverse("shelters:non-residential", args=[cpc.code])
    form = client_for(staff).get(url, {"case_code": code})
    assert form.context["form"]["case_code"].value() == code
    counselling = ServiceType.objects.get(code="counselling")
    response = client_for(staff).post(
        url,
        {"case_code": code, "assisted_on": str(today), "kind": "child_labour", "service_types": [str(counselling.pk)]},
    )
    assert response.status_code == 302
    record = NonResidentialAssistance.objects.get(case=case)
    assert list(record.service_types.all()) == [counselling]
    assert record.kind_id == "child_labour"
    assert AuditEvent.objects.filter(object_id=str(record.pk), action="create").exists()


def test_assistance_needs_a_service_and_a_known_case(people, cpc, staff, today):
    case = open_case(people.social_worker)
    refer_to_shelter(case, cpc)
    url = reverse("shelters:non-residential", args=[cpc.code])
    client = client_for(staff)
    response = client.post(url, {"case_code": case.person.case_code, "assisted_on": str(today)})
    assert response.status_code == 400
    assert response.context["form"].errors["kind"] == ["This field is required."]
    day = {"assisted_on": str(today), "kind": "trafficking"}
    response = client.post(url, {"case_code": case.person.case_code, **day})
    assert response.status_code == 400
    assert response.context["form"].errors["service_types"] == ["Choose at least one service."]
    stranger = open_case(people.social_worker)  # not referred to the shelter: like a code nobody has
    answers = [
        client.post(url, {"case_code": code, **day}).context["form"].errors["case_code"]
        for code in (stranger.person.case_code, "VT-2099-99999")
    ]
    assert answers[0] == answers[1]
    assert not NonResidentialAssistance.objects.exists()


def test_the_stays_tab_links_assistance_for_the_shelters_the_user_works(people, orgs, cpc):
    """The operator's social worker works its shelter: her case's Stays tab links that shelter's
    form with the case code filled in; not the LWU shelter, which she does not work."""
    own = ShelterFactory(code="t-own", operator=orgs.mlsw_vt)
    case = open_case(people.social_worker)
    tab = client_for(people.social_worker).get(reverse("casework:case-detail", args=[case.pk]), {"tab": "stays"})
    html = tab.content.decode()
    assert f"{reverse('shelters:non-residential', args=[own.code])}?case_code={case.person.case_code}" in html
    assert reverse("shelters:non-residential", args=[cpc.code]) not in html
