"""Latency of the case API on a large synthetic data set, through a real gunicorn.

Run by hand (see docs/performance.md), against a database filled by `seed_demo`:

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/pathway_bench \\
        .venv/bin/python bench/bench_case_list.py --requests 300

It starts gunicorn (DEBUG off, 2 workers) on a free local port, signs in the demo users by
creating their sessions directly, sends requests one at a time and prints p50/p95/p99 per
scenario, plus the number of SQL queries each scenario runs (from an in-process replay).
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def session_cookie(username: str) -> str:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from accounts.models import User

    user = User.objects.get(username=username)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(base: str, path: str, cookie: str, count: int) -> list[float]:
    timings = []
    for _ in range(count):
        request = urllib.request.Request(base + path, headers={"Cookie": cookie, "Accept": "application/json"})
        started = time.perf_counter()
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()
            assert response.status == 200, response.status
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def query_count(path: str, username: str) -> int:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path, HTTP_ACCEPT="application/json").status_code == 200
    return len(queries.captured_queries)


WORKERS = 2  # gunicorn workers: one a core of this machine kind


@contextmanager
def gunicorn() -> Iterator[str]:
    """The production server (DEBUG off, WORKERS workers) on a free port; yields its base URL."""
    port = free_port()
    env = {**os.environ, "DEBUG": "0", "ALLOWED_HOSTS": "127.0.0.1", "LOG_LEVEL": "WARNING"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()

    import django

    django.setup()
    from casework.models import Case, Person

    with gunicorn() as base:
        sample = Case.objects.filter(owner__code="mlsw-vt").select_related("person").first()
        scenarios = [
            ("manager", "case list, page 1", "/api/v1/cases/"),
            ("manager", "case list, page 100", "/api/v1/cases/?page=100"),
            ("manager", "case list, filtered", "/api/v1/cases/?status=active&category=trafficking&child=true"),
            ("manager", "case list, search by code", f"/api/v1/cases/?search={sample.person.case_code}"),
            ("manager", "case detail", f"/api/v1/cases/{sample.pk}/"),
            ("social.worker", "case list, own office", "/api/v1/cases/"),
        ]
        print(f"people={Person.objects.count()} cases={Case.objects.count()} requests/scenario={args.requests}")
        print(f"{'user':<14} {'scenario':<28} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'queries':>8}")
        for username, label, path in scenarios:
            cookie = session_cookie(username)
            measure(base, path, cookie, 5)  # warm up connections and caches
            timings = measure(base, path, cookie, args.requests)
            print(
                f"{username:<14} {label:<28} {statistics.median(timings):8.1f} {percentile(timings, 0.95):8.1f} "
                f"{percentile(timings, 0.99):8.1f} {query_count(path, username):8d}"
            )


if __name__ == "__main__":
    main()
