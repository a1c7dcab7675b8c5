"""Checks of input every service shares."""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.errors import ApplicationError


def required_text(value: str | None, *, field: str, message: str) -> str:
    """The text without surrounding blanks; refuse a blank reason, note or purpose (400 naming
    the field): every refusal, transfer, closure and withdrawal must say why."""
    value = (value or "").strip()
    if not value:
        raise ApplicationError(message, fields={field: [_("This field is required.")]})
    return value
