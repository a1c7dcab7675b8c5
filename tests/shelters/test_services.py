"""Shelter writes: who a shelter accepts, beds and outages, half-open stays, transfers and bed
moves that close and open in one transaction, who may do what, and the trail they leave."""

import json
from datetime import date, timedelta

import pytest
from django.db import IntegrityError, connection, transaction

from accounts.models import AuditEvent, Organisation, Role
from casework.models import CaseEvent, ServiceType
from casework.services.cases import case_closure_approve, case_closure_request
from core.errors import ApplicationError, Conflict, NotFound, PermissionDenied
from referrals.models import Referral
from shelters import services
from shelters.models import Bed, BedOutage, NonResidentialAssistance, Shelter, ShelterStaff, Stay
from tests.factories import make_user, open_case, refer_to_shelter

pytestmark = pytest.mark.django_db

NAME = "Noy"  # the synthetic given name: must never reach a timeline row or a message


def person(sex="female", **extra):
    values = {"given_name_latin": NAME, "family_name_latin": "Synthetic", "sex": sex, **extra}
    if "estimated_age" not in values:
        values.setdefault("date_of_birth", date(2008, 5, 1))
    return values


@pytest.fixture
def d0(today):
    """An admission date two months back, so that stays have nights behind them."""
    return today - timedelta(days=60)


@pytest.fixture
def transit(reference):
    return Shelter.objects.get(code="mlsw-transit-vientiane")


@pytest.fixture
def cpc_staff(people, orgs, cpc):
    """Shelter staff posted to the CPC shelter only."""
    user = make_user("shelter-cpc", orgs.lwu, Role.SHELTER_STAFF)
    services.staff_post(actor=people.admin, shelter=cpc, user=user)
    return user


@pytest.fixture
def operator_worker(reference):
    return make_user("sw-sengsavang", Organisation.objects.get(code="sengsavang"), Role.SOCIAL_WORKER)


@pytest.fixture
def operator_manager(reference):
    return make_user("mgr-sengsavang", Organisation.objects.get(code="sengsavang"), Role.MANAGER)


@pytest.fixture
def case_person():
    return person()


def bed(shelter, label="B01"):
    return Bed.objects.get(shelter=shelter, label=label)


def admit(actor, case, shelter, on, label="B01", **extra):
    """Admit a case referred to the shelter (the social worker refers it first, once)."""
    if not Referral.objects.filter(case=case, to_organisation=shelter.operator).exists():
        refer_to_shelter(case, shelter)
    return services.stay_admit(
        actor=actor, shelter=shelter, case=case, admitted_on=on, bed=bed(shelter, label) if label else None, **extra
    )


def refusal(error):
    return error.value.message


def fresh(stay):
    return Stay.objects.get(pk=stay.pk)


# --- Admission ------------------------------------------------------------------------------------
def test_admission_opens_an_open_ended_stay_with_the_age_at_admission(staff, sengsavang, case, d0):
    stay = admit(staff, case, sengsavang, d0, planned_discharge_on=d0 + timedelta(days=90))
    stay = fresh(stay)
    assert (stay.during.lower, stay.during.upper) == (d0, None)
    assert stay.person_id == case.person_id
    assert stay.bed == bed(sengsavang)
    assert stay.age_at_admission == 18
    assert stay.admitted_by == staff
    assert stay.exit_destination == ""


def test_the_stay_carries_the_case_category_and_the_sex_the_database_keeps_them_current(
    staff, sengsavang, cpc, case, d0
):
    """The statistics count from these copies; a correction of the case or the person, even by
    a bulk update that bypasses the services, must reach every stay."""
    first = admit(staff, case, sengsavang, d0)
    second = services.stay_transfer(
        actor=staff, stay=fresh(first), to_shelter=cpc, on=d0 + timedelta(days=5), to_bed=bed(cpc)
    )
    assert {(s.case_category, s.person_sex) for s in Stay.objects.filter(case=case)} == {("trafficking", "female")}

    type(case).objects.filter(pk=case.pk).update(category="rape")
    type(case.person).objects.filter(pk=case.person_id).update(sex="other")
    assert {(s.case_category, s.person_sex) for s in Stay.objects.filter(case=case)} == {("rape", "other")}

    # Writing the copies directly does not make them disagree with the case.
    Stay.objects.filter(pk=second.pk).update(case_category="vulnerable", person_sex="male")
    assert (fresh(second).case_category, fresh(second).person_sex) == ("rape", "other")


