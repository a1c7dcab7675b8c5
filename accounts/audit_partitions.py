"""The audit log's monthly partitions (migration 0007, docs/audit.md): created ahead by beat, and
archived by an operator once a month is past the legal retention period: exported, the export
verified against the partition, then detached (and dropped if asked). A month any of whose rows
is still within the retention period is refused, so no such row can ever leave the database."""

from __future__ import annotations

import gzip
import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from psycopg import sql

from core.errors import ApplicationError

PARENT = "accounts_auditevent"
TRIGGER = "pgtrigger_audit_append_only_29779"  # the append-only trigger of AuditEvent (0002, 0007)


@dataclass(frozen=True)
class Archive:
    month: date
    path: Path
    rows: int
    sha256: str  # of the .jsonl.gz file, also written beside it as `sha256sum -c` reads it
    dropped: bool


def month_start(day: date, *, plus: int = 0) -> date:
    """The first day of `day`'s month, `plus` months later (or earlier when negative)."""
    index = day.year * 12 + day.month - 1 + plus
    return date(index // 12, index % 12 + 1, 1)


def partition_name(month: date) -> str:
    return f"{PARENT}_y{month.year:04d}m{month.month:02d}"


def partitions_ensure(*, ahead: int | None = None, today: date | None = None) -> list[str]:
    """The partitions of this month and the next `ahead` (AUDIT_PARTITIONS_AHEAD), created where
    missing: a write never waits for one (and the default partition catches what falls outside)."""
    ahead = settings.AUDIT_PARTITIONS_AHEAD if ahead is None else ahead
    first = month_start(today or timezone.now().astimezone(UTC).date())
    with transaction.atomic(), connection.cursor() as cursor:
        names = []
        for plus in range(ahead + 1):
            cursor.execute("SELECT audit_partition_ensure(%s)", [month_start(first, plus=plus)])
            names.append(cursor.fetchone()[0])
    return names


def partition_months() -> list[date]:
    """The months that have a partition attached, oldest first."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = %s::regclass AND c.relname <> %s ORDER BY c.relname",
            [PARENT, f"{PARENT}_default"],
        )
        return [date(int(name[-7:-3]), int(name[-2:]), 1) for (name,) in cursor.fetchall()]


def retention_cutoff(*, now: datetime | None = None) -> datetime:
    """Rows written before this are past the retention period (AUDIT_RETENTION_MONTHS). A month is
    archivable only when its partition ends at or before it: every row in it is older."""
    now = (now or timezone.now()).astimezone(UTC)
    months = settings.AUDIT_RETENTION_MONTHS
    index = now.year * 12 + now.month - 1 - months
    year, month = index // 12, index % 12 + 1
    day = min(now.day, _days_in(year, month))
    return now.replace(year=year, month=month, day=day)


def _days_in(year: int, month: int) -> int:
    return (month_start(date(year, month, 1), plus=1) - date(year, month, 1)).days


def _line_sum(lines: Iterable[str]) -> tuple[int, int]:
    """Row count and an order-free checksum of the rows' JSON text (the sum of the first 60 bits
    of each line's MD5): PostgreSQL computes the same over the partition, in `_partition_sum`."""
    count = total = 0
    for line in lines:
        count += 1
        total += int(hashlib.md5(line.encode(), usedforsecurity=False).hexdigest()[:15], 16)
    return count, total


def _partition_sum(cursor, table: sql.Identifier) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    cursor.execute(
        sql.SQL(
            "SELECT count(*), coalesce(sum(('x' || substr(md5(row_to_json(t)::text), 1, 15))::bit(60)::bigint), 0) "
            "FROM {} t"
        )
        .format(table)
        .as_string(cursor.connection)
    )
    count, total = cursor.fetchone()
    return int(count), int(total)


def _export(cursor, table: sql.Identifier, path: Path) -> None:  # type: ignore[no-untyped-def]
    """Every row as one JSON line, gzipped, streamed with COPY (flat memory whatever the size).
    gzip's level 6, not its default 9: half the time for a file 3 % larger (bench_audit.py)."""
    query = sql.SQL("COPY (SELECT row_to_json(t)::text FROM {} t ORDER BY t.id) TO STDOUT").format(table)
    copying = cursor.copy(query.as_string(cursor.connection))
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=6) as out, copying as copy:
        for (line,) in copy.rows():
            out.write(line + "\n")


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def archive_month(*, month: date, directory: Path, drop: bool = False, now: datetime | None = None) -> Archive:
    """Export one month to `directory`/audit-YYYY-MM.jsonl.gz, verify the file against the
    partition (count and checksum, with the partition locked so nothing can change in between),
    then detach the partition; `drop` deletes the detached table. A kept one stays append-only."""
    month = month_start(month)
    end = datetime.combine(month_start(month, plus=1), datetime.min.time(), tzinfo=UTC)
    if end > retention_cutoff(now=now):
        raise ApplicationError(
            f"{month:%Y-%m} is within the retention period of {settings.AUDIT_RETENTION_MONTHS} months."
        )
    path = directory / f"audit-{month:%Y-%m}.jsonl.gz"
    if path.exists():
        raise ApplicationError(f"{path} exists already: an archive is never overwritten.")
    with connection.cursor() as cursor:
        cursor.execute("SELECT audit_partition_ensure(%s)", [month])  # rows waiting in the default move in
        name = cursor.fetchone()[0]
    table = sql.Identifier(name)
    partial = path.with_suffix(".partial")
    with transaction.atomic(), connection.cursor() as cursor:
        _export(cursor, table, partial)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql.SQL("LOCK TABLE {} IN SHARE MODE").format(table).as_string(cursor.connection))
        in_database = _partition_sum(cursor, table)
        with gzip.open(partial, "rt", encoding="utf-8") as lines:
            in_file = _line_sum(line.rstrip("\n") for line in lines)
        if in_file != in_database:
            partial.unlink()
            raise ApplicationError(f"The export of {month:%Y-%m} does not match the partition; nothing was detached.")
        os.replace(partial, path)
        digest = _file_sha256(path)
        path.with_name(path.name + ".sha256").write_text(f"{digest}  {path.name}\n")
        _run(cursor, "ALTER TABLE {parent} DETACH PARTITION {table}", table)
        if drop:
            _run(cursor, "DROP TABLE {table}", table)
        else:  # detaching removed the cloned trigger: the archived table stays unchangeable
            _run(
                cursor,
                f"CREATE TRIGGER {TRIGGER} BEFORE UPDATE OR DELETE ON {{table}} "
                f"FOR EACH ROW EXECUTE FUNCTION {TRIGGER}()",
                table,
            )
    return Archive(month=month, path=path, rows=in_database[0], sha256=digest, dropped=drop)


def _run(cursor, query: str, table: sql.Identifier) -> None:  # type: ignore[no-untyped-def]
    cursor.execute(sql.SQL(query).format(parent=sql.Identifier(PARENT), table=table).as_string(cursor.connection))
