import json
import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.urls import reverse


def test_the_openapi_schema_validates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    assert "/api/v1/organisations/" in (tmp_path / "schema.yaml").read_text()


@pytest.mark.django_db
def test_the_schema_and_its_docs_need_a_login(api, people):
    assert api.get(reverse("schema")).status_code in (401, 403)
    api.force_authenticate(people.social_worker)
    assert api.get(reverse("schema")).status_code == 200


def _assets(html: str) -> list[str]:
    return re.findall(r"""(?:src|href|spec-url)=["']([^"']+)["']""", html)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["swagger", "redoc"])
def test_the_api_docs_load_nothing_from_another_host(client, people, name):
    """Swagger UI and Redoc come from our static files (drf-spectacular-sidecar, pinned), so the
    pages work without internet (issue 17.7): no asset, script or policy names another host."""
    client.force_login(people.social_worker)
    response = client.get(reverse(name))
    html = response.content.decode()
    pages = [html]
    if name == "swagger":  # the split view's start-up script, from our own URL
        script = next(url for url in _assets(html) if "script" in url)
        pages.append(client.get(script).content.decode())
    assert not re.search(r"https?://|//[a-z0-9.-]+\.[a-z]{2,}/", "".join(pages).replace("http://www.w3.org", ""))
    assert "https:" not in response["Content-Security-Policy"]
    static = [url for url in _assets(html) if url.startswith(settings.STATIC_URL) or url.startswith("/static/")]
    assert len(static) >= (3 if name == "swagger" else 1)
    for url in static:
        assert finders.find(url.removeprefix("/static/").split("?")[0]), url


def test_the_shelter_reports_are_documented_with_their_parameters_and_answers(tmp_path):
    """The four reports as data (shelters/api/reports.py): the page's parameters, one report
    shape whose values are keyed by column code, and the 404 of a shelter outside the scope."""
    call_command("spectacular", "--format", "openapi-json", "--file", str(tmp_path / "schema.json"))
    schema = json.loads((tmp_path / "schema.json").read_text())
    operation = schema["paths"]["/api/v1/reports/{report}/"]["get"]
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert set(parameters) == {"report", "shelter", "start", "end", "by_form"}
    assert sorted(parameters["report"]["schema"]["enum"]) == [
        "by-year",
        "non-residential",
        "occupancy",
        "shelter-table",
        "utilisation",
    ]
    answer = operation["responses"]["200"]["content"]["application/json"]
    assert answer["schema"] == {"$ref": "#/components/schemas/Report"}
    assert set(operation["responses"]) == {"200", "400", "403", "404"}
    report = schema["components"]["schemas"]["Report"]
    assert {"columns", "rows", "shelters"} <= set(report["properties"])
    values = schema["components"]["schemas"]["ReportRow"]["properties"]["values"]
    assert values["type"] == "object" and "additionalProperties" in values
