"""Every benchmark in one command: `python3 pathway bench [--quick]`.

For each data set: a database of its own (`<prefix>_<data set>`, `_quick` appended with
--quick), built from scratch by its generator after `migrate` (the indexes grow with the rows,
as in a database that was filled by use) and stamped with the generator's version; a database
already built at the same version (same generator code, same migrations, same size) is kept.
Then `VACUUM ANALYZE`, and every benchmark on it, each in its own process. Prints one table:
p50 per figure, its floor (the bare query any implementation must run) and the ratio, with the
machine, the time and the load average before and after each benchmark: on a shared machine
the absolute times move with the load; the ratios move much less.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

Row = tuple[str, str, float, float | None]  # scenario, what, p50 ms, floor ms (and p95 ms, for pages)
# A script's rows may add a unit after p95 (`[scenario, what, p50, floor, p95 or null, "MB"]`):
# memory as peak MB beside its ceiling, sizes in kB, seconds. Without one the figures are ms.


@dataclass(frozen=True)
class DataSet:
    name: str
    describe: Callable[[bool], str]
    size: Callable[[bool], int]
    sources: tuple[str, ...]  # files and folders whose content is the generator's version

    def database(self, prefix: str, quick: bool) -> str:
        return f"{prefix}_{self.name}" + ("_quick" if quick else "")


PEOPLE = {False: (1_000_000, 20_000), True: (10_000, 2_000)}  # (people, seed) full and quick
DATA_SETS = {
    "occupancy": DataSet(
        name="occupancy",
        describe=lambda quick: f"{(100_000 if quick else 1_000_000):,} stays over 20 shelters and 5 years (SQL)",
        size=lambda quick: 100_000 if quick else 1_000_000,
        sources=("bench/occupancy_data.py",),
    ),
    "demo": DataSet(
        name="demo",
        describe=lambda quick: f"seed_demo --people {(5_000 if quick else 100_000):,}",
        size=lambda quick: 5_000 if quick else 100_000,
        sources=("seeds/generator", "seeds/demo.py", "seeds/reference.py", "seeds/data"),
    ),
    "people": DataSet(
        name="people",
        describe=lambda quick: (
            f"{PEOPLE[quick][0]:,} people: seed_demo --people {PEOPLE[quick][1]:,}, "
            "multiplied in SQL (bench/people_data.py)"
        ),
        size=lambda quick: PEOPLE[quick][0],
        sources=("bench/people_data.py", "seeds"),
    ),
}


@dataclass(frozen=True)
class Benchmark:
    name: str
    data_set: str
    runs: tuple[int, int]  # full, quick


BENCHMARKS = (
    Benchmark("occupancy reports", "occupancy", runs=(7, 3)),
    Benchmark("national statistics", "demo", runs=(5, 3)),
    Benchmark("pages and API lists", "people", runs=(30, 5)),
)


@dataclass(frozen=True)
class Script:
    """A benchmark that builds (or keeps) its own data set in its own database
    (`<prefix>_<database>`, `_quick` appended with --quick) and prints its rows as JSON on its
    last line with `--json`. quick=None: full runs only."""

    name: str
    path: str
    database: str
    describe: str
    full: tuple[str, ...]
    quick: tuple[str, ...] | None

    def arguments(self, quick: bool) -> tuple[str, ...] | None:
        return self.quick if quick else self.full

    def database_name(self, prefix: str, quick: bool) -> str:
        return f"{prefix}_{self.database}" + ("_quick" if quick else "")


SCRIPTS = (
    Script(
        "audit log",
        "bench/bench_audit.py",
        "audit",
        "audit rows filled in SQL (bench/audit_fill.py)",
        full=("--rows", "1000000", "--months", "24", "--requests", "50"),
        quick=("--rows", "20000", "--months", "3", "--requests", "5", "--min-free-gb", "5"),
    ),
    Script(
        "export memory",
        "bench/bench_export_memory.py",
        "export_memory",
        "synthetic rows, no database rows",
        full=("--rows", "1000000"),
        quick=("--rows", "10000"),
    ),
    Script(
        "HTCDS export",
        "bench/bench_htcds.py",
        "htcds",
        "seed_demo, HTCDS consents and journeys in SQL",
        full=("--people", "20000", "--runs", "3"),
        quick=("--people", "1000", "--runs", "1", "--scopes", "office"),
    ),
    Script(
        "offline sync",
        "bench/bench_offline.py",
        "offline",
        "reference data, a worker and a case per run",
        full=("--writes", "100", "--runs", "3"),
        quick=("--writes", "5", "--runs", "1"),
    ),
    Script(
        "load test (full only)",
        "bench/load/run.py",
        "load",
        "seed_demo --people 2,000, Locust",
        full=("--minutes", "10"),
        quick=None,
    ),
)


# --- In the data set's own process (DATABASE_URL names its database) ---------------------------
def build(data_set: str, size: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_reference", verbosity=0)
    if data_set == "occupancy":
        from bench.occupancy_data import generate

        generate(size)
    elif data_set == "people":
        from bench import people_data

        people_data.build(size, seed_people=next(seed for people, seed in PEOPLE.values() if people == size))
    else:
        call_command("seed_demo", people=size)


def measure(benchmark: str, runs: int) -> list[Row]:
    if benchmark == "occupancy reports":
        from bench import bench_occupancy

        return bench_occupancy.figures(runs)
    if benchmark == "pages and API lists":
        from bench import bench_people_pages

        return bench_people_pages.figures(runs)  # type: ignore[return-value]
    from bench import bench_statistics

    return bench_statistics.figures(runs)


# --- The command --------------------------------------------------------------------------------
def version(data_set: DataSet, quick: bool) -> str:
    """The generator's code, every migration and the size: a change to any of them rebuilds."""
    digest = hashlib.sha256(f"{data_set.name} {data_set.size(quick)}".encode())
    paths = [ROOT / source for source in data_set.sources] + sorted(ROOT.glob("*/migrations"))
    for path in paths:
        for file in sorted(path.rglob("*") if path.is_dir() else [path]):
            if file.is_file() and file.suffix in {".py", ".json", ".sql"}:
                digest.update(file.relative_to(ROOT).as_posix().encode())
                digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def database_url(name: str) -> str:
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + name))


