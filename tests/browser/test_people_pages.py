"""The person pages in a real browser, as the social worker and her manager use them: correct a
typo in a name and a birth date, add a guardian, open a second case for a girl already
registered (from intake's duplicate warning), and merge two records of the same girl after the
preview. Screenshots at 1366 and 360 px, in English and Lao (see conftest for where they go)."""

from __future__ import annotations

from datetime import date

from playwright.sync_api import Page, expect

from casework.models import Case, FamilyMember, Person
from tests.browser.conftest import both_widths, fill_date, login_as
from tests.factories import open_case

GIRL = {"given_name_latin": "Noy", "family_name_latin": "Synthetc", "sex": "female", "date_of_birth": date(2008, 1, 5)}


def open_person_tab(page: Page, case: Case) -> None:
    page.goto(f"/cases/{case.pk}/")
    page.get_by_role("link", name="Person", exact=True).click()


def test_a_social_worker_corrects_a_typo_and_adds_a_guardian(page, people):  # type: ignore[no-untyped-def]
    case = open_case(people.social_worker, person_values=GIRL)
    login_as(page, people.social_worker)
    open_person_tab(page, case)
    page.get_by_role("link", name="Correct the record").click()
    page.get_by_label("Family name (Latin letters)").fill("Synthetic")
    fill_date(page.get_by_label("Date of birth"), date(2008, 5, 1))
    both_widths(page, "person-edit")
    page.get_by_role("button", name="Save").click()

    expect(page.locator(".messages")).to_contain_text("Record saved.")
    expect(page.locator("section.tab")).to_contain_text("Noy Synthetic")
    person = Person.objects.get(pk=case.person_id)
    assert (person.family_name_latin, person.date_of_birth) == ("Synthetic", date(2008, 5, 1))

    page.get_by_role("link", name="Add a relative or guardian").click()
    page.get_by_label("Relationship").select_option("guardian")
    page.locator("#id_name").fill("Synthetic Aunt Bounmy")
    page.get_by_label("Guardian (may consent for a child)").check()
    page.get_by_label("Phone").fill("020 5555 1234")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#family")).to_contain_text("Synthetic Aunt Bounmy (guardian)")
    assert FamilyMember.objects.get(person=person).is_guardian
    both_widths(page, "person-tab-with-guardian")


def test_the_person_pages_in_lao_on_a_phone(page, people):  # type: ignore[no-untyped-def]
    case = open_case(people.social_worker, person_values=GIRL)
    login_as(page, people.social_worker, language="lo")
    page.goto(f"/cases/{case.pk}/?tab=person")
    expect(page.locator("html")).to_have_attribute("lang", "lo")
    both_widths(page, "person-tab-lo")
    page.goto(f"/cases/{case.pk}/person/")
    both_widths(page, "person-edit-lo")
    page.goto(f"/cases/{case.pk}/family/")
    both_widths(page, "family-add-lo")


def test_a_second_case_for_a_registered_girl_from_the_duplicate_warning(page, people):  # type: ignore[no-untyped-def]
    first = open_case(people.social_worker, person_values=GIRL)
    login_as(page, people.social_worker)
    page.get_by_role("link", name="New person and case").first.click()
    page.get_by_label("Given name (Latin letters)").fill("Noy")
    page.get_by_label("Family name (Latin letters)").fill("Synthetc")
    page.locator("#id_sex").select_option("female")
    fill_date(page.get_by_label("Date of birth"), date(2008, 1, 5))
    page.locator("#id_category").select_option("risk_group")
    page.get_by_label("How was the person identified?").select_option("ngo")
    fill_date(page.get_by_label("Identified on"), date(2026, 4, 2))
    page.get_by_role("button", name="Register").click()

    warning = page.locator("section.duplicates")
    expect(warning).to_contain_text(first.person.case_code)
    both_widths(page, "intake-duplicate-warning")
    warning.get_by_role("button", name=f"Open a new case for {first.person.case_code}").click()

    expect(page.locator("h1")).to_have_text(first.person.case_code)
    expect(page.locator("section.tab")).to_contain_text("Other cases of this person")
    assert Person.objects.count() == 1
    second = Case.objects.exclude(pk=first.pk).get()
    assert (second.person_id, second.category) == (first.person_id, "risk_group")
    assert second.identified_on == date(2026, 4, 2)


def test_a_manager_merges_two_records_after_the_preview(page, people):  # type: ignore[no-untyped-def]
    case = open_case(people.social_worker, person_values=GIRL)
    twin = open_case(
        people.social_worker, person_values={**GIRL, "family_name_latin": "Synthetc", "phone": "020 5555 0000"}
    )
    login_as(page, people.manager)
    open_person_tab(page, case)
    page.get_by_role("link", name="Possible duplicates").click()
    expect(page.locator("ul.cards")).to_contain_text(twin.person.case_code)
    page.get_by_role("link", name="Compare side by side").click()

    table = page.locator("#comparison")
    expect(table.locator("tr", has_text="Phone")).to_contain_text("020 5555 0000 (filled from the other record)")
    expect(page.locator("#moving")).to_contain_text(f"Case of {twin.person.case_code}")
    both_widths(page, "person-compare")
    page.get_by_label("Why are these records the same person?").fill("Same girl, registered twice by our office")
    page.get_by_role("button", name=f"Merge {twin.person.case_code} into {case.person.case_code}").click()

    expect(page.locator(".messages")).to_contain_text("The records were merged.")
    expect(page.locator("section.tab")).to_contain_text("Other cases of this person")
    kept = Person.objects.get(pk=case.person_id)
    assert kept.phone == "020 5555 0000" and Person.objects.get(pk=twin.person_id).merged_into == kept
    assert Case.objects.get(pk=twin.pk).person_id == kept.pk

    login_as(page, people.manager, language="lo")
    twin_record = open_case(people.social_worker, person_values=GIRL)
    page.goto(f"/cases/{case.pk}/duplicates/{twin_record.person_id}/")
    both_widths(page, "person-compare-lo")
