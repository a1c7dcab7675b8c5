"""Browser tests: Playwright (sync API) driving Debian's headless Chromium against a live server.

The server is pytest-django's `live_server`: the project in a thread of the test process, on the
test database, serving static files through Django's StaticFilesHandler (no collectstatic), so a
test can make its data with the factories and services and see it in the browser at once. It
needs `transactional_db`: every browser test writes real rows that the server thread must see.

Chromium is `/usr/bin/chromium` from Debian (`.ci/run` installs it with apt when missing);
Playwright's own browser downloads are never used. Tests are marked `browser`.

Screenshots: `screenshot(page, name)` takes one only when `PATHWAY_SCREENSHOTS` asks for it
(`1`: into `docs/screenshots/`, the user guides' images; `var`: into `var/screenshots/`, ignored
by git); see tests/screenshots.py.

Privacy (docs/design/access.md: no log line carries names or contact details): every browser test runs with
the root logger at DEBUG and every log record captured, the live server's included (it is a
thread of this process); at the end, no record may contain a name, phone, village, document
number or contact note of any person in the database (`no_personal_data_in_logs`).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Locator, Page, expect, sync_playwright

from tests.screenshots import screenshot_path

CHROMIUM = os.environ.get("PATHWAY_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "browser-test-password-1"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.fspath)).parent == Path(__file__).parent:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.slow)


class _EveryRecord(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))  # with tracebacks
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


def personal_values() -> set[str]:
    """What must never be logged: every person's and family member's identity and contacts."""
    from casework.models import FamilyMember, Person

    fields = ("given_name_lo", "family_name_lo", "given_name_latin", "family_name_latin", "origin_village", "phone")
    values = set(Person.objects.values_list(*fields, "identity_document", "contact_notes"))
    values |= set(FamilyMember.objects.values_list("name", "phone"))
    return {value.strip() for row in values for value in row if value and len(value.strip()) >= 3}


@pytest.fixture(autouse=True)
def no_personal_data_in_logs(transactional_db) -> Iterator[list[str]]:  # type: ignore[no-untyped-def]
    """Capture every log record (root at DEBUG, and the loggers settings quiet down) during the
    test, then fail if one carries a person's personal data. Depends on `transactional_db` so
    that it checks before the database is flushed."""
    from django.conf import settings

    handler = _EveryRecord()
    loggers = [logging.getLogger(), *(logging.getLogger(name) for name in settings.LOGGING.get("loggers", {}))]
    levels = [logger.level for logger in loggers]
    logging.getLogger().addHandler(handler)
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
    try:
        yield handler.lines
    finally:
        logging.getLogger().removeHandler(handler)
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)
    logged = "\n".join(handler.lines)
    leaks = sorted(value for value in personal_values() if value in logged)
    assert not leaks, f"personal data in the logs: {leaks}"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Chromium for one test module. Module-scoped, not session-scoped: while Playwright runs,
    its event loop is running in the test thread, which later non-browser tests must not inherit."""
    if not Path(CHROMIUM).exists():
        missing = f"{CHROMIUM} is missing: install Debian's chromium (`pathway test` does it with apt as root)"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"{missing}; CI never skips the browser tests")
        pytest.skip(f"BROWSER TESTS SKIPPED: {missing}")
    # Playwright's sync API keeps an event loop running in the test thread while it runs; Django
    # refuses ORM calls from such a thread unless told that this is deliberate (it is: the tests'
    # own factories, never concurrent with the loop's work).
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser: Browser, live_server, transactional_db, reference) -> Iterator[Page]:  # type: ignore[no-untyped-def]
    """A fresh browser context (no cookies) at a phone-and-laptop friendly size, with
    `page.base_url` set to the live server. Every test that uses it fails if the browser reports
    a Content Security Policy violation or a script error on any page it opened."""
    with watched_page(browser, live_server.url) as tab:
        yield tab


@pytest.fixture
def other_computer(browser: Browser, live_server, page) -> Iterator[Page]:  # type: ignore[no-untyped-def]
    """A second browser (its own cookies) on the same live server, watched like `page`."""
    with watched_page(browser, live_server.url) as tab:
        yield tab


@contextmanager
def watched_page(browser: Browser, base_url: str, *, width: int = 1024, locale: str = "en-GB") -> Iterator[Page]:
    """`width` and `locale`: a phone (360) or a laptop (1366); a browser set to another locale
    (en-US shows `type=date` month first)."""
    context = browser.new_context(viewport={"width": width, "height": 800}, locale=locale, base_url=base_url)
    context.set_default_timeout(15_000)
    problems = watch_for_policy_violations(context)
    try:
        yield context.new_page()
    finally:
        context.close()
    assert problems == [], "the browser refused something (Content Security Policy) or a script failed"


