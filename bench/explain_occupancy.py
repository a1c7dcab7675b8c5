"""EXPLAIN (ANALYZE, BUFFERS) of the occupancy pass over all shelters and five years, as
`occupancy()` runs it (same statement, same per-transaction settings), on the index as it grew
and on the index rebuilt by REINDEX inside a transaction that is rolled back; and of the raw
aggregate, its floor. Read only. Against the data set `python3 pathway bench` builds:

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/pathway_bench_occupancy \\
        .venv/bin/python bench/explain_occupancy.py [--full]

Without --full, only the lines that tell them apart: the scan of the stays with its buffers
(pages found in shared buffers, "hit", or read from the operating system, "read") and the
execution time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402

from bench.bench_occupancy import RAW_SQL  # noqa: E402
from bench.occupancy_data import FIRST_DAY, LAST_DAY  # noqa: E402
from shelters.models import Shelter  # noqa: E402
from shelters.reports import occupancy_report as reports  # noqa: E402

SCANS = ("Index Only Scan using stay_exit_length_idx", "Seq Scan on shelters_stay", "stay_without_bed_idx")


def explain(sql: str, params: dict[str, object], *, as_the_report: bool, full: bool) -> None:
    with connection.cursor() as cursor:
        if as_the_report:  # what _report_transaction() and _prefer_index_reads() set
            cursor.execute(
                "SELECT set_config('work_mem', %s, true), set_config('jit', 'off', true), "
                "set_config('random_page_cost', %s, true)",
                [reports.REPORT_WORK_MEM, reports.INDEX_PAGE_COST],
            )
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        following = False  # the lines of a shown scan, down to its Buffers line
        for (line,) in cursor.fetchall():
            following = following or any(scan in line for scan in SCANS)
            conditions = line.strip().startswith(("Index Cond", "Filter", "Rows Removed"))
            if full or (following and not conditions) or "Execution Time" in line:
                print(line.strip() if not full else line)
            following = following and "Buffers" not in line


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="the whole plans")
    args = parser.parse_args()
    ids = list(Shelter.objects.values_list("pk", flat=True))
    params = reports._period_params(FIRST_DAY, LAST_DAY, ids)
    params.update(reports._exit_code_params())
    raw = {"ids": ids, "d0": FIRST_DAY, "d1": LAST_DAY + dt.timedelta(days=1)}
    print(f"load average {os.getloadavg()[0]:.1f} {os.getloadavg()[1]:.1f} {os.getloadavg()[2]:.1f}")
    print("\n--- raw aggregate (the floor), server settings")
    explain(RAW_SQL, raw, as_the_report=False, full=args.full)
    with transaction.atomic():
        print("\n--- occupancy pass, stay_exit_length_idx as it grew")
        explain(reports._STAYS_SQL, params, as_the_report=True, full=args.full)
        with connection.cursor() as cursor:
            cursor.execute("REINDEX INDEX stay_exit_length_idx")
        print("\n--- occupancy pass, stay_exit_length_idx rebuilt (rolled back afterwards)")
        explain(reports._STAYS_SQL, params, as_the_report=True, full=args.full)
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
