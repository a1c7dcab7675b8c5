"""Every page for everyone (issue 17, item 6): axe-core finds no violation of impact serious or
critical on any page, and no page scrolls sideways on a 360 px phone.

Each page is read twice, once in each language, and checked by axe once in each: in English on
a laptop (1366 px) and in Lao on a phone (360 px, the header folded behind its Menu button), so
that every page is checked at both widths and in both languages; the sideways-scroll check runs
at 360 px in both languages (Lao's longer words are what overflow). Two full axe runs a page, not
four (English on a phone, Lao on a laptop): those two took a minute of CI, and when this changed
(7 December 2026) no combination of the four had a serious or critical violation on any page.

The pages are the GET pages of the access matrix (the list tests/test_lao_pages.py renders), on
the matrix's world, each opened by one persona the matrix lets through (the case page once per
tab); the home page and the reminders page by every persona, whose menus differ. One browser
context per persona and language, logged in by a session cookie (no login form per page).
axe-core is the copy bundled in the `axe-playwright-python` package (no download at test time),
put in every page by the context's init script (once a page, not once a run).

`PATHWAY_AXE_COUNTS=<file>` writes the counts (elements) by impact and by rule per page and
language as JSON (docs/accessibility.md gives the figures before and after the fixes of issue 17).
"""

from __future__ import annotations

import json
import os
from collections import Counter
from typing import Any

from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Browser, Error, Page

from casework.extensions import CASE_TABS
from casework.views.cases import TABS
from tests.browser.conftest import PHONE, assert_no_horizontal_scroll, watched_page
from tests.test_access_matrix import build_world
from tests.test_lao_pages import PAGE_ROWS

# Who opens a page: the first of these the matrix lets through.
PREFERENCE = [
    "social_worker",
    "manager",
    "shelter_staff",
    "partner",
    "statistician",
    "national_manager",
    "police",
    "counsellor",
    "outsider",
    "admin",
    "anonymous",
]
EVERY_PERSONA = {"home", "notifications:list"}  # each role's menu and reminders
FAILING = {"serious", "critical"}
AXE_WIDTH = {"en": 1366, "lo": PHONE["width"]}  # where each language's axe run happens
AXE_RUN = "axe.run({resultTypes: ['violations']})"


def visits(world: Any) -> dict[str, list[tuple[str, str]]]:
    """persona -> [(label, url)] for every page."""
    plan: dict[str, list[tuple[str, str]]] = {}
    for row in PAGE_ROWS:
        allowed = [persona for persona in PREFERENCE if persona in row.allowed]
        if not allowed:
            continue
        url = reverse(row.name, args=row.args(world))
        urls = [(row.name, url)]
        if row.name == "casework:case-detail":
            urls = [(f"{row.name}?tab={tab}", f"{url}?tab={tab}") for tab in [*dict(TABS), *CASE_TABS]]
        for persona in allowed if row.name in EVERY_PERSONA else allowed[:1]:
            for label, address in urls:
                plan.setdefault(persona, []).append((f"{label} as {persona}", address))
    return plan


def session_cookie(user: Any) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def check(page: Page, url: str, width: int) -> tuple[Counter[str], list[str]] | None:
    """axe's violations by impact and the serious or critical ones described, at `width`, then
    the sideways-scroll check at 360 px; None for a download (a CSV, a PNG, a JSON status)."""
    page.set_viewport_size({"width": width, "height": 800})
    try:
        response = page.goto(url)
    except Error as error:
        if "Download is starting" in str(error):
            return None
        raise
    assert response is not None
    if "html" not in response.headers.get("content-type", ""):
        return None
    assert response.status == 200, f"{url}: {response.status}"
    counts: Counter[str] = Counter()
    serious = []
    for violation in page.evaluate(AXE_RUN)["violations"]:
        counts[violation["impact"]] += len(violation["nodes"])
        counts[f"rule {violation['id']}"] += len(violation["nodes"])
        if violation["impact"] in FAILING:
            targets = [" ".join(map(str, node["target"])) for node in violation["nodes"][:3]]
            serious.append(f"{width}px {violation['impact']} {violation['id']}: {violation['help']} at {targets}")
    page.set_viewport_size(PHONE)
    try:
        assert_no_horizontal_scroll(page)
    except AssertionError as wide:
        serious.append(str(wide))
    return counts, serious


def test_every_page_passes_axe_in_both_languages_and_fits_a_phone(browser: Browser, live_server, people, orgs):  # type: ignore[no-untyped-def]
    world = build_world(people, orgs)
    plan = visits(world)
    axe_script = Axe().axe_script
    counts: dict[str, dict[str, dict[str, int]]] = {}
    failures: list[str] = []
    for language in ("en", "lo"):
        for persona, pages in plan.items():
            user = getattr(world.people, persona, None)
            with watched_page(browser, live_server.url, width=AXE_WIDTH[language]) as page:
                page.context.add_init_script(script=axe_script)
                cookies = [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
                if user is not None and getattr(user, "is_authenticated", False):
                    cookies.append(
                        {"name": settings.SESSION_COOKIE_NAME, "value": session_cookie(user), "url": live_server.url}
                    )
                page.context.add_cookies(cookies)  # type: ignore[arg-type]
                for label, url in pages:
                    result = check(page, url, AXE_WIDTH[language])
                    if result is None:
                        continue
                    found, serious = result
                    counts.setdefault(label, {})[language] = dict(found)
                    failures.extend(f"[{language}] {label}: {problem}" for problem in serious)
    if os.environ.get("PATHWAY_AXE_COUNTS"):
        with open(os.environ["PATHWAY_AXE_COUNTS"], "w") as out:
            json.dump(counts, out, indent=1, sort_keys=True)
    assert len(counts) > len(PAGE_ROWS)
    assert not failures, f"{len(failures)} accessibility problems:\n" + "\n".join(failures)