def test_a_persons_second_stay_marks_both_so_the_tables_group_them_by_person(people, staff, sengsavang, cpc, case, d0):
    first = admit(staff, case, sengsavang, d0)
    other = admit(staff, open_case(people.social_worker, person_values=person()), sengsavang, d0, label="B02")
    assert not fresh(first).person_has_other_stays

    second = services.stay_transfer(actor=staff, stay=fresh(first), to_shelter=cpc, on=d0 + timedelta(days=5))
    assert fresh(first).person_has_other_stays and fresh(second).person_has_other_stays
    assert not fresh(other).person_has_other_stays


@pytest.mark.parametrize(
    ("values", "category", "message"),
    [
        (person(sex="male"), "trafficking", "This shelter accepts only female residents."),
        (
            person(date_of_birth=date(1980, 1, 1)),
            "trafficking",
            "This shelter admits only residents aged 12 to 30; this person is {age} on that date.",
        ),
        (
            person(date_of_birth=date(2017, 1, 1)),
            "trafficking",
            "This shelter admits only residents aged 12 to 30; this person is {age} on that date.",
        ),
        (
            {"given_name_latin": NAME, "sex": "female"},
            "trafficking",
            "This shelter admits only residents aged 12 to 30 and this person's age is unknown: "
            "record a date of birth or an estimated age first.",
        ),
        (person(), "domestic_violence", "This shelter does not accept domestic violence cases."),
    ],
    ids=["sex", "too-old", "too-young", "unknown-age", "category"],
)
def test_the_shelter_refuses_whom_it_does_not_accept_and_says_why(
    people, staff, sengsavang, d0, values, category, message
):
    refused = open_case(people.social_worker, person_values=values, category=category)
    with pytest.raises(ApplicationError) as error:
        admit(staff, refused, sengsavang, d0)
    dob = refused.person.date_of_birth
    age = None if dob is None else d0.year - dob.year - ((d0.month, d0.day) < (dob.month, dob.day))
    assert type(error.value) is ApplicationError
    assert refusal(error) == message.format(age=age)
    assert error.value.fields == {"case": [refusal(error)]}
    assert NAME not in refusal(error)
    assert not Stay.objects.exists()


def test_a_shelter_without_limits_takes_anyone_even_of_unknown_age(people, staff, cpc, d0):
    """The CPC shelter has no age limit, so an unknown age is no reason to refuse."""
    unknown = open_case(people.social_worker, person_values={"given_name_latin": NAME, "sex": "male"})
    stay = admit(staff, unknown, cpc, d0)
    assert fresh(stay).age_at_admission is None


def test_a_closed_case_is_not_admitted(people, staff, sengsavang, case, d0):
    refer_to_shelter(case, sengsavang)  # the shelter may act on it: then it says why not
    case_closure_request(actor=people.social_worker, case=case, reason="reintegrated")
    case_closure_approve(actor=people.manager, case=case)
    with pytest.raises(ApplicationError) as error:
        admit(staff, case, sengsavang, d0)
    assert refusal(error) == "This case is closed; it must be reopened before an admission."


def test_the_bed_must_belong_to_the_shelter(staff, sengsavang, cpc, case, d0):
    refer_to_shelter(case, sengsavang)
    with pytest.raises(ApplicationError) as error:
        services.stay_admit(actor=staff, shelter=sengsavang, case=case, admitted_on=d0, bed=bed(cpc))
    assert refusal(error) == "This bed belongs to another shelter."
    assert error.value.fields == {"bed": ["This bed belongs to another shelter."]}


def test_a_bed_in_an_outage_is_refused(staff, sengsavang, case, d0):
    services.bed_outage_start(actor=staff, bed=bed(sengsavang), start=d0 - timedelta(days=5), reason="Broken frame")
    with pytest.raises(ApplicationError) as error:
        admit(staff, case, sengsavang, d0)
    assert refusal(error) == f"This bed is out of service from {d0 - timedelta(days=5)} until further notice."


def test_a_later_planned_outage_also_refuses_an_open_ended_stay(staff, sengsavang, case, d0):
    """An open stay would run into the outage: the same rule as an outage over an occupied night."""
    start, end = d0 + timedelta(days=10), d0 + timedelta(days=12)
    services.bed_outage_start(actor=staff, bed=bed(sengsavang), start=start, end=end, reason="Painting")
    with pytest.raises(ApplicationError) as error:
        admit(staff, case, sengsavang, d0)
    assert refusal(error) == f"This bed is out of service from {start}, back in service on {end}."
    admit(staff, case, sengsavang, end)  # from the day it is back, the bed takes a stay


