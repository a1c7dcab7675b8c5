"""Each role's home page (issue 17), in English and Lao, at 1366 and 360 px: the menu leads to
the role's work, a manager sees what waits for a decision with the numbers linked to their
lists, and no home page scrolls sideways."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from casework.services import cases
from shelters import services as shelter_services
from tests.browser.conftest import assert_no_horizontal_scroll, login_as, screenshot
from tests.factories import BedFactory, ShelterFactory, open_case

# persona -> the menu entry (route path) that leads to its work
WORK = {
    "manager": "/manage/workload/",
    "social_worker": "/cases/",
    "statistician": "/statistics/",
    "partner": "/partner/tokens/",
    "shelter_staff": "/shelters/",
    "admin": "/accounts/users/",
}


@pytest.fixture
def office(people, orgs):  # type: ignore[no-untyped-def]
    """Two open cases of the Vientiane office (one with a closure asked for) and its shelter with
    one resident tonight."""
    sw = people.social_worker
    first, second = open_case(sw, assigned_worker=sw), open_case(sw, assigned_worker=sw)
    cases.case_closure_request(actor=sw, case=second, reason="reintegrated")
    shelter = ShelterFactory(code="home-shelter", operator=orgs.mlsw_vt)
    bed = BedFactory(shelter=shelter, label="H1")
    shelter_services.staff_post(actor=people.admin, shelter=shelter, user=people.shelter_staff)
    shelter_services.stay_admit(
        actor=people.shelter_staff, shelter=shelter, case=first, admitted_on=timezone.localdate(), bed=bed
    )


@pytest.mark.parametrize("language", ["en", "lo"])
@pytest.mark.parametrize("persona", sorted(WORK))
def test_each_roles_home_page(page, people, office, persona, language):  # type: ignore[no-untyped-def]
    login_as(page, getattr(people, persona), language=language)
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator(f'nav.main a[href="{WORK[persona]}"]')).to_be_visible()
    if persona == "manager":
        expect(page.locator('#manager-home a[href="/manage/closures/"] strong')).to_have_text("1")
        expect(page.locator('#manager-home a[href="/cases/?current=on"] strong')).to_have_text("2")
    if persona == "shelter_staff":
        expect(page.locator("#beds-tonight")).to_contain_text("1")
    for width, height in ((1366, 900), (360, 740)):
        page.set_viewport_size({"width": width, "height": height})
        screenshot(page, f"home-{persona}-{language}-{width}")
        assert_no_horizontal_scroll(page)
