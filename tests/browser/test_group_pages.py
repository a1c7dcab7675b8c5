"""A group of five returned together admitted to a shelter in one action, in a real browser, in
Lao on a phone: the worker opens the Linked cases tab of one of them, the group, the action page;
a sixth person of the group (a boy) is refused by the girls' shelter, named by his case code, and
nothing is saved; unticked, the five are admitted at once, each with its result. Screenshots at
1366 and 360 px (see conftest for where they go)."""

from __future__ import annotations

from datetime import date

from playwright.sync_api import expect

from accounts.models import Role
from casework.services.links import case_group_create
from shelters.models import Shelter, Stay
from tests.browser.conftest import both_widths, login_as
from tests.factories import make_user, open_case

BOY = {
    "given_name_latin": "Somphone",
    "family_name_latin": "Synthetic",
    "sex": "male",
    "date_of_birth": date(2010, 2, 1),
}


def test_a_group_of_five_returned_together_is_admitted_in_one_action(page):  # type: ignore[no-untyped-def]
    shelter = Shelter.objects.get(code="sengsavang-savannakhet")  # girls and young women only
    worker = make_user("sw-sengsavang", shelter.operator, Role.SOCIAL_WORKER)
    girls = [open_case(worker) for _ in range(5)]
    boy = open_case(worker, person_values=BOY)
    reason = "Returned together from Thailand at the Friendship Bridge"
    case_group_create(actor=worker, kind="returned_together", reason=reason, cases=[*girls, boy])

    login_as(page, worker, language="lo")
    page.goto(f"/cases/{girls[0].pk}/?tab=links")
    expect(page.locator("html")).to_have_attribute("lang", "lo")
    groups = page.locator("#case-groups")
    expect(groups).to_contain_text("ຖືກສົ່ງກັບມານຳກັນ")
    for other in [*girls[1:], boy]:
        expect(groups).to_contain_text(other.person.case_code)
    both_widths(page, "group-links-tab-lo")
    groups.locator("a[href*='/cases/groups/']").first.click()
    expect(page.locator("#group-members > li")).to_have_count(6)
    both_widths(page, "group-detail-lo")
    page.locator("#group-actions a[href$='action=admit']").click()
    page.locator("#id_shelter").select_option(shelter.code)
    both_widths(page, "group-admit-form-lo")

    page.locator("#group-act-form button[type=submit]").click()
    refused = page.locator("#group-refused")
    expect(refused).to_contain_text(boy.person.case_code)
    expect(refused.locator("tr[data-done=no]")).to_have_count(1)
    assert not Stay.objects.filter(shelter=shelter).exists()  # nothing saved
    both_widths(page, "group-admit-refused-lo")

    page.locator(f"#case-{boy.pk}").uncheck()
    page.locator("#group-act-form button[type=submit]").click()
    expect(page.locator("#group-done")).to_be_visible()
    expect(page.locator("#group-results tr[data-done=yes]")).to_have_count(5)
    for girl in girls:
        expect(page.locator("#group-results")).to_contain_text(girl.person.case_code)
    both_widths(page, "group-admit-done-lo")
    assert Stay.objects.filter(shelter=shelter, case__in=girls).count() == 5
    assert not Stay.objects.filter(case=boy).exists()
