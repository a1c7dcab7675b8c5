"""A working day under load, from one command: `python bench/load/run.py [--minutes 10]`.

The production shape on this machine: PostgreSQL behind PgBouncer (session pooling, a fixed
pool of server connections), gunicorn (threaded workers), one Celery worker and beat, Redis.
A demo database of its own (`<DATABASE_URL's name>_load`: `seed_demo --people N`, kept when it
exists) with the demo logins (seeds.demo, known password, no second factor: as the demo) and one
partner API token per client. Then Locust, headless, with bench/load/locustfile.py: the mixed
day (default 50 social workers, 10 shelter staff, 5 managers, 3 partner clients), sampling
pg_stat_activity meanwhile; then the same mix from an eighth of the users, doubled each step
until p95 passes 1 s. Prints
throughput, p50/p95/p99 per request type, failures and the database connections seen.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib import request as urllib_request
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent.parent
LOCUSTFILE = Path(__file__).resolve().parent / "locustfile.py"
MIX = {"social workers": 50, "shelter staff": 10, "managers": 5, "partner clients": 3}  # = the weights
P95_LIMIT_MS = 1000.0


@dataclass
class Result:
    users: int
    rows: list[dict[str, str]]  # Locust's stats CSV, one row per request type and the aggregate
    connections: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> dict[str, str]:
        return next(row for row in self.rows if row["Name"] == "Aggregated")

    @property
    def failures(self) -> int:
        return int(self.total["Failure Count"])

    @property
    def p95(self) -> float:
        return float(self.total["95%"])


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def with_database(url: str, name: str, *, host: str | None = None, port: int | None = None) -> str:
    parts = urlsplit(url)
    netloc = parts.netloc if host is None else f"{parts.username or 'postgres'}@{host}:{port}"
    return urlunsplit(parts._replace(netloc=netloc, path="/" + name))


# --- Locust ---------------------------------------------------------------------------------------
def run_locust(
    host: str, *, users: int, seconds: int, env: dict[str, str], workdir: Path, spawn_rate: float = 1
) -> Result:
    """Locust headless against `host` with the mix's weights, `spawn_rate` people arriving (and
    signing in) a second; its per-request-type stats."""
    prefix = workdir / f"locust_{users}"
    command = [
        *(sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "--host", host),
        *("--users", str(users), "--spawn-rate", str(spawn_rate), "--run-time", f"{seconds}s"),
        *("--csv", str(prefix), "--only-summary", "--loglevel", "WARNING", "--stop-timeout", "10"),
    ]
    subprocess.run(command, cwd=ROOT, env={**os.environ, **env}, check=False)  # exit 1 on failures: reported
    with open(f"{prefix}_stats.csv", newline="") as stats:
        return Result(users=users, rows=list(csv.DictReader(stats)))


def report(result: Result, seconds: int) -> None:
    print(f"\n{result.users} users for {seconds} s")
    print(f"{'request':<28} {'count':>7} {'fail':>5} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}")
    for row in sorted(result.rows, key=lambda row: (row["Name"] == "Aggregated", row["Name"])):
        print(
            f"{row['Name'][:28]:<28} {row['Request Count']:>7} {row['Failure Count']:>5} "
            f"{float(row['Requests/s']):7.2f} {row['50%']:>7} {row['95%']:>7} {row['99%']:>7}"
        )
    print("database connections (pg_stat_activity, max seen):", json.dumps(result.connections))


# --- The stack ------------------------------------------------------------------------------------
@contextmanager
def process(command: list[str], env: dict[str, str]) -> Iterator[subprocess.Popen[bytes]]:
    child = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    try:
        yield child
    finally:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGTERM)
            try:
                child.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)
                child.wait()


@contextmanager
def pgbouncer(database_url: str, workdir: Path, pool: int) -> Iterator[str | None]:
    """PgBouncer in front of the database (session pooling, `pool` server connections); yields the
    URL through it, or None (the stack then talks to PostgreSQL directly) when it is not installed.
    It refuses the client's `-c jit=off`, so it sets it on its own connections."""
    binary = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
    if not Path(binary).exists():
        print("pgbouncer not installed: gunicorn and Celery connect to PostgreSQL directly")
        yield None
        return
    parts = urlsplit(database_url)
    port = free_port()
    config = workdir / "pgbouncer.ini"
    config.write_text(
        f"[databases]\n* = host={parts.hostname or '127.0.0.1'} port={parts.port or 5432} "
        f"user={parts.username or 'postgres'} connect_query='SET jit = off'\n"
        f"[pgbouncer]\nlisten_addr = 127.0.0.1\nlisten_port = {port}\nauth_type = any\n"
        "log_connections = 0\nlog_disconnections = 0\nstats_period = 600\n"
        "ignore_startup_parameters = options\n"
        f"pool_mode = session\ndefault_pool_size = {pool}\nmax_client_conn = 1000\n"
        f"unix_socket_dir =\nlogfile = {workdir / 'pgbouncer.log'}\n"
    )
    if os.geteuid() == 0:  # PgBouncer refuses to run as root
        shutil.chown(workdir, "postgres")
    command = [binary, *(["-u", "postgres"] if os.geteuid() == 0 else []), str(config)]
    with process(command, dict(os.environ)):
        time.sleep(1)
        yield with_database(database_url, parts.path.strip("/"), host="127.0.0.1", port=port)


