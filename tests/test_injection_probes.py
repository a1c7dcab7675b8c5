"""SQL injection and XSS probes (issue 8, part 6).

Searches: every query parameter of every API list (read from the OpenAPI schema, so a new
filter is probed without a change here) and every search or filter box of the pages gets the
classic payloads. The answer is 200 or 400, never a server error, and never an extra row: the
results are a subset of the unfiltered list, and a search for a payload finds nothing.

Stored text: the payloads are saved as a note, a service's notes, a person's names and
village, a family member, a referral's reason, then every page that shows them is read: the
payload never appears unescaped, and its escaped form does (so the page did show it)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils.html import escape

from casework.models import ServiceType
from casework.services import assistance
from casework.services.people import family_member_add, person_update
from referrals import services as referral_services
from tests import hostile
from tests.test_access_matrix import world  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.slow]  # over a thousand calls per test

PAYLOADS = hostile.SQL + hostile.HTML + ["ສົມສີ 😀", "\u202e", "a\x00b", "%"]
NOT_FILTERS = {"page", "format"}  # pagination and rendering, not a search
# Page boxes: (persona, route, the parameters it reads)
PAGE_BOXES = [
    ("social_worker", "casework:case-list", ["search", "status", "category", "assigned_worker", "province", "page"]),
    ("counsellor", "referrals:inbox", ["status"]),
    ("manager", "shelters:occupancy-report", ["start", "end"]),
    ("statistician", "statistics:page", ["first", "last", "measure", "breakdown"]),
]


def list_operations(api: Any) -> list[tuple[str, list[str]]]:
    """(path, query parameters) of each API GET without path parameters, from the served schema."""
    schema = api.get(reverse("schema"), {"format": "json"}).json()
    found = []
    for path, item in schema["paths"].items():
        get = item.get("get")
        if get is None or "{" in path or path.startswith("/api/v1/partner/"):
            continue
        names = [p["name"] for p in get.get("parameters", []) if p["in"] == "query" and p["name"] not in NOT_FILTERS]
        if names:
            found.append((path, names))
    return found


def ids(response: Any) -> set[str]:
    """The rows an answer shows: the ids of a JSON list, the lines of a streamed CSV export."""
    if getattr(response, "streaming", False):
        return set(b"".join(response.streaming_content).decode().splitlines()[1:])
    body = response.json()
    rows = body["results"] if isinstance(body, dict) and "results" in body else body
    return {str(row.get("id", row.get("code", row))) for row in rows} if isinstance(rows, list) else set()


@override_settings(API_THROTTLE_RATE=None)  # over a thousand calls by one user
@pytest.mark.parametrize("persona", ["social_worker", "manager"])
def test_api_filters_take_payloads_without_error_or_extra_rows(api, world, persona):  # noqa: F811
    api.force_login(getattr(world.people, persona))
    operations = list_operations(api)
    assert any(path == "/api/v1/cases/" and "search" in names for path, names in operations)
    probes = 0
    for path, names in operations:
        baseline = api.get(path)  # the statistics need parameters: 400, or 403 for a worker
        everything = ids(baseline) if baseline.status_code == 200 else set()
        for name in names:
            for payload in PAYLOADS:
                response = api.get(path, {name: payload})
                probes += 1
                assert response.status_code in (200, 400, baseline.status_code), (path, name, payload, response)
                if response.status_code == 200:
                    shown = ids(response)
                    assert shown <= everything, (path, name, payload, "extra rows")
                    if name == "search":
                        assert not shown, (path, payload, "a payload matched records")
    assert probes > 500


@pytest.mark.parametrize(("persona", "route", "names"), PAGE_BOXES, ids=[box[1] for box in PAGE_BOXES])
def test_page_search_boxes_take_payloads_and_echo_them_escaped(client, world, persona, route, names):  # noqa: F811
    client.force_login(getattr(world.people, persona))
    for name in names:
        for payload in PAYLOADS:
            response = client.get(reverse(route), {name: payload})
            assert response.status_code in (200, 400), (name, payload, response.status_code)
            html = response.content.decode()
            if any(c in payload for c in "<>\"'"):
                assert payload not in html, (name, payload, "echoed unescaped")
            if name == "search" and world.case.person.case_code in html:  # only as the unfiltered list
                assert "has-error" in html, (payload, "a payload matched the case")


def test_the_case_list_search_finds_the_case_by_its_code(client, world):  # noqa: F811
    """The probe above would pass on a search that never finds anything: this one finds."""
    client.force_login(world.people.social_worker)
    response = client.get(reverse("casework:case-list"), {"search": world.case.person.case_code})
    assert world.case.person.case_code in response.content.decode()


def store_everywhere(o: Any, payload: str) -> None:
    sw, case = o.people.social_worker, o.case
    assistance.note_add(actor=sw, case=case, text=payload)
    assistance.service_add(actor=sw, case=case, service_type=ServiceType.objects.get(code="education"), notes=payload)
    person_update(actor=sw, person=case.person, given_name_latin=payload[:100], origin_village=payload[:200])
    family_member_add(actor=sw, person=case.person, relationship="mother", name=payload[:200])
    referral_services.referral_add_note(actor=sw, referral=o.referral, note=payload)


@pytest.mark.parametrize("payload", [p for p in hostile.HTML if "<" in p or '"' in p])
def test_stored_text_renders_escaped_on_every_page(client, world, payload):  # noqa: F811
    store_everywhere(world, payload)
    pages = [
        ("social_worker", reverse("casework:case-detail", args=[world.case.pk]) + f"?tab={tab}")
        for tab in ("person", "screening", "services", "notes", "repatriation", "history")
    ]
    pages += [
        ("social_worker", reverse("casework:case-list")),
        ("social_worker", reverse("casework:case-list") + "?search=" + world.case.person.case_code),
        ("social_worker", reverse("home")),
        ("social_worker", reverse("referrals:sent")),
        ("social_worker", reverse("referrals:detail", args=[world.referral.pk])),
        ("counsellor", reverse("referrals:inbox")),
        ("counsellor", reverse("referrals:detail", args=[world.referral.pk])),
        ("shelter_staff", reverse("shelters:board", args=[world.shelter.code])),
        ("manager", reverse("casework:case-audit", args=[world.case.pk])),
    ]
    escaped_somewhere = 0
    for persona, url in pages:
        client.force_login(getattr(world.people, persona))
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert payload not in html, f"{url} shows the payload unescaped"
        escaped_somewhere += escape(payload) in html
    assert escaped_somewhere >= 5, "the stored payload should be shown (escaped) on the case's pages"
