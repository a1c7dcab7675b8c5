"""The bulk fill of bench/bench_audit.py for 100,000,000 rows: the months filled in parallel
(one connection per job), each straight into its partition, in time order within it, with ids
growing with time (as use gives them), then frozen and analysed, then given its indexes in one
pass each (CREATE INDEX on the filled partition, as a fresh index is: packed, not split by
random inserts); at the end the parent's indexes are created as migration accounts 0007 does,
which attaches the partitions' own. Stops between months when the disk's free space falls
under --min-free-gb (a shared disk), and measures what it fills.

The rows, per month: 80 % a partner's page of referrals (100 a page, one request id a page;
no actor, the partner's organisation, its token's prefix in the reason, the categories it
disclosed), 10 % staff reading or changing a case, 10 % a person (one in 10,007 an export, one
in 997 a login), over 500,000 referrals, 400,000 cases and 400,000 persons; the bench's case
and its person about 40 rows a month each (a busy case), its person's subject-access exports
among them."""

from __future__ import annotations

import itertools
import multiprocessing
import shutil
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import psycopg

from accounts.audit_partitions import partition_name

REFERRALS, CASES, PERSONS, PAGE = 500_000, 400_000, 400_000, 100

MONTH_ROWS = f"""
INSERT INTO {{partition}} (id, at, actor_id, actor_username, organisation_id, roles, action,
    object_type, object_id, fields, ip_address, request_id, reason)
SELECT %(first_id)s + g,
       %(start)s::timestamptz + (g::float8 / %(n)s) * (%(end)s::timestamptz - %(start)s::timestamptz),
       CASE WHEN kind = 'partner' THEN NULL ELSE staff.id END,
       CASE WHEN kind = 'partner' THEN '' ELSE staff.username END,
       CASE WHEN kind = 'partner' THEN partner.id ELSE staff.organisation_id END,
       CASE WHEN kind = 'partner' THEN '{{}}'::varchar[] ELSE staff.roles END,
       CASE WHEN kind = 'partner' THEN (CASE WHEN g %% 10 = 0 THEN 'view' ELSE 'list' END)
            WHEN g %% 10007 = 5 OR (kind = 'bench' AND g %% 20 = 1) THEN 'export'
            WHEN g %% 997 = 3 THEN 'login'
            WHEN g %% 10 = 1 THEN 'update' ELSE 'view' END,
       CASE kind WHEN 'partner' THEN 'referrals.referral' WHEN 'case' THEN 'casework.case'
                 WHEN 'bench' THEN (CASE WHEN g %% 2 = 0 THEN 'casework.case' ELSE 'casework.person' END)
                 ELSE 'casework.person' END,
       CASE kind WHEN 'partner' THEN md5('r' || ((g::bigint * 7919 + %(month)s * 20011) %% {REFERRALS}))::uuid::text
                 WHEN 'case' THEN md5('c' || ((g::bigint * 104729) %% {CASES}))::uuid::text
                 WHEN 'bench' THEN (CASE WHEN g %% 2 = 0 THEN %(case)s ELSE %(person)s END)
                 ELSE md5('p' || ((g::bigint * 104723) %% {PERSONS}))::uuid::text END,
       CASE WHEN kind = 'partner' THEN '{{identity,case_summary,contact}}'::varchar[]
            ELSE '{{}}'::varchar[] END,
       CASE WHEN kind = 'partner' THEN ('203.0.113.' || (1 + partner.slot))::inet ELSE '10.20.0.1'::inet END,
       md5(%(month)s || '-' || g / {PAGE}),
       CASE WHEN kind = 'partner' THEN 'partner token ' || substr(md5(partner.id::text), 1, 8) ELSE '' END
FROM (SELECT g, CASE WHEN g %% %(step)s < 2 THEN 'bench' WHEN g %% 100 < 80 THEN 'partner'
                     WHEN g %% 100 < 90 THEN 'case' ELSE 'person' END AS kind
      FROM generate_series(0, %(n)s - 1) g) rows
JOIN (SELECT row_number() OVER (ORDER BY id) - 1 AS slot, id, username, organisation_id, roles
      FROM accounts_user WHERE username LIKE 'bench.%%') staff ON staff.slot = (g / {PAGE}) %% %(staff)s
JOIN (SELECT row_number() OVER (ORDER BY id) - 1 AS slot, id FROM accounts_organisation
      WHERE code LIKE 'bench-partner-%%') partner ON partner.slot = (g / {PAGE}) %% %(partners)s
"""  # noqa: S608 - constants of this module

