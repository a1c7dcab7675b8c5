"""The follow-up cadence: monitoring visits a number of calendar months after reintegration
(1, 3, 6 and 12 by default, docs/design/domain.md). Pure date arithmetic and validation, shared by the
model, the forms, the services and the demo generator.

Calendar months, not 30-day steps: a return home on 15 March is visited on 15 April, 15 June...
A day the month lacks falls on its last day (31 January + 1 month = 28 or 29 February)."""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Sequence
from datetime import date
from itertools import pairwise
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

MIN_MONTH, MAX_MONTH = 1, 60
EXAMPLE = "1, 3, 6, 12"


def add_months(start: date, months: int) -> date:
    """`start` moved by whole calendar months, kept on the month's last day when it is shorter."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def visit_dates(months: Iterable[int], start: date) -> list[date]:
    """The visit dates of a cadence counted from the day of reintegration."""
    return [add_months(start, month) for month in months]


def validate_months(months: Sequence[Any]) -> None:
    """Whole months from 1 to 60, at least one, ascending without repeats (as a person reads a
    schedule; a typing slip such as "1, 3, 3, 12" is refused, not silently fixed)."""
    if not months:
        raise ValidationError(
            _("Give at least one month, e.g. %(example)s."), code="empty", params={"example": EXAMPLE}
        )
    if any(isinstance(month, bool) or not isinstance(month, int) for month in months):
        raise ValidationError(
            _("Give whole months separated by commas, e.g. %(example)s."), code="invalid", params={"example": EXAMPLE}
        )
    if any(not MIN_MONTH <= month <= MAX_MONTH for month in months):
        raise ValidationError(
            _("Each month must be from %(min)s to %(max)s."),
            code="out_of_range",
            params={"min": MIN_MONTH, "max": MAX_MONTH},
        )
    if any(later <= earlier for earlier, later in pairwise(months)):
        raise ValidationError(
            _("List the months from the first to the last, each once, e.g. %(example)s."),
            code="not_ascending",
            params={"example": EXAMPLE},
        )


def _months_help() -> str:
    return _("Months after the return home, separated by commas, e.g. %s.") % EXAMPLE


class MonthsField(forms.CharField):
    """The cadence typed as "1, 3, 6, 12" (commas or spaces), cleaned to a list of ints."""

    default_error_messages = {
        "invalid": _("Give whole months separated by commas, e.g. %(example)s."),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Visits, in months after reintegration"))
        # Formatted when shown, in the reader's language (a lazy string's % would translate it
        # once, in English, when the form class is defined).
        kwargs.setdefault("help_text", lazy(_months_help, str)())
        kwargs.setdefault("max_length", 200)
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return ", ".join(str(month) for month in value)
        return value

    def to_python(self, value: Any) -> list[int] | None:  # type: ignore[override]
        if isinstance(value, list | tuple):
            return list(value)
        text = super().to_python(value)
        if not text:
            return None
        parts = [part for part in re.split(r"[\s,]+", text) if part]
        if not all(part.isascii() and part.isdigit() for part in parts):
            raise ValidationError(self.error_messages["invalid"], code="invalid", params={"example": EXAMPLE})
        return [int(part) for part in parts]

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is not None:
            validate_months(value)
