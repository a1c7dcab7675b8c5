"""Time the occupancy load of the demo generator (seeds.generator.generate_occupancy_load): by
default 1,000,000 stays over 20 synthetic shelters and 5 years, with their beds, people and
cases, written with COPY. Then check what the database holds and print the bed use.

Run by hand, against a database of its own (it writes real rows and is refused in production):

    psql -h 127.0.0.1 -U postgres -c "create database pathway_gen_load"
    export DATABASE_URL=postgresql://postgres@127.0.0.1:5432/pathway_gen_load
    .venv/bin/python manage.py migrate && .venv/bin/python manage.py load_reference
    .venv/bin/python bench/bench_occupancy_generated.py

Unlike bench/bench_occupancy.py --generate (plain SQL, triggers off), every row here goes
through the same path as the demo data: the pghistory triggers fire and the exclusion
constraints check each stay. Prints counts and timings only, never a name.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.load_report import print_rows_written

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

CHECKS = {
    "stays": "SELECT count(*) FROM shelters_stay s JOIN shelters_shelter h ON h.id = s.shelter_id "
    "WHERE h.code LIKE 'load-%%'",
    "open stays": "SELECT count(*) FROM shelters_stay s JOIN shelters_shelter h ON h.id = s.shelter_id "
    "WHERE h.code LIKE 'load-%%' AND upper_inf(s.during)",
    "transfers": "SELECT count(*) FROM shelters_stay s JOIN shelters_shelter h ON h.id = s.shelter_id "
    "WHERE h.code LIKE 'load-%%' AND s.previous_stay_id IS NOT NULL",
    "people with more than one case": "SELECT count(*) FROM (SELECT c.person_id FROM shelters_stay s "
    "JOIN shelters_shelter h ON h.id = s.shelter_id JOIN casework_case c ON c.id = s.case_id "
    "WHERE h.code LIKE 'load-%%' GROUP BY c.person_id HAVING count(DISTINCT c.id) > 1) p",
    # Both exclusion constraints held while loading; this only shows nothing slipped by them.
    "beds with overlapping stays": "SELECT count(*) FROM shelters_stay a JOIN shelters_stay b "
    "ON a.bed_id = b.bed_id AND a.id < b.id AND a.during && b.during "
    "JOIN shelters_shelter h ON h.id = a.shelter_id WHERE h.code LIKE 'load-%%'",
}
USE = """
    SELECT h.is_transit_centre, count(DISTINCT b.id),
           sum(upper(daterange(lower(s.during), least(coalesce(upper(s.during), %(today)s), %(today)s)))
               - lower(s.during))
    FROM shelters_stay s JOIN shelters_bed b ON b.id = s.bed_id JOIN shelters_shelter h ON h.id = s.shelter_id
    WHERE h.code LIKE 'load-%%' GROUP BY 1 ORDER BY 1
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stays", type=int, default=1_000_000)
    parser.add_argument("--shelters", type=int, default=20)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--batch-stays", type=int, default=50_000, help="stays per transaction")
    parser.add_argument("--today", type=date.fromisoformat, default=None, help="the last day (default: today)")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone

    from seeds.generator import generate_occupancy_load

    today = args.today or timezone.localdate()

    def progress(done: int, counts: Counter[str]) -> None:
        elapsed = time.monotonic() - started
        print(f"  {done:>10,} stays  {elapsed:7.1f} s  {done / elapsed:8.0f} stays/s", flush=True)

    print(
        f"database {connection.settings_dict['NAME']}: {args.stays:,} stays over {args.shelters} shelters and "
        f"{args.years} years up to {today} (seed {args.seed}, {args.batch_stays:,} stays per transaction)"
    )
    timings: dict[str, float] = {}
    started = time.monotonic()
    counts = generate_occupancy_load(
        stays=args.stays,
        shelters=args.shelters,
        years=args.years,
        seed=args.seed,
        today=today,
        batch_stays=args.batch_stays,
        progress=progress,
        timings=timings,
    )
    elapsed = time.monotonic() - started
    print_rows_written(counts, timings, elapsed)
    print(f"\n{args.stays:,} stays in {elapsed:.1f} s ({args.stays / elapsed:.0f} stays/s)\n")
    with connection.cursor() as cursor:
        for label, sql in CHECKS.items():
            cursor.execute(sql)
            print(f"{label:<32} {cursor.fetchone()[0]:>12,}")
        days = args.years * 365
        cursor.execute(USE, {"today": today})
        for transit, beds, nights in cursor.fetchall():
            kind = "transit centres" if transit else "shelters"
            print(f"bed use, {kind:<16} {beds:>8,} beds  {nights / (beds * days):6.1%} of the nights since the first")


if __name__ == "__main__":
    main()
