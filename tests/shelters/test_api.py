from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from referrals.models import Referral
from shelters import services
from shelters.models import Bed, Shelter
from tests.factories import open_case, refer_to_shelter

pytestmark = pytest.mark.django_db


@pytest.fixture
def cpc(reference):
    shelter = Shelter.objects.get(code="lwu-cpc-vientiane")
    shelter.address = "synthetic confidential address"
    shelter.save()
    return shelter


@pytest.fixture
def staff(people, cpc):
    services.staff_post(actor=people.admin, shelter=cpc, user=people.shelter_staff)
    return people.shelter_staff


def admit(api, user, shelter, case, **extra):
    """Admit through the API a case referred to the shelter (the social worker refers it first)."""
    if not Referral.objects.filter(case=case, to_organisation=shelter.operator).exists():
        refer_to_shelter(case, shelter)
    api.force_authenticate(user)
    body = {
        "shelter": shelter.code,
        "case": str(case.pk),
        "admitted_on": str(timezone.localdate() - timedelta(days=5)),
        **extra,
    }
    return api.post(reverse("v1:stay-list"), body, format="json")


def test_a_shelters_address_is_absent_for_those_who_do_not_work_there(api, people, staff, cpc):
    api.force_authenticate(people.statistician)
    assert "address" not in api.get(reverse("v1:shelter-detail", args=[cpc.pk])).json()
    api.force_authenticate(staff)
    assert api.get(reverse("v1:shelter-detail", args=[cpc.pk])).json()["address"] == "synthetic confidential address"


def test_shelter_staff_admit_and_see_the_board(api, people, staff, cpc):
    case = open_case(people.social_worker)
    bed = Bed.objects.get(shelter=cpc, label="B03")
    response = admit(api, staff, cpc, case, bed=str(bed.pk), planned_discharge_on=str(date(2027, 1, 1)))
    assert response.status_code == 201, response.json()
    assert response.json()["person"]["case_code"] == case.person.case_code
    board = api.get(reverse("v1:shelter-board", args=[cpc.pk])).json()
    occupied = [row for row in board if not row["free"]]
    assert [row["bed"] for row in occupied] == ["B03"]
    assert occupied[0]["stay"]["person"]["given_name_latin"] == "Noy"
    assert len(board) == 50
    assert AuditEvent.objects.filter(actor=staff, action="list", object_id=str(case.person_id)).exists()


def test_the_board_runs_a_constant_number_of_queries(api, people, staff, cpc, django_assert_max_num_queries):
    api.force_authenticate(staff)
    with django_assert_max_num_queries(12) as empty:
        api.get(reverse("v1:shelter-board", args=[cpc.pk]))
    for label in ("B01", "B02", "B04", "B05"):
        assert (
            admit(
                api, staff, cpc, open_case(people.social_worker), bed=str(Bed.objects.get(shelter=cpc, label=label).pk)
            ).status_code
            == 201
        )
    with django_assert_max_num_queries(12) as full:
        api.get(reverse("v1:shelter-board", args=[cpc.pk]))
    assert len(full.captured_queries) <= len(empty.captured_queries) + 1  # +1: the access-log INSERT


def test_a_refused_admission_says_why(api, people, staff, reference):
    sengsavang = Shelter.objects.get(code="sengsavang-savannakhet")
    services.staff_post(actor=people.admin, shelter=sengsavang, user=staff)
    boy = open_case(
        people.social_worker,
        person_values={"given_name_latin": "Boy", "sex": "male", "date_of_birth": date(2010, 1, 1)},
    )
    response = admit(api, staff, sengsavang, boy)
    assert response.status_code == 400
    assert "female" in response.json()["detail"]


def test_residents_are_the_current_ones_only(api, people, staff, cpc):
    first, second = open_case(people.social_worker), open_case(people.social_worker)
    stay = admit(api, staff, cpc, first).json()
    admit(api, staff, cpc, second)
    discharged = api.post(
        reverse("v1:stay-discharge", args=[stay["id"]]),
        {"discharged_on": str(timezone.localdate()), "destination": "family_reunification_home_village"},
    )
    assert discharged.status_code == 200, discharged.json()
    residents = api.get(reverse("v1:shelter-residents", args=[cpc.pk])).json()
    assert [row["person"]["case_code"] for row in residents] == [second.person.case_code]
    # Staff no longer see the discharged stay: current residents only (docs/design/access.md).
    assert api.get(reverse("v1:stay-detail", args=[stay["id"]])).status_code == 404
