"""Setting a shelter up (issue 18): the services, the pages and the API that create and describe a
shelter, add rooms and beds (historic in-service dates included), retire beds, end outages and
post staff. Refusals: 400 with the field's message and nothing saved; a shelter outside the
caller's scope is the same 404 as a missing one; a manager of another organisation is refused."""

from __future__ import annotations

from datetime import date

import pytest
from django.db.backends.postgresql.psycopg_any import DateRange
from django.urls import reverse

from accounts.models import AuditEvent, Province, Role
from core.errors import ApplicationError, PermissionDenied
from shelters import permissions, reports, services
from shelters.models import Bed, BedOutage, Room, Shelter, ShelterStaff
from shelters.setup_forms import expand_labels
from tests.clients import client_for
from tests.factories import ShelterFactory, make_user, open_case
from tests.permission_checks import assert_predicate_matches_filter

pytestmark = pytest.mark.django_db

DESCRIPTION = {"name_en": "Hope house", "name_lo": "ເຮືອນຄວາມຫວັງ", "accepts_sexes": ["female"]}


@pytest.fixture
def vt(reference):
    return Province.objects.get(code="VT")


@pytest.fixture
def shelter(people, orgs, vt):
    return services.shelter_create(
        actor=people.manager, code="t-hope", operator=orgs.mlsw_vt, province=vt, **DESCRIPTION
    )


@pytest.fixture
def other_manager(orgs):
    """A manager of another provincial office: no say over t-mlsw-vt's shelters."""
    return make_user("mgr-sv", orgs.mlsw_sv, Role.MANAGER)


# --- Services ------------------------------------------------------------------------------------
def test_a_manager_creates_a_shelter_of_their_organisation_audited(shelter, people):
    assert shelter.operator.code == "t-mlsw-vt" and shelter.name_lo == DESCRIPTION["name_lo"]
    assert AuditEvent.objects.filter(actor=people.manager, action="create", object_id=str(shelter.pk)).exists()


def test_a_manager_cannot_create_a_shelter_for_another_organisation(other_manager, orgs, vt):
    with pytest.raises(ApplicationError) as refused:
        services.shelter_create(actor=other_manager, code="t-x", operator=orgs.mlsw_vt, province=vt, name_en="X")
    assert "operator" in refused.value.fields
    assert not Shelter.objects.filter(code="t-x").exists()


def test_an_administrator_creates_for_any_organisation(people, orgs, vt):
    created = services.shelter_create(actor=people.admin, code="t-any", operator=orgs.lwu, province=vt, name_en="A")
    assert created.operator == orgs.lwu


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"code": "Bad code!"}, "code"),
        ({"code": "t-hope"}, "code"),
        ({"name_en": " "}, "name_en"),
        ({"min_age": 18, "max_age": 12}, "max_age"),
    ],
)
def test_a_bad_shelter_is_refused_on_its_field(shelter, people, orgs, vt, values, field):
    arguments = {"code": "t-new", "operator": orgs.mlsw_vt, "province": vt, "name_en": "N", **values}
    with pytest.raises(ApplicationError) as refused:
        services.shelter_create(actor=people.manager, **arguments)
    assert field in refused.value.fields
    assert not Shelter.objects.filter(code="t-new").exists()


def test_another_organisations_manager_may_not_describe_the_shelter(shelter, other_manager):
    with pytest.raises(PermissionDenied):
        services.shelter_update(actor=other_manager, shelter=shelter, name_en="Mine")


