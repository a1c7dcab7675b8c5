"""The audit log partitioned by month (accounts 0007, docs/audit.md): every partition append-only,
a write outside every partition kept, partitions made ahead, and the archive command that
exports, verifies and detaches only months past the retention period."""

from __future__ import annotations

import gzip
import hashlib
import json
from datetime import UTC, date, datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from psycopg import sql

from accounts import audit_partitions, tasks
from accounts.audit_partitions import partition_name
from accounts.models import AuditAction, AuditEvent, User
from accounts.services import audit_record
from config.celery import app
from core.errors import ApplicationError
from core.pages import CappedCountPaginator

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 12, 7, 5, 0, tzinfo=UTC)


def insert_at(*moments: datetime) -> list[int]:
    """Audit rows at chosen times (the service stamps now), one INSERT through the parent."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO accounts_auditevent (at, actor_username, roles, action, object_type, object_id, fields, "
            "request_id, reason) SELECT m, '', '{}', 'view', 'casework.case', 'c-' || m::text, '{view}', '', '' "
            "FROM unnest(%s::timestamptz[]) m RETURNING id",
            [list(moments)],
        )
        ids = [row[0] for row in cursor.fetchall()]
    checks_now()
    return ids


def checks_now() -> None:
    """The pending foreign-key checks run now, as a commit would: a partition cannot be moved or
    dropped while its rows' checks are pending (beat and the command see rows committed long ago)."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE; SET CONSTRAINTS ALL DEFERRED")


def partition_of(event_id: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tableoid::regclass::text FROM accounts_auditevent WHERE id = %s", [event_id])
        return cursor.fetchone()[0]


def attached() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT inhrelid::regclass::text FROM pg_inherits WHERE inhparent = 'accounts_auditevent'::regclass"
        )
        return {name for (name,) in cursor.fetchall()}


def assert_refused(statement: str, table: str) -> None:
    """The append-only trigger stops `statement` (UPDATE or DELETE) on `table`, addressed directly."""
    query = sql.SQL(statement).format(sql.Identifier(table))
    with pytest.raises(DatabaseError, match="Cannot update or delete rows"), transaction.atomic():
        connection.cursor().execute(query.as_string(connection.connection))


def test_rows_land_in_their_months_partition_and_far_ones_in_the_default(people):
    event = audit_record(actor=people.manager, action=AuditAction.VIEW, obj=people.social_worker)
    assert partition_of(event.pk) == partition_name(audit_partitions.month_start(event.at.astimezone(UTC).date()))
    (far,) = insert_at(datetime(1990, 5, 1, tzinfo=UTC))
    assert partition_of(far) == "accounts_auditevent_default"


def test_every_partition_refuses_updates_and_deletes_even_addressed_directly(people):
    event = audit_record(actor=people.manager, action=AuditAction.VIEW, obj=people.social_worker)
    (far,) = insert_at(datetime(1990, 5, 1, tzinfo=UTC))
    with connection.cursor() as cursor:
        cursor.execute("SELECT tgrelid::regclass::text FROM pg_trigger WHERE tgname = %s", [audit_partitions.TRIGGER])
        guarded = {name for (name,) in cursor.fetchall()}
    assert len(attached()) > 4 and attached() | {"accounts_auditevent"} == guarded
    for table in (partition_of(event.pk), partition_of(far)):
        assert_refused("UPDATE {} SET reason = 'tampered'", table)
        assert_refused("DELETE FROM {}", table)


def test_a_partition_made_later_is_append_only_too_and_takes_its_waiting_rows(people):
    waiting = insert_at(datetime(1990, 5, 1, tzinfo=UTC), datetime(1990, 5, 31, 23, tzinfo=UTC))
    other = insert_at(datetime(1990, 7, 1, tzinfo=UTC))
    before = AuditEvent.objects.count()
    audit_partitions.partitions_ensure(ahead=0, today=date(1990, 5, 20))
    assert {partition_of(pk) for pk in waiting} == {"accounts_auditevent_y1990m05"}
    assert partition_of(other[0]) == "accounts_auditevent_default"
    assert AuditEvent.objects.count() == before
    assert_refused("DELETE FROM {}", "accounts_auditevent_y1990m05")


