"""Latency and throughput of the partner list endpoint (/api/v1/partner/referrals/) under
concurrent clients, against a bare DRF list view over the same rows, through a real gunicorn.

Run by hand against the data set of bench/bench_referrals_generated.py (see docs/performance.md):

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/pathway_bench_referrals \\
        .venv/bin/python bench/bench_partner_list.py

It starts gunicorn (DEBUG off, --workers as in the Dockerfile) on a free local port with
bench/partner_bench_settings.py: the real app plus the bare view at /api/bench/bare-referrals/
(ListAPIView + ModelSerializer + CursorPagination by change_seq, 100 a page; see
bench/partner_bench_urls.py). Both use the same partner token (issued here through the token
service), so both pay the same one-query authentication; only the partner endpoint checks
consent, builds the disclosure, counts the token's quota and writes the audit rows.

For each endpoint, in the same run and in the same order of phases (--rounds times, the
endpoints taking turns to go first, so that neither always meets the cold cache):
  1 client   one client walks --single pages from a random point (latency without queueing);
  walk       --clients clients walk the partner's whole list once between them, each its own
             slice of the change stream, following `next`: every page must hold 100 referrals
             until the stream ends, no referral may come twice, and together they must see
             exactly the referrals the database has for the partner;
  since      each client makes --pulls first pulls with `updated_since` (a moment in the last
             90 days) and follows `next` for up to --since-pages pages.
Prints p50/p95/p99 and requests/s per phase and endpoint, the ratio partner/bare, the SQL
queries of one page of each (replayed in this process), the machine and the load average.
Timings are the client's: with more clients than cores they include the wait in gunicorn's
queue. Sends traffic to 127.0.0.1 only; every loop is bounded.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import random
import shlex
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SETTINGS = "bench.partner_bench_settings"
os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,testserver")
PARTNER_PATH = "/api/v1/partner/referrals/"
BARE_PATH = "/api/bench/bare-referrals/"
PAGE = 100


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


@dataclass
class Endpoint:
    """How to ask one endpoint for the page after change_seq `after` and read its answer."""

    name: str
    path: str

    def first(self, after: int | None, since: str | None) -> str:
        query: dict[str, str] = {}
        if since is not None:
            query["updated_since"] = since
        if after is not None:
            if self.path == PARTNER_PATH:
                query["after"] = str(after)
            else:  # DRF's cursor: the position, base64 of a query string
                query["cursor"] = base64.b64encode(f"p={after}".encode()).decode()
        return self.path + ("?" + urllib.parse.urlencode(query) if query else "")

    @staticmethod
    def read(body: dict[str, Any]) -> tuple[list[dict[str, Any]], str | None]:
        return body["results"], body["next"]


@dataclass
class Client:
    """One client's keep-alive connection (re-opened whenever gunicorn closes it) and timings."""

    port: int
    token: str
    timings: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)

    def get(self, url: str) -> dict[str, Any]:
        target = urllib.parse.urlsplit(url)
        path = target.path + ("?" + target.query if target.query else "")
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}
        started = time.perf_counter()
        try:
            self.connection.request("GET", path, headers=headers)
            response = self.connection.getresponse()
            body = response.read()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            self.connection.close()  # a kept-alive connection closed by the server: once more
            self.connection.request("GET", path, headers=headers)
            response = self.connection.getresponse()
            body = response.read()
        self.timings.append((time.perf_counter() - started) * 1000)
        if response.status != 200:
            raise AssertionError(f"{path}: HTTP {response.status} {body[:300]!r}")
        return json.loads(body)  # type: ignore[no-any-return]

    def walk(
        self, endpoint: Endpoint, after: int | None, until: int | None, pages: int, since: str | None = None
    ) -> list[dict[str, Any]]:
        """Follow `next` from the page after `after` for at most `pages` pages, or until a
        referral past `until` appears; the referrals seen (up to `until`)."""
        seen: list[dict[str, Any]] = []
        url: str | None = endpoint.first(after, since)
        for _ in range(pages):
            if url is None:
                break
            results, url = endpoint.read(self.get(url))
            if url is not None and len(results) != PAGE:
                raise AssertionError(f"{endpoint.name}: a page with more to come holds {len(results)}, not {PAGE}")
            seqs = [row["change_seq"] for row in results]
            if seqs != sorted(seqs) or (seen and seqs and seqs[0] <= seen[-1]["change_seq"]):
                raise AssertionError(f"{endpoint.name}: pages out of stream order")
            if until is not None and seqs and seqs[-1] > until:
                seen += [row for row in results if row["change_seq"] <= until]
                break
            seen += results
        return seen


