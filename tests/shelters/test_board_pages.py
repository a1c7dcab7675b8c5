"""The shelter pages: the list, the bed board, and the admit / discharge / transfer / out-of-service
forms. Each form: a refusal is shown next to its field, keeps what was typed and saves nothing;
success saves through the service; access as the API (403 for a shelter not worked, 404 for a
stay or bed not seen); and the board's queries do not grow with the beds."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db.backends.postgresql.psycopg_any import DateRange
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEvent
from shelters import services
from shelters.models import Bed, BedOutage, Room, Stay
from tests.clients import client_for
from tests.factories import BedFactory, ShelterFactory, open_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def shelter(people, orgs):
    """A women's shelter of the social worker's office (t-mlsw-vt) with two rooms of beds; the
    shelter staff persona is posted there."""
    shelter = ShelterFactory(code="t-board", name_en="Board shelter", operator=orgs.mlsw_vt, accepts_sexes=["female"])
    rooms = [Room.objects.create(shelter=shelter, name=name) for name in ("A", "B")]
    for room in rooms:
        for n in (1, 2):
            BedFactory(shelter=shelter, room=room, label=f"{room.name}{n}")
    services.staff_post(actor=people.admin, shelter=shelter, user=people.shelter_staff)
    return shelter


@pytest.fixture
def other_shelter(people, orgs):
    """Another shelter of the same operator: a transfer target."""
    shelter = ShelterFactory(
        code="t-board-2", name_en="Second shelter", operator=orgs.mlsw_vt, accepts_sexes=[], accepts_categories=[]
    )
    BedFactory(shelter=shelter, label="Z1")
    return shelter


def bed(shelter, label):
    return shelter.beds.get(label=label)


@pytest.fixture
def resident(people, shelter, today):
    """A resident in bed A1 since ten days, planned to leave in three."""
    case = open_case(
        people.social_worker,
        person_values={
            "given_name_latin": "Kham",
            "family_name_latin": "Resident",
            "sex": "female",
            "estimated_age": 20,
        },
    )
    return services.stay_admit(
        actor=people.shelter_staff,
        shelter=shelter,
        case=case,
        admitted_on=today - timedelta(days=10),
        bed=bed(shelter, "A1"),
        planned_discharge_on=today + timedelta(days=3),
    )


# --- List and board -----------------------------------------------------------------------------
def test_the_list_shows_the_shelters_i_work_in_with_tonights_counts(people, shelter, resident):
    response = client_for(people.shelter_staff).get(reverse("shelters:list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("shelters:board", args=[shelter.code]) in html
    listed = {item.code: item for item in response.context["page"]}
    assert (listed["t-board"].beds_in_service, listed["t-board"].residents) == (4, 1)
    assert "Kham" not in html  # counts only


def test_the_list_is_refused_to_a_user_without_shelters(people, shelter):
    assert client_for(people.police).get(reverse("shelters:list")).status_code == 403


def test_the_board_shows_who_is_in_which_bed_free_beds_outages_and_planned_discharges(people, shelter, resident, today):
    services.bed_outage_start(actor=people.manager, bed=bed(shelter, "B2"), start=today, reason="leaking roof")
    before = AuditEvent.objects.filter(object_id=str(resident.person_id)).count()
    response = client_for(people.shelter_staff).get(reverse("shelters:board", args=[shelter.code]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Kham Resident" in html and resident.person.case_code in html
    assert "leaking roof" in html
    counts = response.context["counts"]
    assert (counts.occupied, counts.free, counts.out_of_service, counts.unbedded) == (1, 2, 1, 0)
    assert [stay.pk for stay in response.context["soon"]] == [resident.pk]
    assert f"{reverse('shelters:admit', args=[shelter.code])}?bed={bed(shelter, 'A2').pk}" in html
    assert reverse("shelters:discharge", args=[resident.pk]) in html
    # Who is in which bed is an identity read: logged (the bed list and the planned discharges).
    assert AuditEvent.objects.filter(object_id=str(resident.person_id)).count() == before + 2


def test_residents_without_a_bed_are_listed_and_the_read_logged(people, shelter, today):
    case = open_case(
        people.social_worker,
        person_values={"given_name_latin": "Bedless", "sex": "female", "estimated_age": 30},
    )
    stay = services.stay_admit(actor=people.shelter_staff, shelter=shelter, case=case, admitted_on=today)
    before = AuditEvent.objects.filter(object_id=str(case.person_id)).count()
    response = client_for(people.shelter_staff).get(reverse("shelters:board", args=[shelter.code]))
    assert [s.pk for s in response.context["unbedded"]] == [stay.pk]
    assert "Bedless" in response.content.decode()
    assert response.context["counts"].unbedded == 1
    assert AuditEvent.objects.filter(object_id=str(case.person_id)).count() == before + 1


def test_a_large_board_is_shown_a_page_at_a_time_with_totals_for_the_whole_shelter(
    people, shelter, resident, monkeypatch
):
    from shelters import board_views

    monkeypatch.setattr(board_views, "BOARD_PAGE", 3)
    client = client_for(people.shelter_staff)
    first = client.get(reverse("shelters:board", args=[shelter.code]))
    second = client.get(reverse("shelters:board", args=[shelter.code]), {"page": 2})
    assert [row.bed.label for row in first.context["rows"]] == ["A1", "A2", "B1"]
    assert [row.bed.label for row in second.context["rows"]] == ["B2"]
    assert second.context["counts"].free == 3
    assert 'id="bed-a1"' in first.content.decode() and 'id="bed-a1"' not in second.content.decode()


@pytest.mark.parametrize("persona", ["police", "outsider", "admin", "statistician", "counsellor"])
def test_the_board_is_refused_to_who_does_not_work_the_shelter(people, shelter, resident, persona):
    response = client_for(getattr(people, persona)).get(reverse("shelters:board", args=[shelter.code]))
    assert response.status_code == 403
    assert "Kham" not in response.content.decode()


def test_an_unknown_shelter_is_404(people):
    assert client_for(people.manager).get(reverse("shelters:board", args=["nowhere"])).status_code == 404


def test_the_board_costs_the_same_queries_whatever_the_number_of_beds(
    people, shelter, resident, today, django_assert_max_num_queries
):
    client = client_for(people.shelter_staff)
    url = reverse("shelters:board", args=[shelter.code])
    client.get(url)
    for n in range(20):
        Bed.objects.create(shelter=shelter, label=f"X{n}", in_service=DateRange(date(2020, 1, 1), None))
    for n in range(3):
        other = open_case(
            people.social_worker, person_values={"given_name_latin": f"P{n}", "sex": "female", "estimated_age": 25}
        )
        services.stay_admit(
            actor=people.shelter_staff, shelter=shelter, case=other, admitted_on=today, bed=bed(shelter, f"X{n}")
        )
    with django_assert_max_num_queries(20):  # 19, and the count of admission requests waiting (issue 16)
        assert client.get(url).status_code == 200


# --- Admit ----------------------------------------------------------------------------------------
def test_admit_puts_the_person_in_the_chosen_bed(people, shelter, case, today):
    response = client_for(people.shelter_staff).post(
        reverse("shelters:admit", args=[shelter.code]),
        {
            "case_code": case.person.case_code.lower(),
            "admitted_on": today.isoformat(),
            "bed": str(bed(shelter, "A2").pk),
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("shelters:board", args=[shelter.code])
    stay = Stay.objects.get(case=case)
    assert (stay.bed.label, stay.during.lower, stay.admitted_by) == ("A2", today, people.shelter_staff)


def test_admit_shows_the_shelters_refusal_next_to_the_case_and_saves_nothing(people, shelter, today):
    man = open_case(people.social_worker, person_values={"given_name_latin": "Man", "sex": "male", "estimated_age": 30})
    data = {"case_code": man.person.case_code, "admitted_on": today.isoformat(), "bed": ""}
    response = client_for(people.shelter_staff).post(reverse("shelters:admit", args=[shelter.code]), data)
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["case_code"] == ["This shelter accepts only female residents."]
    assert form["case_code"].value() == man.person.case_code  # kept as typed
    assert not Stay.objects.filter(case=man).exists()


def test_admit_validates_the_form_before_the_service(people, shelter, case):
    response = client_for(people.shelter_staff).post(
        reverse("shelters:admit", args=[shelter.code]), {"case_code": "NO-SUCH", "admitted_on": "31/02/2026"}
    )
    assert response.status_code == 400
    assert "admitted_on" in response.context["form"].errors
    response = client_for(people.shelter_staff).post(
        reverse("shelters:admit", args=[shelter.code]), {"case_code": "NO-SUCH", "admitted_on": "2026-01-01"}
    )
    assert response.context["form"].errors["case_code"] == ["No case you may admit to this shelter has this code."]
    assert not Stay.objects.exists()


def test_admitting_someone_already_staying_is_a_409_shown_above_the_form(people, shelter, resident, today):
    """The database refuses one person in two places: the page says so and saves nothing."""
    response = client_for(people.shelter_staff).post(
        reverse("shelters:admit", args=[shelter.code]),
        {"case_code": resident.person.case_code, "admitted_on": today.isoformat(), "bed": str(bed(shelter, "A2").pk)},
    )
    assert response.status_code == 409
    [message] = response.context["form"].non_field_errors()
    assert message == f"This person is already staying at {shelter.name_en} since {resident.during.lower:%d/%m/%Y}."
    assert Stay.objects.filter(person=resident.person).count() == 1


def test_a_bed_no_longer_free_is_not_accepted_by_the_form(people, shelter, resident, case, today):
    response = client_for(people.shelter_staff).post(
        reverse("shelters:admit", args=[shelter.code]),
        {"case_code": case.person.case_code, "admitted_on": today.isoformat(), "bed": str(resident.bed_id)},
    )
    assert response.status_code == 400
    assert "bed" in response.context["form"].errors
    assert not Stay.objects.filter(case=case).exists()


@pytest.mark.parametrize(("persona", "status"), [("police", 403), ("outsider", 403), ("anonymous", 302)])
def test_admit_is_refused_to_who_does_not_work_the_shelter(people, shelter, case, today, persona, status):
    client = Client() if persona == "anonymous" else client_for(getattr(people, persona))
    response = client.post(
        reverse("shelters:admit", args=[shelter.code]),
        {"case_code": case.person.case_code, "admitted_on": today.isoformat()},
    )
    assert response.status_code == status
    assert not Stay.objects.exists()


# --- Discharge --------------------------------------------------------------------------------------
def test_discharge_closes_the_stay(people, shelter, resident, today):
    url = reverse("shelters:discharge", args=[resident.pk])
    page = client_for(people.shelter_staff).get(url)
    assert page.status_code == 200 and "Kham Resident" in page.content.decode()
    response = client_for(people.shelter_staff).post(
        url, {"discharged_on": today.isoformat(), "destination": "family_reunification_home_village"}
    )
    assert response.status_code == 302
    resident.refresh_from_db()
    assert (resident.during.upper, resident.exit_destination) == (today, "family_reunification_home_village")


def test_discharge_without_the_required_reason_is_refused_next_to_the_reason(people, resident, today):
    response = client_for(people.shelter_staff).post(
        reverse("shelters:discharge", args=[resident.pk]),
        {"discharged_on": today.isoformat(), "destination": "left_without_notice", "reason": "  "},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["reason"] == ["Say what is known about why the person left."]
    assert response.context["form"]["destination"].value() == "left_without_notice"
    resident.refresh_from_db()
    assert resident.during.upper is None


def test_discharging_twice_is_a_409(people, resident, today):
    """The operator's manager still sees the closed stay (shelter staff would not: 404)."""
    client = client_for(people.manager)
    url = reverse("shelters:discharge", args=[resident.pk])
    data = {"discharged_on": today.isoformat(), "destination": "unknown"}
    assert client.post(url, data).status_code == 302
    response = client.post(url, data)
    assert response.status_code == 409
    assert "This stay has already ended" in response.content.decode()


