"""The person pages through the Django test client: correcting a record, relatives and
guardians, a new case for a registered person, duplicates compared and merged. Each page calls
the service the API calls; refusals come back as 400 with the message next to the field and
nothing saved, and a record out of sight answers like a missing one."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from django.urls import reverse

from accounts.models import AuditAction, AuditEvent, District, Province
from casework.models import Case, CaseEvent, FamilyMember, Person
from casework.services.people import family_member_add
from tests.factories import open_case

pytestmark = pytest.mark.django_db

MISSING = uuid.uuid4()
TWIN = {"given_name_latin": "Noy", "family_name_latin": "Synthetic", "sex": "female", "date_of_birth": date(2008, 6, 1)}


def tab(case):
    return reverse("casework:case-detail", args=[case.pk]) + "?tab=person"


def person_post(person, **changes):
    """The person form as the page fills it, with `changes`."""
    values = {
        "given_name_latin": person.given_name_latin,
        "family_name_latin": person.family_name_latin,
        "sex": person.sex,
        "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else "",
        "nationality": person.nationality_id,
    }
    return {**values, **changes}


def main(response):
    """The page's content, without what changes on every answer (the CSP nonce, the CSRF token)."""
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def audited(user, action, obj):
    return AuditEvent.objects.filter(actor=user, action=action, object_id=str(obj.pk))


def events(case, kind):
    return CaseEvent.objects.filter(case=case, kind=kind)


# --- Correcting the record -------------------------------------------------------------------------
def test_the_person_tab_links_to_every_person_page(client, people, case):
    client.force_login(people.social_worker)
    html = client.get(tab(case)).content.decode()
    for name, args in (
        ("casework:person-edit", [case.pk]),
        ("casework:family-add", [case.pk]),
        ("casework:person-case-open", [case.person_id]),
        ("casework:person-duplicates", [case.pk]),
    ):
        assert reverse(name, args=args) in html, name


def test_a_typo_in_a_name_and_a_birth_date_is_corrected_and_audited(client, people, case):
    client.force_login(people.social_worker)
    url = reverse("casework:person-edit", args=[case.pk])
    assert 'value="Synthetic"' in client.get(url).content.decode()
    answer = client.post(url, person_post(case.person, family_name_latin="Synthetik", date_of_birth="2008-05-11"))
    assert answer.status_code == 302 and answer["Location"] == tab(case)
    person = Person.objects.get(pk=case.person_id)
    assert (person.family_name_latin, person.date_of_birth) == ("Synthetik", date(2008, 5, 11))
    row = audited(people.social_worker, AuditAction.UPDATE, person).get()
    assert sorted(row.fields) == ["date_of_birth", "family_name_latin"]  # only what changed
    assert events(case, "person_updated").count() == 1


def test_two_conflicting_fields_answer_400_beside_the_field_and_save_nothing(client, people, case):
    client.force_login(people.social_worker)
    url = reverse("casework:person-edit", args=[case.pk])
    answer = client.post(url, person_post(case.person, family_name_latin="Changed", estimated_age="20"))
    assert answer.status_code == 400
    form = answer.context["form"]
    assert form.errors["estimated_age"] == ["Give either a date of birth or an estimated age, not both."]
    assert 'value="Changed"' in answer.content.decode()  # what was typed stays
    person = Person.objects.get(pk=case.person_id)
    assert (person.family_name_latin, person.estimated_age) == ("Synthetic", None)
    assert not audited(people.social_worker, AuditAction.UPDATE, person).exists()


def test_a_district_outside_the_province_is_refused_beside_the_district(client, people, case):
    district = District.objects.exclude(province__code="VT").first()
    client.force_login(people.social_worker)
    post = person_post(case.person, origin_province=Province.objects.get(code="VT").pk, origin_district=district.pk)
    answer = client.post(reverse("casework:person-edit", args=[case.pk]), post)
    assert answer.status_code == 400
    assert answer.context["form"].errors["origin_district"] == ["This district is not in the province of origin."]
    assert Person.objects.get(pk=case.person_id).origin_district is None


