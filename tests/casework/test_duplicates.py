"""Duplicate-person search and merge. Names here are synthetic combinations, never real people."""

from datetime import date

import pytest

from accounts.models import AuditEvent, District, Role
from casework.duplicates import (
    REASON_BIRTH_DATE,
    REASON_DISTRICT,
    REASON_ESTIMATED_AGE,
    REASON_SAME_LAO_NAME,
    REASON_SIMILAR_NAME,
    find_duplicates,
)
from casework.models import Case, CaseEvent, FamilyMember, Person
from casework.services.cases import case_share
from casework.services.merge import person_merge
from casework.services.people import family_member_add
from core.errors import ApplicationError, NotFound, PermissionDenied
from tests.factories import make_user, open_case

pytestmark = pytest.mark.django_db


def register(actor, given="Phonsavanh", family="Keomany", **values):
    """A synthetic person with one case opened by `actor`. Without a birth date or an estimate
    the record is registered with one and then loses it, as older paper-based records have none
    (case_open itself refuses a case without an age: see the report on Case.child_at_identification)."""
    unknown_age = "date_of_birth" not in values and "estimated_age" not in values
    if unknown_age:
        values["date_of_birth"] = date(1999, 1, 1)
    person_values = {"given_name_latin": given, "family_name_latin": family, "sex": "female", **values}
    person = open_case(actor, person_values=person_values).person
    if unknown_age:
        Person.objects.filter(pk=person.pk).update(date_of_birth=None)
        Case.objects.filter(person=person).update(child_at_identification=None)
        person.refresh_from_db()
    return person


@pytest.fixture
def districts(reference):
    return District.objects.filter(province__code="VT").order_by("code")[:2]


def codes(report):
    return [candidate.person.case_code for candidate in report.candidates]


# --- Finding ------------------------------------------------------------------------------------
def test_transliteration_variants_and_swapped_order_are_found(people):
    """The same Lao name romanised two ways, given and family name swapped on one document."""
    person = register(people.social_worker, date_of_birth=date(2005, 4, 1))
    for given, family in (("Ponsavan", "Keomani"), ("Keomani", "Ponsavan"), ("Phonesavanh", "Keomanee")):
        report = find_duplicates(
            user=people.social_worker,
            given_name_latin=given,
            family_name_latin=family,
            date_of_birth=date(2005, 6, 1),
        )
        assert codes(report) == [person.case_code], (given, family)
        assert report.candidates[0].reasons == (REASON_SIMILAR_NAME, REASON_BIRTH_DATE)
        assert report.hidden_matches == 0


def test_a_near_spelling_is_similar_but_an_unrelated_name_is_not(people):
    person = register(people.social_worker, given="Souksavanh", family="Vongphachanh")
    register(people.social_worker, given="Bounmy", family="Sihalath")
    near = find_duplicates(user=people.social_worker, given_name_latin="Souksavan", family_name_latin="Vongphachan")
    assert codes(near) == [person.case_code]
    assert 0.5 <= near.candidates[0].similarity <= 1
    unrelated = find_duplicates(user=people.social_worker, given_name_latin="Khamla", family_name_latin="Inthavong")
    assert codes(unrelated) == []
    assert not unrelated


def test_birth_dates_far_apart_are_different_people(people):
    """Same name, born 15 years apart: not a duplicate; 18 months apart: a duplicate."""
    close = register(people.social_worker, date_of_birth=date(2004, 1, 10))
    register(people.social_worker, date_of_birth=date(1990, 1, 10))
    report = find_duplicates(
        user=people.social_worker,
        given_name_latin="Phonsavanh",
        family_name_latin="Keomany",
        date_of_birth=date(2005, 7, 1),
    )
    assert codes(report) == [close.case_code]


def test_an_estimated_age_matches_within_three_years(people):
    estimated = register(people.social_worker, estimated_age=19)  # estimated on the intake date (today)
    exact = register(people.social_worker, date_of_birth=date(1970, 1, 1))
    report = find_duplicates(
        user=people.social_worker, given_name_latin="Phonsavanh", family_name_latin="Keomany", estimated_age=21
    )
    assert codes(report) == [estimated.case_code]
    assert report.candidates[0].reasons == (REASON_SIMILAR_NAME, REASON_ESTIMATED_AGE)
    assert exact.case_code not in codes(report)
    far = find_duplicates(
        user=people.social_worker, given_name_latin="Phonsavanh", family_name_latin="Keomany", estimated_age=30
    )
    assert codes(far) == []


def test_the_same_district_corroborates_and_ranks_first(people, districts):
    home, elsewhere = districts
    province = home.province
    both = register(
        people.social_worker, date_of_birth=date(2005, 1, 1), origin_province=province, origin_district=home
    )
    birth_only = register(
        people.social_worker, date_of_birth=date(2005, 1, 1), origin_province=province, origin_district=elsewhere
    )
    district_only = register(people.social_worker, origin_province=province, origin_district=home)
    register(people.social_worker, origin_province=province, origin_district=elsewhere)  # nothing corroborates
    report = find_duplicates(
        user=people.social_worker,
        given_name_latin="Phonsavanh",
        family_name_latin="Keomany",
        date_of_birth=date(2005, 3, 1),
        origin_district=home,
    )
    assert codes(report) == [both.case_code, birth_only.case_code, district_only.case_code]
    assert report.candidates[0].reasons == (REASON_SIMILAR_NAME, REASON_BIRTH_DATE, REASON_DISTRICT)
    assert report.candidates[2].reasons == (REASON_SIMILAR_NAME, REASON_DISTRICT)
    assert report.candidates[0].score > report.candidates[1].score > report.candidates[2].score


