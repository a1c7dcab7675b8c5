"""Time and peak memory of the HTCDS export (national_statistics/htcds.py, docs/htcds.md).

Build a data set once in a database of its own (migrate, reference data, `seed_demo`, then for
every trafficking case an HTCDS consent and a four-step journey written in SQL, and for every
other one a perpetrator, linked to that case and to the next one):

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/pathway_bench_htcds \\
        nice .venv/bin/python bench/bench_htcds.py --build --people 20000

then measure (read only; each export runs in a child process of its own, so that its peak
resident memory is its own):

    DATABASE_URL=... .venv/bin/python bench/bench_htcds.py --runs 3

Prints, for every consenting person (a statistician's scope) and for one provincial office (a
tenth or so of them), the rows written, the wall time, the peak resident set size of the victims
CSV, the events CSV, the perpetrators CSV and the XLSX (all three tables), and the peak of
Python's heap (tracemalloc, in a second, untimed run). Flat memory shows as the same heap peak
for the office and for everyone:
what is held is one chunk of 1,000 cases, not the export.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "false")  # Django keeps every query's text while DEBUG is on

JOURNEYS_SQL = """
WITH t AS (
    SELECT c.id AS case_id, c.identified_on, c.assigned_worker_id AS worker, row_number() OVER () AS n
    FROM casework_case c WHERE c.category = 'trafficking' AND c.assigned_worker_id IS NOT NULL
)
INSERT INTO casework_journeyevent (id, case_id, stage, country_id, place, started_on, ended_on,
    crossed_border, border_point_id, irregular_crossing, recruitment_methods, recruiter_relationship,
    recruiter_roles, apps, promise, exploitation_types, labour_industry, sex_exploitation_types,
    methods_of_control, forced_criminality, exit_kind, recorded_by_id, recorded_at)
SELECT gen_random_uuid(), t.case_id, s.stage, s.country, 'Synthetic place', t.identified_on - s.days,
    NULL, s.stage = 'transit', NULL, false,
    (CASE WHEN s.stage = 'recruitment' THEN
        ARRAY[(ARRAY['through_online_social_networks', 'through_family_or_family_events',
                     'through_friends_or_social_events'])[1 + t.n % 3], 'at_work']
     ELSE '{}' END)::varchar[],
    CASE WHEN s.stage = 'recruitment' THEN (ARRAY['familial', 'acquainted', 'unaquainted'])[1 + t.n % 3] ELSE '' END,
    '{}'::varchar[],
    (CASE WHEN s.stage = 'recruitment' AND t.n % 3 = 0 THEN ARRAY['facebook', 'telegram'] ELSE '{}' END)::varchar[],
    CASE WHEN s.stage = 'recruitment' THEN 'A job abroad' ELSE '' END,
    (CASE WHEN s.stage = 'exploitation' THEN
        ARRAY[(ARRAY['forced_labour', 'sexual_exploitation', 'forced_marriage'])[1 + t.n % 3]]
    ELSE '{}' END)::varchar[],
    CASE WHEN s.stage = 'exploitation' AND t.n % 3 = 0 THEN 'information_and_communication' ELSE '' END,
    '{}'::varchar[],
    (CASE WHEN s.stage = 'exploitation' THEN ARRAY['withholds_documents', 'debt_bondage'] ELSE '{}' END)::varchar[],
    (CASE WHEN s.stage = 'exploitation' AND t.n % 3 = 0 THEN ARRAY['online_scam'] ELSE '{}' END)::varchar[],
    CASE WHEN s.stage = 'exit' THEN (ARRAY['escaped', 'rescued', 'deported'])[1 + t.n % 3] ELSE '' END,
    t.worker, now()
FROM t CROSS JOIN (VALUES ('recruitment', 'LA', 120), ('transit', 'TH', 100), ('exploitation', 'MM', 90),
                          ('exit', 'MM', 5)) AS s(stage, country, days)
WHERE NOT EXISTS (SELECT 1 FROM casework_journeyevent j WHERE j.case_id = t.case_id)
"""
CEILING_MB = 200.0  # issue 23, item 4: the big downloads under 200 MB

CONSENTS_SQL = """
INSERT INTO referrals_consent (id, person_id, case_id, recipient_id, data_categories, purpose, given_by,
    best_interest_reason, given_at, recorded_by_id, withdrawal_note)
SELECT DISTINCT ON (c.person_id) gen_random_uuid(), c.person_id, c.id,
    (SELECT id FROM accounts_organisation WHERE code = 'iom'), ARRAY['htcds'], 'HTCDS data sharing with IOM',
    'best_interest', 'synthetic', now() - interval '1 day', c.assigned_worker_id, ''
FROM casework_case c
WHERE c.category = 'trafficking' AND c.assigned_worker_id IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM referrals_consent k
                  WHERE k.person_id = c.person_id AND 'htcds' = ANY(k.data_categories))
ORDER BY c.person_id, c.identified_on DESC
"""

PERPETRATORS_SQL = """
WITH t AS (
    SELECT c.id AS case_id, c.assigned_worker_id AS worker, row_number() OVER (ORDER BY c.id) AS n
    FROM casework_case c
    WHERE c.category = 'trafficking' AND c.assigned_worker_id IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM casework_caseperpetrator l WHERE l.case_id = c.id)
), made AS (
    INSERT INTO casework_perpetrator (id, known_as, sex, age_band, nationality_id, notes, created_by_id, created_at)
    SELECT gen_random_uuid(), 'Synthetic ' || t.n, (ARRAY['male', 'female', 'other'])[1 + t.n % 3],
        (ARRAY['18_29', '30_44', '45_59', 'unknown'])[1 + t.n % 4], 'LA', '', t.worker, now()
    FROM t WHERE t.n % 2 = 0
    RETURNING id, known_as
)
INSERT INTO casework_caseperpetrator (id, case_id, perpetrator_id, roles, relation, linked_by_id, linked_at)
SELECT gen_random_uuid(), t.case_id, m.id, ARRAY['recruiter', 'sold']::varchar[],
    (ARRAY['family', 'acquaintance', 'stranger'])[1 + t.n % 3], t.worker, now()
