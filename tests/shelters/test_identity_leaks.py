"""Issue 14, points 1 and 2: shelter staff see today's residents only, on every route, and no
refusal of an admission tells anything about a person they may not see.

Shelter staff (an LWU employee posted to the LWU shelter in Vientiane) reached former residents
through the board of a past night, and could name any case code in the country on the admit
form or POST /api/v1/stays/: the refusals (no such code, before the date of birth, "this person
is N", sex, category, closed) told whether a case existed and bisected a stranger's birth date,
and a case of another organisation was simply admitted."""

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEvent, Organisation, Role
from casework.models import Case, ServiceType
from casework.permissions import case_in_scope
from casework.services.cases import case_closure_approve, case_closure_request, case_share
from referrals import services as referral_services
from shelters import permissions, services
from shelters.models import NonResidentialAssistance, Shelter, Stay
from tests.factories import make_user, open_case, refer_to_shelter
from tests.permission_checks import assert_predicate_matches_filter

pytestmark = pytest.mark.django_db

NAME = "Stranger"


def stranger(people, **person):
    """A case of the social worker's office (t-mlsw-vt), referred nowhere: not the shelters'."""
    values = {"given_name_latin": NAME, "family_name_latin": "Synthetic", "sex": "female", **person}
    if "estimated_age" not in values:
        values.setdefault("date_of_birth", date(2000, 6, 15))
    return open_case(people.social_worker, person_values={k: v for k, v in values.items() if v is not None})


def post_stay(api, user, shelter, case_id, admitted_on):
    api.force_authenticate(user)
    body = {"shelter": shelter.code, "case": str(case_id), "admitted_on": str(admitted_on)}
    response = api.post(reverse("v1:stay-list"), body, format="json")
    return response.status_code, response.json()


# --- Point 1: another night's board ---------------------------------------------------------------
def test_the_board_of_another_night_shows_staff_which_beds_were_taken_not_by_whom(api, people, staff, cpc, today):
    case = stranger(people)
    refer_to_shelter(case, cpc)
    stay = services.stay_admit(
        actor=staff, shelter=cpc, case=case, admitted_on=today - timedelta(days=20), bed=cpc.beds.get(label="B02")
    )
    services.stay_discharge(actor=staff, stay=stay, discharged_on=today - timedelta(days=5), destination="unknown")
    night = str(today - timedelta(days=10))
    api.force_authenticate(staff)
    reads = AuditEvent.objects.filter(object_id=str(case.person_id), action="list").count()
    response = api.get(reverse("v1:shelter-board", args=[cpc.pk]), {"on": night})
    assert response.status_code == 200
    row = next(row for row in response.json() if row["bed"] == "B02")
    assert (row["occupied"], row["free"], row["stay"]) == (True, False, None)
    assert NAME not in response.content.decode() and case.person.case_code not in response.content.decode()
    assert AuditEvent.objects.filter(object_id=str(case.person_id), action="list").count() == reads  # nobody shown
    # The same stay's detail is 404 for them, as it was: the board no longer says more.
    assert api.get(reverse("v1:stay-detail", args=[stay.pk])).status_code == 404
    # The operator's social worker still sees who was there that night.
    api.force_authenticate(make_user("sw-cpc", cpc.operator, Role.SOCIAL_WORKER))
    row = next(
        row for row in api.get(reverse("v1:shelter-board", args=[cpc.pk]), {"on": night}).json() if row["bed"] == "B02"
    )
    assert row["stay"]["person"]["given_name_latin"] == NAME


def test_todays_residents_are_on_every_nights_board_they_are_in(api, people, staff, cpc, today):
    case = stranger(people)
    refer_to_shelter(case, cpc)
    services.stay_admit(
        actor=staff, shelter=cpc, case=case, admitted_on=today - timedelta(days=3), bed=cpc.beds.get(label="B02")
    )
    api.force_authenticate(staff)
    for night in (today - timedelta(days=2), today, today + timedelta(days=7)):
        board = api.get(reverse("v1:shelter-board", args=[cpc.pk]), {"on": str(night)}).json()
        assert next(row for row in board if row["bed"] == "B02")["stay"]["person"]["given_name_latin"] == NAME