def watch_for_policy_violations(context: BrowserContext) -> list[str]:
    """Collect, for every page of `context`, the console's CSP messages ("Refused to ...
    because it violates the following Content Security Policy directive") and uncaught errors."""
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or message.text.startswith("Refused to"):
            problems.append(f"{message.location.get('url', '')}: {message.text}")

    def on_page(new_page: Page) -> None:
        new_page.on("pageerror", lambda error: problems.append(f"{new_page.url}: {error}"))

    context.on("console", on_console)
    context.on("page", on_page)
    return problems


def login_as(  # type: ignore[no-untyped-def]
    page: Page, user, *, language: str | None = "en", password: str = PASSWORD, form: bool = False
) -> None:
    """Sign `user` in and open the home page, where the login form leaves them. Sets the user's
    password first, and the user's stored page language (users are created with Lao, the
    default; None keeps it).

    With `form`, through the real login form (axes and all): the tests about signing in. Else the
    session is made here, as Django's test client makes it (Django's `login()`, so the login
    signal writes its audit row and chooses the language), and handed to the browser as its
    cookies: the form costs a page load, the typing and a post (0.82 s against 0.47-0.76 s,
    measured on a loaded machine)."""
    user.set_password(password)
    if language is not None:
        user.language = language
    user.save(update_fields=["password", "language"])
    if form:
        page.goto("/accounts/login/")
        page.locator("#id_username").fill(user.username)
        page.locator("#id_password").fill(password)
        page.locator("form.stack button[type=submit]").click()
        page.wait_for_load_state()
        assert "/accounts/login/" not in page.url, "login failed"
        return
    origin = page.request.get("/healthz").url  # the context's base URL, absolute
    page.context.add_cookies([{"name": name, "value": value, "url": origin} for name, value in session_cookies(user)])
    page.goto("/")


def session_cookies(user) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """The session and language cookies a login gives `user` (tests.clients' logged-in client)."""
    from django.conf import settings

    from tests.clients import client_for

    session = client_for(user).cookies[settings.SESSION_COOKIE_NAME].value
    return [(settings.SESSION_COOKIE_NAME, session)] + (
        [(settings.LANGUAGE_COOKIE_NAME, user.language)] if user.language else []
    )


def screenshot(page: Page, name: str, *, full_page: bool = True) -> None:
    """Save a screenshot (the whole page, or what the window shows) where tests/screenshots.py
    says, if it says so."""
    path = screenshot_path(name)
    if path is not None:
        page.screenshot(path=str(path), full_page=full_page)


def assert_no_horizontal_scroll(page: Page) -> None:
    """The page fits its viewport's width (checked at 360 px by the tests that call it), once the
    page a click may have started loading has loaded."""
    page.wait_for_load_state()
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    if overflow > 0:
        culprits = page.evaluate(
            """() => {
                // inside a scrolling box (unless positioned out of it): not what scrolls the page
                const boxed = e => {
                    if (['absolute', 'fixed'].includes(getComputedStyle(e).position)) return false;
                    for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
                        if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(a).overflowX)) return true;
                    }
                    return false;
                };
                return [...document.querySelectorAll('body *')]
                  .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1 && !boxed(e))
                  .slice(0, 5).map(e => e.tagName + '.' + e.className + '#' + e.id);
            }"""
        )
        raise AssertionError(f"{page.url}: horizontal scroll of {overflow}px, from {culprits}")


WIDE, PHONE = {"width": 1366, "height": 900}, {"width": 360, "height": 740}


def both_widths(page: Page, name: str) -> None:
    """Screenshots of the page on a phone (checked for sideways scrolling) and on a laptop."""
    page.set_viewport_size(PHONE)
    assert_no_horizontal_scroll(page)
    screenshot(page, f"{name}-360")
    page.set_viewport_size(WIDE)
    screenshot(page, f"{name}-1366")


def fill_date(field: Locator, day: date) -> None:
    """A date as the widget takes it: the browser's picker (ISO) or a typed dd/mm/yyyy."""
    field.fill(day.isoformat() if field.get_attribute("type") == "date" else day.strftime("%d/%m/%Y"))


def switch_language(page: Page, code: str) -> None:
    """Choose the language in the header, as a person would: on a phone the switch is behind the
    Menu button, which is opened first."""
    toggle = page.locator("button.menu-toggle")
    if toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false":
        toggle.click()
    page.locator("#language").select_option(code)
    page.locator("form.lang button").click()
    expect(page.locator("html")).to_have_attribute("lang", code)
