"""Heavy reads off the primary: reports, statistics and exports read from a streaming replica
when `REPLICA_DATABASE_URL` is set (docs/deployment.md, "A read replica").

Nothing reads from the replica unless a view asks for it with `replica_reads` (the report,
statistics and export views do, through `shelters.views.aggregates_only`); everything else, and
every write, goes to the primary. Inside a replica block the router still sends to the primary:
- every write (the audit row of an export, the session) and every migration;
- every read while the replica does not answer (a warning is logged);
- every read inside a transaction on the primary (a service that reads before it writes);
- every read of a browser that has just written: a write request (POST, PUT, PATCH, DELETE)
  sets a short-lived cookie, and while it is there the same browser reads from the primary, so
  a page that has just written reads its own write even when the replica lags behind.
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Protocol

from django.conf import settings
from django.db import DatabaseError, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)

REPLICA = "replica"
PRIMARY = "default"
PIN_COOKIE = "pathway_primary"


class _Request(Protocol):  # a Django HttpRequest or a DRF Request
    method: str | None
    COOKIES: dict[str, str]


_reading_from_replica: contextvars.ContextVar[bool] = contextvars.ContextVar("pathway_replica_reads", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def pinned_to_primary(request: _Request) -> bool:
    """Whether this browser wrote a moment ago (or is writing now): it then reads the primary."""
    return request.method not in ("GET", "HEAD", "OPTIONS") or PIN_COOKIE in request.COOKIES


@contextmanager
def replica_reads(request: _Request | None = None) -> Iterator[bool]:
    """Send this block's reads to the replica, if there is one and `request` has not just
    written; yields whether they go there."""
    use = replica_configured() and not (request is not None and pinned_to_primary(request))
    if use:
        try:
            connections[REPLICA].ensure_connection()
        except DatabaseError:  # a report is slower on the primary, never refused for the replica
            logger.warning("the read replica does not answer; reading from the primary")
            use = False
    token = _reading_from_replica.set(use)
    try:
        yield use
    finally:
        _reading_from_replica.reset(token)


def read_alias() -> str:
    """Where a read goes now: the replica inside a replica block, unless the primary is in a
    transaction (a service reading before it writes)."""
    return REPLICA if _reading_from_replica.get() and not connections[PRIMARY].in_atomic_block else PRIMARY


def read_connection() -> BaseDatabaseWrapper:
    """The connection for a report's own SQL (the ORM finds it through the router)."""
    return connections[read_alias()]


class ReplicaRouter:
    """Reads in a `replica_reads` block from the replica; everything else to the primary."""

    def db_for_read(self, model: Any, **hints: Any) -> str:
        return read_alias()

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return PRIMARY

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # one database, two copies of it

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == PRIMARY


class PinAfterWriteMiddleware:
    """After a write request, the browser reads from the primary for REPLICA_PIN_SECONDS (the
    replica's lag, with a wide margin): it sees what it has just written."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if replica_configured() and request.method not in ("GET", "HEAD", "OPTIONS"):
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=settings.REPLICA_PIN_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response
