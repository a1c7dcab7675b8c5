"""The directory of services in a real browser, in Lao on a phone: a manager of LWU keeps the
"Our services" entry, then a social worker's referral form offers LWU for counselling in
Vientiane Capital (with its capacity), and "show every organisation" brings the full list back.
Screenshots at 360 and 1366 px (see conftest for where they go)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from accounts.models import Province, Role
from referrals.models import DirectoryEntry
from tests.browser.conftest import assert_no_horizontal_scroll, login_as, screenshot
from tests.factories import make_user, open_case

WIDE, PHONE = {"width": 1366, "height": 900}, {"width": 360, "height": 740}


def both_widths(page: Page, name: str) -> None:
    page.set_viewport_size(PHONE)
    assert_no_horizontal_scroll(page)
    screenshot(page, f"{name}-360")
    page.set_viewport_size(WIDE)
    screenshot(page, f"{name}-1366")
    page.set_viewport_size(PHONE)


def test_a_managers_entry_is_offered_on_the_referral_form(page, people, orgs):  # type: ignore[no-untyped-def]
    vientiane = Province.objects.get(code="VT")
    lwu_manager = make_user("lwu-manager", orgs.lwu, Role.MANAGER)
    case = open_case(people.social_worker)
    page.set_viewport_size(PHONE)

    login_as(page, lwu_manager, language="lo")
    page.goto("/referrals/directory/ours/")
    expect(page.locator("html")).to_have_attribute("lang", "lo")
    expect(page.locator("h1")).to_contain_text("ການບໍລິການຂອງພວກເຮົາ")
    page.locator("input[name=service_types][value=counselling]").check()
    page.locator(f"input[name=provinces][value='{vientiane.pk}']").check()
    page.locator("#id_capacity").fill("9")
    page.locator("#id_accepting").check()
    page.locator("#id_phone").fill("+856 21 000 999")
    page.locator("#id_email").fill("office@lwu.example.org")
    both_widths(page, "directory-our-services-lo")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("ບັນທຶກຂໍ້ມູນໃນລາຍຊື່ການບໍລິການແລ້ວ")
    entry = DirectoryEntry.objects.get(organisation=orgs.lwu)
    assert (entry.capacity, entry.accepting, entry.updated_by_id) == (9, True, lwu_manager.pk)

    page.context.clear_cookies()
    login_as(page, people.social_worker, language="lo")
    page.goto(f"/referrals/new/{case.pk}/")
    page.locator("input[name=service_types][value=counselling]").check()
    page.locator("#id_province").select_option(str(vientiane.pk))
    page.locator("#find-providers").click()
    recipients = page.locator("#id_to_organisation option")
    expect(recipients).to_contain_text([orgs.lwu.name_lo or orgs.lwu.name_en])
    expect(page.locator("#id_to_organisation")).to_contain_text("9 ຕໍ່ເດືອນ")
    expect(page.locator("#id_to_organisation")).not_to_contain_text(orgs.ngo.name_en)
    both_widths(page, "directory-referral-form-lo")
    page.locator("#show-all").click()
    expect(page.locator("#id_to_organisation")).to_contain_text(orgs.ngo.name_en)

    page.goto("/referrals/directory/?service=counselling")
    expect(page.locator("#directory")).to_contain_text("office@lwu.example.org")
    both_widths(page, "directory-list-lo")
