"""A filter value the API cannot read is a 400 naming the parameter, never silently dropped
(`?child=maybe` listed every case): every typed query parameter of every API list, read from the
OpenAPI schema so that a new filter is covered without a change here (core.api.filters)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import override_settings
from django.urls import reverse

from tests.test_access_matrix import world  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.slow]  # every typed filter of every list: seconds

NOT_FILTERS = {"page", "page_size"}  # pagination: a page that is not a number is a 404
INVALID = ["maybe", "2024-13-45", "1e999"]


def typed(schema: dict[str, Any]) -> bool:
    """Does the parameter take a value of a type ("maybe" is not a boolean, date, id or choice)?"""
    schema = schema.get("items", schema)
    return schema.get("type") in ("boolean", "integer", "number") or "enum" in schema or "format" in schema


def typed_filters(api: Any) -> list[tuple[str, str]]:
    schema = api.get(reverse("schema"), {"format": "json"}).json()
    found = []
    for path, item in schema["paths"].items():
        get = item.get("get")
        if get is None or "{" in path or path.startswith("/api/v1/partner/"):
            continue
        for parameter in get.get("parameters", []):
            if parameter["in"] == "query" and parameter["name"] not in NOT_FILTERS and typed(parameter["schema"]):
                found.append((path, parameter["name"]))
    return found


@override_settings(API_THROTTLE_RATE=None)
def test_every_typed_filter_refuses_a_value_it_cannot_read(api, world):  # noqa: F811
    api.force_login(world.people.admin)
    filters = typed_filters(api)
    assert ("/api/v1/cases/", "child") in filters
    assert len(filters) > 25
    probed = set()
    for persona in ("admin", "statistician", "social_worker"):  # each list has someone who may read it
        api.force_login(getattr(world.people, persona))
        for path, name in filters:
            if api.get(path).status_code == 403:
                continue
            for value in INVALID:
                response = api.get(path, {name: value})
                assert response.status_code == 400, (persona, path, name, value, response.status_code)
                assert name in response.json()["errors"], (persona, path, name, value, response.json())
            probed.add((path, name))
    assert probed == set(filters)


def test_child_maybe_is_a_400_and_true_still_filters(api, world):  # noqa: F811
    api.force_login(world.people.social_worker)
    refused = api.get(reverse("v1:case-list"), {"child": "maybe"})
    assert refused.status_code == 400
    assert list(refused.json()["errors"]) == ["child"]
    everything = api.get(reverse("v1:case-list")).json()["count"]
    children = api.get(reverse("v1:case-list"), {"child": "true"}).json()["count"]
    adults = api.get(reverse("v1:case-list"), {"child": "false"}).json()["count"]
    assert children + adults == everything
    assert api.get(reverse("v1:case-list"), {"child": ""}).json()["count"] == everything, "empty: no filter"
