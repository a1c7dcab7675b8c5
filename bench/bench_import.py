"""Time of the register import (shelters/imports) for a large file: the check (dry run), the
import and the undo of N rows (default 10,000; issue 18's target: under a minute to import).

Run by hand on a database of its own (created if missing, migrated, reference data loaded):

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/pathway_bench_import \\
        .venv/bin/python bench/bench_import.py --rows 10000

Each run makes a fresh shelter and manager (codes with a random suffix), so runs do not skip each
other's rows; the undo removes what the run imported. Prints the seconds of each step, rows
per second, and the CPU seconds of this process and of its PostgreSQL backend. The file: 90 %
stays (admitted and discharged), 10 % assistance without a stay, as tests/registers.py writes
them, in CSV.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


def prepared_database(url: str) -> None:
    """The bench's own database, created if missing, migrated and with the reference data, and
    Django set up on it (what every bench of a single operation starts from)."""
    ensure_database(url)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_reference", verbosity=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000)
    arguments = parser.parse_args()
    prepared_database(os.environ["DATABASE_URL"])

    from accounts.models import Organisation, OrganisationKind, Province, Role
    from shelters.imports import services
    from shelters.models import Shelter
    from tests.factories import ShelterFactory, make_user
    from tests.registers import as_csv, assistance_row, stay_row

    suffix = uuid.uuid4().hex[:6]
    operator = Organisation.objects.create(
        code=f"bench-{suffix}",
        name_en="Bench operator",
        kind=OrganisationKind.MLSW,
        province=Province.objects.get(code="VT"),
    )
    manager = make_user(f"bench-mgr-{suffix}", operator, Role.MANAGER)
    shelter: Shelter = ShelterFactory(code=f"bench-import-{suffix}", operator=operator)
    rows = [assistance_row(n) if n % 10 == 0 else stay_row(n) for n in range(arguments.rows)]
    content = as_csv(rows)

    clock = Clock()
    register_import = services.import_upload(actor=manager, shelter=shelter, filename="bench.csv", content=content)
    services.import_check(register_import=register_import)
    clock.lap("check")
    assert register_import.error_count == 0, register_import.results[:3]
    services.import_start(actor=manager, register_import=register_import)
    services.import_run(register_import=register_import)
    clock.lap("import")
    assert register_import.status == "imported", register_import.status
    services.import_undo(actor=manager, register_import=register_import)
    clock.lap("undo")

    size = len(rows)
    print(f"rows: {size}, file: {len(content) / 1e6:.1f} MB (CSV)")
    print("step       wall s  rows/s  CPU s (Python)  CPU s (PostgreSQL backend)")
    for step, wall, python_cpu, database_cpu in clock.laps:
        print(f"{step:7} {wall:9.1f} {size / wall:7.0f} {python_cpu:15.1f} {database_cpu:27.1f}")
    print(f"load average: {os.getloadavg()[0]:.1f}")


class Clock:
    """Wall time, this process's CPU time and the CPU time of the PostgreSQL backend serving it
    (read from /proc: the database runs on this machine), per step: on a shared machine the
    wall time depends on the others' load, the CPU times much less."""

    def __init__(self) -> None:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            (self.backend,) = cursor.fetchone()
        self.laps: list[tuple[str, float, float, float]] = []
        self.last = self.now()

    def now(self) -> tuple[float, float, float]:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        try:
            fields = Path(f"/proc/{self.backend}/stat").read_text().rsplit(")", 1)[1].split()
            database = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime
        except OSError:
            database = float("nan")  # a database on another machine
        return time.perf_counter(), usage.ru_utime + usage.ru_stime, database

    def lap(self, step: str) -> None:
        now = self.now()
        self.laps.append((step, *(b - a for a, b in zip(self.last, now, strict=True))))
        self.last = now


if __name__ == "__main__":
    main()