@contextmanager
def stack(database_url: str, env: dict[str, str], *, workers: int, threads: int) -> Iterator[str]:
    """gunicorn, a Celery worker and beat against `database_url`; yields the web server's URL."""
    port = free_port()
    full = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DATABASE_URL": database_url, **env}
    gunicorn = [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}"]
    gunicorn += ["--workers", str(workers), "--threads", str(threads), "--backlog", "1024", "--log-level", "warning"]
    gunicorn += ["--keep-alive", "75"]  # longer than anyone's pause: no request sent as the server hangs up
    celery = [sys.executable, "-m", "celery", "-A", "config"]
    with ExitStack() as stack:
        stack.enter_context(process(gunicorn, full))
        stack.enter_context(process([*celery, "worker", "--loglevel", "WARNING", "--concurrency", "2"], full))
        stack.enter_context(process([*celery, "beat", "--loglevel", "WARNING", "--pidfile="], full))
        url = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                urllib_request.urlopen(f"{url}/healthz", timeout=1).read()
                break
            except OSError:
                time.sleep(0.2)
        yield url


class ConnectionSampler(threading.Thread):
    """Samples pg_stat_activity every second: the most connections to the database seen, by state."""

    def __init__(self, database_url: str, name: str) -> None:
        super().__init__(daemon=True)
        self.url, self.name, self.stop = database_url, name, threading.Event()
        self.seen: dict[str, int] = {}

    def run(self) -> None:
        import psycopg

        with psycopg.connect(with_database(self.url, "postgres"), autocommit=True) as connection:
            while not self.stop.wait(1):
                rows = connection.execute(
                    "SELECT coalesce(state, 'other'), count(*) FROM pg_stat_activity WHERE datname = %s GROUP BY 1",
                    [self.name],
                ).fetchall()
                now = {state: int(count) for state, count in rows} | {"total": sum(int(c) for _, c in rows)}
                for state, count in now.items():
                    self.seen[state] = max(self.seen.get(state, 0), count)


def sampled(
    database_url: str,
    name: str,
    host: str,
    *,
    users: int,
    seconds: int,
    env: dict[str, str],
    workdir: Path,
    spawn_rate: float = 1,
) -> Result:
    """run_locust while a ConnectionSampler watches the database `name`."""
    sampler = ConnectionSampler(database_url, name)
    sampler.start()
    try:
        result = run_locust(host, users=users, seconds=seconds, env=env, workdir=workdir, spawn_rate=spawn_rate)
    finally:
        sampler.stop.set()
        sampler.join()
    result.connections = dict(sampler.seen)
    return result


# --- The demo database (in a child process with Django) -------------------------------------------
def prepare(people: int, partners: int) -> None:
    """Migrate, reference data, seed_demo (kept when people exist) and one partner token per
    client; prints the tokens as JSON on the last line."""
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    from django.core.management import call_command

    from accounts.models import Organisation, User
    from referrals.partner.tokens import token_issue

    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_reference", verbosity=0)
    call_command("seed_demo", people=people, if_empty=True)
    admin, partner = User.objects.get(username="admin"), Organisation.objects.get(code="vfi")
    tokens = [token_issue(actor=admin, organisation=partner, name=f"load {n}")[1] for n in range(partners)]
    print(json.dumps(tokens))


