"""Issue 16 in the browser: a worker asks a shelter to admit her client and the shelter's staff
accept on their board; a bed move; a planned discharge change; assistance without a stay; a
screening confirmed by the deciding body (a police officer, on a case shared with the police).
Each flow is done as its user would, from links only; its main page is checked at 360 px and
photographed at 1366 and 360 px, in English and in Lao."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db.backends.postgresql.psycopg_any import DateRange
from django.utils import timezone
from playwright.sync_api import Page

from casework.choices import CaseCategory
from casework.models import ExploitationForm
from casework.services import cases
from casework.services import screening as screening_services
from shelters import services as shelter_services
from shelters.models import AdmissionRequest, Bed, NonResidentialAssistance, Room, Shelter, Stay
from tests.browser.conftest import assert_no_horizontal_scroll, fill_date, login_as, screenshot
from tests.factories import open_case

LAPTOP = {"width": 1366, "height": 900}
PHONE = {"width": 360, "height": 740}


@pytest.fixture
def shelter(people, orgs):  # type: ignore[no-untyped-def]
    """An LWU women's shelter with two rooms of beds; the shelter staff persona works there. The
    MLSW social worker's cases are not linked to it until she asks."""
    shelter = Shelter.objects.create(
        code="t-lwu-house",
        name_en="LWU safe house (test)",
        name_lo="ເຮືອນປອດໄພ ສະຫະພັນແມ່ຍິງ",
        operator=orgs.lwu,
        province=orgs.mlsw_vt.province,
        accepts_sexes=["female"],
        accepts_categories=list(CaseCategory.values),
    )
    for room_name in ("A", "B"):
        room = Room.objects.create(shelter=shelter, name=room_name)
        for n in (1, 2):
            Bed.objects.create(
                shelter=shelter, room=room, label=f"{room_name}{n}", in_service=DateRange(date(2020, 1, 1), None)
            )
    shelter_services.staff_post(actor=people.admin, shelter=shelter, user=people.shelter_staff)
    return shelter


def person(given, family, age=19):  # type: ignore[no-untyped-def]
    return {"given_name_latin": given, "family_name_latin": family, "sex": "female", "estimated_age": age}


def photograph(page: Page, name: str) -> None:
    """The page at 1366 and at 360 px (which must not scroll sideways), then back to 1366."""
    page.set_viewport_size(LAPTOP)
    screenshot(page, name)
    page.set_viewport_size(PHONE)
    assert_no_horizontal_scroll(page)
    screenshot(page, f"{name}-phone")
    page.set_viewport_size(LAPTOP)


def logout(page: Page) -> None:
    page.locator("form.logout button").click()
    page.wait_for_load_state()


def resident(people, shelter, label, given):  # type: ignore[no-untyped-def]
    """A resident of `shelter` (whose staff may admit her: she is asked for first) in bed `label`."""
    case = open_case(people.social_worker, person_values=person(given, "Resident", 24))
    today = timezone.localdate()
    asked = shelter_services.admission_request_create(
        actor=people.social_worker, case=case, shelter=shelter, needed_from=today
    )
    return shelter_services.admission_request_accept(
        actor=people.shelter_staff,
        admission=asked,
        admitted_on=today - timedelta(days=6),
        bed=shelter.beds.get(label=label),
        planned_discharge_on=today + timedelta(days=20),
    )


@pytest.mark.parametrize("language", ["en", "lo"])
def test_a_worker_asks_a_shelter_to_admit_her_client_and_the_staff_accept_on_their_board(  # type: ignore[no-untyped-def]
    page, people, shelter, language
):
    sw, staff = people.social_worker, people.shelter_staff
    case = open_case(sw, person_values=person("Kham", "Asking", 20))
    code = case.person.case_code
    page.set_viewport_size(LAPTOP)

    # The worker: her case, its Stays tab, "Ask a shelter to admit".
    login_as(page, sw, language=language)
    page.goto(f"/cases/{case.pk}/")
    page.locator("nav.tabs a[href='?tab=stays']").click()
    page.locator(f"a[href='/shelters/cases/{case.pk}/request/']").click()
    page.locator("#id_shelter").select_option(shelter.code)
    page.locator("#id_note").fill("Arrives from the border tonight")
    photograph(page, f"shelter-request-form-{language}")
    page.locator("form.stack button[type=submit]").click()
    page.wait_for_url(f"**/cases/{case.pk}/?tab=stays")
    assert AdmissionRequest.objects.get(case=case).status == "pending"
    photograph(page, f"shelter-request-waiting-{language}")
    logout(page)

    # The shelter's staff: the board says a request waits; the list shows no name.
    login_as(page, staff, language=language)
    page.goto(f"/shelters/{shelter.code}/board/")
    page.locator(f"a[href='/shelters/{shelter.code}/requests/']").click()
    card = page.locator("ul.cards li.card").first
    assert code in card.inner_text() and "Kham" not in page.content()
    photograph(page, f"shelter-requests-{language}")
    card.locator("a[href$='/accept/']").click()
    page.locator("#id_bed").select_option(label="A · A2")
    page.locator("form.stack button[type=submit]").click()
    page.wait_for_url(f"**/shelters/{shelter.code}/board/")
    assert "Kham Asking" in page.locator("#bed-a2").inner_text()
    logout(page)

    # The worker reads the answer on the case.
    login_as(page, sw, language=language)
    page.goto(f"/cases/{case.pk}/?tab=stays")
    assert "A2" in page.locator(f"#request-{AdmissionRequest.objects.get(case=case).pk}").inner_text()
    assert Stay.objects.get(case=case).bed.label == "A2"
    photograph(page, f"shelter-request-accepted-{language}")