def test_beds_in_service_since_2015_count_in_2016_and_take_a_historic_admission(shelter, people, orgs):
    room = services.room_add(actor=people.manager, shelter=shelter, name="A")
    beds = services.beds_add(
        actor=people.manager,
        shelter=shelter,
        labels=expand_labels("1-12"),
        in_service_from=date(2015, 1, 1),
        room=room,
    )
    assert len(beds) == 12 and all(bed.in_service == DateRange(date(2015, 1, 1), None) for bed in beds)
    assert AuditEvent.objects.filter(object_type__endswith="bed", action="create").count() >= 12
    case = open_case(
        people.social_worker,
        identified_on=date(2016, 3, 1),
        person_values={"given_name_latin": "Old", "sex": "female", "date_of_birth": date(1990, 1, 1)},
    )
    services.stay_admit(
        actor=people.social_worker, shelter=shelter, case=case, admitted_on=date(2016, 3, 1), bed=beds[0]
    )
    year = reports.occupancy(Shelter.objects.filter(pk=shelter.pk), date(2016, 1, 1), date(2016, 12, 31))
    assert year.total.capacity_start == 12
    assert year.total.available_bed_nights == 12 * 366
    assert year.total.occupied_bed_nights == 306  # 1 March to 31 December 2016
    assert year.total.admissions == 1


def test_beds_are_added_all_or_none(shelter, people):
    services.beds_add(actor=people.manager, shelter=shelter, labels=["3"], in_service_from=date(2015, 1, 1))
    with pytest.raises(ApplicationError) as refused:
        services.beds_add(
            actor=people.manager, shelter=shelter, labels=["1", "2", "3"], in_service_from=date(2015, 1, 1)
        )
    assert "labels" in refused.value.fields and "3" in refused.value.message
    assert list(shelter.beds.values_list("label", flat=True)) == ["3"]


def test_expand_labels():
    assert expand_labels("A1-A3, B7,C") == ["A1", "A2", "A3", "B7", "C"]
    assert expand_labels("9-11") == ["9", "10", "11"]


# --- Pages ---------------------------------------------------------------------------------------
def test_the_new_shelter_page_creates_a_shelter_and_goes_to_its_set_up(people, orgs, vt):
    client = client_for(people.manager)
    assert client.get(reverse("shelters:new")).status_code == 200
    data = {
        "code": "t-page",
        "name_en": "Page house",
        "operator": orgs.mlsw_vt.pk,
        "province": vt.pk,
        "is_active": "on",
    }
    response = client.post(reverse("shelters:new"), data)
    assert response.status_code == 302 and response["Location"] == reverse("shelters:setup", args=["t-page"])
    assert Shelter.objects.get(code="t-page").is_active


def test_the_new_shelter_page_refuses_with_field_errors_and_saves_nothing(people, orgs, vt):
    client = client_for(people.manager)
    response = client.post(reverse("shelters:new"), {"code": "t-page", "operator": orgs.mlsw_vt.pk, "province": vt.pk})
    assert response.status_code == 400
    assert response.context["form"].errors["name_en"]
    other = client.post(
        reverse("shelters:new"), {"code": "t-page", "name_en": "X", "operator": orgs.lwu.pk, "province": vt.pk}
    )
    assert other.status_code == 400 and other.context["form"].errors["operator"]
    assert not Shelter.objects.filter(code="t-page").exists()


def test_the_new_shelter_page_is_for_managers_and_administrators(people):
    assert client_for(people.social_worker).get(reverse("shelters:new")).status_code == 403
    assert client_for(people.admin).get(reverse("shelters:new")).status_code == 200


def test_a_manager_without_a_shelter_reaches_new_shelter_from_the_list(people):
    page = client_for(people.manager).get(reverse("shelters:list"))
    assert page.status_code == 200 and reverse("shelters:new") in page.content.decode()