def test_a_stay_out_of_sight_is_404_and_a_visible_one_not_worked_is_403(people, orgs, resident):
    url = reverse("shelters:discharge", args=[resident.pk])
    assert client_for(people.outsider).get(url).status_code == 404
    # Police see the case (shared) hence the stay, but do not work the shelter.
    from casework.services.cases import case_share

    case_share(actor=people.social_worker, case=resident.case, organisation=orgs.police, purpose="investigation")
    assert client_for(people.police).get(url).status_code == 403


# --- Transfer ----------------------------------------------------------------------------------------
def test_transfer_moves_the_resident_to_the_other_shelter(people, resident, other_shelter, today):
    response = client_for(people.manager).post(
        reverse("shelters:transfer", args=[resident.pk]),
        {"to_shelter": other_shelter.code, "on": today.isoformat(), "to_bed": str(bed(other_shelter, "Z1").pk)},
    )
    assert response.status_code == 302
    following = Stay.objects.get(previous_stay=resident)
    assert (following.shelter, following.bed.label) == (other_shelter, "Z1")


def test_transfer_on_the_admission_day_is_refused_next_to_the_date(people, resident, other_shelter):
    on = resident.during.lower.isoformat()
    response = client_for(people.manager).post(
        reverse("shelters:transfer", args=[resident.pk]), {"to_shelter": other_shelter.code, "on": on}
    )
    assert response.status_code == 400
    assert "A stay ends at the earliest the day after admission" in response.context["form"].errors["on"][0]
    assert response.context["form"]["on"].value() == on
    assert not Stay.objects.filter(previous_stay=resident).exists()


