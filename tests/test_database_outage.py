"""A database that goes away (a restart, a failover) is answered with 503 and Retry-After, by the
API and by the pages, and the next request after it returns succeeds: through the production
server (gunicorn, one connection per request), with the test database refusing connections."""

import json
import urllib.error
import urllib.request

import psycopg
import pytest
from django.db import connection

from tests.processes import server_params, web_server

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def get(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 (local test server)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def database_accepts_connections(allowed: bool) -> None:
    """Refuse (or accept again) new connections to the test database and drop the server's
    (from the maintenance database: PostgreSQL will not do it from inside the one concerned)."""
    name = connection.settings_dict["NAME"]
    with connection.cursor() as cursor:  # this test's own connection stays
        cursor.execute("SELECT pg_backend_pid()")
        own = cursor.fetchone()[0]
    with psycopg.connect(**server_params("postgres"), autocommit=True) as admin:
        admin.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS {str(allowed).lower()}')
        if not allowed:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> %s",
                [name, own],
            )


def test_a_database_that_goes_away_gives_503_and_the_next_request_succeeds():
    token = {"Authorization": "Bearer pw_not_a_real_token"}
    session = {"Cookie": "sessionid=not-a-session"}
    with web_server(threads=2) as url:
        api = f"{url}/api/v1/partner/referrals/"
        assert get(api, **token)[0] == 401
        try:
            database_accepts_connections(False)
            status, headers, body = get(api, **token)
            page_status, page_headers, page = get(f"{url}/", **session)
        finally:
            database_accepts_connections(True)
        assert (status, headers.get("Retry-After")) == (503, "5")
        assert json.loads(body)["code"] == "database_unavailable"
        assert (page_status, page_headers.get("Retry-After")) == (503, "5")
        assert b"try again in a few seconds" in page
        assert get(api, **token)[0] == 401
        status, _, page = get(f"{url}/", **session)  # an unknown session: sent to the login page
        assert status == 200 and b'name="password"' in page
