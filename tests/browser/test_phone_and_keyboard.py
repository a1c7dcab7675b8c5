"""A phone and a keyboard (issue 17, item 6), in English and Lao: the first Tab reaches "Skip to
content", which moves the focus to the page's content; on a 360 px phone the header folds its
menu behind a button that opens and closes it from the keyboard (Escape closes it), and on a
laptop the menu shows without it; after a refused submit the focus is on the error summary at
the top of the form, whose links lead to the fields. Screenshots `phone-menu-*` and
`error-summary-*`."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_no_horizontal_scroll, login_as, screenshot

WORDS = {
    "en": {"skip": "Skip to content", "menu": "Menu", "cases": "Cases", "correct": "Please correct the fields"},
    "lo": {"skip": "ຂ້າມໄປຫາເນື້ອຫາ", "menu": "ເມນູ", "cases": "ກໍລະນີ", "correct": "ກະລຸນາ"},
}


@pytest.mark.parametrize("language", ["en", "lo"])
def test_skip_link_and_the_folding_menu(page, people, language):  # type: ignore[no-untyped-def]
    words = WORDS[language]
    login_as(page, people.social_worker, language=language)
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto("/")

    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    expect(skip).to_have_text(words["skip"])
    expect(skip).to_be_visible()  # shown when focused, hidden otherwise
    page.keyboard.press("Enter")
    expect(page.locator(":focus")).to_have_attribute("id", "content")

    menu = page.locator("header.top .menu-toggle")
    cases = page.locator("nav.main").get_by_role("link", name=words["cases"], exact=True)
    expect(menu).to_have_text(words["menu"])
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(cases).to_be_hidden()
    expect(page.locator("header a.notifications")).to_be_visible()  # the reminders stay in sight
    expect(page.locator("form.logout button")).to_be_visible()
    screenshot(page, f"phone-menu-closed-{language}", full_page=False)

    menu.focus()
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(cases).to_be_visible()
    assert_no_horizontal_scroll(page)
    screenshot(page, f"phone-menu-open-{language}", full_page=False)
    cases.focus()
    page.keyboard.press("Escape")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_focused()
    expect(cases).to_be_hidden()

    page.set_viewport_size({"width": 1366, "height": 900})
    expect(menu).to_be_hidden()
    expect(cases).to_be_visible()


def test_without_script_the_menu_stays_open(browser, live_server, people):  # type: ignore[no-untyped-def]
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, java_script_enabled=False, base_url=live_server.url
    )
    try:
        page = context.new_page()
        login_as(page, people.social_worker)
        page.goto("/")
        expect(page.locator("header.top .menu-toggle")).to_be_hidden()
        expect(page.locator("nav.main").get_by_role("link", name="Cases", exact=True)).to_be_visible()
        assert_no_horizontal_scroll(page)
    finally:
        context.close()


@pytest.mark.parametrize("language", ["en", "lo"])
def test_a_refused_submit_puts_the_focus_on_the_error_summary(page, people, language):  # type: ignore[no-untyped-def]
    words = WORDS[language]
    login_as(page, people.social_worker, language=language)
    page.goto("/cases/new/")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()

    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text(words["correct"])
    links = summary.locator("a")
    assert links.count() >= 1
    target = links.first.get_attribute("href")
    assert target and target.startswith("#id_")
    field = page.locator(target)
    expect(field).to_be_attached()
    expect(field.locator("xpath=ancestor::*[contains(@class, 'field')][1]")).to_have_class(re.compile("has-error"))
    links.first.click()
    expect(field).to_be_focused()
    for width in (1366, 360):
        page.set_viewport_size({"width": width, "height": 800})
        page.locator(".error-summary").scroll_into_view_if_needed()
        screenshot(page, f"error-summary-{language}-{width}", full_page=False)
        assert_no_horizontal_scroll(page)


@pytest.mark.parametrize("language", ["en", "lo"])
def test_the_statistics_and_token_pages_fit_a_phone(page, people, language):  # type: ignore[no-untyped-def]
    """The two pages that scrolled sideways at 360 px (issue 17): the statistics form's long
    options, the partner's token table (now in a box of its own that the keyboard can scroll)."""
    from referrals.partner.tokens import token_issue

    token_issue(actor=people.partner, organisation=people.partner.organisation, name="Case system")
    for persona, path, name in (
        ("statistician", "/statistics/", "statistics"),
        ("partner", "/partner/tokens/", "tokens"),
    ):
        login_as(page, getattr(people, persona), language=language)
        page.set_viewport_size({"width": 360, "height": 740})
        page.goto(path)
        assert_no_horizontal_scroll(page)
        screenshot(page, f"{name}-{language}-360")
        page.context.clear_cookies()
    expect(page.get_by_role("region")).to_have_count(1)  # the token table's box, named and focusable
    expect(page.get_by_role("region")).to_have_attribute("tabindex", "0")
