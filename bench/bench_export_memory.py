"""Peak memory of the big downloads at a large row count (issue 23, item 4: under 200 MB for
1,000,000 rows). Each export runs in a process of its own, which reports its peak resident set
(resource.getrusage, ru_maxrss) after the whole response has been read, as a client would.

    .venv/bin/python bench/bench_export_memory.py --rows 1000000
    .venv/bin/python bench/bench_export_memory.py --rows 100000 --only ctdc.xlsx,sheet.xlsx --code ../main

`--code` runs the same measurements on another checkout's code (the figures before a change).
No database rows are needed: each export's rendering gets N synthetic rows of its real shape,
from where its own code takes them:
  ctdc.csv / ctdc.xlsx   the CTDC records of N persons (k-anonymous classes of 11-60 persons),
                         through the statistics download's own functions;
  sheet.csv / sheet.xlsx a statistics or occupancy report sheet of N rows (their shared renderer);
  htcds.csv / htcds.xlsx the HTCDS victims table, N rows of its 18 columns (its CSV lines and its
                         write-only workbook). Its rows come from the database through a
                         server-side cursor in chunks (htcds.rows), whatever the count.
The subject access ZIP holds one person's records and files; it is spooled to a temporary file
(one file in memory at a time), not measured here.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CEILING_MB = 200.0  # issue 23, item 4: every export under 200 MB at 1,000,000 rows
EXPORTS = ["baseline", "ctdc.csv", "ctdc.xlsx", "sheet.csv", "sheet.xlsx", "htcds.csv", "htcds.xlsx"]


class Rows(Sequence[list[Any]]):
    """N report rows made as they are read (a sheet's rows are a sequence)."""

    def __init__(self, count: int) -> None:
        self.count = count

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, index: Any) -> Any:
        return [f"Row {index}", index, index % 7, index % 11, index * 0.5, None, True]

    def __iter__(self) -> Iterator[list[Any]]:
        return (self[index] for index in range(self.count))


def victim_rows(count: int) -> Iterator[list[Any]]:
    for number in range(1, count + 1):
        yield [
            number,
            "Feminine",
            "LA",
            17,
            "PossibleVictimOfTrafficking",
            "Government",
            "Friend",
            "FalsePromise;Deception",
            "",
            "Debt",
            "SexualExploitation",
            "",
            "",
            "",
            "Open",
            "true",
            "",
            "",
        ]


def response_of(export: str, rows: int) -> Any:
    """The HTTP response the download gives (its renderers, with N rows)."""
    from national_statistics import ctdc, htcds
    from shelters import exports

    if export.startswith("ctdc"):
        combos: dict[tuple[str, ...], int] = {}
        persons = 0
        while persons < rows:
            n = min(11 + len(combos) % 50, rows - persons)
            key = (str(2010 + len(combos) % 15), "Female", f"{len(combos) % 9}", "LAO", f"C{len(combos)}", *"abcde")
            combos[key], persons = n, persons + n
        result = ctdc.Anonymised(k=11, levels=(0,) * len(ctdc.VARIABLES), classes=combos, persons=rows, suppressed=0)
        records = ctdc.records_sheet(result)
        if export.endswith("csv"):
            return exports.csv_response(records, "ctdc")
        return exports.xlsx_response(records, "ctdc", more=[ctdc.report_sheet(result)], names=["records", "report"])
    if export.startswith("sheet"):
        header = ["Category", "Residents", "Children", "Adults", "Average days", "Empty", "Flag"]
        sheet = exports.Sheet("A report", header, Rows(rows))
        return exports.csv_response(sheet, "sheet") if export.endswith("csv") else exports.xlsx_response(sheet, "x")
    if export == "htcds.csv":
        from django.http import StreamingHttpResponse

        return StreamingHttpResponse(exports.csv_lines(htcds.TABLES["victims"], victim_rows(rows)))
    from django.http import FileResponse

    return FileResponse(htcds.workbook_file([("victims", htcds.TABLES["victims"], victim_rows(rows))]))


def child(export: str, rows: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.utils import translation

    translation.activate("en")
    settled = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    size = 0
    if export != "baseline":
        response = response_of(export, rows)
        if response.streaming:
            for chunk in response.streaming_content:
                size += len(chunk)
            response.close()
        else:
            size = len(response.content)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"{peak / 1024:.0f} {settled / 1024:.0f} {time.perf_counter() - started:.1f} {size}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--code", type=Path, default=ROOT, help="the checkout whose code is measured")
    parser.add_argument("--only", default=",".join(EXPORTS), help="comma-separated exports (default: all)")
    parser.add_argument("--child", choices=EXPORTS, help=argparse.SUPPRESS)
    parser.add_argument("--json", action="store_true", help="also the rows of `pathway bench`, as JSON, last")
    args = parser.parse_args()
    if args.child:
        sys.path.insert(0, str(args.code))
        child(args.child, args.rows)
        return
    print(
        f"{platform.node()} {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}; code {args.code}; {args.rows:,} rows"
    )
    print(f"{'export':<12} {'peak MB':>8} {'of which export':>16} {'seconds':>8} {'bytes':>12}")
    rows: list[list[Any]] = []
    for export in [name for name in EXPORTS if name in args.only.split(",")]:
        out = subprocess.run(
            [sys.executable, __file__, "--child", export, "--rows", str(args.rows), "--code", str(args.code)],
            cwd=args.code,
            capture_output=True,
            text=True,
            check=False,
        )
        if out.returncode:
            print(f"{export:<12} failed: {out.stderr.strip().splitlines()[-1]}")
            continue
        peak, settled, seconds, size = out.stdout.split()
        print(f"{export:<12} {peak:>8} {int(peak) - int(settled):>16} {seconds:>8} {int(size):>12,}", flush=True)
        scenario = f"{args.rows:,} rows"
        rows.append([scenario, f"{export} peak RSS", float(peak), CEILING_MB, None, "MB"])
        rows.append([scenario, f"{export} time", float(seconds) * 1000, None, None, "ms"])
    if args.json:
        print(json.dumps(rows))


if __name__ == "__main__":
    main()