def test_shelter_staff_decline_with_a_reason_the_worker_reads(page, people, shelter):  # type: ignore[no-untyped-def]
    case = open_case(people.social_worker, person_values=person("Dao", "Declined", 22))
    asked = shelter_services.admission_request_create(
        actor=people.social_worker, case=case, shelter=shelter, needed_from=timezone.localdate()
    )
    login_as(page, people.shelter_staff)
    page.goto(f"/shelters/{shelter.code}/requests/")
    page.locator(f"#request-{asked.pk} a[href$='/decline/']").click()
    page.locator("form.stack button[type=submit]").click()  # no reason: refused beside the field
    assert page.locator(".field.has-error").count() == 1
    page.locator("#id_reason").fill("No bed free for a month")
    page.locator("form.stack button[type=submit]").click()
    page.wait_for_url(f"**/shelters/{shelter.code}/requests/")
    logout(page)
    login_as(page, people.social_worker)
    page.goto(f"/cases/{case.pk}/?tab=stays")
    assert "No bed free for a month" in page.locator(f"#request-{asked.pk}").inner_text()


@pytest.mark.parametrize("language", ["en", "lo"])
def test_staff_move_a_resident_to_another_bed_and_change_her_planned_discharge(  # type: ignore[no-untyped-def]
    page, people, shelter, language
):
    stay = resident(people, shelter, "A1", "Vanh")
    login_as(page, people.shelter_staff, language=language)
    page.set_viewport_size(LAPTOP)
    page.goto(f"/shelters/{shelter.code}/board/")
    page.locator("#bed-a1").locator(f"a[href='/shelters/stays/{stay.pk}/move-bed/']").click()
    page.locator("#id_to_bed").select_option(label="B · B1")
    photograph(page, f"shelter-move-bed-{language}")
    page.locator("form.stack button[type=submit]").click()
    page.wait_for_url(f"**/shelters/{shelter.code}/board/")
    assert "Vanh Resident" in page.locator("#bed-b1").inner_text()
    assert "Vanh" not in page.locator("#bed-a1").inner_text()

    moved = Stay.objects.get(case=stay.case, during__upper_inf=True)
    new_date = timezone.localdate() + timedelta(days=45)
    page.locator("#bed-b1").locator(f"a[href='/shelters/stays/{moved.pk}/planned-discharge/']").click()
    field = page.locator("#id_planned_discharge_on")
    fill_date(field, timezone.localdate() - timedelta(days=30))  # before the admission: refused
    page.locator("form.stack button[type=submit]").click()
    assert page.locator(".field.has-error").count() == 1
    photograph(page, f"shelter-planned-discharge-refused-{language}")
    fill_date(page.locator("#id_planned_discharge_on"), new_date)
    page.locator("form.stack button[type=submit]").click()
    page.wait_for_url(f"**/shelters/{shelter.code}/board/")
    assert new_date.strftime("%d/%m/%Y") in page.locator("#bed-b1").inner_text()
    photograph(page, f"shelter-board-after-move-{language}")


@pytest.mark.parametrize("language", ["en", "lo"])
def test_staff_record_assistance_without_a_stay(page, people, shelter, language):  # type: ignore[no-untyped-def]
    case = open_case(people.social_worker, person_values=person("Phet", "Visitor", 26))
    shelter_services.admission_request_create(
        actor=people.social_worker, case=case, shelter=shelter, needed_from=timezone.localdate()
    )
    login_as(page, people.shelter_staff, language=language)
    page.set_viewport_size(LAPTOP)
    page.goto(f"/shelters/{shelter.code}/board/")
    page.locator(f"a[href='/shelters/{shelter.code}/assistance/']").click()
    page.locator("#id_case_code").fill(case.person.case_code)
    page.locator("#id_kind").select_option("returned_from_abroad")
    page.locator("form.stack button[type=submit]").click()  # no service ticked: refused beside the field
    assert page.locator(".field.has-error").count() == 1
    page.locator("input[name=service_types]").first.check()
    photograph(page, f"shelter-assistance-{language}")
    page.locator("form.stack button[type=submit]").click()
    page.wait_for_url(f"**/shelters/{shelter.code}/board/")
    assert NonResidentialAssistance.objects.get(case=case, shelter=shelter).kind_id == "returned_from_abroad"