def test_the_same_lao_script_name_in_either_order_is_found(people):
    person = register(people.social_worker, given="", family="", given_name_lo="ນ້ອຍ", family_name_lo="ແກ້ວມະນີ")
    register(people.social_worker, given="", family="", given_name_lo="ນ້ອຍ", family_name_lo="ສີຫາລາດ")
    report = find_duplicates(user=people.social_worker, given_name_lo="ແກ້ວມະນີ", family_name_lo=" ນ້ອຍ ")
    assert codes(report) == [person.case_code]
    assert report.candidates[0].reasons == (REASON_SAME_LAO_NAME,)


def test_merged_and_excluded_people_are_never_candidates(people):
    kept = register(people.social_worker)
    gone = register(people.social_worker)
    Person.objects.filter(pk=gone.pk).update(merged_into=kept)
    report = find_duplicates(user=people.social_worker, given_name_latin="Ponsavan", family_name_latin="Keomani")
    assert codes(report) == [kept.case_code]
    assert (
        find_duplicates(
            user=people.social_worker, given_name_latin="Ponsavan", family_name_latin="Keomani", exclude=kept
        ).candidates
        == []
    )


def test_matches_outside_the_users_scope_are_counted_never_shown(people):
    mine = register(people.social_worker)
    theirs = register(people.outsider)
    report = find_duplicates(user=people.social_worker, given_name_latin="Ponsavan", family_name_latin="Keomani")
    assert codes(report) == [mine.case_code]
    assert report.hidden_matches == 1
    assert theirs.pk not in {candidate.person.pk for candidate in report.candidates}
    other_side = find_duplicates(user=people.outsider, given_name_latin="Ponsavan", family_name_latin="Keomani")
    assert (codes(other_side), other_side.hidden_matches) == ([theirs.case_code], 1)


def test_showing_candidates_is_recorded_in_the_access_log(people):
    person = register(people.social_worker)
    before = AuditEvent.objects.filter(object_id=str(person.pk), action="list").count()
    find_duplicates(user=people.social_worker, given_name_latin="Ponsavan", family_name_latin="Keomani")
    assert AuditEvent.objects.filter(object_id=str(person.pk), action="list").count() == before + 1


def test_only_staff_who_register_or_manage_cases_may_search(people):
    register(people.social_worker)
    for persona in (people.statistician, people.partner, people.admin, people.shelter_staff, people.anonymous):
        with pytest.raises(PermissionDenied):
            find_duplicates(user=persona, given_name_latin="Ponsavan", family_name_latin="Keomani")
    assert find_duplicates(user=people.manager, given_name_latin="Ponsavan", family_name_latin="Keomani").candidates


def test_without_a_name_there_is_nothing_to_compare(people, django_assert_num_queries):
    register(people.social_worker)
    with django_assert_num_queries(0):
        report = find_duplicates(user=people.social_worker, date_of_birth=date(2005, 1, 1))
    assert (report.candidates, report.hidden_matches) == ([], 0)


@pytest.mark.parametrize("count", [1, 20])
def test_the_number_of_queries_does_not_grow_with_the_candidates(people, count, django_assert_num_queries):
    """The page, the hidden count and one access-log INSERT, however many candidates."""
    for _ in range(count):
        register(people.social_worker, date_of_birth=date(2005, 1, 1))
    register(people.outsider, date_of_birth=date(2005, 1, 1))
    with django_assert_num_queries(3):
        report = find_duplicates(
            user=people.social_worker,
            given_name_latin="Ponsavan",
            family_name_latin="Keomani",
            date_of_birth=date(2005, 2, 1),
            limit=50,
        )
        assert all(candidate.person.origin_district is None for candidate in report.candidates)
    assert (len(report.candidates), report.hidden_matches) == (count, 1)


# --- Merging ------------------------------------------------------------------------------------
@pytest.fixture
def pair(people, districts):
    """Two records of one person, both with cases owned by the social worker's office."""
    keep = register(people.social_worker, given="Phonsavanh", family="Keomany")
    merge = register(
        people.social_worker,
        given="Ponsavan",
        family="Keomani",
        given_name_lo="ພອນສະຫວັນ",
        family_name_lo="ແກ້ວມະນີ",
        date_of_birth=date(2009, 2, 1),
        phone="020 0000 0000",
        ethnicity_id="khmu",
        origin_province=districts[0].province,
        origin_district=districts[0],
        interpreter_needed=True,
        interpreter_language="kjg",
    )
    open_case(people.social_worker, person=merge, category="risk_group")
    family_member_add(
        actor=people.social_worker,
        person=merge,
        relationship="mother",
        name="Synthetic mother",
        lives_in_village_of_origin=True,
    )
    return keep, merge


