"""Time the demo-data generator (seeds/generator/) and print rows per second per model.

Run by hand against a database of your own (it writes real rows and is refused in production):

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/pathway_bench \\
        .venv/bin/python bench/bench_demo_generator.py --people 100000

The database needs the migrations and the reference data (manage.py migrate, load_reference).
Besides people and cases it writes stays, referrals with their consents and events, plans and
follow-up visits; stays are bounded by the seeded shelters' beds (182), so most cases that would
need a shelter find it full at this scale. Prints counts and timings only, never a name.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.load_report import print_rows_written

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--batch-size", type=int, default=5000)
    parser.add_argument("--method", choices=("copy", "bulk_create"), default="copy")
    parser.add_argument(
        "--history-context",
        action="store_true",
        help="wrap the run in pghistory.context(...) (history rows then carry the run's metadata)",
    )
    args = parser.parse_args()

    import django

    django.setup()
    import pghistory
    from django.db import connection

    from casework.models import Person
    from seeds.generator import generate

    def progress(done: int, counts: Counter[str]) -> None:
        elapsed = time.monotonic() - started
        print(f"  {done:>9,} people  {elapsed:7.1f} s  {done / elapsed:8.0f} people/s", flush=True)

    before = Person.objects.count()
    print(
        f"database {connection.settings_dict['NAME']}: {before:,} people before; generating {args.people:,} "
        f"(seed {args.seed}, batch {args.batch_size}, {args.method})"
    )
    timings: dict[str, float] = {}
    started = time.monotonic()
    if args.history_context:
        with pghistory.context(source="bench_demo_generator", seed=args.seed):
            counts = generate(
                people=args.people,
                seed=args.seed,
                batch_size=args.batch_size,
                method=args.method,
                progress=progress,
                timings=timings,
            )
    else:
        counts = generate(
            people=args.people,
            seed=args.seed,
            batch_size=args.batch_size,
            method=args.method,
            progress=progress,
            timings=timings,
        )
    elapsed = time.monotonic() - started
    total = print_rows_written(counts, timings, elapsed)
    rate = f"{args.people / elapsed:.0f} people/s, {total / elapsed:.0f} rows/s"
    print(f"\n{args.people:,} people in {elapsed:.1f} s ({rate})")
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, n_live_tup FROM pg_stat_user_tables WHERE relname LIKE '%%history' ORDER BY 1")
        history = cursor.fetchall()
    if history:
        print(
            "history rows written by the pghistory triggers (whole table): "
            + ", ".join(f"{t}={n:,}" for t, n in history)
        )


if __name__ == "__main__":
    main()