def test_adding_twelve_beds_from_2015_through_the_page(shelter, people):
    room = services.room_add(actor=people.manager, shelter=shelter, name="A")
    client = client_for(people.manager)
    url = reverse("shelters:beds-add", args=[shelter.code])
    response = client.post(url, {"labels": "1-12", "room": str(room.pk), "in_service_from": "2015-01-01"})
    assert response.status_code == 302
    assert shelter.beds.filter(room=room, in_service__startswith=date(2015, 1, 1)).count() == 12
    again = client.post(url, {"labels": "12-13", "room": str(room.pk), "in_service_from": "2015-01-01"})
    assert again.status_code == 400 and again.context["form"].errors["labels"]
    bad_date = client.post(url, {"labels": "20", "in_service_from": "01/13/2015"})
    assert bad_date.status_code == 400 and bad_date.context["form"].errors["in_service_from"]
    assert shelter.beds.count() == 12
    setup = client.get(reverse("shelters:setup", args=[shelter.code])).content.decode()
    assert "01/01/2015" in setup and reverse("shelters:staff-post", args=[shelter.code]) in setup


def test_the_set_up_page_lists_beds_without_a_query_per_bed(shelter, people, django_assert_max_num_queries):
    services.beds_add(
        actor=people.manager, shelter=shelter, labels=expand_labels("1-40"), in_service_from=date(2020, 1, 1)
    )
    client = client_for(people.manager)
    client.get(reverse("shelters:setup", args=[shelter.code]))
    with django_assert_max_num_queries(14):
        assert client.get(reverse("shelters:setup", args=[shelter.code])).status_code == 200


def test_out_of_scope_is_the_same_404_as_missing(shelter, other_manager, people):
    client = client_for(other_manager)
    for name in ("setup", "edit", "room-add", "beds-add", "staff-post"):
        assert client.get(reverse(f"shelters:{name}", args=[shelter.code])).status_code == 404
        assert client.get(reverse(f"shelters:{name}", args=["no-such-shelter"])).status_code == 404
    assert client.post(reverse("shelters:beds-add", args=[shelter.code]), {"labels": "1"}).status_code == 404
    assert not shelter.beds.exists()


def test_retire_a_bed_and_end_an_outage_through_the_pages(shelter, people):
    bed = services.beds_add(actor=people.manager, shelter=shelter, labels=["1"], in_service_from=date(2015, 1, 1))[0]
    outage = services.bed_outage_start(actor=people.manager, bed=bed, start=date(2020, 1, 1), reason="roof")
    client = client_for(people.manager)
    refused = client.post(reverse("shelters:bed-retire", args=[bed.pk]), {"on": "2021-01-01"})
    assert refused.status_code == 400 and refused.context["form"].errors["on"]
    ended = client.post(reverse("shelters:outage-end", args=[outage.pk]), {"end": "2020-02-01"})
    assert ended.status_code == 302
    assert BedOutage.objects.get(pk=outage.pk).during == DateRange(date(2020, 1, 1), date(2020, 2, 1))
    retired = client.post(reverse("shelters:bed-retire", args=[bed.pk]), {"on": "2021-01-01"})
    assert retired.status_code == 302
    assert Bed.objects.get(pk=bed.pk).in_service == DateRange(date(2015, 1, 1), date(2021, 1, 1))


def test_post_and_unpost_staff_through_the_pages(shelter, people, orgs):
    colleague = make_user("shelter-vt", orgs.mlsw_vt, Role.SHELTER_STAFF)
    client = client_for(people.manager)
    url = reverse("shelters:staff-post", args=[shelter.code])
    form = client.get(url)
    choices = [str(value) for value, _label in form.context["form"].fields["user"].choices if value]
    assert choices == [str(colleague.pk)]  # own organisation's shelter staff only
    outsider = client.post(url, {"user": str(people.shelter_staff.pk)})  # LWU's: not theirs to post
    assert outsider.status_code == 400 and outsider.context["form"].errors["user"]
    assert client.post(url, {"user": str(colleague.pk)}).status_code == 302
    assert ShelterStaff.objects.filter(shelter=shelter, user=colleague).exists()
    board = client_for(colleague).get(reverse("shelters:board", args=[shelter.code]))
    assert board.status_code == 200
    end = reverse("shelters:staff-unpost", args=[shelter.code, colleague.pk])
    assert client.post(end).status_code == 302
    assert not ShelterStaff.objects.filter(shelter=shelter, user=colleague).exists()
    assert client.post(end).status_code == 404  # no longer posted