# --- Point 2: an admission first establishes that the actor may act on the case -------------------
def test_a_case_not_linked_to_the_shelter_is_not_admitted_and_answers_like_a_missing_one(
    api, people, staff, cpc, today
):
    case = stranger(people)
    missing = post_stay(api, staff, cpc, "00000000-0000-4000-8000-000000000000", today)
    assert missing[0] == 404
    assert missing[1]["errors"] == {"case": ["Not found."]}
    assert post_stay(api, staff, cpc, case.pk, today) == missing
    assert not Stay.objects.filter(case=case).exists()


@pytest.mark.parametrize(
    ("person", "admitted_on", "shelter_code"),
    [
        ({"date_of_birth": date(2000, 6, 15)}, date(2000, 6, 14), "lwu-cpc-vientiane"),  # before the birth
        ({"date_of_birth": date(2000, 6, 15)}, date(2000, 6, 15), "lwu-cpc-vientiane"),  # on it
        ({"date_of_birth": date(1980, 1, 1)}, None, "sengsavang-savannakhet"),  # "this person is N"
        ({"date_of_birth": date(2015, 1, 1)}, None, "sengsavang-savannakhet"),  # too young
        ({"sex": "male"}, None, "sengsavang-savannakhet"),  # sex
        ({"date_of_birth": None}, None, "sengsavang-savannakhet"),  # unknown age
    ],
    ids=["before-birth", "birth-day", "too-old", "too-young", "sex", "unknown-age"],
)
def test_no_refusal_tells_anything_about_a_strangers_case(api, people, staff, person, admitted_on, shelter_code, today):
    case = stranger(people, **person)
    shelter = Shelter.objects.get(code=shelter_code)
    on = admitted_on or today
    missing = post_stay(api, staff, shelter, "00000000-0000-4000-8000-000000000000", on)
    assert post_stay(api, staff, shelter, case.pk, on) == missing
    page = Client()
    page.force_login(staff)
    answers = [
        page.post(reverse("shelters:admit", args=[shelter.code]), {"case_code": code, "admitted_on": on.isoformat()})
        for code in (case.person.case_code, "VT-1999-99999")
    ]
    assert [a.status_code for a in answers] == [400, 400]
    assert answers[0].context["form"].errors == answers[1].context["form"].errors
    assert answers[0].context["form"].errors["case_code"] == ["No case you may admit to this shelter has this code."]


def test_a_closed_strangers_case_answers_like_a_missing_one(api, people, staff, cpc, today):
    case = stranger(people)
    case_closure_request(actor=people.social_worker, case=case, reason="reintegrated")
    case_closure_approve(actor=people.manager, case=case)
    assert post_stay(api, staff, cpc, case.pk, today) == post_stay(
        api, staff, cpc, "00000000-0000-4000-8000-000000000000", today
    )


def test_a_referral_for_a_placement_to_the_operator_lets_its_shelter_admit_and_explain(
    api, people, staff, sengsavang, today
):
    boy = stranger(people, sex="male")
    refer_to_shelter(boy, sengsavang)
    status, body = post_stay(api, staff, sengsavang, boy.pk, today)
    assert status == 400 and "female" in body["detail"]  # now the shelter may say why not
    woman = stranger(people)
    refer_to_shelter(woman, sengsavang)
    assert post_stay(api, staff, sengsavang, woman.pk, today)[0] == 201


