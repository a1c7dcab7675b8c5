"""The people benchmark's data: 1,000,000 people with their cases and everything that goes with
them, in well under an hour on two cores.

Two steps. First a seed set written by the real code: `seed_demo --people SEED` (the generator
in seeds/generator with the demo journeys, legal proceedings, assessments, links and reminders,
the latter through the services), so every row, timeline and history row is what Pathway writes.
Then the seed is multiplied in SQL, one transaction per copy: every person-scoped row of the
seed is inserted again (`INSERT ... SELECT`) with

- new ids: a copied row's uuid, and every reference to a copied row, is `md5(id || copy)::uuid`,
  so children follow their parents without a lookup; identity columns take their sequence;
- new case codes, gap-free per province and year: copy k of `VT-2024-00069` is number
  69 + k * (the seed's last number of VT-2024), and the counters end at the last code given;
- other names: copy k of a person takes the names (ciphertext and blind indexes, which stay
  consistent with each other) of another seed person of the same sex, so the names stay drawn
  from the synthetic lists and a name search finds as many people per name as at seed size;
- new referral-event numbers from the change stream (seq + k * the seed's last, then the
  sequence is set past them) in the copying transaction (txid);
- timestamps moved by k milliseconds (dates unchanged: the code years stay right);
- references to shared rows (staff, organisations, reference data) unchanged.

The history triggers (pghistory) fire on every copied row, as on the services' inserts; the
constraints are checked as for any insert. Not copied: shelter stays (and what hangs on a stay:
admission requests, register rows), since beds cannot hold a second person on the same nights
and the seeded shelters are already full at seed size (the occupancy data set has its 1,000,000
stays); attachments (files) and signatures; audit rows (reads are audited when they happen).
After the copies, the national statistics' summaries are recounted (what beat runs).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.db import connection, transaction

SEED_PEOPLE = 20_000

# Person-scoped tables, parents first. The first column set is copied; `PK_TABLES` (their uuid
# primary keys and every foreign key pointing at them) are mapped to new ids.
COPIED = (
    "casework_person",
    "casework_familymember",
    "casework_case",
    "casework_case_exploitation_forms",
    "casework_caseshare",
    "casework_screening",
    "casework_screeningindicator",
    "casework_service",
    "casework_casenote",
    "casework_repatriation",
    "casework_repatriationstep",
    "casework_repatriationstep_depends_on",
    "shelters_nonresidentialassistance",
    "shelters_nonresidentialassistance_service_types",
    "casework_caseplan",
    "casework_caseplangoal",
    "casework_caseplanversion",
    "casework_followupvisit",
    "referrals_consent",
    "referrals_consent_service_types",
    "referrals_referral",
    "referrals_referral_service_types",
    "referrals_referralevent",
    "referrals_consentoverride",
    "casework_caseevent",
    "casework_casetransfer",
    "casework_caseflag",
    "casework_journeyevent",
    "casework_perpetrator",
    "casework_caseperpetrator",
    "casework_legalproceeding",
    "casework_hearing",
    "casework_assessment",
    "casework_bestinterestsdetermination",
    "casework_casegroup",
    "casework_casegroupmember",
)
# The row-history tables (pghistory) of the copied tables: their rows are copied with the rows
# they track (the triggers that write them are off during a copy, see multiply()).
HISTORY = {
    "casework_person": "casework_personhistory",
    "casework_case": "casework_casehistory",
    "casework_screening": "casework_screeninghistory",
    "casework_service": "casework_servicehistory",
    "casework_repatriation": "casework_repatriationhistory",
    "casework_repatriationstep": "casework_repatriationstephistory",
    "referrals_consent": "referrals_consenthistory",
    "referrals_referral": "referrals_referralhistory",
}
NAME_COLUMNS = (
    "given_name_lo",
    "family_name_lo",
    "given_name_latin",
    "family_name_latin",
    "name_index_key",
    "name_index_latin",
    "name_index_lo",
    "name_prefixes",
)


def build(size: int, *, seed_people: int = SEED_PEOPLE, progress: Callable[[str], None] = print) -> dict[str, int]:
    """Seed with `seed_demo`, then copy up to `size` people; return the rows per copied table."""
    from django.core.management import call_command

    seed_people = min(seed_people, size)
    started = time.monotonic()
    call_command("seed_demo", people=seed_people, verbosity=0)
    progress(f"seed: {seed_people:,} people through seed_demo in {time.monotonic() - started:.0f} s")
    copies = -(-size // seed_people)  # the seed is copy 0
    return multiply(copies, progress=progress)


def multiply(copies: int, *, progress: Callable[[str], None] = print, seconds: float | None = None) -> dict[str, int]:
    """Make the database hold `copies` times its person-scoped rows (see the module docstring);
    with `seconds`, no copy is started after that many seconds (the size reached is printed)."""
    started = time.monotonic()
    with connection.cursor() as cursor:
        plan = _plan(cursor)
        _snapshot(cursor)
    for k in range(1, copies):
        if seconds is not None and time.monotonic() - started > seconds:
            progress(f"stopped after {k} copies of {copies}: {k * _seed_people():,} people")
            break
        with transaction.atomic(), connection.cursor() as cursor:
            # No triggers in this transaction: the history triggers' exception blocks would open
            # two subtransactions per row, and past 64 of them in one transaction every row
            # visibility check reads pg_subtrans (a copy of 20,000 people then takes minutes
            # instead of seconds). Their rows are copied instead; the validating triggers
            # (dates after birth) pass on copies of rows that passed; foreign keys are checked
            # by the tests (tests/test_bench_people.py), constraints and indexes apply as ever.
            cursor.execute("SET LOCAL session_replication_role = replica")
            for _table, statement in plan:
                cursor.execute(statement, {"k": k})
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")  # inside a caller's transaction too
        elapsed = time.monotonic() - started
        progress(f"copy {k}/{copies - 1}: {elapsed:.0f} s ({k / elapsed * _seed_people():.0f} people/s)")
    with transaction.atomic(), connection.cursor() as cursor:
        _finish(cursor)
        counts = {}
        for table in COPIED + tuple(HISTORY.values()):
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 (our table names)
            counts[table] = cursor.fetchone()[0]
        cursor.execute("DROP SCHEMA bench_seed CASCADE")
    _refresh_statistics()
    return counts


_SEED_COUNT: list[int] = []


def _seed_people() -> int:
    if not _SEED_COUNT:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM bench_seed.casework_person")
            _SEED_COUNT.append(cursor.fetchone()[0])
    return _SEED_COUNT[0]


def _snapshot(cursor) -> None:  # type: ignore[no-untyped-def]
    """The seed's rows, frozen (copies are made from them, not from earlier copies), with the
    numbers the copies shift by."""
    _SEED_COUNT.clear()
    cursor.execute("DROP SCHEMA IF EXISTS bench_seed CASCADE; CREATE SCHEMA bench_seed")
    for table in COPIED + tuple(HISTORY.values()):
        cursor.execute(f"CREATE UNLOGGED TABLE bench_seed.{table} AS SELECT * FROM public.{table}")  # noqa: S608
    cursor.execute(
        """
        CREATE UNLOGGED TABLE bench_seed.code_block AS
        SELECT split_part(case_code, '-', 1) || '-' || split_part(case_code, '-', 2) AS block,
               max(split_part(case_code, '-', 3)::int) AS last
        FROM bench_seed.casework_person GROUP BY 1;
        CREATE UNLOGGED TABLE bench_seed.name_donor AS
        SELECT id, sex, row_number() OVER (PARTITION BY sex ORDER BY id) - 1 AS rank,
               count(*) OVER (PARTITION BY sex) AS n
        FROM bench_seed.casework_person;
        CREATE INDEX ON bench_seed.name_donor (sex, rank);
        CREATE INDEX ON bench_seed.casework_person (id);
        CREATE UNLOGGED TABLE bench_seed.numbers AS
        SELECT coalesce(max(seq), 0) AS last_seq FROM public.referrals_referralevent;
        ANALYZE bench_seed.code_block; ANALYZE bench_seed.name_donor; ANALYZE bench_seed.casework_person;
        """
    )


def _plan(cursor) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """One INSERT ... SELECT per copied table and per history table, from the catalogue: which
    columns are uuid keys of copied rows, identities, timestamps."""
    cursor.execute(
        """
        SELECT c.conrelid::regclass::text, a.attname
        FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
        WHERE c.contype IN ('p', 'f') AND c.connamespace = 'public'::regnamespace
          AND (c.contype = 'p' OR c.confrelid::regclass::text = ANY (%s))
          AND a.atttypid = 'uuid'::regtype
        """,
        [list(COPIED)],
    )
    mapped = set(cursor.fetchall())
    plan = []
    for table in COPIED + tuple(HISTORY.values()):
        parent = next((tracked for tracked, history in HISTORY.items() if history == table), table)
        columns, values = [], []
        for name, kind in _columns(cursor, table):
            columns.append(name)
            is_mapped = (parent, name) in mapped or (parent != table and name == "pgh_obj_id")
            values.append(_value(parent, name, kind, is_mapped))
        key = "s.pgh_obj_id" if parent != table else "s.id"
        joins = ""
        if parent == "casework_person":
            joins = (
                f" JOIN bench_seed.name_donor r ON r.id = {key}"
                " JOIN bench_seed.name_donor d ON d.sex = r.sex AND d.rank = (r.rank + %(k)s * 7919) %% r.n"
                " JOIN bench_seed.casework_person donor ON donor.id = d.id"
                " JOIN bench_seed.code_block b ON b.block = split_part(s.case_code, '-', 1) || '-' || "
                "split_part(s.case_code, '-', 2)"
            )
        elif parent in ("referrals_referralevent", "referrals_referral"):
            joins = " CROSS JOIN bench_seed.numbers n"
        statement = (
            f"INSERT INTO public.{table} ({', '.join(columns)}) "  # noqa: S608 (catalogue names)
            f"SELECT {', '.join(values)} FROM bench_seed.{table} s{joins}"
        )
        plan.append((table, statement))
    return plan


def _columns(cursor, table: str) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """The columns an INSERT names: all but identities and serials."""
    cursor.execute(
        """
        SELECT a.attname, format_type(a.atttypid, a.atttypmod)
        FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped AND a.attidentity = ''
          AND coalesce(pg_get_expr(d.adbin, d.adrelid), '') NOT LIKE 'nextval%%'
        ORDER BY a.attnum
        """,
        [table],
    )
    return cursor.fetchall()


def _value(table: str, column: str, kind: str, mapped: bool) -> str:
    source = f"s.{column}"
    if mapped:
        return f"md5({source}::text || ':' || %(k)s)::uuid"
    if table == "casework_person" and column in NAME_COLUMNS:
        return f"donor.{column}"
    if table == "casework_person" and column == "case_code":
        number = "split_part(s.case_code, '-', 3)::int + %(k)s * b.last"
        padded = f"CASE WHEN {number} < 100000 THEN lpad(({number})::text, 5, '0') ELSE ({number})::text END"
        return f"b.block || '-' || {padded}"
    if table == "referrals_referralevent" and column == "seq":
        return "s.seq + %(k)s * n.last_seq"
    if table == "referrals_referralevent" and column == "txid":
        return "txid_current()"
    if table == "referrals_referral" and column == "change_seq":
        return "CASE WHEN s.change_seq > 0 THEN s.change_seq + %(k)s * n.last_seq ELSE 0 END"
    if kind == "timestamp with time zone":
        return f"{source} + %(k)s * interval '1 millisecond'"
    return source


def _finish(cursor) -> None:  # type: ignore[no-untyped-def]
    """Counters and the change stream past the last number given."""
    cursor.execute(
        """
        UPDATE casework_casecodecounter c SET last_number = greatest(c.last_number, m.last)
        FROM (SELECT split_part(case_code, '-', 1) AS prefix, split_part(case_code, '-', 2)::int AS year,
                     max(split_part(case_code, '-', 3)::int) AS last
              FROM casework_person GROUP BY 1, 2) m
        JOIN accounts_province p ON p.code = m.prefix
        WHERE c.province_id = p.id AND c.year = m.year
        """
    )
    cursor.execute(
        "SELECT setval('referrals_change_seq', greatest((SELECT max(seq) FROM referrals_referralevent), "
        "(SELECT last_value FROM referrals_change_seq)))"
    )


def _refresh_statistics() -> None:
    from national_statistics import services

    services.refresh_summaries()