# --- API -----------------------------------------------------------------------------------------
def test_api_creates_a_shelter_with_field_errors_first(api, people):
    api.force_authenticate(people.manager)
    url = reverse("v1:shelter-list")
    bad = api.post(url, {"code": "t-api", "operator": "t-mlsw-vt", "province": "VT"}, format="json")
    assert bad.status_code == 400 and "name_en" in bad.json()["errors"]
    other = api.post(url, {"code": "t-api", "operator": "t-lwu", "province": "VT", "name_en": "A"}, format="json")
    assert other.status_code == 400 and "operator" in other.json()["errors"]
    assert not Shelter.objects.filter(code="t-api").exists()
    made = api.post(url, {"code": "t-api", "operator": "t-mlsw-vt", "province": "VT", "name_en": "A"}, format="json")
    assert made.status_code == 201 and made.json()["beds_in_service"] == 0


def test_api_sets_up_rooms_beds_and_postings(api, shelter, people, orgs):
    api.force_authenticate(people.manager)
    room = api.post(reverse("v1:shelter-rooms", args=[shelter.pk]), {"name": "A"}, format="json")
    assert room.status_code == 201
    beds = api.post(
        reverse("v1:shelter-beds", args=[shelter.pk]),
        {"labels": ["1", "2"], "in_service_from": "2015-01-01", "room": room.json()["id"]},
        format="json",
    )
    assert beds.status_code == 201 and [bed["in_service_from"] for bed in beds.json()] == ["2015-01-01"] * 2
    retired = api.post(reverse("v1:bed-retire", args=[beds.json()[1]["id"]]), {"on": "2016-01-01"}, format="json")
    assert retired.status_code == 200 and retired.json()["in_service_until"] == "2016-01-01"
    colleague = make_user("shelter-vt", orgs.mlsw_vt, Role.SHELTER_STAFF)
    posted = api.post(reverse("v1:shelter-post-staff", args=[shelter.pk]), {"user": str(colleague.pk)}, format="json")
    assert posted.status_code == 201
    ended = api.post(reverse("v1:shelter-unpost-staff", args=[shelter.pk]), {"user": str(colleague.pk)}, format="json")
    assert ended.status_code == 204 and not ShelterStaff.objects.filter(user=colleague).exists()
    patched = api.patch(reverse("v1:shelter-detail", args=[shelter.pk]), {"name_en": "Renamed"}, format="json")
    assert patched.status_code == 200 and patched.json()["name_en"] == "Renamed"


def test_api_out_of_scope_is_the_same_404_as_missing(api, shelter, other_manager):
    api.force_authenticate(other_manager)
    for name, body in (
        ("v1:shelter-rooms", {"name": "A"}),
        ("v1:shelter-beds", {"labels": ["1"], "in_service_from": "2015-01-01"}),
    ):
        ours = api.post(reverse(name, args=[shelter.pk]), body, format="json")
        missing = api.post(reverse(name, args=["00000000-0000-4000-8000-000000000000"]), body, format="json")
        assert (ours.status_code, ours.json()) == (missing.status_code, missing.json()) and ours.status_code == 404
    assert (
        api.patch(reverse("v1:shelter-detail", args=[shelter.pk]), {"name_en": "X"}, format="json").status_code == 404
    )
    assert (
        not Room.objects.filter(shelter=shelter).exists() and Shelter.objects.get(pk=shelter.pk).name_en == "Hope house"
    )


def test_the_set_up_permissions_predicates_match_their_filters(shelter, people, orgs, other_manager):
    other = ShelterFactory(code="t-other-operator", operator=orgs.lwu)
    users = [*people.all, other_manager]
    assert_predicate_matches_filter(permissions.manage_shelter, users, [shelter, other])
    assert_predicate_matches_filter(permissions.operate_for, users, [orgs.mlsw_vt, orgs.lwu, orgs.mlsw_sv])