def sql(url: str, statement: str, params: tuple[object, ...] = (), *, autocommit: bool = True) -> list[tuple]:
    import psycopg

    with psycopg.connect(url, autocommit=autocommit) as connection:
        cursor = connection.execute(statement, params)
        return cursor.fetchall() if cursor.description else []


def stamp(url: str) -> tuple[str, float] | None:
    try:
        rows = sql(url, "SELECT version, seconds FROM bench_data_set")
    except Exception:  # no database, or not a finished build
        return None
    return rows[0] if rows else None


def ensure_built(data_set: DataSet, *, prefix: str, quick: bool) -> str:
    """The data set's database, built unless a build at the same version is there."""
    name = data_set.database(prefix, quick)
    url, wanted = database_url(name), version(data_set, quick)
    found = stamp(url)
    if found and found[0] == wanted:
        print(f"bench: {name}: built at this version ({wanted}) in {found[1]:.0f} s; kept", flush=True)
        return url
    server = database_url("postgres")
    print(f"bench: {name}: building {data_set.describe(quick)} (version {wanted})", flush=True)
    sql(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    sql(server, f'CREATE DATABASE "{name}"')
    started = time.monotonic()
    child(url, ["--build", data_set.name, "--size", str(data_set.size(quick))])
    seconds = time.monotonic() - started
    sql(url, "CREATE TABLE bench_data_set (version text, seconds float, built_at timestamptz DEFAULT now())")
    sql(url, "INSERT INTO bench_data_set (version, seconds) VALUES (%s, %s)", (wanted, seconds))
    print(f"bench: {name}: built in {seconds:.0f} s (load average {load()})", flush=True)
    return url


def child(url: str, arguments: list[str], *, capture: bool = False) -> str:
    """This file again, in a process of its own whose Django settings read the data set's database."""
    done = subprocess.run(
        [sys.executable, __file__, *arguments],
        env={**os.environ, "DATABASE_URL": url, "DEBUG": "0"},
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else None,
    )
    return done.stdout or ""


def load() -> str:
    return "{:.1f} {:.1f} {:.1f}".format(*os.getloadavg())


def machine(url: str) -> str:
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines() if Path("/proc/cpuinfo").exists() else []
    cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo if "model name" in line), platform.processor())
    settings = dict(
        sql(
            url,
            "SELECT name, current_setting(name) FROM pg_settings WHERE name IN ('shared_buffers', 'work_mem', "
            "'random_page_cost', 'max_parallel_workers_per_gather', 'server_version')",
        )
    )
    return (
        f"{os.cpu_count()} CPUs ({cpu}), {os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB; "
        f"PostgreSQL {settings['server_version']} (shared_buffers {settings['shared_buffers']}, work_mem "
        f"{settings['work_mem']}, random_page_cost {settings['random_page_cost']}, "
        f"max_parallel_workers_per_gather {settings['max_parallel_workers_per_gather']}); "
        f"Python {platform.python_version()}"
    )


