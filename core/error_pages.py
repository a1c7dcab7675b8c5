"""What a client gets when the server fails. A database that does not answer (restarting, failing
over, out of connections) is a 503 with Retry-After: the client, the proxy or the partner's
script should simply retry, and the next request reconnects (CONN_HEALTH_CHECKS). Anything else
is a plain 500. A request refused before it reaches a view (a body over
DATA_UPLOAD_MAX_MEMORY_SIZE: 413; too many form fields and other suspicious requests: 400) gets
the same answer. None of these pages needs the database or the base template's context processors;
on /api/ they are the API's JSON error shape."""

from __future__ import annotations

import sys

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import DataError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from core.sizes import file_size

RETRY_AFTER_SECONDS = 5


def database_unavailable(error: BaseException | None) -> bool:
    return isinstance(error, OperationalError | InterfaceError)


def nul_character_sent(error: BaseException | None) -> bool:
    """A NUL character in text that reached the database (a lookup by a code, a search, a
    nested JSON value): PostgreSQL cannot store one, and psycopg refuses it before sending
    anything. The client sent it, so the API answers 400 (nul_message), not 500; page
    forms refuse a NUL in their fields before any query (tests/test_form_fuzz.py)."""
    return isinstance(error, DataError) and "NUL (0x00)" in str(error)


def nul_message() -> str:
    return _("Text cannot contain NUL (0x00) characters.")


def unavailable_message() -> str:
    return _("The database is not answering at the moment. Please try again in a few seconds.")


def refused_request(error: BaseException | None) -> tuple[int, str, str]:
    """(status, code, message) for a request Django refuses as malformed or too large."""
    if isinstance(error, RequestDataTooBig):
        limit = file_size(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        return 413, "too_large", _("The request is too large: send at most %(limit)s.") % {"limit": limit}
    return 400, "bad_request", _("The request could not be read.")


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Django's handler400: a SuspiciousOperation raised outside a view (middleware reading a
    form body, a bad Host header)."""
    return _answer(request, *refused_request(exception))


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's handler500: called while the failing request's exception is being handled."""
    if database_unavailable(sys.exc_info()[1]):
        status, code, message = 503, "database_unavailable", unavailable_message()
    else:
        status, code, message = 500, "server_error", _("Something went wrong on our side. It has been logged.")
    return _answer(request, status, code, message)


def _answer(request: HttpRequest, status: int, code: str, message: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": message, "code": code, "errors": {}}, status=status)
    else:
        response = HttpResponse(render_to_string("error.html", {"status": status, "message": message}), status=status)
    if status == 503:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