def test_a_retired_bed_is_refused(staff, sengsavang, case, d0, today):
    services.bed_retire(actor=staff, bed=bed(sengsavang), on=d0 - timedelta(days=1))
    with pytest.raises(ApplicationError) as error:
        admit(staff, case, sengsavang, d0)
    assert refusal(error) == f"This bed was retired on {d0 - timedelta(days=1)}."


def test_a_bed_not_yet_in_service_is_refused(staff, people, sengsavang, case, d0, operator_manager):
    new = services.bed_add(actor=operator_manager, shelter=sengsavang, label="C01", in_service_from=d0 + timedelta(1))
    with pytest.raises(ApplicationError) as error:
        admit(staff, case, sengsavang, d0, label="C01")
    assert refusal(error) == f"This bed is in service only from {new.in_service.lower}."


def test_dates_in_the_future_and_plans_before_admission_are_refused(staff, sengsavang, case, today, d0):
    with pytest.raises(ApplicationError) as error:
        admit(staff, case, sengsavang, today + timedelta(days=1))
    assert refusal(error) == "The admission date is in the future."
    with pytest.raises(ApplicationError) as error:
        admit(staff, case, sengsavang, d0, planned_discharge_on=d0)
    assert refusal(error) == "The planned discharge must be after the admission."


def test_one_person_cannot_stay_in_two_places_at_once(staff, sengsavang, cpc, case, d0):
    admit(staff, case, sengsavang, d0)
    with pytest.raises(Conflict) as error:
        admit(staff, case, cpc, d0 + timedelta(days=3))
    # Where: the shelter and since when (issue 17.5).
    assert refusal(error) == f"This person is already staying at {sengsavang.name_en} since {d0:%d/%m/%Y}."
    assert Stay.objects.count() == 1


def test_where_she_stays_is_said_only_to_who_may_see_that_stay(people, staff, sengsavang, cpc, case, d0):
    """Staff of another shelter, who may not see her stay at Sengsavang, learn only that she
    stays somewhere: where a victim stays is the stay's to tell (the tier rule)."""
    admit(staff, case, sengsavang, d0)
    elsewhere = make_user("cpc-only", cpc.operator, Role.SHELTER_STAFF)
    services.staff_post(actor=people.admin, shelter=cpc, user=elsewhere)
    with pytest.raises(Conflict) as error:
        admit(elsewhere, case, cpc, d0 + timedelta(days=3))
    assert refusal(error) == "This person is already staying somewhere at that date."


def test_one_bed_holds_one_person_per_night(people, staff, sengsavang, case, d0):
    admit(staff, case, sengsavang, d0)
    other = open_case(people.social_worker, person_values=person())
    with pytest.raises(Conflict) as error:
        admit(staff, other, sengsavang, d0 + timedelta(days=3))
    assert refusal(error) == "This bed is already taken for these dates."
    assert Stay.objects.count() == 1


def test_the_same_bed_takes_another_person_on_a_later_range(people, staff, sengsavang, case, d0):
    first = admit(staff, case, sengsavang, d0)
    services.stay_discharge(actor=staff, stay=first, discharged_on=d0 + timedelta(days=10), destination="unknown")
    other = open_case(people.social_worker, person_values=person())
    later = admit(staff, other, sengsavang, d0 + timedelta(days=20))
    assert fresh(later).bed == fresh(first).bed


def test_half_open_ranges_free_the_bed_on_the_discharge_day(people, staff, sengsavang, case, d0):
    """[admission, discharge): the night of the discharge day is free for the same bed, the
    night before it is not."""
    out = d0 + timedelta(days=10)
    first = admit(staff, case, sengsavang, d0)
    services.stay_discharge(actor=staff, stay=first, discharged_on=out, destination="family_reunification_home_village")
    other = open_case(people.social_worker, person_values=person())
    with pytest.raises(Conflict):
        admit(staff, other, sengsavang, out - timedelta(days=1))
    again = admit(staff, case, sengsavang, out)
    assert (fresh(first).during.upper, fresh(again).during.lower) == (out, out)
    assert fresh(again).bed_id == fresh(first).bed_id


