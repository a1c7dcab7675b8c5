"""Errors that services raise and every interface (API, pages, admin) turns into an answer.

Services never return error codes; they raise one of these with a message a social worker can
act on. The API maps them to 400/403/404/409 JSON (core.api.errors), pages to form errors.
"""

from __future__ import annotations

from django.utils.translation import gettext as _


class ApplicationError(Exception):
    """A request the rules refuse (HTTP 400). `fields` maps field names to messages."""

    status_code = 400
    code = "invalid"

    def __init__(self, message: str, *, fields: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class PermissionDenied(ApplicationError):
    """The caller may see the object but not do this to it (HTTP 403)."""

    status_code = 403
    code = "permission_denied"


class NotFound(ApplicationError):
    """Missing, or outside the caller's scope: the two are deliberately indistinguishable (404)."""

    status_code = 404
    code = "not_found"


class Conflict(ApplicationError):
    """Someone else changed the object first, or the database refused a double booking (409)."""

    status_code = 409
    code = "conflict"


def not_found(field: str) -> NotFound:
    """The one answer for a record named in `field` that is missing or that the caller may not
    use there: the same status, message and field message either way, so that a refusal never
    tells whether the record exists (core.api.fields.ScopedRelatedField)."""
    return NotFound(_("Not found."), fields={field: [_("Not found.")]})
