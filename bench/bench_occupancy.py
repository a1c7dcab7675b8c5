"""Speed of the occupancy and statistics reports on 1,000,000 stays (20 shelters, 5 years).

`python3 pathway bench` builds the data (bench/occupancy_data.py) in a database of its own and
runs `figures()`. By hand, against a migrated database of its own (never the development one: it
bulk-loads with triggers off):

    export DATABASE_URL=postgresql://postgres@127.0.0.1:5432/pathway_bench_occupancy
    .venv/bin/python manage.py migrate && .venv/bin/python manage.py load_reference
    .venv/bin/python bench/bench_occupancy.py --generate --runs 7

Times, p50 of `--runs` runs each, `occupancy()`, `shelter_table()`, the utilisation series and
the residents by year, for one shelter-year and for all shelters over five years, next to the
bare occupied-nights aggregate over the same stays, the floor any report must scan; and
`occupancy()` once more with its index rebuilt (REINDEX inside a transaction that is rolled
back): what a database whose index was built after its rows (as by a migration run on loaded
data) gives, against one whose index grew with them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

from bench.occupancy_data import FIRST_DAY, LAST_DAY, TARGET_STAYS, generate  # noqa: E402
from shelters import reports  # noqa: E402
from shelters.models import Shelter  # noqa: E402

RAW_SQL = """
SELECT sum(upper(s.during * daterange(%(d0)s, %(d1)s)) - lower(s.during * daterange(%(d0)s, %(d1)s)))
FROM shelters_stay s
WHERE s.shelter_id = ANY(%(ids)s::uuid[]) AND s.during && daterange(%(d0)s, %(d1)s)
"""


def p50s(actions: dict[str, Callable[[], object]], runs: int) -> dict[str, float]:
    """Median wall time of each action in ms; the actions take turns, run after run, so that
    whatever else the machine does weighs on all of them alike."""
    for action in actions.values():
        action()  # warm the caches
    timings: dict[str, list[float]] = {name: [] for name in actions}
    for _ in range(runs):
        for name, action in actions.items():
            started = time.perf_counter()
            action()
            timings[name].append(time.perf_counter() - started)
    return {name: statistics.median(values) * 1000 for name, values in timings.items()}


def raw_aggregate(shelters: object, start: dt.date, end: dt.date) -> object:
    ids = list(shelters.values_list("pk", flat=True))  # type: ignore[attr-defined]
    with connection.cursor() as cursor:
        cursor.execute(RAW_SQL, {"ids": ids, "d0": start, "d1": end + dt.timedelta(days=1)})
        return cursor.fetchone()


def scenario(shelters: object, start: dt.date, end: dt.date) -> dict[str, Callable[[], object]]:
    return {
        "raw": lambda: raw_aggregate(shelters, start, end),
        "occupancy": lambda: reports.occupancy(shelters, start, end),  # type: ignore[arg-type]
        "table": lambda: reports.shelter_table(shelters, start, end),  # type: ignore[arg-type]
        "series": lambda: reports.utilisation_series(shelters, start, end),  # type: ignore[arg-type]
        "years": lambda: reports.residents_by_year(shelters, start.year, end.year),  # type: ignore[arg-type]
    }


def index_mb(cursor: object) -> float:
    cursor.execute("SELECT pg_relation_size('stay_exit_length_idx')")  # type: ignore[attr-defined]
    return cursor.fetchone()[0] / 2**20  # type: ignore[attr-defined]


def occupancy_on_rebuilt_index(shelters: object, runs: int) -> tuple[dict[str, float], float, float]:
    """p50 of the raw aggregate and `occupancy()` over five years with `stay_exit_length_idx`
    rebuilt by REINDEX (packed, in key order) inside a transaction that is rolled back, so the
    data set keeps the index as it grew; and the index's size before and after."""
    with transaction.atomic(), connection.cursor() as cursor:
        grown = index_mb(cursor)
        cursor.execute("REINDEX INDEX stay_exit_length_idx")
        rebuilt = index_mb(cursor)
        actions = scenario(shelters, FIRST_DAY, LAST_DAY)
        timings = p50s({key: actions[key] for key in ("raw", "occupancy")}, runs)
        transaction.set_rollback(True)
    return timings, grown, rebuilt


def figures(runs: int) -> list[tuple[str, str, float, float | None]]:
    """(scenario, what, p50 ms, floor ms) of every report in both scenarios; the floor is the raw
    aggregate over the same stays (`python3 pathway bench` prints them as one table)."""
    one = Shelter.objects.filter(code="bench-10")
    everyone = Shelter.objects.all()
    scenarios = [
        ("one shelter, 2024", one, dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
        ("all shelters, 2021-2025", everyone, FIRST_DAY, LAST_DAY),
    ]
    rows: list[tuple[str, str, float, float | None]] = []
    for name, shelters, start, end in scenarios:
        ms = p50s(scenario(shelters, start, end), runs)
        rows.append((name, "raw aggregate (floor)", ms["raw"], None))
        for key, label in (
            ("occupancy", "occupancy()"),
            ("table", "shelter_table()"),
            ("series", "utilisation_series()"),
            ("years", "residents_by_year()"),
        ):
            rows.append((name, label, ms[key], ms["raw"]))
    rebuilt, grown_mb, rebuilt_mb = occupancy_on_rebuilt_index(everyone, runs)
    where = "all shelters, 2021-2025"
    rows.append((where, "raw aggregate (floor), again", rebuilt["raw"], None))
    label = f"occupancy(), its index rebuilt ({grown_mb:.0f} → {rebuilt_mb:.0f} MB)"
    rows.append((where, label, rebuilt["occupancy"], rebuilt["raw"]))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--generate", action="store_true", help="fill the database first (once)")
    parser.add_argument("--stays", type=int, default=TARGET_STAYS, help="how many stays --generate writes")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    if args.generate:
        generate(args.stays)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM shelters_stay")
        print(f"{cursor.fetchone()[0]:,} stays, {Shelter.objects.count()} shelters; p50 of {args.runs} runs, ms")
    for name, what, ms, floor in figures(args.runs):
        ratio = f"{ms / floor:6.2f}x" if floor else ""
        print(f"{name:<26}{what:<24}{ms:>8.0f} {ratio}")


if __name__ == "__main__":
    main()
