"""The browser harness itself: Chromium starts, the live server serves pages and static files,
and the login form lets a user in."""

from __future__ import annotations

from tests.browser.conftest import assert_no_horizontal_scroll, login_as, screenshot


def test_login_page_renders_with_its_stylesheet_and_lets_a_user_in(page, live_server, people):  # type: ignore[no-untyped-def]
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto("/accounts/login/")
    assert page.locator("h1").inner_text() == "Log in"
    background = page.evaluate("getComputedStyle(document.querySelector('header.top')).backgroundColor")
    assert background == "rgb(11, 79, 108)", "pathway.css was not served"
    assert_no_horizontal_scroll(page)
    screenshot(page, "login")
    login_as(page, people.social_worker, form=True)
    assert page.url == live_server.url + "/"
    page.get_by_role("button", name="Menu").click()  # at 360 px the user's name is behind the menu
    assert people.social_worker.username in page.locator("header.top").inner_text()
