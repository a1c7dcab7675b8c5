"""Schemathesis over the whole OpenAPI schema (issue 8, part 6): every operation, called as
every role (a session for staff, a token for the partner API) with generated parameters and
bodies (hostile strings mixed into the query), answers without a server error, with a
documented status and content type, and with a body and headers that conform to the schema
(core.api.schema.document_error_answers documents the staff API's error answers).

In-process through WSGI on committed data (transaction=True, as in
tests/referrals/test_partner_schema.py, which checks the partner API's answers in more depth).
Generated ids are mixed with the ids of real records of the access matrix's world, so that
the operations reach their 200, 400, 403 and 409 answers, not only 404. The number of examples
is bounded (EXAMPLES_PER_OPERATION) so that the test fits CI time; the number of cases run and
their answers by class are printed."""

from __future__ import annotations

import json
import re
import secrets
from collections import Counter
from typing import Any

import pytest
import schemathesis
from django.core.management import call_command
from django.core.wsgi import get_wsgi_application
from django.test import Client, override_settings
from hypothesis import given
from hypothesis import strategies as st
from rest_framework.test import APIClient

from referrals.partner.tokens import token_issue
from tests import hostile
from tests.schema_runs import CHECKS, bounded_run
from tests.test_access_matrix import build_world

pytestmark = pytest.mark.slow

EXAMPLES_PER_OPERATION = 4
STAFF_ROLES = ("social_worker", "counsellor", "shelter_staff", "manager", "police", "partner", "statistician", "admin")


def known_values(o: Any) -> list[str]:
    """The keys of every record the world made: path parameters drawn from these find records."""
    values = {"VT", "0101", "TH", "forced_labour", "legal_aid", "boten", "khmu", o.indicator_code, o.shelter.code}
    values.update(str(value.pk) for value in vars(o).values() if hasattr(value, "pk"))
    values.update(str(user.pk) for user in o.people.all if user.pk)
    return sorted(values)


def session_login(user: Any) -> dict[str, dict[str, str]]:
    """A logged-in session's cookie and a CSRF token, as a browser sends them."""
    client = Client()
    client.force_login(user)
    csrf = secrets.token_hex(16)  # 32 characters: the unmasked secret form Django accepts
    return {
        "cookies": {"sessionid": client.cookies["sessionid"].value, "csrftoken": csrf},
        "headers": {"X-CSRFToken": csrf},
    }


def load_schema(user: Any) -> Any:
    browser = Client()
    browser.force_login(user)
    served = browser.get("/api/schema/", {"format": "json"})
    assert served.status_code == 200
    schema = schemathesis.openapi.from_dict(served.json())
    schema.app = get_wsgi_application()
    return schema


def run(
    operations: list[Any],
    credentials: dict[str, dict[str, str]],
    known: list[str],
    failures: list[str],
    statuses: Counter[str],
) -> None:
    """Call each operation EXAMPLES_PER_OPERATION times, counting the answers by class; note
    each failing operation (with hypothesis' smallest example) and go on, so that one run lists
    every failure."""

    def with_known_values(values: tuple[Any, str | None, str | None]) -> Any:
        case, known_value, payload = values
        if known_value is not None:
            for name in case.path_parameters or {}:
                case.path_parameters[name] = known_value
        if payload is not None and case.query:
            case.query[sorted(case.query)[0]] = payload
        case.cookies = {**(case.cookies or {}), **credentials.get("cookies", {})}
        return case

    for operation in operations:
        strategy = st.tuples(
            operation.as_strategy(), st.sampled_from([None, *known]), st.sampled_from([None, *hostile.ALL])
        ).map(with_known_values)

        @bounded_run(EXAMPLES_PER_OPERATION)
        @given(case=strategy)
        def answers(case: Any) -> None:
            response = case.call_and_validate(headers=credentials["headers"], checks=CHECKS)
            statuses[f"{response.status_code // 100}xx"] += 1

        try:
            answers()
        except (Exception, BaseExceptionGroup) as error:  # schemathesis raises a group of failures
            failures.append(f"{operation.method.upper()} {operation.path}: {str(error)[:2000]}")


@pytest.fixture
def world(people, orgs):  # type: ignore[no-untyped-def]
    """The access matrix's world, committed for this test alone: its WSGI requests close the
    connection after each answer, so the matrix's module-wide transaction cannot hold it."""
    return build_world(people, orgs)


