"""One JSON error shape for every API answer that is not a success:

    {"detail": "<message>", "code": "<code>", "errors": {"field": ["message", ...]}}

Service errors (core.errors) map to their status; Django's own ValidationError to 400; a body
too large to read to 413; a database refusal of a double booking or a duplicate to 409 and of a
check constraint to 400, with the message on the field (core.constraints), never the
constraint's name; a database that does not answer to 503 with Retry-After. Nothing a client
sends becomes a 500.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.constraints import database_refusal_errors
from core.error_pages import (
    RETRY_AFTER_SECONDS,
    database_unavailable,
    nul_character_sent,
    nul_message,
    refused_request,
    unavailable_message,
)
from core.errors import ApplicationError

# SQLSTATEs a client can provoke by racing another client: exclusion (double booking) and
# unique violations. Anything else stays a server error, which it is.
CONFLICT_SQLSTATES = {
    "23P01": _("This conflicts with an existing record (double booking)."),
    "23505": _("This record already exists."),
}


CHECK_VIOLATION = "23514"  # a check constraint: named in the diagnostics, answered on its field


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ApplicationError):
        return _error(exc.status_code, exc.message, exc.code, exc.fields)
    if isinstance(exc, DjangoValidationError):
        fields = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return _error(400, _("Please correct the errors below."), "invalid", fields)
    if isinstance(exc, SuspiciousOperation):  # a body over DATA_UPLOAD_MAX_MEMORY_SIZE (413), too many fields
        status_code, code, message = refused_request(exc)
        return _error(status_code, message, code, {})
    if nul_character_sent(exc):
        return _error(400, nul_message(), "invalid", {})
    if database_unavailable(exc):
        unavailable = _error(status.HTTP_503_SERVICE_UNAVAILABLE, unavailable_message(), "database_unavailable", {})
        unavailable["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return unavailable
    if isinstance(exc, IntegrityError):
        sqlstate = getattr(exc.__cause__, "sqlstate", None)
        fields = database_refusal_errors(getattr(getattr(exc.__cause__, "diag", None), "constraint_name", None))
        if sqlstate in CONFLICT_SQLSTATES:
            return _error(status.HTTP_409_CONFLICT, str(CONFLICT_SQLSTATES[sqlstate]), "conflict", fields)
        if sqlstate == CHECK_VIOLATION and fields:
            return _error(400, _("Please correct the errors below."), "invalid", fields)
        return None
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found."))
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        data = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        response.data = {"detail": _("Please correct the errors below."), "code": "invalid", "errors": data}
    elif isinstance(exc, exceptions.APIException):
        response.data = {
            "detail": str(exc.detail),
            "code": exc.get_codes() if isinstance(exc.get_codes(), str) else "error",
            "errors": {},
        }
    return response


def _error(status_code: int, message: str, code: str, fields: dict[str, Any]) -> Response:
    return Response({"detail": message, "code": code, "errors": fields}, status=status_code)
