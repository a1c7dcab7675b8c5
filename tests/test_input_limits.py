"""Free text and lists have maximum sizes (core.limits): every writable string and list of
the API's request bodies is bounded in the OpenAPI schema (maxLength, maxItems), and one
character or item over the bound is a 400 naming the field, for every write route of the
access matrix (a new field or route is covered without a change here)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from casework.models import CaseNote
from tests.factories import open_case
from tests.test_access_matrix import ROWS, TOKENS, world  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


def resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].split("/")[-1]]
    return node


def request_bodies(schema: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    bodies = {}
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            content = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if content:
                bodies[(path, method)] = resolve(schema, content["schema"])
    return bodies


def unbounded(schema: dict[str, Any], node: dict[str, Any], where: str) -> list[str]:
    node = resolve(schema, node)
    found = []
    for part in node.get("allOf", []) + node.get("oneOf", []) + node.get("anyOf", []):
        found += unbounded(schema, part, where)
    if node.get("type") == "string" and not {"maxLength", "enum", "format"} & set(node):
        found.append(where)
    if node.get("type") == "array":
        if "maxItems" not in node:
            found.append(where)
        found += unbounded(schema, node.get("items", {}), where + "[]")
    for name, child in node.get("properties", {}).items():
        if not child.get("readOnly"):
            found += unbounded(schema, child, f"{where}.{name}")
    return found


def test_every_writable_string_and_list_of_the_api_is_bounded_in_the_schema(schema):
    found = []
    for (path, method), body in request_bodies(schema).items():
        found += unbounded(schema, body, f"{method.upper()} {path} ")
    assert not found, found


def oversized(schema: dict[str, Any], node: dict[str, Any]) -> Any:
    """A value one character or one item over the field's bound, or None if it has none."""
    node = resolve(schema, node)
    if "maxLength" in node:
        return "x" * (node["maxLength"] + 1)
    if "maxItems" in node:
        item = resolve(schema, node.get("items", {}))
        one = item.get("enum", ["x"])[0] if item.get("type") == "string" else {}
        return [one] * (node["maxItems"] + 1)
    return None


def operation_for(schema: dict[str, Any], url: str, method: str) -> dict[str, Any] | None:
    for path, body in request_bodies(schema).items():
        pattern = "^" + re.sub(r"\\{[^/]+\\}", "[^/]+", re.escape(path[0])) + "$"
        if path[1] == method and re.match(pattern, url):
            return body
    return None


WRITES = [row for row in ROWS if row.method in ("post", "put", "patch") and row.name.startswith("v1:")]


@pytest.mark.slow  # a request per bounded field of every write route: 5-7 s
@override_settings(API_THROTTLE_RATE=None)
def test_one_over_the_bound_is_a_400_naming_the_field_on_every_write_route(schema, world, client):  # noqa: F811
    probed, failures = 0, []
    for row in WRITES:
        if row.name.startswith("v1:partner-"):
            continue  # the partner API's bodies are bounded like the rest (schema test above)
        persona = sorted(row.allowed - set(TOKENS) - {"anonymous"})[0]
        url = reverse(row.name, args=row.args(world))
        body = operation_for(schema, url, row.method)
        if body is None:
            continue
        for name, node in body.get("properties", {}).items():
            value = oversized(schema, node)
            if value is None or node.get("readOnly"):
                continue
            with transaction.atomic():
                client.force_login(getattr(world.people, persona))
                payload = {**row.body(world), name: value}
                response = getattr(client, row.method)(url, payload, content_type="application/json")
                errors = response.json().get("errors", {}) if response.status_code == 400 else {}
                if name not in errors:
                    failures.append((row.name, persona, name, response.status_code, str(response.content[:200])))
                probed += 1
                transaction.set_rollback(True)
    assert not failures, failures
    assert probed > 40


def test_a_note_of_a_million_characters_is_refused(api, people):
    case = open_case(people.social_worker)
    api.force_login(people.social_worker)
    response = api.post(reverse("v1:note-list"), {"case": str(case.pk), "text": "x" * 1_000_000}, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["text"]
    assert not CaseNote.objects.filter(case=case).exists()


def test_ten_thousand_language_codes_are_refused(api, people):
    case = open_case(people.social_worker)
    api.force_login(people.social_worker)
    answer = api.patch(
        reverse("v1:person-detail", args=[case.person.pk]), {"languages": ["lo"] * 10_000}, format="json"
    )
    assert answer.status_code == 400
    assert list(answer.json()["errors"]) == ["languages"]
    case.person.refresh_from_db()
    assert len(case.person.languages) < 10
