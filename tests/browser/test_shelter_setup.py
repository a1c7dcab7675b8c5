"""A manager sets a new shelter up with only a browser (issue 18): creates it, adds room A with
beds 1-12 in service since 01/01/2015 and posts a staff member, who then sees the bed board and
admits a resident historically, in 2016; the occupancy report for 2016 counts the twelve beds and
that stay. Screenshots of the set-up page at 1366 and 360 px, in English and Lao."""

from __future__ import annotations

import re
from datetime import date

from playwright.sync_api import expect

from accounts.models import Role
from shelters.models import Shelter
from tests.browser.conftest import assert_no_horizontal_scroll, login_as, screenshot
from tests.factories import make_user, open_case

WIDE = {"width": 1366, "height": 900}
PHONE = {"width": 360, "height": 740}


def logout(page) -> None:  # type: ignore[no-untyped-def]
    page.locator("form.logout button").click()
    page.wait_for_load_state()


def test_a_manager_sets_up_a_shelter_and_its_staff_admit_in_2016(page, people, orgs):  # type: ignore[no-untyped-def]
    colleague = make_user("shelter-vt", orgs.mlsw_vt, Role.SHELTER_STAFF)
    case = open_case(
        people.social_worker,
        identified_on=date(2016, 2, 20),
        person_values={"given_name_latin": "Dara", "sex": "female", "date_of_birth": date(1995, 4, 1)},
    )

    page.set_viewport_size(WIDE)
    login_as(page, people.manager)
    page.goto("/shelters/")
    page.get_by_role("link", name="New shelter").click()
    page.locator("#id_code").fill("t-setup")
    page.locator("#id_name_en").fill("Savannakhet transit house")
    page.locator("#id_name_lo").fill("ເຮືອນພັກຊົ່ວຄາວ ສະຫວັນນະເຂດ")
    page.locator("#id_operator").select_option(str(orgs.mlsw_vt.pk))
    page.locator("#id_province").select_option(str(orgs.mlsw_vt.province_id))
    page.get_by_role("button", name="Create the shelter").click()
    expect(page.locator("h1")).to_contain_text("Savannakhet transit house")
    assert page.url.endswith("/shelters/t-setup/setup/")

    page.get_by_role("link", name="Add a room").click()
    page.locator("#id_name").fill("A")
    page.get_by_role("button", name="Add the room").click()
    page.get_by_role("link", name="Add beds").click()
    page.locator("#id_labels").fill("1-12")
    page.locator("#id_room").select_option(label="A")
    page.locator("#id_in_service_from").fill("2015-01-01")
    page.get_by_role("button", name="Add the beds").click()
    expect(page.locator("body")).to_contain_text("12 beds added")
    assert page.locator(".board .bed").count() == 12
    expect(page.locator("#bed-12")).to_contain_text("In service since 01/01/2015")

    page.get_by_role("link", name="Post a staff member").click()
    page.locator("#id_user").select_option(str(colleague.pk))
    page.get_by_role("button", name="Post").click()
    expect(page.locator("body")).to_contain_text("shelter-vt now works here")
    screenshot(page, "shelter-setup-en-1366")
    page.set_viewport_size(PHONE)
    assert_no_horizontal_scroll(page)
    screenshot(page, "shelter-setup-en-360")
    page.get_by_role("link", name="Add beds").click()
    assert_no_horizontal_scroll(page)
    screenshot(page, "shelter-setup-beds-en-360")
    logout(page)

    login_as(page, people.manager, language="lo")
    page.goto("/shelters/t-setup/setup/")
    expect(page.locator("#bed-12")).to_contain_text("ພ້ອມໃຊ້ງານຕັ້ງແຕ່ 01/01/2015")
    expect(page.get_by_role("link", name="ມອບໝາຍພະນັກງານ")).to_be_visible()
    english = ("In service since", "Add beds", "Staff posted here", "Retire", "Rooms")
    assert not [word for word in english if word in page.locator("main").inner_text()]
    assert_no_horizontal_scroll(page)
    screenshot(page, "shelter-setup-lo-360")
    page.set_viewport_size(WIDE)
    screenshot(page, "shelter-setup-lo-1366")
    page.goto("/shelters/new/")
    screenshot(page, "shelter-new-lo-1366")
    page.set_viewport_size(PHONE)
    assert_no_horizontal_scroll(page)
    screenshot(page, "shelter-new-lo-360")
    logout(page)

    # The posted staff member works there: the bed board, and an admission back in 2016.
    page.set_viewport_size(WIDE)
    login_as(page, colleague)
    page.goto("/shelters/")
    page.get_by_role("link", name="Savannakhet transit house").click()
    expect(page.locator("h1")).to_contain_text("Savannakhet transit house")
    assert page.locator(".board .bed.free").count() == 12
    page.locator("#bed-1").get_by_role("link", name="Admit here").click()
    page.locator("#id_case_code").fill(case.person.case_code)
    page.locator("#id_admitted_on").fill("2016-03-01")
    page.get_by_role("button", name=re.compile("Admit")).click()
    expect(page.locator("#bed-1")).to_contain_text(case.person.case_code)
    logout(page)

    # The occupancy report for 2016: twelve beds all year (12 x 366 nights), 306 of them occupied.
    login_as(page, people.manager)
    page.goto("/shelters/")
    page.get_by_role("link", name="Occupancy and statistics report").click()
    page.locator("#id_shelter").select_option("t-setup")
    page.locator("#id_start").fill("2016-01-01")
    page.locator("#id_end").fill("2016-12-31")
    page.get_by_role("button", name="Show the report").click()
    text = page.locator("main").inner_text().replace(",", "")
    assert "4392" in text and "306" in text, text[:2000]
    assert Shelter.objects.get(code="t-setup").beds.count() == 12