def run(*, quick: bool, prefix: str, only: list[str]) -> None:
    chosen = [b for b in BENCHMARKS if not only or b.name in only or b.data_set in only]
    scripts = [s for s in SCRIPTS if (not only or s.name in only) and s.arguments(quick) is not None]
    urls = {}
    for name in dict.fromkeys(b.data_set for b in chosen):
        urls[name] = ensure_built(DATA_SETS[name], prefix=prefix, quick=quick)
        print(f"bench: VACUUM ANALYZE {urlsplit(urls[name]).path[1:]} (load average {load()})", flush=True)
        sql(urls[name], "VACUUM ANALYZE")
    print(f"\nPathway benchmarks{' (quick)' if quick else ''}, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(machine(database_url("postgres")))
    for benchmark in chosen:
        data_set = DATA_SETS[benchmark.data_set]
        print(
            f"- {benchmark.name}: p50 of {benchmark.runs[1 if quick else 0]} runs on {data_set.describe(quick)} "
            f"({urlsplit(urls[benchmark.data_set]).path[1:]})"
        )
    for script in scripts:
        arguments = " ".join(script.arguments(quick) or ())
        print(
            f"- {script.name}: {script.path} {arguments} on {script.describe} ({script.database_name(prefix, quick)})"
        )
    print("\n| benchmark | scenario | figure | p50 | p95 | floor | ratio | unit | load average before → after |")
    print("|---|---|---|---|---|---|---|---|---|")
    for benchmark in chosen:
        runs = benchmark.runs[1 if quick else 0]
        before = load()
        output = child(urls[benchmark.data_set], ["--measure", benchmark.name, "--runs", str(runs)], capture=True)
        table(benchmark.name, output, f"{before} → {load()}", no_floor="floor")
    for script in scripts:
        before = load()
        output = subprocess.run(
            [sys.executable, str(ROOT / script.path), "--json", *(script.arguments(quick) or ())],
            env={**os.environ, "DATABASE_URL": database_url(script.database_name(prefix, quick)), "DEBUG": "0"},
            cwd=ROOT,
            check=True,
            text=True,
            stdout=subprocess.PIPE,
        ).stdout
        table(script.name, output, f"{before} → {load()}")


def rows_of(output: str) -> list[list[Any]]:
    """The last line that is a JSON list (a server the script ran may print log lines after it)."""
    for line in reversed(output.strip().splitlines()):
        try:
            rows = json.loads(line)
        except ValueError:
            continue
        if isinstance(rows, list):
            return rows
    raise ValueError("no rows (a JSON list on a line of its own) in the benchmark's output")


def table(benchmark: str, output: str, loads: str, no_floor: str = "") -> None:
    """The rows on the output's last JSON line, as lines of the table (a built-in benchmark's
    row without a floor is the floor itself; a script's has none)."""
    for scenario, what, value, floor, *rest in rows_of(output):
        p95, unit = (rest[0] if rest else None), (rest[1] if len(rest) > 1 else "ms")
        ratio, shown_floor = (f"{value / floor:.2f}x", f"{floor:,.1f}") if floor else (no_floor, "")
        shown_p95 = f"{p95:,.0f}" if p95 is not None else ""
        shown = f"{value:,.0f}" if abs(value) >= 10 else f"{value:.1f}"
        cells = [benchmark, scenario, what, shown, shown_p95, shown_floor, ratio, unit, loads]
        print("| " + " | ".join(cells) + " |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small data sets and fewer runs (minutes, not an hour)")
    parser.add_argument("--prefix", default="pathway_bench", help="database names start with this")
    parser.add_argument("--only", action="append", default=[], help="a benchmark or data set name (repeatable)")
    parser.add_argument("--build", help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--runs", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build:
        os.nice(10)  # the machine is shared: generating yields to interactive work
        build(args.build, args.size)
    elif args.measure:
        import django

        django.setup()
        print(json.dumps(measure(args.measure, args.runs)))
    else:
        run(quick=args.quick, prefix=args.prefix, only=args.only)


if __name__ == "__main__":
    main()