def test_transfer_offers_only_other_shelters_of_the_operator_or_worked(people, resident, other_shelter):
    response = client_for(people.shelter_staff).get(reverse("shelters:transfer", args=[resident.pk]))
    codes = [code for code, _label in response.context["form"].fields["to_shelter"].choices if code]
    assert other_shelter.code in codes and resident.shelter.code not in codes
    assert "lwu-cpc-vientiane" not in codes  # another operator's shelter the staff does not work in


# --- Out of service -----------------------------------------------------------------------------------
def test_marking_a_bed_out_of_service(people, shelter, today):
    target = bed(shelter, "B1")
    response = client_for(people.manager).post(
        reverse("shelters:bed-out-of-service", args=[target.pk]), {"start": today.isoformat(), "reason": "mould"}
    )
    assert response.status_code == 302
    assert BedOutage.objects.get(bed=target).reason == "mould"


def test_an_occupied_bed_cannot_go_out_of_service(people, shelter, resident, today):
    response = client_for(people.manager).post(
        reverse("shelters:bed-out-of-service", args=[resident.bed_id]),
        {"start": today.isoformat(), "reason": "mould"},
    )
    assert response.status_code == 400
    assert "This bed is occupied by a stay" in response.context["form"].errors["start"][0]
    assert response.context["form"]["reason"].value() == "mould"
    assert not BedOutage.objects.exists()