@pytest.mark.django_db(transaction=True)
@override_settings(API_THROTTLE_RATE=None, PARTNER_API_THROTTLE_RATE=None)  # hundreds of calls per user
def test_every_operation_as_every_role_answers_without_a_server_error(world):
    known = known_values(world)
    schema = load_schema(world.people.social_worker)
    staff_operations = [r.ok() for r in schema.exclude(path_regex=r"^/api/v1/partner/").get_all_operations()]
    partner_operations = [r.ok() for r in schema.include(path_regex=r"^/api/v1/partner/").get_all_operations()]
    assert len(staff_operations) > 50 and len(partner_operations) == 10
    failures: list[str] = []
    statuses: Counter[str] = Counter()
    for role in STAFF_ROLES:
        run(staff_operations, session_login(getattr(world.people, role)), known, failures, statuses)
    _, plaintext = token_issue(actor=world.people.partner, organisation=world.orgs.ngo, name="schemathesis")
    run(partner_operations, {"headers": {"Authorization": f"Bearer {plaintext}"}}, known, failures, statuses)
    cases_run = sum(statuses.values())
    print(f"schemathesis: {cases_run} cases over {len(staff_operations) + len(partner_operations)} operations")
    print("answers by class:", dict(sorted(statuses.items())))
    assert not failures, "\n\n".join(failures)
    # Logged in for real: a broken session or token would answer 403/401 to everything.
    assert statuses["2xx"] > cases_run // 10, statuses


def test_the_staff_api_documents_its_error_answers_and_the_statistics_table(tmp_path):
    """Found by this test's schema checks: undocumented 400/403/404/409 answers everywhere, the
    statistics documented as an array of tables while the API answers one, and a shelter's
    residents documented as a page while the API answers a plain array."""
    call_command("spectacular", "--format", "openapi-json", "--file", str(tmp_path / "schema.json"))
    paths = json.loads((tmp_path / "schema.json").read_text())["paths"]
    assert set(paths["/api/v1/cases/{id}/"]["patch"]["responses"]) >= {"200", "400", "403", "404", "409"}
    statistics = paths["/api/v1/statistics/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert statistics == {"$ref": "#/components/schemas/StatisticsTable"}
    residents = paths["/api/v1/shelters/{id}/residents/"]["get"]["responses"]["200"]["content"]["application/json"]
    assert residents["schema"] == {"type": "array", "items": {"$ref": "#/components/schemas/Stay"}}


def json_operations(schema: dict[str, Any]) -> list[tuple[str, str]]:
    """(method, path) of every operation of the schema that takes a JSON body."""
    return [
        (method, path)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if "application/json" in operation.get("requestBody", {}).get("content", {})
    ]


@pytest.mark.django_db
@override_settings(API_THROTTLE_RATE=None, PARTNER_API_THROTTLE_RATE=None)
def test_a_deeply_nested_body_is_a_400_on_every_json_operation(api, world):
    """A body nested 1,000 deep was a 500 (RecursionError) on every JSON endpoint; each now
    answers 400 in the JSON error shape (core.api.parsers). Path parameters name the
    world's case, so that the calls get past the lookups to the body; the operations that
    still refuse before reading it (404, 403) must not fail either."""
    api.force_login(world.people.social_worker)
    schema = api.get("/api/schema/", {"format": "json"}).json()
    _, plaintext = token_issue(actor=world.people.partner, organisation=world.orgs.ngo, name="deep bodies")
    partner = APIClient()
    partner.credentials(HTTP_AUTHORIZATION=f"Bearer {plaintext}", HTTP_IDEMPOTENCY_KEY="deep-bodies")
    operations = json_operations(schema)
    assert len(operations) > 30
    parsed: Counter[str] = Counter()
    for method, path in operations:
        client = partner if path.startswith("/api/v1/partner/") else api
        url = re.sub(r"\{[^}]+\}", str(world.case.pk), path)
        for body in hostile.DEEP_BODIES:
            response = getattr(client, method)(url, body, content_type="application/json")
            assert response.status_code < 500, f"{method.upper()} {path}"
            assert set(response.json()) == {"detail", "code", "errors"}, f"{method.upper()} {path}"
            parsed[response.status_code] += 1
            if response.status_code == 400:
                assert response.json()["code"] == "parse_error", f"{method.upper()} {path}: {response.json()}"
    assert parsed[400] > len(operations), parsed