def test_an_estimated_age_is_dated_at_the_first_identification_unless_the_worker_gives_the_date(client, people, case):
    client.force_login(people.social_worker)
    url = reverse("casework:person-edit", args=[case.pk])
    assert client.post(url, person_post(case.person, date_of_birth="", estimated_age="17")).status_code == 302
    person = Person.objects.get(pk=case.person_id)
    assert (person.estimated_age, person.age_estimated_on) == (17, case.identified_on)
    post = person_post(person, estimated_age="16", age_estimated_on="2026-03-01")
    assert client.post(url, post).status_code == 302
    person.refresh_from_db()
    assert (person.estimated_age, person.age_estimated_on) == (16, date(2026, 3, 1))


def test_languages_are_codes(client, people, case):
    client.force_login(people.social_worker)
    url = reverse("casework:person-edit", args=[case.pk])
    wrong = client.post(url, person_post(case.person, languages="Lao, Thai language"))
    assert wrong.status_code == 400 and "languages" in wrong.context["form"].errors
    assert client.post(url, person_post(case.person, languages="lo, TH, lo")).status_code == 302
    assert Person.objects.get(pk=case.person_id).languages == ["lo", "th"]


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_record_out_of_sight_answers_like_a_missing_one(client, people, case, method):
    client.force_login(people.outsider)
    seen = getattr(client, method)(reverse("casework:person-edit", args=[case.pk]))
    missing = getattr(client, method)(reverse("casework:person-edit", args=[MISSING]))
    assert seen.status_code == missing.status_code == 404
    assert main(seen) == main(missing)


def test_who_sees_the_case_but_may_not_change_it_is_refused(client, people, case):
    client.force_login(people.manager)
    assert client.get(reverse("casework:person-edit", args=[case.pk])).status_code == 403
    assert reverse("casework:person-edit", args=[case.pk]) not in client.get(tab(case)).content.decode()


# --- Relatives and guardians ------------------------------------------------------------------------
def test_a_guardian_is_added_corrected_and_removed(client, people, case):
    client.force_login(people.social_worker)
    add = reverse("casework:family-add", args=[case.pk])
    answer = client.post(add, {"relationship": "guardian", "name": "Synthetic Aunt", "is_guardian": "on"})
    assert answer.status_code == 302
    member = FamilyMember.objects.get(person=case.person)
    assert member.is_guardian and audited(people.social_worker, AuditAction.CREATE, member).exists()
    assert "Synthetic Aunt" in client.get(tab(case)).content.decode()

    edit = reverse("casework:family-edit", args=[case.pk, member.pk])
    post = {"relationship": "guardian", "name": "Synthetic Auntie", "is_guardian": "on", "phone": "020 5555 1234"}
    assert client.post(edit, post).status_code == 302
    member.refresh_from_db()
    assert (member.name, member.phone) == ("Synthetic Auntie", "020 5555 1234")
    assert sorted(audited(people.social_worker, AuditAction.UPDATE, member).get().fields) == ["name", "phone"]
    assert events(case, "family_member_changed").count() == 1

    assert client.post(reverse("casework:family-remove", args=[case.pk, member.pk])).status_code == 302
    assert not FamilyMember.objects.filter(pk=member.pk).exists()
    assert audited(people.social_worker, AuditAction.DELETE, member).exists()
    assert events(case, "family_member_removed").get().data == {"relationship": "guardian"}


def test_a_relative_without_a_name_answers_400_and_adds_nobody(client, people, case):
    client.force_login(people.social_worker)
    answer = client.post(reverse("casework:family-add", args=[case.pk]), {"relationship": "mother", "name": ""})
    assert answer.status_code == 400 and "name" in answer.context["form"].errors
    assert not FamilyMember.objects.exists()


