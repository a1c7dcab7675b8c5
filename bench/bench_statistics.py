"""Time the national statistics (national_statistics/) on a large synthetic data set.

Run by hand against a database filled by `seed_demo` (it writes only the statistics' summaries,
which it recounts first, timed: services.refresh_summaries, what beat runs):

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/pathway_bench \\
        .venv/bin/python bench/bench_statistics.py --runs 5 --first 2021 --last 2026

Prints p50 and min in ms of each published table, the yearly totals of the trend chart, the
CTDC-style export (the records the recount made; its first call after the recount apart), and
the whole page rendered in-process for a statistician (every case counted) and for one
provincial manager (their office's cases), all read from the summaries; and, for comparison,
the same counts from the raw rows (the reference implementation: queries.grids, queries.yearly_totals, ctdc.histogram).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def timed(runs: int, call: Callable[[], object]) -> tuple[float, float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), min(samples)


def figures(runs: int, first: int = 2021, last: int = 2026) -> list[tuple[str, str, float, float | None]]:
    """(scenario, what, p50 ms, floor ms) of each table, the export and the page; the floor is
    the bare SQL count of distinct persons identified per year (`python3 pathway bench`)."""
    import django

    django.setup()
    from django.db import connection
    from django.test import RequestFactory

    from accounts.models import Organisation, Role, User
    from accounts.selectors import organisation_subtree_ids
    from national_statistics import ctdc, queries, services, summary, tables, views
    from national_statistics.queries import Scope

    everyone = Scope(owners=None)
    office = Organisation.objects.filter(province__isnull=False, kind="mlsw").order_by("code").first()
    years = {"first": first, "last": last}
    scenario = f"all cases, {first}-{last}"

    def baseline() -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT extract(year FROM identified_on), count(DISTINCT person_id) FROM casework_case "
                "WHERE identified_on >= make_date(%s, 1, 1) AND identified_on < make_date(%s, 1, 1) GROUP BY 1",
                [first, last + 1],
            )
            cursor.fetchall()

    factory = RequestFactory()

    def page(user: User) -> None:
        request = factory.get("/statistics/", {"first": first, "last": last})
        request.user = user
        response = views.statistics_page(request)
        assert response.status_code == 200, response.status_code

    refresh = timed(1, services.refresh_summaries)[0]
    first_export = timed(1, partial(summary.ctdc_export, everyone))[0]  # the first call after the recount
    floor = timed(runs, baseline)[0]
    measured: list[tuple[str, str, Callable[[], object]]] = [
        (
            scenario,
            f"table: {measure} by province and year",
            partial(tables.by_year, measure, "province", **years, scope=everyone),
        )
        for measure in queries.MEASURES
    ]
    measured += [
        (
            scenario,
            "table: identified by exploitation and year",
            partial(tables.by_year, "identified", "exploitation", **years, scope=everyone),
        ),
        (scenario, "table: child victims by sex and year", partial(tables.child_victims, **years, scope=everyone)),
        (scenario, "table: repatriated by country and year", partial(tables.repatriated, **years, scope=everyone)),
        (scenario, "table: shelter residents", partial(tables.shelter_residents, **years, scope=everyone)),
        (scenario, "trend: yearly totals", partial(tables.yearly_totals, **years, scope=everyone)),
        (scenario, "CTDC export", partial(summary.ctdc_export, everyone)),
        (
            scenario,
            "page, statistician",
            partial(page, User(username="bench-statistician", roles=[Role.STATISTICIAN], organisation=office)),
        ),
    ]
    measured += [
        (
            f"{scenario}, raw rows",
            "table: identified by province and year",
            partial(queries.grids, "identified", ["province"], "year", **years, scope=everyone),
        ),
        (f"{scenario}, raw rows", "trend: yearly totals", partial(queries.yearly_totals, **years, scope=everyone)),
        (f"{scenario}, raw rows", "CTDC export", partial(ctdc.export, everyone)),
    ]
    if office is not None:
        manager = User(username="bench-manager", roles=[Role.MANAGER], organisation=office)
        mine = Scope(owners=organisation_subtree_ids(office.pk))
        measured += [
            (
                f"{office.code}'s cases",
                "table: identified by province",
                partial(tables.by_year, "identified", "province", **years, scope=mine),
            ),
            (f"{office.code}'s cases", "page, manager", partial(page, manager)),
        ]
    rows: list[tuple[str, str, float, float | None]] = [
        (scenario, "bare SQL: persons identified per year (floor)", floor, None),
        ("every case, every year", "summaries recounted (beat's task, once)", refresh, None),
        (scenario, "CTDC export, first call after the recount", first_export, floor),
    ]
    rows += [(where, what, timed(runs, call)[0], floor) for where, what, call in measured]
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--first", type=int, default=2021)
    parser.add_argument("--last", type=int, default=2026)
    args = parser.parse_args()
    print(f"years {args.first}-{args.last}; p50 of {args.runs} runs, ms")
    for where, what, ms, floor in figures(args.runs, args.first, args.last):
        ratio = f"{ms / floor:6.1f}x" if floor else ""
        print(f"{where:24} {what:52} {ms:8.0f} {ratio}")


if __name__ == "__main__":
    main()