# --- Discharge ------------------------------------------------------------------------------------
def test_discharge_closes_the_range_and_keeps_the_destination(staff, sengsavang, case, d0):
    stay = admit(staff, case, sengsavang, d0)
    services.stay_discharge(
        actor=staff, stay=stay, discharged_on=d0 + timedelta(days=30), destination="independent_living_lao"
    )
    stay = fresh(stay)
    assert (stay.during.lower, stay.during.upper) == (d0, d0 + timedelta(days=30))
    assert stay.exit_destination == "independent_living_lao"
    assert stay.discharged_by == staff


@pytest.mark.parametrize(
    ("destination", "reason", "field"),
    [("", "", "destination"), ("home", "", "destination"), ("left_without_notice", " ", "reason")],
    ids=["missing", "unknown-value", "reason-for-leaving-without-notice"],
)
def test_discharge_needs_a_destination_and_sometimes_a_reason(staff, sengsavang, case, d0, destination, reason, field):
    stay = admit(staff, case, sengsavang, d0)
    with pytest.raises(ApplicationError) as error:
        services.stay_discharge(
            actor=staff, stay=stay, discharged_on=d0 + timedelta(days=5), destination=destination, reason=reason
        )
    assert list(error.value.fields) == [field]
    assert fresh(stay).during.upper is None


def test_unknown_and_left_without_notice_with_a_reason_are_accepted(staff, sengsavang, case, d0):
    stay = admit(staff, case, sengsavang, d0)
    services.stay_discharge(
        actor=staff, stay=stay, discharged_on=d0 + timedelta(days=5), destination="left_without_notice", reason="Gone"
    )
    assert fresh(stay).exit_reason == "Gone"


def test_a_stay_lasts_at_least_one_night_and_does_not_end_in_the_future(staff, sengsavang, case, d0, today):
    stay = admit(staff, case, sengsavang, d0)
    for day in (d0, d0 - timedelta(days=1), today + timedelta(days=1)):
        with pytest.raises(ApplicationError) as error:
            services.stay_discharge(actor=staff, stay=stay, discharged_on=day, destination="unknown")
        assert list(error.value.fields) == ["discharged_on"]
    services.stay_discharge(actor=staff, stay=stay, discharged_on=today, destination="unknown")


def test_a_stay_is_discharged_once(staff, sengsavang, case, d0):
    """Two workers discharge from the same page: the second is told it already happened."""
    stay = admit(staff, case, sengsavang, d0)
    stale = fresh(stay)
    services.stay_discharge(actor=staff, stay=stay, discharged_on=d0 + timedelta(days=5), destination="unknown")
    with pytest.raises(Conflict):
        services.stay_discharge(actor=staff, stay=stale, discharged_on=d0 + timedelta(days=6), destination="deceased")
    assert fresh(stay).during.upper == d0 + timedelta(days=5)


# --- Transfers and bed moves ----------------------------------------------------------------------
def test_a_transfer_closes_on_the_day_and_opens_on_the_same_day(staff, sengsavang, cpc, case, d0):
    first = admit(staff, case, sengsavang, d0)
    on = d0 + timedelta(days=20)
    second = services.stay_transfer(actor=staff, stay=first, to_shelter=cpc, on=on, to_bed=bed(cpc, "B07"))
    first, second = fresh(first), fresh(second)
    assert first.during.upper == on == second.during.lower
    assert second.during.upper is None
    assert first.exit_destination == "other_shelter_lao"
    assert second.previous_stay == first
    assert (second.shelter, second.bed.label, second.person_id) == (cpc, "B07", case.person_id)


def test_a_transfer_to_a_transit_centre_records_that_destination(people, staff, sengsavang, transit, case, d0):
    services.staff_post(actor=people.admin, shelter=transit, user=staff)
    first = admit(staff, case, sengsavang, d0)
    services.stay_transfer(actor=staff, stay=first, to_shelter=transit, on=d0 + timedelta(days=3))
    assert fresh(first).exit_destination == "transit_centre"


def test_a_transfer_the_target_refuses_leaves_the_first_stay_open(people, staff, sengsavang, cpc, d0):
    adult = open_case(people.social_worker, person_values=person(date_of_birth=date(1980, 1, 1)))
    first = admit(staff, adult, cpc, d0)
    before = fresh(first)
    with pytest.raises(ApplicationError) as error:
        services.stay_transfer(actor=staff, stay=first, to_shelter=sengsavang, on=d0 + timedelta(days=5))
    assert refusal(error).startswith("This shelter admits only residents aged 12 to 30")
    after = fresh(first)
    assert (after.during, after.exit_destination, after.discharged_by) == (before.during, "", None)
    assert Stay.objects.count() == 1


