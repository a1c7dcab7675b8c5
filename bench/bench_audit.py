"""The audit log at scale (issue 23, item 5): fills the partitioned audit table with N rows in
plain SQL (bench/audit_fill.py: `--jobs` months at once, each straight into its partition in
time order, its indexes built after it), then measures, through a real gunicorn, the pages that
read it: a case's access log (page 1 and a later page, HTML and API) and the admin's audit list
(newest first, a search for one record, by object, by user, by a rare and a common action),
each beside its floor, the same SQL alone, and an admin page that reads no audit row (the
frame). Also the sizes of the table and its indexes, and with `--archive YYYY-MM` the archive
of that month (export, verify, detach), timed.

Run by hand on a database of its own (created if missing, migrated, reference data loaded):

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/pathway_bench_audit AUDIT_RETENTION_MONTHS=12 \\
        .venv/bin/python bench/bench_audit.py --rows 100000000 --months 24 --jobs 2 --unlogged \\
        --requests 30 --archive 2025-01

A second run with the same --rows and --months keeps the rows (`--refill` starts again;
`--fill-only` measures nothing). The rows (bench/audit_fill.py): 80 % partner pages of
referrals, 10 % staff on cases, 10 % on persons, rare exports and logins; the bench case and
its person get about 40 rows a month each (a busy case). Prints p50/p95 and the query count of
each page, and the floor. The fill stops when the disk has less than --min-free-gb free.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from bench.bench_case_list import gunicorn, measure, percentile, query_count, session_cookie  # noqa: E402
from bench.bench_import import prepared_database  # noqa: E402


def months_back(now: datetime, count: int) -> list[datetime]:
    """The first instants (UTC) of the last `count` months, oldest first, and of the next one."""
    index = now.year * 12 + now.month - 1
    return [datetime((i // 12), i % 12 + 1, 1, tzinfo=UTC) for i in range(index - count + 1, index + 2)]


def fill(
    *, rows: int, months: int, case_id: str, person_id: str, jobs: int, unlogged: bool, min_free_gb: float
) -> float:
    """The partitions made, the parent's secondary indexes dropped, the months filled in parallel
    (bench/audit_fill.py), the indexes made again as accounts 0007 does, VACUUM ANALYZE."""
    from django.db import connection

    from bench.audit_fill import INDEXES, bulk_fill, months_of

    plan = months_of(months_back(datetime.now(UTC), months), rows)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for month in plan:
            cursor.execute("SELECT audit_partition_ensure(%s)", [month.start.date()])
        for name, _definition in INDEXES:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")
    filled, seconds = bulk_fill(
        url=os.environ["DATABASE_URL"],
        months=plan,
        case_id=case_id,
        person_id=person_id,
        jobs=jobs,
        unlogged=unlogged,
        min_free_gb=min_free_gb,
    )
    print(f"filled {filled:,} rows in {seconds:.0f} s", flush=True)
    with connection.cursor() as cursor:
        for name, definition in INDEXES:
            cursor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON accounts_auditevent {definition}")
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('accounts_auditevent', 'id'), "
            "(SELECT coalesce(max(id), 0) + 1 FROM accounts_auditevent))"
        )
        cursor.execute("VACUUM ANALYZE accounts_auditevent")
    return time.perf_counter() - started


def bench_world() -> object:
    """The bench's case (owned by its manager's organisation), its manager and an admin, made once."""
    from accounts.models import Organisation, OrganisationKind, Province, User
    from casework.models import Case
    from tests.factories import make_user, open_case

    if not User.objects.filter(username="bench.manager").exists():
        organisation = Organisation.objects.create(
            code="bench-audit",
            name_en="Bench office",
            kind=OrganisationKind.MLSW,
            province=Province.objects.get(code="VT"),
        )
        manager = make_user("bench.manager", organisation, "manager", "social_worker")
        admin = make_user("bench.admin", organisation, "admin")
        User.objects.filter(pk=admin.pk).update(is_staff=True)
        for number in range(198):  # the other staff and partner tokens the rows name
            make_user(f"bench.staff{number}", organisation, "social_worker")
        open_case(manager)
        for number in range(10):  # the partner organisations whose tokens pull referrals
            Organisation.objects.create(
                code=f"bench-partner-{number}",
                name_en=f"Bench partner {number}",
                kind=OrganisationKind.NGO,
                province=Province.objects.get(code="VT"),
            )
    return Case.objects.get(owner__code="bench-audit")


def floor_ms(sql: str, params: list[object], runs: int) -> float:
    from django.db import connection

    timings = []
    with connection.cursor() as cursor:
        for _ in range(runs):
            started = time.perf_counter()
            cursor.execute(sql, params)
            cursor.fetchall()
            timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def sizes() -> str:
    """The heap of all partitions, and each index summed over the partitions."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_size_pretty(sum(pg_table_size(inhrelid))) FROM pg_inherits "
            "WHERE inhparent = 'accounts_auditevent'::regclass"
        )
        (table,) = cursor.fetchone()
        cursor.execute(
            "SELECT parent.relname, pg_size_pretty(sum(pg_relation_size(h.inhrelid))) FROM pg_index p "
            "JOIN pg_class parent ON parent.oid = p.indexrelid JOIN pg_inherits h ON h.inhparent = p.indexrelid "
            "WHERE p.indrelid = 'accounts_auditevent'::regclass "
            "GROUP BY 1 ORDER BY sum(pg_relation_size(h.inhrelid)) DESC"
        )
        indexes = ", ".join(f"{name} {size}" for name, size in cursor.fetchall())
    return f"heap {table}; indexes: {indexes}"