def test_another_persons_relative_is_not_found_here(client, people, case):
    other = open_case(people.social_worker, person_values={"given_name_latin": "Other", "sex": "male"})
    member = family_member_add(actor=people.social_worker, person=other.person, relationship="father", name="Mr X")
    client.force_login(people.social_worker)
    assert client.get(reverse("casework:family-edit", args=[case.pk, member.pk])).status_code == 404
    assert client.post(reverse("casework:family-remove", args=[case.pk, member.pk])).status_code == 404
    assert FamilyMember.objects.filter(pk=member.pk).exists()


def test_the_api_corrects_and_removes_a_relative_through_the_same_service(api, people, case):
    member = family_member_add(actor=people.social_worker, person=case.person, relationship="mother", name="Ma")
    api.force_authenticate(people.social_worker)
    url = reverse("v1:person-family-member", args=[case.person_id, member.pk])
    answer = api.patch(url, {"name": "Mae"}, format="json")
    assert answer.status_code == 200 and answer.json()["name"] == "Mae"
    assert api.patch(url, {"relationship": "aunt-in-law"}, format="json").status_code == 400
    assert api.delete(url).status_code == 204
    kinds = CaseEvent.objects.filter(case=case, kind__startswith="family_member").values_list("kind", flat=True)
    assert sorted(kinds) == ["family_member_added", "family_member_changed", "family_member_removed"]
    api.force_authenticate(people.manager)  # sees the case but may not change it
    other = family_member_add(actor=people.social_worker, person=case.person, relationship="father", name="Pa")
    assert api.delete(reverse("v1:person-family-member", args=[case.person_id, other.pk])).status_code == 403


# --- A new case for a registered person ----------------------------------------------------------
CASE_FIELDS = {"category": "risk_group", "identification_route": "ngo", "identified_on": "2026-04-01"}


def test_a_second_case_opens_for_the_registered_person(client, people, case):
    client.force_login(people.social_worker)
    url = reverse("casework:person-case-open", args=[case.person_id])
    assert case.person.case_code in client.get(url).content.decode()
    answer = client.post(url, CASE_FIELDS)
    second = Case.objects.exclude(pk=case.pk).get()
    assert answer.status_code == 302 and answer["Location"] == tab(second)
    assert second.person_id == case.person_id and Person.objects.count() == 1
    assert audited(people.social_worker, AuditAction.CREATE, second).exists()


def test_a_second_case_with_bad_dates_answers_400_and_opens_nothing(client, people, case):
    client.force_login(people.social_worker)
    url = reverse("casework:person-case-open", args=[case.person_id])
    answer = client.post(url, {**CASE_FIELDS, "identified_on": "2001-01-01"})  # before her birth
    assert answer.status_code == 400 and answer.context["form"].errors
    assert Case.objects.count() == 1
    assert client.post(url, {"category": "risk_group"}).status_code == 400


def test_a_person_out_of_sight_answers_like_a_missing_one(client, people, case):
    client.force_login(people.counsellor)  # opens cases, but not this person's
    seen = client.post(reverse("casework:person-case-open", args=[case.person_id]), CASE_FIELDS)
    missing = client.post(reverse("casework:person-case-open", args=[MISSING]), CASE_FIELDS)
    assert seen.status_code == missing.status_code == 404 and main(seen) == main(missing)
    assert Case.objects.count() == 1


def test_the_intake_duplicate_warning_opens_a_new_case_for_the_registered_person(client, people, case):
    client.force_login(people.social_worker)
    intake = {**TWIN, "date_of_birth": "2008-06-01", **CASE_FIELDS}
    warning = client.post(reverse("casework:intake"), intake)
    assert warning.status_code == 400
    button = f'formaction="{reverse("casework:person-case-open", args=[case.person_id])}"'
    assert button in warning.content.decode()
    # The button posts the intake form to the new-case page: the case opens for her at once.
    answer = client.post(reverse("casework:person-case-open", args=[case.person_id]), intake)
    assert answer.status_code == 302
    assert Person.objects.count() == 1 and Case.objects.filter(person=case.person).count() == 2


