"""Browser flows of the shelter, referral and manager pages: a worker admits a resident from the
bed board; a referral goes out and the receiving organisation acknowledges it from its inbox; a
manager downloads the occupancy report (XLSX and CSV) and the files open, and sets the follow-up
visits on the reminder rules page. Each flow checks the phone width (360 px) on its main page and
saves screenshots for docs/user-guide-shelters-referrals.md."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import openpyxl
import pytest
from django.db.backends.postgresql.psycopg_any import DateRange
from django.utils import timezone

from casework.choices import CaseCategory
from casework.models import FollowUpPolicy, ServiceType
from casework.services import cases
from referrals import services as referral_services
from shelters import services as shelter_services
from shelters.models import Bed, Room, Shelter, Stay
from tests.browser.conftest import assert_no_horizontal_scroll, login_as, screenshot
from tests.factories import open_case

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def shelter(people, orgs):  # type: ignore[no-untyped-def]
    shelter = Shelter.objects.create(
        code="t-browser",
        name_en="Vientiane women's shelter (test)",
        name_lo="ເຮືອນພັກຍິງ",
        operator=orgs.mlsw_vt,
        province=orgs.mlsw_vt.province,
        accepts_sexes=["female"],
        accepts_categories=list(CaseCategory.values),
        address="synthetic address",
    )
    for room_name in ("A", "B"):
        room = Room.objects.create(shelter=shelter, name=room_name)
        for n in (1, 2, 3):
            Bed.objects.create(
                shelter=shelter, room=room, label=f"{room_name}{n}", in_service=DateRange(date(2020, 1, 1), None)
            )
    shelter_services.staff_post(actor=people.admin, shelter=shelter, user=people.shelter_staff)
    return shelter


def person(given, family, age=19):  # type: ignore[no-untyped-def]
    return {"given_name_latin": given, "family_name_latin": family, "sex": "female", "estimated_age": age}


def logout(page) -> None:  # type: ignore[no-untyped-def]
    page.locator("form.logout button").click()
    page.wait_for_load_state()


def test_a_worker_admits_a_resident_to_a_bed_from_the_bed_board(page, people, shelter):  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    already = open_case(people.social_worker, person_values=person("Vanh", "Resident", 23))
    shelter_services.stay_admit(
        actor=people.shelter_staff,
        shelter=shelter,
        case=already,
        admitted_on=today - timedelta(days=20),
        bed=shelter.beds.get(label="A1"),
        planned_discharge_on=today + timedelta(days=2),
    )
    shelter_services.bed_outage_start(
        actor=people.manager, bed=shelter.beds.get(label="B3"), start=today, reason="broken frame"
    )
    newcomer = open_case(people.social_worker, person_values=person("Noy", "Newcomer", 17))
    man = open_case(people.social_worker, person_values={**person("Bounmy", "Male", 30), "sex": "male"})

    login_as(page, people.shelter_staff)
    page.goto(f"/shelters/{shelter.code}/board/")
    assert "Vanh Resident" in page.locator("#bed-a1").inner_text()
    assert "broken frame" in page.locator("#bed-b3").inner_text()
    page.locator("#bed-a2").get_by_role("link", name="Admit here").click()

    # A man is refused by a women's shelter: the reason is next to the case code, which is kept.
    page.get_by_label("Case code").fill(man.person.case_code)
    page.get_by_role("button", name="Admit").click()
    assert page.locator(".field.has-error").inner_text().count("accepts only female residents") == 1
    assert page.get_by_label("Case code").input_value() == man.person.case_code
    screenshot(page, "shelter-admit-refused")

    page.get_by_label("Case code").fill(newcomer.person.case_code)
    page.get_by_label("Bed").select_option(label="A · A2")
    page.get_by_role("button", name="Admit").click()
    page.wait_for_url(f"**/shelters/{shelter.code}/board/")
    assert "admitted" in page.locator(".messages").inner_text()
    assert "Noy Newcomer" in page.locator("#bed-a2").inner_text()
    assert newcomer.person.case_code in page.locator("#bed-a2").inner_text()
    screenshot(page, "shelter-bed-board")
    page.set_viewport_size(PHONE)
    assert_no_horizontal_scroll(page)
    screenshot(page, "shelter-bed-board-phone")


def test_a_referral_is_sent_and_the_receiving_organisation_acknowledges_it(page, people, orgs):  # type: ignore[no-untyped-def]
    sw = people.social_worker
    case = open_case(sw, person_values=person("Dao", "Referred", 24))
    counselling = ServiceType.objects.get(code="counselling")
    referral_services.consent_record(
        actor=sw,
        case=case,
        recipient=orgs.lwu,
        data_categories=["identity", "language"],
        service_types=[counselling],
        purpose="counselling after return",
        given_by="person",
    )

    login_as(page, sw)
    page.goto(f"/referrals/new/{case.pk}/")
    page.get_by_label("Refer to").select_option(label=orgs.lwu.name_en)
    page.get_by_label(counselling.name_en).check()
    page.get_by_label("Urgency").select_option("high")
    page.get_by_label("Why this referral").fill("Counselling after return from Thailand")
    page.get_by_label("Name, sex and age").check()
    page.get_by_label("Phone and contact details").check()  # not covered by the consent

    page.get_by_role("button", name="Send the referral").click()
    # Refused by the service next to the consent, and what was typed stays; the form says which
    # consent is missing (the recorded one does not cover the phone) and offers none.
    assert "No consent is linked to this referral." in page.locator(".field.has-error").inner_text()
    assert page.get_by_label("Why this referral").input_value() == "Counselling after return from Thailand"
    assert "Phone and contact details" in page.locator("#consent-missing").inner_text()
    assert page.get_by_label("Consent", exact=True).locator("option").count() == 1  # the empty choice
    # Without the phone, the check offers the consent that covers the rest.
    page.get_by_label("Phone and contact details").uncheck()
    page.get_by_role("button", name="Check the consent").click()
    page.get_by_label("Consent", exact=True).select_option(index=1)
    screenshot(page, "referral-create")
    page.get_by_role("button", name="Send the referral").click()
    page.wait_for_url("**/referrals/*/")
    assert page.locator("#referral-status").inner_text() == "Sent"
    logout(page)

    login_as(page, people.counsellor)
    page.goto("/referrals/inbox/")
    card = page.locator(".card", has_text=case.person.case_code)
    assert "Dao Referred" in card.inner_text()  # identity is disclosed by the consent
    page.set_viewport_size(PHONE)
    assert_no_horizontal_scroll(page)
    screenshot(page, "referral-inbox-phone")
    page.set_viewport_size({"width": 1024, "height": 800})
    card.get_by_role("link", name=case.person.case_code).click()
    page.locator("#action-acknowledge").click()
    page.wait_for_load_state()
    assert page.locator("#referral-status").inner_text() == "Acknowledged"
    assert (
        "Acknowledged"
        in page.get_by_role("heading", name="History").locator("xpath=following-sibling::ol").inner_text()
    )
    screenshot(page, "referral-detail")


def test_a_manager_exports_the_occupancy_report(page, people, shelter, tmp_path):  # type: ignore[no-untyped-def]
    case = open_case(people.social_worker, person_values=person("Kham", "Stayer", 20))
    shelter_services.stay_admit(
        actor=people.shelter_staff,
        shelter=shelter,
        case=case,
        admitted_on=date(2026, 2, 1),
        bed=shelter.beds.get(label="B1"),
    )
    asked = open_case(people.social_worker, assigned_worker=people.social_worker)
    cases.case_closure_request(actor=people.social_worker, case=asked, reason="reintegrated")

    login_as(page, people.manager)
    page.goto("/manage/workload/")
    screenshot(page, "manager-team-workload")
    page.goto("/manage/closures/")
    assert asked.person.case_code in page.locator(".cards").inner_text()
    screenshot(page, "manager-closure-approvals")

    page.goto(f"/shelters/reports/occupancy/?shelter={shelter.code}&start=2026-02-01&end=2026-02-28")
    assert page.locator("svg").count() == 2
    screenshot(page, "occupancy-report")
    with page.expect_download() as xlsx_download:
        page.locator("a[href*='occupancy.xlsx']").click()
    xlsx = tmp_path / "occupancy.xlsx"
    xlsx_download.value.save_as(xlsx)
    sheet = openpyxl.load_workbook(xlsx).active
    cells = [str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert any("Occupancy" in value for value in cells)
    assert "28" in cells  # 28 occupied bed nights: one resident all February

    with page.expect_download() as csv_download:
        page.locator("a[href*='by-year.csv']").click()
    text = csv_download.value.path().read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert any("2026" in cell for row in rows for cell in row)
    with page.expect_download() as table_download:
        page.locator("a[href*='shelter-table.xlsx']").click()
    table = tmp_path / "table.xlsx"
    table_download.value.save_as(table)
    assert openpyxl.load_workbook(table).active.max_row > 2


def test_a_manager_sets_the_follow_up_visits_on_the_reminder_rules_page(page, people, orgs):  # type: ignore[no-untyped-def]
    login_as(page, people.manager)
    page.goto("/notifications/rules/")
    months = page.locator("#id_follow_up_due-extra-months")
    assert months.input_value() == "1, 3, 6, 12"
    months.fill("6, 3")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert "List the months from the first to the last" in page.locator("fieldset", has=months).inner_text()
    assert not FollowUpPolicy.objects.filter(organisation=orgs.mlsw_vt).exists()
    page.locator("#id_follow_up_due-extra-months").fill("1, 3, 6, 9, 12")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/notifications/rules/")
    assert page.locator("#id_follow_up_due-extra-months").input_value() == "1, 3, 6, 9, 12"
    assert FollowUpPolicy.objects.get(organisation=orgs.mlsw_vt).months == [1, 3, 6, 9, 12]
    screenshot(page, "manager-reminder-rules")
    page.set_viewport_size(PHONE)
    assert_no_horizontal_scroll(page)


def test_shelter_staff_working_in_lao_learn_nothing_about_a_strangers_case(page, people, orgs, shelter):  # type: ignore[no-untyped-def]
    """Issue 14.2 on the page: a case of another province's office, never referred to the shelter,
    answers exactly like a code that does not exist (no sex, age or closure rule is applied to
    it first), in Lao, on a phone."""
    stranger = open_case(people.outsider, person_values={**person("Dao", "Stranger", 30), "sex": "male"})
    login_as(page, people.shelter_staff, language="lo")
    page.set_viewport_size(PHONE)
    answers = []
    for code in (stranger.person.case_code, "SV-2026-99999"):
        page.goto(f"/shelters/{shelter.code}/admit/")
        page.get_by_label("ລະຫັດກໍລະນີ").fill(code)
        page.get_by_role("button", name="ຮັບເຂົ້າ").click()
        answers.append(page.locator(".field.has-error").inner_text())
    assert answers[0] == answers[1]
    assert "ບໍ່ມີກໍລະນີທີ່ທ່ານສາມາດຮັບເຂົ້າສູນພັກພິງນີ້ທີ່ມີລະຫັດນີ້." in answers[0]
    assert not Stay.objects.filter(case=stranger).exists()
    assert_no_horizontal_scroll(page)
    screenshot(page, "shelter-admit-stranger-lo-phone")