# The indexes of accounts 0007 and 0008, created on the parent at the end: each attaches the partitions'.
INDEXES = [
    ("audit_object_idx", "(object_type, object_id, at DESC)"),
    ("audit_actor_idx", "(actor_id, at DESC)"),
    ("audit_organisation_idx", "(organisation_id, at DESC)"),
    ("audit_id_brin", "USING brin (id)"),
    ("audit_action_idx", "(action, at DESC) WHERE NOT (action IN ('view', 'list'))"),  # accounts 0008
]


@dataclass(frozen=True)
class Month:
    index: int
    start: datetime
    end: datetime
    rows: int


def free_gb(path: str = "/var/lib/postgresql") -> float:
    try:
        return shutil.disk_usage(path).free / 1e9
    except OSError:
        return shutil.disk_usage("/").free / 1e9


def _fill_month(job: tuple[str, Month, str, str, bool]) -> tuple[int, float]:
    """One month: its rows, then VACUUM FREEZE ANALYZE, then its indexes. In a process of its own."""
    url, month, case_id, person_id, unlogged = job
    started = time.perf_counter()
    name = partition_name(month.start.date())
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("SET synchronous_commit = off")
        connection.execute("SET maintenance_work_mem = '512MB'")
        connection.execute("SET session_replication_role = replica")  # no per-row FK check: the ids are real
        if unlogged:
            connection.execute(f'ALTER TABLE "{name}" SET UNLOGGED')
        staff = connection.execute("SELECT count(*) FROM accounts_user WHERE username LIKE 'bench.%'").fetchone()
        partners = connection.execute(
            "SELECT count(*) FROM accounts_organisation WHERE code LIKE 'bench-partner-%'"
        ).fetchone()
        connection.execute(
            MONTH_ROWS.replace("{partition}", f'"{name}"'),
            {
                "first_id": month.index * month.rows + 1,
                "month": month.index,
                "start": month.start,
                "end": month.end,
                "n": month.rows,
                "step": max(2, month.rows // 40),
                "case": case_id,
                "person": person_id,
                "staff": staff[0] if staff else 1,
                "partners": partners[0] if partners else 1,
            },
        )
        connection.execute(f'VACUUM (FREEZE, ANALYZE) "{name}"')
        for index, definition in INDEXES:
            connection.execute(f'CREATE INDEX IF NOT EXISTS "{name}_{index[6:]}" ON "{name}" {definition}')
    return month.index, time.perf_counter() - started


def bulk_fill(
    *, url: str, months: list[Month], case_id: str, person_id: str, jobs: int, unlogged: bool, min_free_gb: float
) -> tuple[int, float]:
    """Fills the months (their partitions exist, the parent's secondary indexes are dropped),
    `jobs` at a time; returns the rows filled and the seconds. Stops early under min_free_gb."""
    started, filled = time.perf_counter(), 0
    by_index = {month.index: month for month in months}
    context = multiprocessing.get_context("spawn")
    with context.Pool(jobs) as pool:
        work = [(url, month, case_id, person_id, unlogged) for month in months]
        for index, seconds in pool.imap_unordered(_fill_month, work):
            filled += by_index[index].rows
            free = free_gb()
            print(
                f"  {by_index[index].start:%Y-%m}: {by_index[index].rows:,} rows in {seconds:.0f} s; "
                f"{filled:,} so far, {time.perf_counter() - started:.0f} s, {free:.1f} GB free",
                flush=True,
            )
            if free < min_free_gb:
                print(f"  stopping: under {min_free_gb} GB free on the disk", flush=True)
                pool.terminate()
                break
    return filled, time.perf_counter() - started


def months_of(edges: list[datetime], rows: int) -> list[Month]:
    now = datetime.now(UTC)
    per_month = rows // (len(edges) - 1)
    return [
        Month(index=i, start=start, end=min(end, now), rows=per_month)
        for i, (start, end) in enumerate(itertools.pairwise(edges))
    ]