def test_a_transfer_the_database_refuses_is_rolled_back_whole(people, staff, sengsavang, cpc, case, d0):
    """The first stay is already closed when the insert of the second fails: both go back."""
    occupant = open_case(people.social_worker, person_values=person())
    admit(staff, occupant, cpc, d0, label="B03")
    first = admit(staff, case, sengsavang, d0)
    with pytest.raises(Conflict) as error:
        services.stay_transfer(
            actor=staff, stay=first, to_shelter=cpc, on=d0 + timedelta(days=5), to_bed=bed(cpc, "B03")
        )
    assert refusal(error) == "This bed is already taken for these dates."
    after = fresh(first)
    assert (after.during.upper, after.exit_destination) == (None, "")
    assert Stay.objects.count() == 2
    assert not CaseEvent.objects.filter(case=case, kind="stay_transferred").exists()


def test_a_transfer_goes_only_where_the_actor_works_or_within_the_operator(
    people, cpc_staff, sengsavang, cpc, case, d0
):
    """Staff posted to CPC only cannot send a resident into Sengsavang (another operator), but can
    into a second shelter of CPC's own operator."""
    first = admit(cpc_staff, case, cpc, d0)
    with pytest.raises(PermissionDenied):
        services.stay_transfer(actor=cpc_staff, stay=first, to_shelter=sengsavang, on=d0 + timedelta(days=5))
    annex = Shelter.objects.create(
        code="t-cpc-annex",
        name_en="CPC annex",
        operator=cpc.operator,
        province=cpc.province,
        accepts_sexes=["female"],
        accepts_categories=["trafficking"],
    )
    second = services.stay_transfer(actor=cpc_staff, stay=first, to_shelter=annex, on=d0 + timedelta(days=5))
    assert fresh(second).shelter == annex


def test_a_bed_move_closes_and_reopens_so_each_bed_keeps_its_nights(staff, sengsavang, case, d0):
    first = admit(staff, case, sengsavang, d0, planned_discharge_on=d0 + timedelta(days=90))
    on = d0 + timedelta(days=7)
    second = services.stay_move_bed(actor=staff, stay=first, to_bed=bed(sengsavang, "B02"), on=on)
    first, second = fresh(first), fresh(second)
    assert (first.bed.label, first.during.lower, first.during.upper) == ("B01", d0, on)
    assert (second.bed.label, second.during.lower, second.during.upper) == ("B02", on, None)
    assert (second.shelter, second.previous_stay) == (sengsavang, first)
    assert second.planned_discharge_on == d0 + timedelta(days=90)
    assert second.age_at_admission == first.age_at_admission
    # The move is neither an exit nor an admission: one episode in the shelter continues.
    assert (first.exit_destination, second.episode_started_on) == ("bed_move", d0)
    # B01 is free again from the move day.
    assert not Stay.objects.filter(bed__label="B01", bed__shelter=sengsavang, during__contains=on).exists()


def test_a_bed_move_on_the_admission_day_changes_the_bed_of_the_stay(staff, sengsavang, case, d0):
    """No night was spent in the first bed: an empty stay would be no stay at all."""
    stay = admit(staff, case, sengsavang, d0)
    moved = services.stay_move_bed(actor=staff, stay=stay, to_bed=bed(sengsavang, "B02"), on=d0)
    assert moved.pk == stay.pk
    assert fresh(stay).bed.label == "B02"
    assert Stay.objects.count() == 1


def test_a_bed_move_stays_in_the_shelter_and_needs_a_free_bed(people, staff, sengsavang, cpc, case, d0):
    stay = admit(staff, case, sengsavang, d0)
    with pytest.raises(ApplicationError) as error:
        services.stay_move_bed(actor=staff, stay=stay, to_bed=bed(cpc, "B02"), on=d0 + timedelta(days=1))
    assert refusal(error) == "This bed belongs to another shelter; transfer the person instead."
    other = open_case(people.social_worker, person_values=person())
    admit(staff, other, sengsavang, d0, label="B02")
    with pytest.raises(Conflict):
        services.stay_move_bed(actor=staff, stay=stay, to_bed=bed(sengsavang, "B02"), on=d0 + timedelta(days=1))
    assert fresh(stay).during.upper is None