def test_registering_someone_new_despite_the_warning_points_to_the_duplicates(client, people, case):
    client.force_login(people.social_worker)
    intake = {**TWIN, "date_of_birth": "2008-06-01", **CASE_FIELDS, "not_a_duplicate": "on"}
    page = client.post(reverse("casework:intake"), intake, follow=True)
    new = Case.objects.exclude(pk=case.pk).get()
    assert new.person_id != case.person_id
    html = page.content.decode()
    assert "Similar records exist: compare them under Possible duplicates." in html
    assert reverse("casework:person-duplicates", args=[new.pk]) in html


# --- Duplicates: compare and merge -------------------------------------------------------------------
@pytest.fixture
def twin(people):
    """The same girl registered again by the same office, with a phone the first record lacks."""
    return open_case(people.social_worker, person_values={**TWIN, "phone": "020 5555 0000"}, category="rape")


def test_possible_duplicates_are_listed_and_the_read_logged(client, people, case, twin, django_assert_max_num_queries):
    client.force_login(people.social_worker)
    with django_assert_max_num_queries(14):
        answer = client.get(reverse("casework:person-duplicates", args=[case.pk]))
    html = answer.content.decode()
    assert twin.person.case_code in html and "similar name" in html
    assert reverse("casework:person-compare", args=[case.pk, twin.person_id]) in html
    assert audited(people.social_worker, AuditAction.LIST, twin.person).exists()


def test_the_comparison_previews_what_is_kept_and_what_moves(client, people, case, twin):
    client.force_login(people.social_worker)
    answer = client.get(reverse("casework:person-compare", args=[case.pk, twin.person_id]))
    assert answer.status_code == 200
    rows = {str(row["label"]): row for row in answer.context["rows"]}
    assert rows["Phone"] == {**rows["Phone"], "this": "—", "other": "020 5555 0000", "filled": True}
    assert rows["Date of birth"]["result"] == rows["Date of birth"]["this"]  # the kept record's value stays
    assert answer.context["moving"] == [twin]
    assert not answer.context["can_merge"]  # a social worker compares; her manager merges
    swapped = client.get(reverse("casework:person-compare", args=[case.pk, twin.person_id]), {"keep": twin.person_id})
    assert swapped.context["keep"] == twin.person and swapped.context["moving"] == [case]


def test_a_manager_merges_after_the_preview_and_it_is_audited(client, people, case, twin):
    client.force_login(people.manager)
    url = reverse("casework:person-merge", args=[case.pk, twin.person_id])
    refused = client.post(url, {"keep": case.person_id, "reason": ""})
    assert refused.status_code == 400 and "reason" in refused.context["form"].errors
    assert Person.objects.get(pk=twin.person_id).merged_into is None
    answer = client.post(url, {"keep": case.person_id, "reason": "Same girl, registered twice"})
    assert answer.status_code == 302 and answer["Location"] == tab(case)
    kept = Person.objects.get(pk=case.person_id)
    assert kept.phone == "020 5555 0000" and Person.objects.get(pk=twin.person_id).merged_into == kept
    assert Case.objects.get(pk=twin.pk).person == kept
    row = audited(people.manager, AuditAction.UPDATE, kept).get()
    assert row.reason == "Same girl, registered twice" and "phone" in row.fields


def test_a_social_worker_cannot_merge_and_a_stranger_is_not_found(client, people, case, twin):
    stranger = open_case(people.counsellor, person_values=TWIN)
    client.force_login(people.social_worker)
    body = {"keep": case.person_id, "reason": "same"}
    assert client.post(reverse("casework:person-merge", args=[case.pk, twin.person_id]), body).status_code == 403
    assert client.get(reverse("casework:person-compare", args=[case.pk, stranger.person_id])).status_code == 404
    assert client.get(reverse("casework:person-compare", args=[case.pk, MISSING])).status_code == 404
    assert Person.objects.filter(merged_into__isnull=False).count() == 0