def test_a_merge_moves_every_case_and_relative_and_keeps_the_history(people, pair):
    keep, merge = pair
    moved = set(merge.cases.values_list("pk", flat=True))
    keep_case = keep.cases.get()
    person_merge(actor=people.manager, keep=keep, merge=merge, reason="same person registered twice")
    merge.refresh_from_db()
    assert merge.merged_into == keep
    assert Person.objects.filter(pk=merge.pk).exists()  # never deleted
    assert set(Case.objects.filter(person=keep).values_list("pk", flat=True)) == moved | {keep_case.pk}
    assert FamilyMember.objects.filter(person=keep).count() == 1
    assert set(merge.history.values_list("pgh_label", flat=True)) >= {"insert", "update"}
    for case_id in moved:
        event = CaseEvent.objects.get(case_id=case_id, kind="person_merged")
        assert event.data == {"kept": keep.case_code, "merged": merge.case_code}
        assert CaseEvent.objects.filter(case_id=case_id, kind="case_opened").exists()
    assert not CaseEvent.objects.filter(case=keep_case, kind="person_merged").exists()
    rows = AuditEvent.objects.filter(object_type="casework.person", object_id__in=[str(keep.pk), str(merge.pk)])
    assert set(rows.filter(reason="same person registered twice").values_list("object_id", flat=True)) == {
        str(keep.pk),
        str(merge.pk),
    }


def test_a_merge_fills_empty_fields_and_never_overwrites(people, pair):
    keep, merge = pair
    person_merge(actor=people.manager, keep=keep, merge=merge, reason="same person")
    keep.refresh_from_db()
    assert (keep.given_name_latin, keep.family_name_latin) == ("Phonsavanh", "Keomany")  # kept
    assert (keep.given_name_lo, keep.family_name_lo) == ("ພອນສະຫວັນ", "ແກ້ວມະນີ")  # filled
    assert (keep.date_of_birth, keep.phone) == (date(2009, 2, 1), "020 0000 0000")
    assert (keep.ethnicity_id, keep.origin_district_id) == ("khmu", merge.origin_district_id)
    assert (keep.interpreter_needed, keep.interpreter_language) == (True, "kjg")
    # Born 2009: the case opened without any age is now a child case.
    assert set(keep.cases.values_list("child_at_identification", flat=True)) == {True}


def test_a_merge_never_overwrites_a_value_the_kept_record_has(people, districts):
    home, elsewhere = districts
    keep = register(
        people.social_worker,
        date_of_birth=date(2000, 1, 1),
        phone="020 1111 1111",
        origin_province=home.province,
        origin_district=home,
    )
    merge = register(
        people.social_worker,
        given="Ponsavan",
        family="Keomani",
        estimated_age=30,
        phone="020 2222",
        origin_province=elsewhere.province,
        origin_district=elsewhere,
    )
    person_merge(actor=people.manager, keep=keep, merge=merge, reason="same person")
    keep.refresh_from_db()
    assert (keep.date_of_birth, keep.estimated_age, keep.phone) == (date(2000, 1, 1), None, "020 1111 1111")
    assert (keep.given_name_latin, keep.origin_district) == ("Phonsavanh", home)


def test_a_record_cannot_be_merged_into_itself_or_into_a_merged_one(people, pair):
    keep, merge = pair
    with pytest.raises(ApplicationError) as error:
        person_merge(actor=people.manager, keep=keep, merge=keep, reason="oops")
    assert error.value.status_code == 400
    with pytest.raises(ApplicationError) as error:
        person_merge(actor=people.manager, keep=keep, merge=merge, reason=" ")
    assert error.value.status_code == 400
    person_merge(actor=people.manager, keep=keep, merge=merge, reason="same person")
    third = register(people.social_worker)
    for kept, merged in ((merge, third), (third, merge)):
        with pytest.raises(ApplicationError) as error:
            person_merge(actor=people.manager, keep=kept, merge=merged, reason="again")
        assert error.value.status_code == 400
    assert third.cases.count() == 1


def test_only_a_manager_of_both_peoples_cases_may_merge(people, orgs, pair):
    keep, merge = pair
    with pytest.raises(PermissionDenied):
        person_merge(actor=people.social_worker, keep=keep, merge=merge, reason="same person")
    outside_manager = make_user("mgr-sv", orgs.mlsw_sv, Role.MANAGER)
    for outsider in (outside_manager, people.outsider):
        with pytest.raises(NotFound):
            person_merge(actor=outsider, keep=keep, merge=merge, reason="same person")
    # Seen through a share, but owned (and managed) elsewhere: visible, not mergeable.
    shared = open_case(people.counsellor).person
    case_share(actor=people.counsellor, case=shared.cases.get(), organisation=orgs.mlsw_vt, purpose="shelter")
    with pytest.raises(PermissionDenied):
        person_merge(actor=people.manager, keep=keep, merge=shared, reason="same person")
    merge.refresh_from_db()
    assert merge.merged_into is None
    assert merge.cases.count() == 2