def test_the_planned_discharge_of_an_open_stay_can_be_set(staff, sengsavang, case, d0):
    stay = admit(staff, case, sengsavang, d0)
    services.stay_set_planned_discharge(actor=staff, stay=stay, planned_discharge_on=d0 + timedelta(days=30))
    assert fresh(stay).planned_discharge_on == d0 + timedelta(days=30)
    with pytest.raises(ApplicationError):
        services.stay_set_planned_discharge(actor=staff, stay=stay, planned_discharge_on=d0)
    stale = fresh(stay)  # another worker discharges meanwhile
    services.stay_discharge(actor=staff, stay=stay, discharged_on=d0 + timedelta(days=3), destination="unknown")
    with pytest.raises(Conflict):
        services.stay_set_planned_discharge(actor=staff, stay=stale, planned_discharge_on=d0 + timedelta(days=9))


# --- Beds and outages -----------------------------------------------------------------------------
def test_an_outage_over_an_occupied_night_is_refused_naming_the_dates(staff, sengsavang, case, d0, today):
    stay = admit(staff, case, sengsavang, d0)
    with pytest.raises(ApplicationError) as error:
        services.bed_outage_start(actor=staff, bed=bed(sengsavang), start=today, reason="Repairs")
    assert refusal(error) == f"This bed is occupied by a stay from {d0}, with no discharge yet."
    out = d0 + timedelta(days=10)
    services.stay_discharge(actor=staff, stay=stay, discharged_on=out, destination="unknown")
    with pytest.raises(ApplicationError) as error:
        services.bed_outage_start(actor=staff, bed=bed(sengsavang), start=out - timedelta(days=1), reason="Repairs")
    assert refusal(error) == f"This bed is occupied by a stay from {d0} to {out}."
    assert NAME not in refusal(error)
    outage = services.bed_outage_start(actor=staff, bed=bed(sengsavang), start=out, reason="Repairs")
    assert (outage.during.lower, outage.during.upper) == (out, None)


def test_overlapping_outages_are_refused_by_the_database(staff, sengsavang, d0):
    services.bed_outage_start(actor=staff, bed=bed(sengsavang), start=d0, end=d0 + timedelta(days=10), reason="A")
    with pytest.raises(Conflict) as error:
        services.bed_outage_start(actor=staff, bed=bed(sengsavang), start=d0 + timedelta(days=9), reason="B")
    assert refusal(error) == "This bed already has an outage over these dates."
    services.bed_outage_start(actor=staff, bed=bed(sengsavang), start=d0 + timedelta(days=10), reason="C")
    assert BedOutage.objects.count() == 2


def test_ending_an_outage_frees_the_bed_from_that_day(staff, sengsavang, case, d0):
    outage = services.bed_outage_start(actor=staff, bed=bed(sengsavang), start=d0, reason="Mould")
    services.bed_outage_end(actor=staff, outage=outage, end=d0 + timedelta(days=4))
    assert BedOutage.objects.get(pk=outage.pk).during.upper == d0 + timedelta(days=4)
    admit(staff, case, sengsavang, d0 + timedelta(days=4))
    with pytest.raises(ApplicationError):  # stretching it over the new resident's nights
        services.bed_outage_end(actor=staff, outage=outage, end=d0 + timedelta(days=6))


def test_a_bed_is_not_retired_while_occupied_after_that_date(staff, sengsavang, case, d0, today):
    stay = admit(staff, case, sengsavang, d0)
    with pytest.raises(ApplicationError) as error:
        services.bed_retire(actor=staff, bed=bed(sengsavang), on=today)
    assert refusal(error) == f"This bed is occupied by a stay from {d0}, with no discharge yet."
    services.stay_discharge(actor=staff, stay=stay, discharged_on=d0 + timedelta(days=5), destination="unknown")
    retired = services.bed_retire(actor=staff, bed=bed(sengsavang), on=d0 + timedelta(days=5))
    assert retired.in_service.upper == d0 + timedelta(days=5)
    with pytest.raises(Conflict):
        services.bed_retire(actor=staff, bed=bed(sengsavang), on=today)


def test_bed_labels_are_unique_per_shelter(operator_manager, sengsavang, d0):
    with pytest.raises(Conflict):
        services.bed_add(actor=operator_manager, shelter=sengsavang, label="B01", in_service_from=d0)