@pytest.mark.parametrize("language", ["en", "lo"])
def test_staff_read_their_shelters_tables_by_form_of_exploitation_and_kind(page, people, shelter, language):  # type: ignore[no-untyped-def]
    """The shelters' own tables on the report page: trafficking broken down by form, and the
    assistance without a stay by kind, sex and age; at 1366 and 360 px."""
    labour = open_case(
        people.social_worker,
        person_values=person("Kham", "Labour", 17),
        identified_on=date(2026, 1, 5),
        exploitation_forms=ExploitationForm.objects.filter(code="forced_labour"),
    )
    Stay.objects.create(
        shelter=shelter,
        person=labour.person,
        case=labour,
        during=DateRange(date(2026, 2, 1), None),
        episode_started_on=date(2026, 2, 1),
        age_at_admission=17,
        admitted_by=people.shelter_staff,
    )
    visitor = open_case(people.social_worker, person_values=person("Phet", "Visitor", 26))
    NonResidentialAssistance.objects.create(
        shelter=shelter,
        person=visitor.person,
        case=visitor,
        kind_id="returned_from_abroad",
        assisted_on=date(2026, 2, 3),
        recorded_by=people.shelter_staff,
    )
    login_as(page, people.shelter_staff, language=language)
    page.set_viewport_size(LAPTOP)
    page.goto(f"/shelters/reports/occupancy/?shelter={shelter.code}&start=2026-02-01&end=2026-02-28")
    page.locator("#id_by_form").check()
    page.locator("form.stack button[type=submit]").click()
    page.wait_for_load_state()
    labour_row = "ການຄ້າມະນຸດ: ການຂູດຮີດແຮງງານ" if language == "lo" else "Human trafficking: labour exploitation"
    rows = page.locator("tr.sub", has_text=labour_row)  # the shelters' table, then the by-year table
    assert rows.first.locator("td").all_inner_texts() == ["1", "1", "0", "1", "1", "0", "0", "0", "0"]
    assert rows.last.locator("td").all_inner_texts() == ["1", "1"]  # 2026: one resident, a child
    returned = "ຖືກສົ່ງກັບຄືນຈາກຕ່າງປະເທດ" if language == "lo" else "Transferred back from abroad"
    cells = page.locator("tr", has_text=returned).locator("td").all_inner_texts()
    assert cells == ["1", "1", "0", "0", "0", "0", "1", "1", "0"]
    photograph(page, f"shelter-tables-{language}")


@pytest.mark.parametrize("language", ["en", "lo"])
def test_the_deciding_body_confirms_a_screening_on_the_screening_tab(page, people, orgs, language):  # type: ignore[no-untyped-def]
    sw = people.social_worker
    case = open_case(sw, person_values=person("Mai", "Screened", 21))
    cases.case_share(actor=sw, case=case, organisation=orgs.police, purpose="investigation")
    screening = screening_services.screening_record(
        actor=sw,
        case=case,
        place="shelter",
        screened_on=timezone.localdate() - timedelta(days=3),
        indicators=[("act-recruited-by-third-party", ""), ("purpose-excessive-hours", "")],
        outcome="possible_victim",
        override_reason="Means not yet clear",
        consent_assents_to_interview=True,
    )
    login_as(page, people.police, language=language)
    page.set_viewport_size(LAPTOP)
    page.goto(f"/cases/{case.pk}/")
    page.locator("nav.tabs a[href='?tab=screening']").click()
    card = page.locator("article.card").first
    card.locator("details summary").nth(2).click()  # indicators, checklist, then the decision
    card.locator(f"#id_outcome_{screening.pk}").select_option("actual_victim")
    card.locator(f"#id_deciding_body_{screening.pk}").select_option("police")
    fill_date(card.locator(f"#id_decided_on_{screening.pk}"), timezone.localdate())
    card.locator("form[action$='/confirm/'] button[type=submit]").click()  # no reason: refused
    card = page.locator("article.card").first
    assert card.locator(".field.has-error").count() == 1
    card.locator(f"#id_reason_{screening.pk}").fill("Prosecutor's file opened")
    photograph(page, f"screening-decision-{language}")
    card.locator("form[action$='/confirm/'] button[type=submit]").click()
    page.wait_for_url(f"**/cases/{case.pk}/?tab=screening")
    screening.refresh_from_db()
    assert (screening.outcome, screening.deciding_body) == ("actual_victim", "police")
    photograph(page, f"screening-decided-{language}")
