"""Building blocks of data protection that every app holding personal data uses: clearing
fields of a set of rows *and* of their row history (django-pghistory keeps a copy of every
version, so clearing only the live row would leave the values in the history tables), and
turning a row into plain JSON for a subject access export.

Everything goes through model fields (QuerySet.update, field values), never raw SQL on named
columns, so a field that is encrypted at rest is cleared and read through its own field class.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from functools import cache
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import Q, Value
from pghistory.models import Event

from core.fields import concrete_field

# What a cleared free-text field says instead (several constraints require a reason to be present).
REDACTED = "[anonymised]"


@cache
def history_models(model: type[models.Model]) -> tuple[type[models.Model], ...]:
    """The pghistory event models that copy rows of `model` (none for an untracked model)."""
    return tuple(
        candidate
        for candidate in apps.get_models()
        if issubclass(candidate, Event) and candidate.pgh_tracked_model is model
    )


def cleared_values(model: type[models.Model], blank: Iterable[str] = (), redact: Iterable[str] = ()) -> dict[str, Any]:
    """UPDATE values: `blank` fields become NULL (nullable) or empty; `redact` text fields become
    REDACTED where they held something and stay empty where they were empty."""
    values: dict[str, Any] = {}
    for name in blank:
        values[name] = None if concrete_field(model, name).null else ""
    for name in redact:
        values[name] = models.Case(
            models.When(Q(**{f"{name}__isnull": True}) | Q(**{name: ""}), then=models.F(name)),
            default=Value(REDACTED),
            output_field=concrete_field(model, name),
        )
    return values


def clear(
    queryset: models.QuerySet[Any], *, blank: Iterable[str] = (), redact: Iterable[str] = (), **values: Any
) -> int:
    """Clear fields of the rows of `queryset` and of every history row of those rows (the
    trigger-written row of this very UPDATE included). Returns the number of live rows."""
    model: type[models.Model] = queryset.model
    blank, redact = tuple(blank), tuple(redact)
    ids = list(queryset.values_list("pk", flat=True))
    if not ids:
        return 0
    changed = model._default_manager.filter(pk__in=ids).update(**cleared_values(model, blank, redact), **values)
    for history in history_models(model):
        present = {f.name for f in history._meta.get_fields()}
        kept_blank = [name for name in blank if name in present]
        kept_redact = [name for name in redact if name in present]
        kept_values = {name: value for name, value in values.items() if name in present}
        if kept_blank or kept_redact or kept_values:
            history._default_manager.filter(pgh_obj_id__in=ids).update(
                **cleared_values(history, kept_blank, kept_redact), **kept_values
            )
    return changed


def generalised_birth_date(born: date, kept_ages_on: Iterable[date]) -> date:
    """The earliest date of the birth year that gives the same age in whole years on every date
    of `kept_ages_on` (the person's identification dates): statistics that compute an age on
    those dates are unchanged, while the day of birth is gone."""
    born_md = (born.month, born.day)
    start = date(born.year, 1, 1)
    for on in kept_ages_on:
        on_md = (on.month, on.day)
        if on_md < born_md:  # born after that day of the year: stay after it too
            day_after = date(born.year, 3, 1) if on_md == (2, 29) else date(born.year, *on_md) + timedelta(days=1)
            start = max(start, day_after)
    return start


def as_record(obj: models.Model, exclude: Iterable[str] = ()) -> dict[str, Any]:
    """A row as {field: value} for an export: every concrete field (foreign keys as their id)."""
    skip = set(exclude)
    return {
        field.name: field.value_from_object(obj)
        for field in obj._meta.concrete_fields
        if field.name not in skip and field.attname not in skip
    }