# --- Non-residential assistance -------------------------------------------------------------------
def test_non_residential_assistance_is_recorded_but_not_for_a_resident(staff, sengsavang, case, d0):
    types = list(ServiceType.objects.filter(code__in=["counselling", "legal_aid"]))
    refer_to_shelter(case, sengsavang)
    assistance = services.non_residential_record(
        actor=staff, shelter=sengsavang, case=case, assisted_on=d0, service_types=types, notes="Came by"
    )
    assert set(assistance.service_types.values_list("code", flat=True)) == {"counselling", "legal_aid"}
    event = CaseEvent.objects.get(case=case, kind="non_residential_recorded")
    assert event.data["services"] == ["counselling", "legal_aid"]
    assert "Came by" not in json.dumps(event.data)
    with pytest.raises(ApplicationError) as error:
        services.non_residential_record(actor=staff, shelter=sengsavang, case=case, assisted_on=d0, service_types=[])
    assert list(error.value.fields) == ["service_types"]
    admit(staff, case, sengsavang, d0 + timedelta(days=1))
    with pytest.raises(ApplicationError) as error:
        services.non_residential_record(
            actor=staff, shelter=sengsavang, case=case, assisted_on=d0 + timedelta(days=2), service_types=types
        )
    assert refusal(error) == "This person was residing in this shelter on that date."
    assert NonResidentialAssistance.objects.count() == 1


# --- Who may do what ------------------------------------------------------------------------------
def test_staff_of_another_shelter_may_not_admit_there_nor_see_its_stays(staff, cpc_staff, sengsavang, case, d0):
    with pytest.raises(PermissionDenied):  # shelters are public: a visible object, a forbidden action
        admit(cpc_staff, case, sengsavang, d0)
    stay = admit(staff, case, sengsavang, d0)
    for attempt in (
        lambda: services.stay_discharge(
            actor=cpc_staff, stay=stay, discharged_on=d0 + timedelta(1), destination="unknown"
        ),
        lambda: services.stay_move_bed(actor=cpc_staff, stay=stay, to_bed=bed(sengsavang, "B02"), on=d0 + timedelta(1)),
        lambda: services.stay_set_planned_discharge(actor=cpc_staff, stay=stay, planned_discharge_on=None),
    ):
        with pytest.raises(NotFound):  # their stays are not theirs to see
            attempt()
    with pytest.raises(NotFound):
        services.bed_outage_start(actor=cpc_staff, bed=bed(sengsavang, "B05"), start=d0, reason="x")


def test_a_social_worker_of_the_operator_may_admit_and_discharge_but_not_manage_beds(
    operator_worker, sengsavang, case, d0
):
    stay = admit(operator_worker, case, sengsavang, d0)
    services.stay_discharge(actor=operator_worker, stay=stay, discharged_on=d0 + timedelta(1), destination="unknown")
    with pytest.raises(PermissionDenied):
        services.bed_outage_start(actor=operator_worker, bed=bed(sengsavang, "B05"), start=d0, reason="Repairs")


def test_a_manager_over_the_operator_manages_beds(operator_manager, sengsavang, d0):
    outage = services.bed_outage_start(actor=operator_manager, bed=bed(sengsavang, "B05"), start=d0, reason="Leak")
    assert outage.recorded_by == operator_manager


@pytest.mark.parametrize("persona", ["police", "partner", "statistician", "outsider", "counsellor", "admin"])
def test_others_may_not_admit_or_touch_stays(people, staff, sengsavang, case, d0, persona):
    """Outside the operator and the shelter's staff nobody admits; the stay they cannot see is a
    404 (the case's own social worker sees it, but works no shelter: 403)."""
    actor = getattr(people, persona)
    with pytest.raises(PermissionDenied):
        admit(actor, case, sengsavang, d0)
    stay = admit(staff, case, sengsavang, d0)
    with pytest.raises(NotFound):
        services.stay_discharge(actor=actor, stay=stay, discharged_on=d0 + timedelta(1), destination="unknown")
    with pytest.raises(PermissionDenied):
        services.stay_discharge(
            actor=people.social_worker, stay=stay, discharged_on=d0 + timedelta(1), destination="unknown"
        )
    assert fresh(stay).during.upper is None