ACCESS_LOG = (
    "SELECT * FROM accounts_auditevent WHERE (object_type = 'casework.case' AND object_id = %s) "
    "OR (object_type = 'casework.person' AND object_id = %s) ORDER BY at DESC, id DESC LIMIT 50 OFFSET %s"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--refill", action="store_true")
    parser.add_argument("--jobs", type=int, default=2, help="months filled at once, one connection each")
    parser.add_argument("--unlogged", action="store_true", help="fill UNLOGGED partitions (no WAL; reads the same)")
    parser.add_argument("--min-free-gb", type=float, default=20.0, help="stop filling under this much free disk")
    parser.add_argument("--fill-only", action="store_true", help="fill (or keep) the rows, measure nothing")
    parser.add_argument("--archive", help="archive this month (YYYY-MM) after the pages, timed")
    parser.add_argument("--json", action="store_true", help="also the rows of `pathway bench`, as JSON, last")
    args = parser.parse_args()
    prepared_database(os.environ["DATABASE_URL"])
    from django.db import connection

    case = bench_world()
    case_id, person_id = str(case.pk), str(case.person_id)  # type: ignore[attr-defined]
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_audit_fill (rows bigint, months int, seconds float)")
        cursor.execute("SELECT rows, months, seconds FROM bench_audit_fill")
        done = cursor.fetchone()
    if args.refill or done is None or tuple(done[:2]) != (args.rows, args.months):
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE accounts_auditevent, bench_audit_fill")
        print(f"filling {args.rows:,} audit rows over {args.months} months", flush=True)
        seconds = fill(
            rows=args.rows,
            months=args.months,
            case_id=case_id,
            person_id=person_id,
            jobs=args.jobs,
            unlogged=args.unlogged,
            min_free_gb=args.min_free_gb,
        )
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO bench_audit_fill VALUES (%s, %s, %s)", [args.rows, args.months, seconds])
    else:
        seconds = done[2]
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM accounts_auditevent")
        (total,) = cursor.fetchone()
        cursor.execute(
            "SELECT count(*) FROM accounts_auditevent WHERE object_type = 'casework.case' AND object_id = %s", [case_id]
        )
        (case_rows,) = cursor.fetchone()
    print(f"rows={total:,} (filled in {seconds:.0f} s) case rows={case_rows} {sizes()}", flush=True)
    if args.fill_only:
        return
    from accounts.models import User

    staff_id = str(User.objects.get(username="bench.staff0").pk)
    print(f"{'page':<36} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'floor ms':>9}")
    from django.db import reset_queries

    rows: list[list[object]] = []
    with gunicorn() as base:
        for username, label, path, floor_sql, params in scenarios(case_id, person_id, staff_id):
            cookie = session_cookie(username)
            measure(base, path, cookie, 3)
            timings = measure(base, path, cookie, args.requests)
            reset_queries()  # DEBUG's query log is full from the fill: query_count compares its length
            p50, p95, floor = (
                statistics.median(timings),
                percentile(timings, 0.95),
                floor_ms(floor_sql, params, args.requests),
            )
            print(f"{label:<36} {p50:8.1f} {p95:8.1f} {query_count(path, username):8d} {floor:9.1f}", flush=True)
            rows.append([f"{total:,} audit rows", label, p50, floor, p95, "ms"])

    if args.archive:
        archive(args.archive)
    if args.json:
        print(json.dumps(rows))


def archive(month: str) -> None:
    """`manage.py audit_archive` on one month: export, verify, detach, timed (the month must be
    past AUDIT_RETENTION_MONTHS; the file goes to a new temporary directory)."""
    from accounts.audit_partitions import archive_month

    directory = Path(tempfile.mkdtemp(prefix="bench-audit-archive-"))
    started = time.perf_counter()
    done = archive_month(month=datetime.strptime(month, "%Y-%m").date(), directory=directory)
    print(
        f"archived {month}: {done.rows:,} rows in {time.perf_counter() - started:.0f} s, "
        f"{done.path.stat().st_size / 1e6:.0f} MB ({done.path})",
        flush=True,
    )


def scenarios(case_id: str, person_id: str, staff_id: str) -> list[tuple[str, str, str, str, list[object]]]:
    """(user, label, path, floor SQL, its parameters) of each page measured."""
    case_page, admin = f"/cases/{case_id}/audit/", "/admin/accounts/auditevent/"
    one_case = (
        "SELECT * FROM accounts_auditevent WHERE object_type = 'casework.case' AND object_id = %s "
        "ORDER BY at DESC, id DESC LIMIT 100"
    )
    return [
        # The frame: an admin list of 18 rows that reads no audit row (session, second factor,
        # permissions, the template, the session's write): what every admin page costs here.
        ("bench.admin", "reference: admin list of provinces", "/admin/accounts/province/", "SELECT 1", []),
        ("bench.manager", "case access log, page 1", case_page, ACCESS_LOG, [case_id, person_id, 0]),
        ("bench.manager", "case access log, page 5", f"{case_page}?page=5", ACCESS_LOG, [case_id, person_id, 200]),
        (
            "bench.manager",
            "case access log, API",
            f"/api/v1/cases/{case_id}/access-log/",
            ACCESS_LOG,
            [case_id, person_id, 0],
        ),
        (
            "bench.admin",
            "admin audit list, newest",
            admin,
            "SELECT * FROM accounts_auditevent ORDER BY at DESC, id DESC LIMIT 100",
            [],
        ),
        ("bench.admin", "admin audit list, search one record", f"{admin}?q={case_id}", one_case, [case_id]),
        (
            "bench.admin",
            "admin audit list, by object",
            f"{admin}?object_type=casework.case&object_id={case_id}",
            one_case,
            [case_id],
        ),
        (
            "bench.admin",
            "admin audit list, by user",
            f"{admin}?actor={staff_id}",
            "SELECT * FROM accounts_auditevent WHERE actor_id = %s ORDER BY at DESC, id DESC LIMIT 100",
            [staff_id],
        ),
        (
            "bench.admin",
            "admin audit list, exports (rare)",
            f"{admin}?action__exact=export",
            "SELECT * FROM accounts_auditevent WHERE action = 'export' ORDER BY at DESC, id DESC LIMIT 100",
            [],
        ),
        (
            "bench.admin",
            "admin audit list, changes",
            f"{admin}?action__exact=update",
            "SELECT * FROM accounts_auditevent WHERE action = 'update' ORDER BY at DESC, id DESC LIMIT 100",
            [],
        ),
    ]


if __name__ == "__main__":
    main()
