"""`Idempotency-Key` on every state-changing partner call.

A partner that sends a change and loses the answer (timeout, dropped connection) retries with
the same key; it must not acknowledge twice or add a note twice. So:

1. The first call *claims* the key by inserting an `IdempotencyRecord`, then makes the change,
   then stores the answer (status and body) in the record, all in one transaction: either the
   change and its stored answer are both committed, or neither is.
2. A retry with the same key and the same request (method, path and JSON body) gets the stored
   answer again, marked with `Idempotent-Replayed: true`, and changes nothing.
3. The same key with a different request is a client bug: 422, nothing happens.
4. Two identical requests at once: the second one's INSERT waits on the unique index until the
   first commits, then fails, and the second request replays the first one's answer. The unique
   constraint decides, not a check in Python.

A call that fails (400/404/409...) rolled back its claim with everything else: it changed
nothing, so nothing is stored, and a retry with the same key runs again. Keys are scoped to the
organisation, so a partner rotating tokens can retry with the new token.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.request import Request
from rest_framework.response import Response

from core.errors import ApplicationError
from referrals.models import IdempotencyRecord

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
KEY_PATTERN = r"^[!-~]{1,100}$"  # 1 to 100 visible ASCII characters (a UUID is a good key)
_KEY_RE = re.compile(KEY_PATTERN)


class IdempotencyKeyReused(ApplicationError):
    """The key was already used for a different request (HTTP 422)."""

    status_code = 422
    code = "idempotency_key_reused"


class _KeyTaken(Exception):
    """Another request committed this key while ours was running."""


def read_key(request: Request) -> str:
    key = request.headers.get(HEADER)
    if key is None:
        raise ApplicationError(
            _("Send an Idempotency-Key header with every change, and the same key when you retry it."),
            fields={HEADER: [_("This header is required.")]},
        )
    if not _KEY_RE.match(key):
        raise ApplicationError(
            _("Please correct the errors below."),
            fields={HEADER: [_("Use 1 to 100 visible ASCII characters, for example a UUID.")]},
        )
    return key


def request_digest(request: Request) -> str:
    """What makes two requests "the same": method, path and the JSON body, with keys sorted so
    that a client that re-serialises the body in another order is not refused."""
    body = json.dumps(request.data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def run_idempotent(request: Request, *, organisation_id: Any, perform: Callable[[], tuple[int, Any]]) -> Response:
    """Run `perform` (which makes the change and returns the status and JSON body of the answer)
    at most once per key of the organisation."""
    key = read_key(request)
    digest = request_digest(request)
    existing = IdempotencyRecord.objects.filter(organisation_id=organisation_id, key=key).first()
    if existing is not None:
        return _replay(existing, digest)
    try:
        with transaction.atomic():
            try:
                record = IdempotencyRecord.objects.create(
                    organisation_id=organisation_id, key=key, request_digest=digest, status_code=0, body={}
                )
            except IntegrityError as error:
                raise _KeyTaken from error
            status_code, body = perform()
            record.status_code, record.body = status_code, body
            record.save(update_fields=["status_code", "body"])
    except _KeyTaken:
        return _replay(IdempotencyRecord.objects.get(organisation_id=organisation_id, key=key), digest)
    return Response(body, status=status_code)


def _replay(record: IdempotencyRecord, digest: str) -> Response:
    if record.request_digest != digest:
        raise IdempotencyKeyReused(
            _(
                "This Idempotency-Key was already used for a different request. Use a new key for "
                "every new change, and the same key only to retry the same change."
            ),
            fields={HEADER: [_("Already used for a different request.")]},
        )
    return Response(record.body, status=record.status_code, headers={REPLAYED_HEADER: "true"})


def idempotency_purge(*, older_than: timedelta = timedelta(days=30)) -> int:
    """Forget answers older than `older_than` (retries come within minutes; a daily task may
    call this). Returns how many were deleted."""
    deleted, _by_model = IdempotencyRecord.objects.filter(created_at__lt=timezone.now() - older_than).delete()
    return deleted