def run_clients(
    count: int, work: Callable[[int, Client], Any], port: int, token: str
) -> tuple[list[Client], list[Any], float]:
    clients = [Client(port, token) for _ in range(count)]
    results: list[Any] = [None] * count
    errors: list[BaseException] = []

    def run(n: int) -> None:
        try:
            results[n] = work(n, clients[n])
        except BaseException as error:  # reported below, after every thread ended
            errors.append(error)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise errors[0]
    return clients, results, elapsed


@dataclass
class Phase:
    timings: list[float]
    seconds: float

    def row(self) -> tuple[int, float, float, float, float]:
        t = self.timings
        return len(t), statistics.median(t), percentile(t, 0.95), percentile(t, 0.99), len(t) / self.seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--partner", default="vfi", help="the organisation whose token the clients use")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (the Dockerfile runs 3)")
    parser.add_argument("--single", type=int, default=100, help="pages the lone client walks")
    parser.add_argument("--walk-pages", type=int, default=0, help="pages per client at most (0: its whole slice)")
    parser.add_argument("--pulls", type=int, default=5, help="updated_since pulls per client")
    parser.add_argument("--since-pages", type=int, default=5, help="pages followed per updated_since pull")
    parser.add_argument("--rounds", type=int, default=2, help="every phase this often, endpoints in turn first")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection

    from accounts.models import Organisation, User
    from referrals.partner.tokens import token_issue

    rng = random.Random(args.seed)
    organisation = Organisation.objects.get(code=args.partner)
    manager = User.objects.get(username=f"demo.{args.partner}.manager")
    token, plaintext = token_issue(actor=manager, organisation=organisation, name="benchmark")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), min(change_seq), max(change_seq), "
            "percentile_disc(%s::float8[]) WITHIN GROUP (ORDER BY change_seq), max(updated_at) "
            "FROM referrals_referral WHERE to_organisation_id = %s AND status <> 'draft'",
            [[n / args.clients for n in range(1, args.clients)], organisation.pk],
        )
        visible, first_seq, last_seq, cuts, newest = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM referrals_referral")
        total = cursor.fetchone()[0]
    bounds = [first_seq - 1, *cuts, last_seq]  # client n walks (bounds[n], bounds[n + 1]]

    port = free_port()
    command = [
        sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}",
        "--workers", str(args.workers),
    ]  # fmt: skip
    env = {**os.environ, "DEBUG": "0", "LOG_LEVEL": "WARNING", "DJANGO_SETTINGS_MODULE": SETTINGS}
    print("command:", shlex.join([sys.executable, *sys.argv]))
    print(f"server:  DJANGO_SETTINGS_MODULE={SETTINGS} DEBUG=0 " + shlex.join(command[1:]))
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    print(f"machine: {os.cpu_count()} CPUs, {memory:.0f} GiB RAM, load average at start {os.getloadavg()}")
    print(
        f"data:    {connection.settings_dict['NAME']}: {total:,} referrals, {visible:,} sent to {args.partner} "
        f"(change_seq {first_seq:,}..{last_seq:,}, newest change {newest:%Y-%m-%d})"
    )
    print(f"clients: {args.clients} threads, keep-alive where gunicorn allows it; pages of {PAGE}\n")

    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    endpoints = [Endpoint("partner", PARTNER_PATH), Endpoint("bare DRF", BARE_PATH)]
    phases: dict[tuple[str, str], Phase] = {}
    try:
        probe = Client(port, plaintext)
        for _ in range(150):
            try:
                probe.get(BARE_PATH)
                break
            except (OSError, http.client.HTTPException):
                probe.connection.close()
                time.sleep(0.2)
        for endpoint in endpoints:  # warm up every worker on both
            run_clients(args.workers * 2, partial(warm_up, endpoint, rng, first_seq, last_seq), port, plaintext)
        start = rng.randint(first_seq, last_seq)
        sinces = [
            [(newest - timedelta(days=rng.uniform(1, 90))).isoformat() for _ in range(args.pulls)]
            for _ in range(args.clients)
        ]

        def record(key: tuple[str, str], clients: list[Client], seconds: float) -> None:
            timings = [t for c in clients for t in c.timings]
            if key in phases:
                timings, seconds = phases[key].timings + timings, phases[key].seconds + seconds
            phases[key] = Phase(timings, seconds)

        def measure(endpoint: Endpoint) -> None:
            label = endpoint.name
            print(f"{label}: 1 client ...", flush=True)
            clients, _r, seconds = run_clients(1, partial(walk_from, endpoint, start, args.single), port, plaintext)
            record((label, "1 client"), clients, seconds)

            print(f"{label}: walk, {args.clients} clients ...", flush=True)
            slices = partial(walk_slice, endpoint, bounds, args.walk_pages or 10**9)
            clients, walked, seconds = run_clients(args.clients, slices, port, plaintext)
            record((label, "walk"), clients, seconds)
            ids = [row["id"] for rows in walked for row in rows]
            if len(ids) != len(set(ids)):
                raise AssertionError(f"{label}: {len(ids) - len(set(ids))} referrals came twice in the walk")
            if not args.walk_pages and len(ids) != visible:
                raise AssertionError(f"{label}: the walk saw {len(ids):,} referrals, the database has {visible:,}")
            print(f"  {len(ids):,} referrals, none twice" + ("" if args.walk_pages else ", all of them"))

            print(f"{label}: updated_since, {args.clients} clients x {args.pulls} pulls ...", flush=True)
            pulls = partial(pull_since, endpoint, sinces, args.since_pages)
            clients, seen, seconds = run_clients(args.clients, pulls, port, plaintext)
            record((label, "since"), clients, seconds)
            print(f"  {sum(seen):,} referrals in {sum(len(c.timings) for c in clients):,} pages")

        for round_ in range(args.rounds):  # the second round in the other order: both find warm caches
            for endpoint in endpoints if round_ % 2 == 0 else endpoints[::-1]:
                measure(endpoint)
        load = os.getloadavg()
    finally:
        server.terminate()
        server.wait(timeout=30)

    print(f"\nload average at the end {load}\n")
    print(f"{'endpoint':<10} {'phase':<10} {'requests':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'req/s':>8}")
    for (label, phase), result in phases.items():
        count, p50, p95, p99, rate = result.row()
        print(f"{label:<10} {phase:<10} {count:>9,} {p50:8.1f} {p95:8.1f} {p99:8.1f} {rate:8.1f}")
    print(f"\n{'ratio partner / bare':<21} {'p50':>8} {'p95':>8} {'req/s':>8}")
    for phase in ("1 client", "walk", "since"):
        mine, bare = phases[("partner", phase)].row(), phases[("bare DRF", phase)].row()
        print(f"{phase:<21} {mine[1] / bare[1]:8.2f} {mine[2] / bare[2]:8.2f} {mine[4] / bare[4]:8.2f}")
    print(f"\naudit rows written by this run's partner pages: {audit_rows(token.prefix):,}")
    partner_queries, bare_queries = query_count(PARTNER_PATH, plaintext), query_count(BARE_PATH, plaintext)
    print(f"SQL queries of one page: partner {partner_queries}, bare {bare_queries}")