FROM made m JOIN t ON 'Synthetic ' || (t.n - t.n % 2) = m.known_as
"""


def build(people: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from casework.models import Person

    call_command("migrate", verbosity=0)
    call_command("load_reference")
    if not Person.objects.exists():
        call_command("seed_demo", people=people)
    with connection.cursor() as cursor:
        cursor.execute(CONSENTS_SQL)
        print(f"consents added: {cursor.rowcount:,}")
        cursor.execute(JOURNEYS_SQL)
        print(f"journey steps added: {cursor.rowcount:,}")
        cursor.execute(PERPETRATORS_SQL)
        print(f"perpetrator links added: {cursor.rowcount:,}")
        cursor.execute("VACUUM ANALYZE")


def built(url: str) -> bool:
    """Whether --build has run on this database (its HTCDS consents are there)."""
    import psycopg

    try:
        with psycopg.connect(url) as connection:
            found = connection.execute("SELECT 1 FROM referrals_consent WHERE 'htcds' = ANY(data_categories) LIMIT 1")
            return found.fetchone() is not None
    except psycopg.Error:  # no database, or not migrated
        return False


def one(what: str, scope_name: str) -> dict[str, Any]:
    """Run one export in this process; its rows, seconds and peak RSS (MiB)."""
    import django

    django.setup()
    from accounts.models import Organisation
    from national_statistics import htcds
    from national_statistics.queries import Scope
    from shelters.exports import csv_lines

    if scope_name == "everyone":
        scope = Scope(owners=None)
    else:
        office = Organisation.objects.filter(kind="mlsw", province__isnull=False).order_by("code").first()
        assert office is not None
        scope = Scope(owners=frozenset({office.pk}))
    start = time.perf_counter()
    rows = size = 0
    if what == "xlsx":
        spool = htcds.xlsx_file(scope)
        size = len(spool.read())
        rows = sum(1 for _ in htcds.rows("victims", scope))  # not timed below: only counted
        seconds = time.perf_counter() - start
    else:
        for line in csv_lines(htcds.TABLES[what], htcds.rows(what, scope)):
            size += len(line)
            rows += 1
        rows -= 2  # the byte-order mark and the header
        seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # Again under tracemalloc (slower, not timed): the peak of Python's own heap during the export.
    tracemalloc.start()
    if what == "xlsx":
        htcds.xlsx_file(scope).close()
    else:
        for _line in csv_lines(htcds.TABLES[what], htcds.rows(what, scope)):
            pass
    heap = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return {
        "what": what,
        "scope": scope_name,
        "rows": rows,
        "bytes": size,
        "seconds": seconds,
        "peak_mib": peak,
        "heap_mib": heap,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", action="store_true")
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--scopes", default="office,everyone", help="comma-separated: office, everyone")
    parser.add_argument(
        "--exports",
        default="victims,events,perpetrators,xlsx",
        help="comma-separated: victims, events, perpetrators, xlsx",
    )
    parser.add_argument("--one", nargs=2, metavar=("WHAT", "SCOPE"), help=argparse.SUPPRESS)
    parser.add_argument(
        "--json", action="store_true", help="build when empty (--people), measure, and the rows of `pathway bench` last"
    )
    args = parser.parse_args()
    if args.build:
        build(args.people)
        return
    if args.json and not built(os.environ["DATABASE_URL"]):  # `pathway bench` keeps a data set built
        sys.path.insert(0, str(ROOT))
        from bench.bench_import import ensure_database

        ensure_database(os.environ["DATABASE_URL"])
        subprocess.run([sys.executable, __file__, "--build", "--people", str(args.people)], check=True)
    if args.one:
        print(json.dumps(one(*args.one)))
        return
    print(f"{'scope':10} {'export':8} {'rows':>9} {'MB':>7} {'seconds':>8} {'peak RSS MiB':>13} {'heap MiB':>9}")
    table: list[list[Any]] = []
    for scope_name in args.scopes.split(","):
        for what in args.exports.split(","):
            results: list[dict[str, Any]] = []
            for _ in range(args.runs):
                out = subprocess.run(
                    [sys.executable, __file__, "--one", what, scope_name], capture_output=True, text=True, check=True
                )
                results.append(json.loads(out.stdout.strip().splitlines()[-1]))
            best = min(results, key=lambda r: float(r["seconds"]))
            print(
                f"{scope_name:10} {what:8} {best['rows']:>9,} {best['bytes'] / 1e6:>7.1f} "
                f"{best['seconds']:>8.1f} {best['peak_mib']:>13.0f} {best['heap_mib']:>9.1f}"
            )
            scenario = f"{scope_name}, {best['rows']:,} rows"
            times = sorted(float(r["seconds"]) * 1000 for r in results)
            table.append([scenario, f"{what} time", times[len(times) // 2], None, times[-1], "ms"])
            table.append([scenario, f"{what} peak RSS", best["peak_mib"], CEILING_MB, None, "MB"])
    if args.json:
        print(json.dumps(table))


if __name__ == "__main__":
    main()
