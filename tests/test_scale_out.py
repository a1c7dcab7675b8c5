"""The production shape on one machine (docs/deployment.md, "Scaling out"): two gunicorn servers
and two Celery workers with one beat, against one primary database (with a streaming replica
for the reports) and one Redis. What must hold when a deployment grows from one server to many:

- a user signs in on one server and carries on on the other (sessions live in the database);
- the API quota counts a user's calls across both servers (the counters live in Redis);
- a due reminder is told once, although two workers run ticks (occurrences are unique rows);
- a report is read from the replica, whichever server runs it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from accounts.models import Role
from casework.models import Case
from notifications.tasks import reminders_tick
from shelters.models import Shelter
from tests.factories import make_user, open_case
from tests.http_session import forget_the_write, get, post_form, status_of
from tests.pg_cluster import Replicated, streaming_replica
from tests.processes import celery_beat, celery_worker, signed_in_over_http, wait_for, web_server

pytestmark = [pytest.mark.slow, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

CODE = "sengsavang-savannakhet"
PASSWORD = "scale-out-password"
QUOTA = 6  # API calls per user and minute, on both servers together


@pytest.fixture
def world(people, orgs):
    """A shelter manager who signs in, and a case that has gone a month without a note (its
    social worker is due one reminder), with beat's tick due at once."""
    shelter = Shelter.objects.get(code=CODE)
    manager = make_user("scale-mgr", shelter.operator, Role.MANAGER, password=PASSWORD, language="en")
    people.social_worker.email = "sw@example.org"
    people.social_worker.save(update_fields=["email"])
    case = open_case(people.social_worker)
    Case.objects.filter(pk=case.pk).update(created_at=timezone.now() - timedelta(days=31))
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=60, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.create(
        name="reminders-tick",
        task="accounts.tasks.reminders_tick",
        interval=every_minute,
        last_run_at=timezone.now() - timedelta(minutes=5),
    )
    return manager, shelter


@pytest.fixture
def replicated(world) -> Iterator[Replicated]:
    with streaming_replica() as cluster:  # a copy of the test database as the fixture left it
        yield cluster


def notifications(replicated: Replicated) -> int:
    return int(replicated.primary.value("SELECT count(*) FROM accounts_notification"))


def emails(mailbox: Path) -> list[str]:
    return [
        found
        for path in mailbox.iterdir()
        for found in re.findall(r"^Message-ID: (<notification-\d+@pathway>)$", path.read_text(), re.MULTILINE)
    ]


def test_two_servers_two_workers_one_beat_one_database_one_redis(world, replicated, tmp_path, monkeypatch):
    manager, shelter = world
    monkeypatch.setenv("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
    monkeypatch.setenv("EMAIL_FILE_PATH", str(tmp_path))
    monkeypatch.delenv("REMINDER_QUEUE", raising=False)
    databases = {"DATABASE_URL": replicated.primary.url, "REPLICA_DATABASE_URL": replicated.replica.url}
    servers = {**databases, "API_THROTTLE_RATE": f"{QUOTA}/min"}
    with (
        web_server(**servers) as one,
        web_server(**servers) as two,
        celery_worker(queue="celery", name="scale-one", **databases) as (worker_one, _),
        celery_worker(queue="celery", name="scale-two", **databases) as (worker_two, _),
        celery_beat(**databases) as beat,
    ):
        # Signed in on one server, the user carries on on the other: reads a page, writes a form.
        opener, jar, token = signed_in_over_http(one, manager.username, PASSWORD)
        assert "/accounts/login/" not in opener.open(f"{two}/", timeout=60).geturl()
        edit = f"{two}/shelters/{CODE}/setup/describe/"
        fields = {"name_en": "Described on server two", "province": str(shelter.province_id), "is_active": "on"}
        assert post_form(opener, edit, fields, token) in (200, 302)
        assert replicated.primary.value("SELECT name_en FROM shelters_shelter WHERE code = %s", CODE) == (
            "Described on server two"
        )

        # The quota counts the calls to both servers together.
        api = [f"{server}/api/v1/shelters/" for server in (one, two)]
        statuses = [status_of(opener, api[call % 2], Accept="application/json") for call in range(QUOTA + 2)]
        assert statuses == [200] * QUOTA + [429, 429], statuses

        # Beat's tick ran on one of the workers; two more ticks at once, one per worker, tell nothing new.
        wait_for(lambda: emails(tmp_path), what="the reminder's e-mail")
        ticks = [reminders_tick.apply_async(queue="celery", ignore_result=False) for _ in range(2)]
        for tick in ticks:
            tick.get(timeout=120)
        assert notifications(replicated) == 1
        assert len(emails(tmp_path)) == 1

        # A report, on either server, is read from the replica (held back here: it shows the
        # shelter's old name while the primary has the new one).
        forget_the_write(jar)
        replicated.pause()
        replicated.primary.query("UPDATE shelters_shelter SET name_en = 'Renamed, not replayed' WHERE code = %s", CODE)
        for server in (one, two):
            page = get(opener, f"{server}/shelters/reports/occupancy/")
            assert "Described on server two" in page and "Renamed, not replayed" not in page
        replicated.resume()
        assert "Renamed, not replayed" in get(opener, f"{one}/shelters/reports/occupancy/")
        assert all(process.poll() is None for process in (worker_one, worker_two, beat))
