"""Time the national statistics (national_statistics/) on a large synthetic data set.

Run by hand against a database filled by `seed_demo` (read only: it writes nothing):

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/pathway_bench \\
        .venv/bin/python bench/bench_statistics.py --runs 5 --first 2021 --last 2026

Prints p50 and min in ms of each published table, the yearly totals of the trend chart, the
CTDC-style export (SQL histogram + k-anonymisation), and the whole page rendered in-process for
a statistician (every case counted) and for one provincial manager (their office's cases).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--first", type=int, default=2021)
    parser.add_argument("--last", type=int, default=2026)
    args = parser.parse_args()

    import django

    django.setup()
    from django.test import RequestFactory

    from accounts.models import Organisation, Role, User
    from accounts.selectors import organisation_subtree_ids
    from casework.models import Case, Person
    from national_statistics import ctdc, queries, tables, views
    from national_statistics.queries import Scope

    everyone = Scope(owners=None)
    office = Organisation.objects.filter(province__isnull=False, kind="mlsw").order_by("code").first()
    years = {"first": args.first, "last": args.last}
    print(f"{Person.objects.count():,} persons, {Case.objects.count():,} cases; years {args.first}-{args.last}")
    print(f"{'what':58} {'p50 ms':>8} {'min ms':>8}")

    def line(name: str, call: Callable[[], object]) -> None:
        p50, best = timed(args.runs, call)
        print(f"{name:58} {p50:8.0f} {best:8.0f}")

    def baseline() -> None:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT extract(year FROM identified_on), count(DISTINCT person_id) FROM casework_case "
                "WHERE identified_on >= make_date(%s, 1, 1) AND identified_on < make_date(%s, 1, 1) GROUP BY 1",
                [args.first, args.last + 1],
            )
            cursor.fetchall()

    line("baseline: bare SQL, distinct persons identified per year", baseline)
    for measure in queries.MEASURES:
        line(
            f"table: {measure} by province and year",
            lambda m=measure: tables.by_year(m, "province", **years, scope=everyone),
        )
    line(
        "table: identified by form of exploitation and year",
        lambda: tables.by_year("identified", "exploitation", **years, scope=everyone),
    )
    line("table: child victims by sex and year", lambda: tables.child_victims(**years, scope=everyone))
    line("table: repatriated by country and year", lambda: tables.repatriated(**years, scope=everyone))
    line("table: shelter residents by category, age and sex", lambda: tables.shelter_residents(**years, scope=everyone))
    line("trend: yearly totals of the five measures", lambda: tables.yearly_totals(**years, scope=everyone))
    line("CTDC export (histogram + k-anonymisation)", lambda: ctdc.export(everyone))

    factory = RequestFactory()

    def page(user: User) -> None:
        request = factory.get("/statistics/", {"first": args.first, "last": args.last})
        request.user = user
        response = views.statistics_page(request)
        assert response.status_code == 200, response.status_code

    statistician = User(username="bench-statistician", roles=[Role.STATISTICIAN], organisation=office)
    line("page, statistician (identified by province)", lambda: page(statistician))
    if office is not None:
        manager = User(username="bench-manager", roles=[Role.MANAGER], organisation=office)
        mine = Scope(owners=organisation_subtree_ids(office.pk))
        line(
            f"table: identified by province, manager of {office.code}",
            lambda: tables.by_year("identified", "province", **years, scope=mine),
        )
        line(f"page, manager of {office.code}", lambda: page(manager))


if __name__ == "__main__":
    main()