def test_beat_keeps_partitions_ready_ahead():
    names = audit_partitions.partitions_ensure(ahead=3, today=date(2031, 11, 15))
    assert names == [partition_name(date(2031, m, 1)) for m in (11, 12)] + [
        partition_name(date(2032, m, 1)) for m in (1, 2)
    ]
    assert set(names) <= attached()
    assert audit_partitions.partitions_ensure(ahead=3, today=date(2031, 11, 15)) == names  # idempotent


def test_beat_runs_the_task_that_makes_them(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["audit-partitions-ensure"]
    assert entry["task"] == tasks.audit_partitions_ensure.name and entry["task"] in app.tasks
    names = tasks.audit_partitions_ensure()
    assert len(names) == settings.AUDIT_PARTITIONS_AHEAD + 1 and set(names) <= attached()
    assert names[0] == partition_name(audit_partitions.month_start(datetime.now(UTC).date()))


def test_the_retention_cutoff_counts_months_back(settings):
    settings.AUDIT_RETENTION_MONTHS = 24
    assert audit_partitions.retention_cutoff(now=NOW) == datetime(2024, 12, 7, 5, 0, tzinfo=UTC)
    settings.AUDIT_RETENTION_MONTHS = 9
    assert audit_partitions.retention_cutoff(now=datetime(2026, 11, 30, tzinfo=UTC)).date() == date(2026, 2, 28)


def test_archiving_exports_verifies_and_detaches_an_old_month(settings, tmp_path):
    settings.AUDIT_RETENTION_MONTHS = 24
    audit_partitions.partitions_ensure(ahead=0, today=date(2020, 3, 1))
    rows = insert_at(datetime(2020, 3, 1, tzinfo=UTC), datetime(2020, 3, 31, 23, 59, tzinfo=UTC))
    archive = audit_partitions.archive_month(month=date(2020, 3, 1), directory=tmp_path, now=NOW)
    assert archive.rows == 2 and not archive.dropped
    with gzip.open(archive.path, "rt") as lines:
        exported = [json.loads(line) for line in lines]
    assert [row["id"] for row in exported] == rows
    assert exported[0]["object_id"] == "c-2020-03-01 00:00:00+00" and exported[0]["fields"] == ["view"]
    digest = hashlib.sha256(archive.path.read_bytes()).hexdigest()
    assert (tmp_path / "audit-2020-03.jsonl.gz.sha256").read_text() == f"{digest}  audit-2020-03.jsonl.gz\n"
    assert "accounts_auditevent_y2020m03" not in attached()
    assert not AuditEvent.objects.filter(pk__in=rows).exists()
    assert_refused("DELETE FROM {}", "accounts_auditevent_y2020m03")  # kept, detached: still unchangeable


def test_archiving_with_drop_removes_the_table(settings, tmp_path):
    settings.AUDIT_RETENTION_MONTHS = 24
    insert_at(datetime(2019, 1, 15, tzinfo=UTC))  # no partition yet: it waits in the default one
    audit_partitions.partitions_ensure(ahead=0, today=date(2019, 1, 15))  # as archive_month does first
    checks_now()
    archive = audit_partitions.archive_month(month=date(2019, 1, 1), directory=tmp_path, drop=True, now=NOW)
    assert archive.rows == 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('accounts_auditevent_y2019m01')")
        assert cursor.fetchone()[0] is None


def test_archiving_never_removes_a_row_within_the_retention_period(settings, tmp_path, people):
    """The month that holds the cutoff and every later one are refused; rows younger than the
    cutoff all stay, whatever the command is asked."""
    settings.AUDIT_RETENTION_MONTHS = 24
    cutoff = audit_partitions.retention_cutoff()
    for month in (-2, -1, 0, 1):
        audit_partitions.partitions_ensure(ahead=0, today=audit_partitions.month_start(cutoff.date(), plus=month))
    young = insert_at(cutoff, cutoff.replace(day=1), datetime.now(UTC))
    old = insert_at(datetime.combine(audit_partitions.month_start(cutoff.date(), plus=-1), datetime.min.time(), UTC))
    months_within = [audit_partitions.month_start(cutoff.date(), plus=p) for p in (0, 1)]
    months_within.append(audit_partitions.month_start(datetime.now(UTC).date()))
    for month in months_within:
        with pytest.raises(ApplicationError, match="within the retention period"):
            audit_partitions.archive_month(month=month, directory=tmp_path, drop=True)
        with pytest.raises(CommandError, match="within the retention period"):
            call_command("audit_archive", month=f"{month:%Y-%m}", directory=str(tmp_path), drop=True)
    within = AuditEvent.objects.filter(at__gte=cutoff).count()
    out = StringIO()
    call_command("audit_archive", directory=str(tmp_path), drop=True, stdout=out)  # every archivable month
    assert f"{audit_partitions.month_start(cutoff.date(), plus=-1):%Y-%m}: 1 rows" in out.getvalue()
    assert AuditEvent.objects.filter(pk__in=young).count() == 3
    assert not AuditEvent.objects.filter(pk__in=old).exists()
    assert AuditEvent.objects.filter(at__gte=cutoff).count() == within


def test_an_archive_is_never_overwritten(settings, tmp_path):
    settings.AUDIT_RETENTION_MONTHS = 24
    (tmp_path / "audit-2018-06.jsonl.gz").write_bytes(b"earlier")
    with pytest.raises(ApplicationError, match="never overwritten"):
        audit_partitions.archive_month(month=date(2018, 6, 1), directory=tmp_path, now=NOW)
    assert (tmp_path / "audit-2018-06.jsonl.gz").read_bytes() == b"earlier"


@pytest.mark.slow  # takes every later migration of every app back and forward again: 12-21 s
def test_the_migration_keeps_every_row_of_an_existing_table():
    """Back to the plain table of 0006, rows written there, forward again: the same rows, ids
    and all, in their months' partitions, and new ids carry on after the old ones."""
    executor = MigrationExecutor(connection)
    executor.migrate([("accounts", "0006_organisation_two_factor_required")])
    assert not attached()
    rows = insert_at(datetime(2021, 4, 2, tzinfo=UTC), datetime(2023, 8, 9, tzinfo=UTC), datetime.now(UTC))
    with connection.cursor() as cursor:
        cursor.execute("SELECT array_agg(row_to_json(t)::text ORDER BY id) FROM accounts_auditevent t")
        before = cursor.fetchone()[0]
    executor = MigrationExecutor(connection)
    executor.migrate([("accounts", "0007_audit_partitioned")])
    with connection.cursor() as cursor:
        cursor.execute("SELECT array_agg(row_to_json(t)::text ORDER BY id) FROM accounts_auditevent t")
        assert cursor.fetchone()[0] == before
    assert partition_of(rows[0]) == "accounts_auditevent_y2021m04"
    assert partition_of(rows[1]) == "accounts_auditevent_y2023m08"
    assert {"accounts_auditevent_y2022m01", "accounts_auditevent_default"} <= attached()
    assert insert_at(datetime.now(UTC))[0] > max(rows)


def test_the_admin_audit_list_finds_one_records_rows_with_a_capped_count(client, people, django_assert_max_num_queries):
    """Sized for a hundred million rows: the search is by a record's id (the type-and-id index),
    the list filters need no pass over the rows, and the count stops at COUNT_CAP."""
    User.objects.filter(pk=people.admin.pk).update(is_staff=True)
    client.force_login(people.admin)
    event = audit_record(actor=people.manager, action=AuditAction.VIEW, obj=people.social_worker)
    audit_record(actor=people.manager, action=AuditAction.VIEW, obj=people.police)
    url = reverse("admin:accounts_auditevent_changelist")
    with django_assert_max_num_queries(12):
        response = client.get(url, {"q": str(people.social_worker.pk)})
    assert response.status_code == 200
    found = response.context["cl"].result_list
    assert event in found and {row.object_id for row in found} == {str(people.social_worker.pk)}
    assert client.get(url, {"action__exact": "view"}).context["cl"].result_count == 2
    assert client.get(url, {"q": "no-such-record"}).context["cl"].result_count == 0
    assert isinstance(response.context["cl"].paginator, CappedCountPaginator)
