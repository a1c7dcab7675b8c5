"""Start real project processes (Celery workers, one-off Django scripts) against the test
database and the real broker."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any
from urllib import request as urllib_request
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def test_database_url() -> str:
    """DATABASE_URL with the database name swapped for the test database pytest-django made."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + connection.settings_dict["NAME"]))


def server_params(database: str) -> dict[str, str]:
    """libpq parameters for `database` on the test server, for tools that open their own
    connection (psycopg, pg_dump). The host is HOST, or the socket directory that the embedded
    server's URL passes as `?host=` (which Django keeps in OPTIONS, leaving HOST empty)."""
    settings = connection.settings_dict
    options = settings.get("OPTIONS", {})
    params = {
        "host": settings["HOST"] or options.get("host", ""),
        "port": str(settings["PORT"] or options.get("port", "")),
        "user": settings["USER"],
        "password": settings["PASSWORD"],
        "dbname": database,
    }
    return {name: value for name, value in params.items() if value}


def project_env(**overrides: str) -> dict[str, str]:
    return {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DATABASE_URL": test_database_url(), **overrides}


@contextmanager
def celery_worker(
    *, queue: str | None = None, concurrency: int = 1, name: str = "", **environment: str
) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """A real `celery worker` subprocess consuming a queue private to this test (`environment`
    on top of the test's)."""
    queue = queue or f"test-{uuid.uuid4().hex[:8]}"
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        "--loglevel",
        "WARNING",
        "--queues",
        queue,
        "--concurrency",
        str(concurrency),
        "--hostname",
        f"{name or queue}@%h",
        "--without-gossip",
        "--without-mingle",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=project_env(**environment), start_new_session=True)
    try:
        yield process, queue
    finally:
        _stop(process)


@contextmanager
def celery_beat(**environment: str) -> Iterator[subprocess.Popen[bytes]]:
    """A real `celery beat` subprocess with the project's database scheduler (exactly one beat,
    as in docker-compose.yml); it sends to Celery's default queue."""
    command = [sys.executable, "-m", "celery", "-A", "config", "beat", "--loglevel", "WARNING", "--pidfile="]
    process = subprocess.Popen(command, cwd=ROOT, env=project_env(**environment), start_new_session=True)
    try:
        yield process
    finally:
        _stop(process)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@contextmanager
def web_server(*, threads: int = 25, port: int = 0, workers: int = 2, **environment: str) -> Iterator[str]:
    """The production web server (gunicorn, threaded workers) on `port` (by default a free local
    one), against the test database (and `environment` on top); yields its base URL."""
    import socket
    import time

    if not port:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--backlog",
        "256",
        "--log-level",
        "warning",
    ]
    env = project_env(DEBUG="0", AXES_ENABLED="0", DB_CONN_MAX_AGE="0", **environment)
    process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                urllib_request.urlopen(f"{url}/healthz", timeout=1).read()  # noqa: S310 (local)
                break
            except OSError:
                time.sleep(0.1)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)


def signed_in_over_http(base_url: str, username: str, password: str) -> tuple[Any, CookieJar, str]:
    """An HTTP client with a real session and CSRF token, as a browser would have: the opener,
    its cookie jar and the CSRF token."""
    jar = CookieJar()
    opener = urllib_request.build_opener(urllib_request.HTTPCookieProcessor(jar))
    opener.open(f"{base_url}/accounts/login/").read()
    token = next(cookie.value for cookie in jar if cookie.name == "csrftoken")
    body = f"username={username}&password={password}&csrfmiddlewaretoken={token}".encode()
    login = urllib_request.Request(f"{base_url}/accounts/login/", data=body, headers={"Referer": base_url})  # noqa: S310
    opener.open(login).read()
    token = next(cookie.value for cookie in jar if cookie.name == "csrftoken")
    assert any(cookie.name == "sessionid" for cookie in jar), f"{username} could not sign in"
    return opener, jar, token


def wait_for(condition: Callable[[], Any], *, timeout: float = 90.0, what: str = "") -> Any:
    """Poll `condition` until it returns something true (a worker's or beat's effect), and fail
    the test after `timeout` seconds; generous, since CI machines are shared and loaded."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what or condition}")
