"""Heavy reads off the primary (core/replica.py), against a REAL streaming replica of the test
database (tests/pg_cluster.py) and the production web server (gunicorn).

How the test knows where a page read from: it pauses the replica's replay, changes a row on the
primary, and looks at the page. A report served by the replica shows the row as it was; one
served by the primary shows the change.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from django.db import connections, transaction

from accounts.models import Role
from core.replica import PIN_COOKIE, PRIMARY, REPLICA, ReplicaRouter, replica_reads
from shelters.models import Shelter
from tests.factories import make_user
from tests.http_session import forget_the_write, get, post_form, status_of
from tests.pg_cluster import Replicated, binaries, free_port, streaming_replica
from tests.processes import signed_in_over_http, web_server

CODE = "sengsavang-savannakhet"
PASSWORD = "replica-test-password"
REPORT = "/shelters/reports/occupancy/"


@pytest.fixture
def manager(orgs):
    """A manager of the shelter's operator: runs its reports and describes it."""
    shelter = Shelter.objects.get(code=CODE)
    return make_user("replica-mgr", shelter.operator, Role.MANAGER, password=PASSWORD, language="en")


@pytest.fixture
def replicated(people, manager) -> Iterator[Replicated]:
    """A primary and a streaming replica holding the test database with the personas (built
    first), both stopped and deleted however the test ends."""
    with streaming_replica() as cluster:
        yield cluster


def audit_exports(server) -> int:
    return server.value("SELECT count(*) FROM accounts_auditevent WHERE action = 'export'")


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_reports_read_the_replica_writes_go_to_the_primary_and_a_writer_reads_its_write(replicated, manager):
    shelter = Shelter.objects.get(code=CODE)
    original = shelter.name_en
    environment = {"DATABASE_URL": replicated.primary.url, "REPLICA_DATABASE_URL": replicated.replica.url}
    with web_server(**environment) as base:
        opener, jar, token = signed_in_over_http(base, manager.username, PASSWORD)
        assert any(cookie.name == PIN_COOKIE for cookie in jar), "signing in is a write: the browser reads the primary"
        forget_the_write(jar)
        assert original in get(opener, base + REPORT)

        replicated.pause()  # from here the replica shows the database as it is now
        replicated.primary.query("UPDATE shelters_shelter SET name_en = 'Changed on the primary' WHERE code = %s", CODE)
        page = get(opener, base + REPORT)
        assert original in page and "Changed on the primary" not in page, "the report was not read from the replica"

        # A download is read from the replica too, and its audit row is written to the primary.
        exports_before = audit_exports(replicated.primary)
        query = "measure=identified&breakdown=sex&first=2024&last=2026"
        assert get(opener, f"{base}/statistics/by-year.csv?{query}")  # the table, computed on the replica
        assert status_of(opener, f"{base}/api/v1/statistics/?{query}", Accept="application/json") == 200
        assert audit_exports(replicated.primary) == exports_before + 2  # the download's and the API call's
        assert audit_exports(replicated.replica) == exports_before  # not replayed yet: written there by nobody

        # The manager describes the shelter (a write, on the primary), then opens the report: it
        # shows what she has just written, although the replica has not replayed it.
        edit = f"{base}/shelters/{CODE}/setup/describe/"
        fields = {"name_en": "Renamed by the manager", "province": str(shelter.province_id), "is_active": "on"}
        assert post_form(opener, edit, fields, token) in (200, 302)
        assert replicated.primary.value("SELECT name_en FROM shelters_shelter WHERE code = %s", CODE) == (
            "Renamed by the manager"
        )
        assert "Renamed by the manager" in get(opener, base + REPORT)

        # A few seconds later the browser reads the replica again, which is still behind...
        forget_the_write(jar)
        assert original in get(opener, base + REPORT)
        # ...until it replays.
        replicated.resume()
        assert "Renamed by the manager" in get(opener, base + REPORT)
        assert replicated.replica.value("SELECT pg_is_in_recovery()") is True

        # Without the replica, reports are read from the primary: slower, never refused.
        rename = "UPDATE shelters_shelter SET name_en = 'After the replica stopped' WHERE code = %s"
        replicated.primary.query(rename, CODE)
        replicated.stop_replica()
        assert "After the replica stopped" in get(opener, base + REPORT)


# The router, without a replica server: which alias each kind of database work goes to.


@pytest.fixture
def replica_alias(settings, monkeypatch, django_db_setup, django_db_blocker):
    """Adds a `replica` alias: the test database itself, or a port where nothing answers. The
    tests using it write nothing (outside a test transaction, whose checks forbid a new alias)."""

    def add(*, port: int | None = None) -> None:
        replica = {**connections[PRIMARY].settings_dict, "HOST": "127.0.0.1", "OPTIONS": {"connect_timeout": 2}}
        if port is None:
            replica = {**connections[PRIMARY].settings_dict}
        else:
            replica["PORT"] = port
        settings.DATABASES = {**settings.DATABASES, REPLICA: replica}
        monkeypatch.setitem(connections.settings, REPLICA, replica)

    with django_db_blocker.unblock():
        yield add
    if REPLICA in connections.settings:
        connections[REPLICA].close()
        del connections[REPLICA]


pytestmark = [pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")]


def test_only_reads_in_a_replica_block_go_to_the_replica_and_not_in_a_transaction(replica_alias):
    replica_alias()
    router = ReplicaRouter()
    assert router.db_for_read(Shelter) == PRIMARY
    with replica_reads() as used:
        assert used is True
        assert router.db_for_read(Shelter) == REPLICA
        assert router.db_for_write(Shelter) == PRIMARY  # never a write
        with transaction.atomic():  # a service that reads before it writes reads the primary
            assert router.db_for_read(Shelter) == PRIMARY
    assert router.db_for_read(Shelter) == PRIMARY
    assert router.allow_migrate(REPLICA, "shelters") is False
    assert router.allow_migrate(PRIMARY, "shelters") is True


def test_a_browser_that_writes_or_has_just_written_reads_the_primary(replica_alias):
    replica_alias()
    for method, cookies, expected in (("GET", {}, True), ("GET", {PIN_COOKIE: "1"}, False), ("POST", {}, False)):
        request = SimpleNamespace(method=method, COOKIES=cookies)
        with replica_reads(request) as used:
            assert used is expected, (method, cookies)


def test_a_replica_that_does_not_answer_leaves_the_reads_on_the_primary(replica_alias, caplog):
    replica_alias(port=free_port())
    with replica_reads() as used:
        assert used is False
        assert ReplicaRouter().db_for_read(Shelter) == PRIMARY
    assert "the read replica does not answer" in caplog.text


def test_without_a_replica_everything_reads_the_primary():
    with replica_reads() as used:
        assert used is False
        assert ReplicaRouter().db_for_read(Shelter) == PRIMARY


def test_without_the_binaries_the_replica_tests_skip_with_a_message_but_fail_under_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no PostgreSQL 99 binaries"):
        binaries(99)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="no PostgreSQL 99 binaries"):
        binaries(99)