def warm_up(endpoint: Endpoint, rng: random.Random, first: int, last: int, n: int, client: Client) -> None:
    client.walk(endpoint, rng.randint(first, last), None, 3)


def walk_from(endpoint: Endpoint, start: int, pages: int, n: int, client: Client) -> list[dict[str, Any]]:
    return client.walk(endpoint, start, None, pages)


def walk_slice(endpoint: Endpoint, bounds: list[int], pages: int, n: int, client: Client) -> list[dict[str, Any]]:
    """Client n's slice of the stream: (bounds[n], bounds[n + 1]]."""
    return client.walk(endpoint, bounds[n], bounds[n + 1], pages)


def pull_since(endpoint: Endpoint, sinces: list[list[str]], pages: int, n: int, client: Client) -> int:
    """Client n's first pulls by time; no referral may come twice within one."""
    seen = 0
    for since in sinces[n]:
        rows = client.walk(endpoint, None, None, pages, since=since)
        if len({row["id"] for row in rows}) != len(rows):
            raise AssertionError(f"{endpoint.name}: a referral came twice in an updated_since pull")
        seen += len(rows)
    return seen


def query_count(path: str, token: str) -> int:
    from django.db import connection
    from django.test import Client as TestClient
    from django.test.utils import CaptureQueriesContext

    client = TestClient(HTTP_AUTHORIZATION=f"Bearer {token}")
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path, HTTP_ACCEPT="application/json").status_code == 200
    return len(queries.captured_queries)


def audit_rows(prefix: str) -> int:
    from accounts.models import AuditEvent

    return AuditEvent.objects.filter(reason=f"partner token {prefix}").count()


if __name__ == "__main__":
    main()