def test_the_link_is_to_this_shelters_operator_and_an_open_placement_referral(
    api, people, orgs, staff, cpc, sengsavang, today
):
    missing = post_stay(api, staff, cpc, "00000000-0000-4000-8000-000000000000", today)
    elsewhere = stranger(people)
    refer_to_shelter(elsewhere, sengsavang)  # referred to Sengsavang's operator, not to LWU
    assert post_stay(api, staff, cpc, elsewhere.pk, today) == missing
    counselling = stranger(people)
    consent = referral_services.consent_record(
        actor=people.social_worker,
        case=counselling,
        recipient=cpc.operator,
        data_categories=["identity"],
        service_types=[ServiceType.objects.get(code="counselling")],
        purpose="counselling",
        given_by="person",
    )
    referral_services.referral_send(
        actor=people.social_worker,
        referral=referral_services.referral_create(
            actor=people.social_worker,
            case=counselling,
            to_organisation=cpc.operator,
            service_types=[ServiceType.objects.get(code="counselling")],
            urgency="routine",
            reason="counselling",
            shared_categories=["identity"],
            consent=consent,
        ),
    )
    assert post_stay(api, staff, cpc, counselling.pk, today) == missing  # not a placement
    withdrawn = stranger(people)
    referral = refer_to_shelter(withdrawn, cpc)
    referral_services.referral_withdraw(actor=people.social_worker, referral=referral, reason="placed elsewhere")
    assert post_stay(api, staff, cpc, withdrawn.pk, today) == missing
    shared = stranger(people)
    case_share(actor=people.social_worker, case=shared, organisation=cpc.operator, purpose="shelter placement")
    assert post_stay(api, staff, cpc, shared.pk, today)[0] == 201  # shared with the operator


def test_non_residential_assistance_needs_the_same_link(api, people, staff, cpc, today):
    case = stranger(people)
    api.force_authenticate(staff)

    def record(case_id):
        body = {"shelter": cpc.code, "case": str(case_id), "assisted_on": str(today), "service_types": ["legal_aid"]}
        response = api.post(reverse("v1:non-residential-list"), body, format="json")
        return response.status_code, response.json()

    assert record(case.pk) == record("00000000-0000-4000-8000-000000000000")
    assert record(case.pk)[0] == 404
    refer_to_shelter(case, cpc)
    assert record(case.pk)[0] == 201
    assert NonResidentialAssistance.objects.filter(case=case).count() == 1


def test_the_admit_permissions_predicate_matches_its_filter(people, orgs, staff, cpc, sengsavang):
    linked = stranger(people)
    refer_to_shelter(linked, cpc)
    shared = stranger(people)
    case_share(actor=people.social_worker, case=shared, organisation=cpc.operator, purpose="placement")
    owned = open_case(make_user("sw-sengsavang", Organisation.objects.get(code="sengsavang"), Role.SOCIAL_WORKER))
    cases = [linked, shared, owned, stranger(people)]
    users = [*people.all, make_user("mgr-sengsavang", Organisation.objects.get(code="sengsavang"), Role.MANAGER)]
    assert_predicate_matches_filter(permissions.admit_case, users, cases)
    assert_predicate_matches_filter(case_in_scope, users, cases)
    admissible = set(permissions.admit_case.scope(staff).filter(pk__in=[c.pk for c in cases]))
    assert admissible == {linked, shared, owned}
    assert set(Case.objects.filter(permissions.admissible_here(staff, cpc), pk__in=[c.pk for c in cases])) == {
        linked,
        shared,
    }


def test_staff_see_the_days_non_residential_assistance_only(api, people, staff, cpc, today):
    case = stranger(people)
    refer_to_shelter(case, cpc)
    legal_aid = [ServiceType.objects.get(code="legal_aid")]
    for day in (today - timedelta(days=7), today):
        services.non_residential_record(
            actor=staff, shelter=cpc, case=case, assisted_on=day, service_types=legal_aid, notes="came by"
        )
    records = list(NonResidentialAssistance.objects.filter(case=case).order_by("assisted_on"))
    api.force_authenticate(staff)
    listed = [row["assisted_on"] for row in api.get(reverse("v1:non-residential-list")).json()["results"]]
    assert listed == [str(today)]
    operator_worker = make_user("sw-cpc", cpc.operator, Role.SOCIAL_WORKER)
    api.force_authenticate(operator_worker)
    assert len(api.get(reverse("v1:non-residential-list")).json()["results"]) == 2
    assert_predicate_matches_filter(permissions.view_non_residential, [*people.all, operator_worker], records)