def test_postings_are_made_by_an_admin_or_the_operators_manager(people, orgs, operator_manager, sengsavang, d0):
    colleague = make_user("shelter-sengsavang", operator_manager.organisation, Role.SHELTER_STAFF)
    with pytest.raises(PermissionDenied):
        services.staff_post(actor=people.manager, shelter=sengsavang, user=colleague)
    with pytest.raises(NotFound):  # a user of another organisation is not theirs to see
        services.staff_post(actor=operator_manager, shelter=sengsavang, user=people.shelter_staff)
    with pytest.raises(ApplicationError) as error:
        services.staff_post(actor=people.admin, shelter=sengsavang, user=people.social_worker)
    assert refusal(error) == "Only active shelter staff can be posted to a shelter."
    posting = services.staff_post(actor=operator_manager, shelter=sengsavang, user=colleague)
    with pytest.raises(Conflict):
        services.staff_post(actor=people.admin, shelter=sengsavang, user=colleague)
    assert AuditEvent.objects.filter(object_type="shelters.shelterstaff", object_id=str(posting.pk)).exists()
    services.bed_outage_start(actor=colleague, bed=bed(sengsavang, "B05"), start=d0, reason="Leak")
    services.staff_unpost(actor=operator_manager, shelter=sengsavang, user=colleague)
    assert not ShelterStaff.objects.filter(user=colleague).exists()
    with pytest.raises(NotFound):  # unposted, the shelter's beds are out of their sight again
        services.bed_outage_start(actor=colleague, bed=bed(sengsavang, "B06"), start=d0, reason="Leak")
    with pytest.raises(NotFound):
        services.staff_unpost(actor=operator_manager, shelter=sengsavang, user=colleague)


# --- The trail ------------------------------------------------------------------------------------
def test_each_change_writes_a_timeline_row_and_an_audit_row_without_names(staff, sengsavang, cpc, case, d0):
    first = admit(staff, case, sengsavang, d0)
    moved = services.stay_move_bed(actor=staff, stay=first, to_bed=bed(sengsavang, "B02"), on=d0 + timedelta(3))
    second = services.stay_transfer(actor=staff, stay=moved, to_shelter=cpc, on=d0 + timedelta(6))
    services.stay_discharge(actor=staff, stay=second, discharged_on=d0 + timedelta(9), destination="unknown")
    events = list(CaseEvent.objects.filter(case=case, kind__startswith="stay_").order_by("id"))
    assert [event.kind for event in events] == [
        "stay_admitted",
        "stay_bed_moved",
        "stay_transferred",
        "stay_discharged",
    ]
    assert events[0].data["shelter"] == "sengsavang-savannakhet"
    assert events[0].data["stay"] == str(first.pk)
    assert (events[2].data["from_shelter"], events[2].data["shelter"]) == ("sengsavang-savannakhet", cpc.code)
    assert all(event.actor == staff for event in events)
    assert NAME not in json.dumps([event.data for event in events])
    audited = AuditEvent.objects.filter(object_type="shelters.stay", actor=staff)
    assert set(audited.filter(action="create").values_list("object_id", flat=True)) == {
        str(first.pk),
        str(moved.pk),
        str(second.pk),
    }
    assert audited.filter(action="update", object_id=str(second.pk)).exists()


# --- The database is the guard --------------------------------------------------------------------
def test_both_exclusion_constraints_exist_in_the_database():
    with connection.cursor() as cursor:
        cursor.execute("select conname from pg_constraint where conrelid = 'shelters_stay'::regclass and contype = 'x'")
        names = {row[0] for row in cursor.fetchall()}
    assert names == {"stays_one_person_per_bed", "stays_one_place_per_person"}


def test_a_raw_insert_of_an_overlapping_stay_fails_with_23p01(staff, sengsavang, case, d0):
    """Whatever bypasses the services (a script, a bulk load) still cannot double-book."""
    stay = fresh(admit(staff, case, sengsavang, d0))
    with pytest.raises(IntegrityError) as error, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "insert into shelters_stay (id, shelter_id, bed_id, person_id, case_id, during, episode_started_on,"
            " exit_destination, exit_reason, admitted_by_id, created_at)"
            " values (gen_random_uuid(), %s, %s, %s, %s, daterange(%s, null), %s, '', '', %s, now())",
            [
                sengsavang.pk,
                stay.bed_id,
                stay.person_id,
                stay.case_id,
                d0 + timedelta(days=2),
                d0 + timedelta(days=2),
                staff.pk,
            ],
        )
    assert error.value.__cause__.sqlstate == "23P01"