def test_out_of_service_access(people, shelter, today):
    url = reverse("shelters:bed-out-of-service", args=[bed(shelter, "B1").pk])
    assert client_for(people.outsider).get(url).status_code == 404
    # The operator's social worker works the shelter (sees its beds) but does not manage beds.
    assert client_for(people.social_worker).get(url).status_code == 403
    assert client_for(people.admin).get(url).status_code == 200


def test_a_bed_back_in_service_from_the_board(people, shelter, today):
    target = bed(shelter, "B1")
    outage = services.bed_outage_start(actor=people.manager, bed=target, start=today, reason="mould")
    board = client_for(people.manager).get(reverse("shelters:board", args=[shelter.code])).content.decode()
    url = reverse("shelters:outage-end", args=[outage.pk])
    assert url in board
    response = client_for(people.manager).post(url, {"end": (today + timedelta(days=2)).isoformat()})
    assert response.status_code == 302
    outage.refresh_from_db()
    assert outage.during.upper == today + timedelta(days=2)


def test_back_in_service_refuses_an_end_before_the_start_and_keeps_the_outage(people, shelter, today):
    outage = services.bed_outage_start(actor=people.manager, bed=bed(shelter, "B1"), start=today, reason="x")
    url = reverse("shelters:outage-end", args=[outage.pk])
    response = client_for(people.manager).post(url, {"end": today.isoformat()})
    assert response.status_code == 400
    assert "The end must be after the start." in response.context["form"].errors["end"][0]
    outage.refresh_from_db()
    assert outage.during.upper is None
    assert client_for(people.outsider).get(url).status_code == 404
    assert client_for(people.social_worker).get(url).status_code == 403


def test_a_closure_request_warns_about_an_open_stay(people, resident):
    """Issue 17.5: the worker sees, before asking, that the person still stays in a shelter."""
    page = client_for(people.social_worker).get(
        reverse("casework:case-detail", args=[resident.case.pk]) + "?tab=history"
    )
    assert "The person still stays in a shelter on this case" in page.content.decode()
