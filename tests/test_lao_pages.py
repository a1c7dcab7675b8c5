"""Every page in Lao (issue 17): no English sentence of the catalogue and no developer code
(a snake_case token such as `stay_admitted` or `case_summary`) in what a person reads.

Each GET page of the access matrix is rendered, with the language cookie set to Lao, as every
persona the matrix lets through, on the matrix's world (tests/test_access_matrix.py). The visible
text is the text between tags (scripts and styles left out) plus the attributes a person reads or
hears (title, aria-label, placeholder, alt); values of inputs are data and are left out, and so
are the world's own data (user names, case codes, names typed by the tests).
"""

from __future__ import annotations

import gettext
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from casework.extensions import CASE_TABS
from casework.views.cases import TABS
from referrals.models import PartnerToken
from tests.test_access_matrix import ROWS, world  # noqa: F401 (the fixture)

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "lo" / "LC_MESSAGES" / "django.mo"

# Pages that are not the application's own words: the API's machine-readable schema and the
# third-party API viewers, the health probes (JSON for load balancers), a PNG chart, and the field
# app's service worker, manifest and JSON (its words are checked in tests/offline/test_api.py).
NOT_PAGES = {
    "schema",
    "swagger",
    "redoc",
    "healthz",
    "readyz",
    "statistics:chart",
    "offline:service-worker",
    "offline:manifest",
    "offline:api-reference",
    "offline:api-session",
    "offline:api-cases",
}

# Words that are the same in both languages: the product's name and technical names.
ALLOWED = {"Pathway", "API", "PDF", "CSV", "COMMIT", "CTDC", "ID", "URL", "OK", "ລາວ", "English", "—", "·"}

# A developer's code: a snake_case name (`stay_admitted`), a model label (`casework.person`) or a
# file (`reports.md`, `docs/...`).
CODE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b|\b[a-z_]{3,}\.[A-Za-z_]{2,}\b|\bdocs/")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\{\s*\w+\s*\}\}")
SEEN_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt"}


class VisibleText(HTMLParser):
    """The pieces of text a person sees or hears, one per text node or attribute."""

    def __init__(self) -> None:
        super().__init__()
        self.pieces: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "template"):
            self._hidden += 1
        self.pieces.extend(value for name, value in attrs if name in SEEN_ATTRIBUTES and value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        text = " ".join(data.split())
        if text and not self._hidden:
            self.pieces.append(text)


def visible_text(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    return parser.pieces


def english_catalogue() -> tuple[set[str], list[re.Pattern[str]]]:
    """The English msgids whose Lao differs: exact sentences, and patterns for those with
    placeholders (a placeholder matches any text)."""
    exact: set[str] = set()
    patterns: list[re.Pattern[str]] = []
    with CATALOGUE.open("rb") as compiled:
        messages = gettext.GNUTranslations(compiled)._catalog  # type: ignore[attr-defined]
    for key, translated in messages.items():
        msgid = key[0] if isinstance(key, tuple) else key
        text = " ".join(msgid.split())
        if text in ALLOWED or text == translated or not re.search(r"[A-Za-z]{2}", text):
            continue
        parts = PLACEHOLDER.split(text)
        if len(parts) == 1:
            exact.add(text)
        elif sum(len(part.strip()) for part in parts) >= 8:
            patterns.append(re.compile(".+?".join(re.escape(part) for part in parts)))
    return exact, patterns


def problems_in(
    pieces: list[str], data: re.Pattern[str], catalogue: tuple[set[str], list[re.Pattern[str]]]
) -> list[str]:
    exact, patterns = catalogue
    found = []
    for piece in pieces:
        piece = " ".join(data.sub(" ", piece).split())
        if not re.search(r"[A-Za-z]", piece) or piece in ALLOWED:
            continue
        if piece in exact or any(pattern.fullmatch(piece) for pattern in patterns):
            found.append(f"English: {piece!r}")
        found.extend(f"code: {token!r} in {piece!r}" for token in CODE.findall(piece))
    return found


def world_data(world: Any) -> re.Pattern[str]:  # noqa: F811
    """The world's own data, which is shown as typed: user names, case codes, persons' names."""
    data = {person.username for person in world.people.all if getattr(person, "username", "")}
    for case in (world.case, world.adult_case):
        person = case.person
        data |= {person.case_code, person.given_name_latin or "", person.family_name_latin or ""}
    data |= {"Synthetic mother", "Synthetic", "first visit", "threatened by the recruiter", "matrix", "revoked"}
    data |= {"https://hooks.example.org/ngo", "repairs", "counselling", "investigation"}
    data.add(world.register_import.filename)  # the uploaded register's name, as the manager's computer gave it
    data |= set(PartnerToken.objects.values_list("prefix", flat=True))  # random: "pw_88vx..." looks like a code
    data |= {world.peer.base_url, world.peer.name}  # a partner instance as its administrator registered it
    return re.compile(
        "|".join(rf"(?<!\w){re.escape(value)}(?!\w)" for value in sorted(data, key=len, reverse=True) if value)
    )


PAGE_ROWS = [
    row for row in ROWS if row.method == "get" and not row.name.startswith("v1:") and row.name not in NOT_PAGES
]


@pytest.mark.slow  # every page of the site, in Lao: twenty seconds
@pytest.mark.django_db
def test_every_page_reads_in_lao(world):  # noqa: F811
    catalogue = english_catalogue()
    data = world_data(world)
    failures: dict[str, list[str]] = {}
    rendered = 0
    for row in PAGE_ROWS:
        url = reverse(row.name, args=row.args(world))
        queries = [row.body(world)]
        if row.name == "casework:case-detail":
            queries = [{"tab": key} for key in [*dict(TABS), *CASE_TABS]]
        personas = sorted(row.allowed & {name for name in vars(world.people) if name != "all"}) or ["anonymous"]
        for persona in personas:
            client = Client()
            user = getattr(world.people, persona)
            if getattr(user, "is_authenticated", False):
                client.force_login(user)
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = "lo"
            for query in queries:
                response = client.get(url, query)
                if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                    continue
                rendered += 1
                found = problems_in(visible_text(response.content.decode()), data, catalogue)
                for problem in found:
                    failures.setdefault(problem, []).append(f"{row.name} {query or ''} as {persona}")
    assert rendered > len(PAGE_ROWS)
    report = [f"{problem}  <- {', '.join(sorted(set(where))[:3])}" for problem, where in sorted(failures.items())]
    assert not report, f"{len(report)} untranslated strings or codes in Lao pages:\n" + "\n".join(report)
