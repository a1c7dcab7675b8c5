"""The social worker's day in a real browser: log in, register a person, screen her (the
suggested outcome appears as indicators are ticked, before anything is sent); a police officer
opens a shared case and finds no counselling note; the Lao switch, remembered at the next login.
Screenshots of the main pages go to docs/screenshots/ (see conftest)."""

from __future__ import annotations

import re
from datetime import date

from playwright.sync_api import expect

from casework.models import Case, CaseNote, Screening
from casework.names import name_filter
from casework.services import assistance, cases
from tests.browser.conftest import assert_no_horizontal_scroll, login_as, screenshot, switch_language
from tests.factories import open_case

SECRET_NOTE = "Synthetic counselling detail 7F3Q: nightmares about the journey."


def test_social_worker_registers_a_girl_and_screens_her(page, people):  # type: ignore[no-untyped-def]
    login_as(page, people.social_worker)
    screenshot(page, "dashboard-new-worker")
    page.get_by_role("link", name="New person and case").first.click()
    page.get_by_label("Given name (Lao script)").fill("ນ້ອຍ")
    page.get_by_label("Family name (Lao script)").fill("ທົດລອງ")
    page.get_by_label("Given name (Latin letters)").fill("Noy")
    page.get_by_label("Family name (Latin letters)").fill("Thodlong")
    page.locator("#id_sex").select_option("female")
    page.get_by_label("Date of birth").fill("2011-04-02")
    page.locator("#id_category").select_option("trafficking")
    page.get_by_label("How was the person identified?").select_option("border_police")
    page.get_by_label("Identified on").fill("2026-03-01")
    page.get_by_label("Exploitation started on").fill("2025-11-15")
    screenshot(page, "intake-filled")
    page.get_by_role("button", name="Register").click()

    expect(page.locator("h1")).to_have_text(re.compile(r"^VT-\d{4}-\d{5}$"))
    case = Case.objects.get(name_filter("Thodlong", "person__"))
    assert case.assigned_worker == people.social_worker
    screenshot(page, "case-registered")

    page.get_by_role("link", name="Screening", exact=True).click()
    page.get_by_role("link", name="Record a screening").click()
    suggestion = page.locator("#suggested-outcome")
    expect(suggestion).to_have_text("No indicator ticked yet")
    page.get_by_label("Where was the interview?").select_option("border_office")
    page.get_by_label("Date of the interview").fill("2026-03-02")
    page.get_by_label("A guardian or social worker was present (for a child)").select_option("true")
    page.locator("#ind-act-recruited-by-third-party").check()
    expect(suggestion).to_have_text("Needs further assessment")
    # A child: act and purpose are enough, no means needed; the page says so before sending.
    page.locator("#ind-purpose-child-hazardous-work").check()
    expect(suggestion).to_have_text("Possible victim")
    assert Screening.objects.count() == 0, "nothing is saved while ticking"
    screenshot(page, "screening-child", full_page=False)
    page.get_by_role("button", name="Save the screening").click()

    expect(page.locator("nav.tabs [aria-current=page]")).to_have_text("Screening")
    saved = Screening.objects.get(case=case)
    assert (saved.suggested_outcome, saved.outcome) == ("possible_victim", "possible_victim")
    expect(page.locator("section.tab")).to_contain_text("Possible victim")


def test_the_case_list_finds_people_by_words_of_their_encrypted_names(page, people):  # type: ignore[no-untyped-def]
    names = {"given_name_lo": "ແກ້ວ", "family_name_lo": "ທົດລອງ", "given_name_latin": "Keo"}
    names["family_name_latin"] = "Thodlong"
    wanted = open_case(people.social_worker, person_values={**names, "sex": "female", "estimated_age": 30}).person
    other = open_case(people.social_worker).person  # Noy Synthetic
    login_as(page, people.social_worker)
    page.goto("/cases/")
    # the start of a word finds (issue 17.5), its middle never does
    for term, found in (("Thodlong", True), ("ທົດລອງ", True), ("Todlong keo", True), ("Thod", True), ("hodlo", False)):
        page.get_by_label("Case code or name").fill(term)
        page.get_by_role("button", name="Filter").click()
        cards = page.locator("li.card")
        if found:
            expect(cards).to_have_count(1)
            expect(cards.first).to_contain_text(wanted.case_code)
            expect(cards.first).to_contain_text("Keo Thodlong")
        else:
            expect(page.get_by_text("No case matches.")).to_be_visible()
    page.get_by_label("Case code or name").fill(other.case_code)
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("li.card")).to_have_count(1)
    expect(page.locator("li.card").first).to_contain_text(other.case_code)


def test_police_see_the_case_but_no_counselling_note(page, people, orgs):  # type: ignore[no-untyped-def]
    counsellor = people.counsellor
    case = open_case(counsellor)
    cases.case_share(actor=counsellor, case=case, organisation=orgs.police, purpose="investigation")
    assistance.note_add(actor=counsellor, case=case, kind="counselling", text=SECRET_NOTE)
    assistance.note_add(actor=counsellor, case=case, text="Met at the border office.")
    assert CaseNote.objects.filter(case=case).count() == 2

    login_as(page, people.police)
    page.goto(f"/cases/{case.pk}/?tab=notes")
    expect(page.locator("section.tab")).to_contain_text("Met at the border office.")
    assert SECRET_NOTE not in page.content()
    assert "nightmares" not in page.content()
    screenshot(page, "case-notes-police")


def test_the_counsellor_reads_her_note_and_the_list_fits_a_phone(page, people):  # type: ignore[no-untyped-def]
    counsellor = people.counsellor
    case = open_case(counsellor, identified_on=date(2026, 2, 1))
    assistance.note_add(actor=counsellor, case=case, kind="counselling", text=SECRET_NOTE)
    page.set_viewport_size({"width": 360, "height": 740})
    login_as(page, counsellor)
    page.goto("/cases/")
    assert_no_horizontal_scroll(page)
    page.goto(f"/cases/{case.pk}/?tab=notes")
    expect(page.locator("section.tab")).to_contain_text(SECRET_NOTE)
    assert_no_horizontal_scroll(page)


def test_the_lao_switch_shows_lao_and_is_remembered_at_the_next_login(page, other_computer, people):  # type: ignore[no-untyped-def]
    worker = people.social_worker
    login_as(page, worker)
    expect(page.locator("nav.main")).to_contain_text("Cases")
    switch_language(page, "lo")
    expect(page.locator("html")).to_have_attribute("lang", "lo")
    expect(page.locator("nav.main")).to_contain_text("ກໍລະນີ")
    screenshot(page, "language-switched-lo")
    worker.refresh_from_db()
    assert worker.language == "lo"

    # Another computer: no cookie, the account's choice applies from the login on.
    fresh = other_computer
    login_as(fresh, worker, language=None, form=True)
    expect(fresh.locator("html")).to_have_attribute("lang", "lo")
    expect(fresh.locator("nav.main")).to_contain_text("ກໍລະນີ")