def build(database_url: str, name: str, people: int, partners: int) -> list[str]:
    import psycopg

    with psycopg.connect(with_database(database_url, "postgres"), autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DATABASE_URL": database_url}
    command = [sys.executable, __file__, "--prepare", "--people", str(people), "--partners", str(partners)]
    output = subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True, text=True).stdout
    return list(json.loads(output.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--minutes", type=float, default=3, help="the mixed day's length (10 for the full run)")
    parser.add_argument("--scale", type=float, default=1, help="multiplies the mix (1: 50/10/5/3)")
    parser.add_argument("--step-seconds", type=int, default=60, help="each step of the ramp (0: no ramp)")
    parser.add_argument("--max-steps", type=int, default=6)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=8, help="threads per gunicorn worker")
    parser.add_argument("--pool", type=int, default=20, help="PgBouncer server connections")
    parser.add_argument("--json", action="store_true", help="also the rows of `pathway bench`, as JSON, last")
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--partners", type=int, default=MIX["partner clients"], help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.prepare:
        prepare(options.people, options.partners)
        return
    name = urlsplit(os.environ["DATABASE_URL"]).path.strip("/") + "_load"
    database_url = with_database(os.environ["DATABASE_URL"], name)
    print(f"{platform.node()}: {os.cpu_count()} CPUs, {platform.platform()}; {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print("load average before:", os.getloadavg())
    tokens = build(database_url, name, options.people, options.partners)
    env = {
        "DEBUG": "0",
        "DB_CONN_MAX_AGE": "0",  # a connection per request: PgBouncer keeps the server's
        "AXES_ENABLED": "0",  # every simulated person signs in from 127.0.0.1
        "LOGIN_RATE_PER_ADDRESS": "100000/min",
        "LOG_LEVEL": "WARNING",
        "LOAD_PARTNER_TOKENS": ",".join(tokens),
    }
    users = round(sum(MIX.values()) * options.scale)
    with tempfile.TemporaryDirectory() as scratch, ExitStack() as running:
        workdir = Path(scratch)
        pooled = running.enter_context(pgbouncer(database_url, workdir, options.pool))
        host = running.enter_context(
            stack(pooled or database_url, env, workers=options.workers, threads=options.threads)
        )
        seconds = round(options.minutes * 60)
        day = sampled(database_url, name, host, users=users, seconds=seconds, env=env, workdir=workdir)
        report(day, seconds)
        print("load average after the day:", os.getloadavg())
        steps: list[Result] = []
        ramp = max(len(MIX), users // 8)
        while options.step_seconds and len(steps) < options.max_steps and (not steps or steps[-1].p95 <= P95_LIMIT_MS):
            # Everyone of a step arrives in its first quarter: at one person a second, a 60 s step
            # never held more than 60 people, whatever its size (7 December 2026: 128 and 256
            # "people" ran at the throughput of 64).
            arrivals = max(1.0, ramp / (options.step_seconds / 4))
            step = sampled(
                database_url,
                name,
                host,
                users=ramp,
                seconds=options.step_seconds,
                env=env,
                workdir=workdir,
                spawn_rate=arrivals,
            )
            report(step, options.step_seconds)
            steps.append(step)
            ramp *= 2
        print("\nramp (users: aggregate p95 ms, req/s, failures):")
        for step in steps:
            print(f"  {step.users}: {step.p95:.0f}, {float(step.total['Requests/s']):.1f}, {step.failures}")
        print("load average after:", os.getloadavg())
        if options.json:
            print(json.dumps(rows(day, steps)))


def rows(day: Result, steps: list[Result]) -> list[list[object]]:
    """`pathway bench`'s rows: p50 and p95 of each request type in the mixed day, its
    throughput and failures, and each ramp step's aggregate p95 beside the 1 s limit."""
    scenario = f"mixed day, {day.users} users"
    table: list[list[object]] = [
        [scenario, row["Name"], number(row["50%"]), None, number(row["95%"]), "ms"] for row in day.rows
    ]
    table.append([scenario, "throughput", float(day.total["Requests/s"]), None, None, "req/s"])
    table.append([scenario, "failures", float(day.failures), None, None, "requests"])
    for step in steps:
        table.append(
            [f"ramp, {step.users} users", "aggregate p95 (floor: the limit)", step.p95, P95_LIMIT_MS, None, "ms"]
        )
    return table


def number(cell: str) -> float:
    return float(cell) if cell not in {"", "N/A"} else 0.0


if __name__ == "__main__":
    main()
