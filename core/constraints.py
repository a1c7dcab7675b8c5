"""Database constraints as field errors. A refusal names the field the client must correct and
says what is wrong, never the constraint's name (Django's default message for a check constraint
is "Constraint “person_birth_date_plausible” is violated.", and a database refusal carries the
name in its diagnostics). Used by the services' model validation and the API's error handler."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any

from django.apps import apps
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.constants import LOOKUP_SEP
from django.utils.translation import gettext as _

from core.fields import concrete_field


def _references(value: Any) -> Iterator[str]:
    """Field names an expression or condition mentions, in order."""
    if isinstance(value, Q):
        for child in value.children:
            if isinstance(child, tuple):
                yield child[0].split(LOOKUP_SEP)[0]
                yield from _references(child[1])
            else:
                yield from _references(child)
    elif isinstance(value, F):
        yield value.name.split(LOOKUP_SEP)[0]  # type: ignore[attr-defined]  # F.name: public, not in the stubs
    elif isinstance(value, str):
        return
    elif hasattr(value, "get_source_expressions"):
        for expression in value.get_source_expressions():
            yield from _references(expression)


def constraint_fields(model: type[models.Model], constraint: models.BaseConstraint) -> list[str]:
    """The model fields a constraint is about, in the model's field order."""
    named: list[str] = list(getattr(constraint, "fields", ()))
    named += list(_references(getattr(constraint, "condition", None)))
    for expression in getattr(constraint, "expressions", ()):
        expression = expression[0] if isinstance(expression, tuple) else expression
        named += [expression] if isinstance(expression, str) else list(_references(expression))
    fields = model._meta.concrete_fields
    canonical = {**{field.attname: field.name for field in fields}, **{field.name: field.name for field in fields}}
    order = {field.name: position for position, field in enumerate(fields)}
    known = {canonical[name] for name in named if name in canonical}
    return sorted(known, key=order.__getitem__)


def constraint_error(model: type[models.Model], constraint: models.BaseConstraint) -> tuple[str, str]:
    """(field, message) for a violated constraint: the field is the last of the fields it is
    about (the end of a range, the reason a status needs)."""
    fields = constraint_fields(model, constraint) or [NON_FIELD_ERRORS]
    field = fields[-1]
    if constraint.violation_error_message != constraint.default_violation_error_message:
        return field, str(constraint.get_violation_error_message())
    others = [str(concrete_field(model, name).verbose_name) for name in fields[:-1]]
    if others:
        return field, _("This value does not fit with: %(fields)s.") % {"fields": ", ".join(others)}
    return field, _("This value is not allowed.")


def field_errors(instance: models.Model, error: ValidationError) -> dict[str, list[str]]:
    """full_clean()'s errors, with each violated constraint's message moved to its field."""
    errors = {field: list(messages) for field, messages in error.message_dict.items()}
    by_message = {
        str(constraint.get_violation_error_message()): (model, constraint)
        for model, constraints in instance.get_constraints()
        for constraint in constraints
    }
    for message in errors.pop(NON_FIELD_ERRORS, []):
        if message in by_message:
            field, message = constraint_error(*by_message[message])
        else:
            field = NON_FIELD_ERRORS
        errors.setdefault(field, []).append(message)
    return errors


@cache
def _constraints_by_name() -> dict[str, tuple[type[models.Model], models.BaseConstraint]]:
    return {
        constraint.name: (model, constraint)
        for model in apps.get_models()
        for constraint in model._meta.constraints
        if constraint.name
    }


def database_refusal_errors(constraint_name: str | None) -> dict[str, list[str]]:
    """Field errors for a constraint the database enforced (IntegrityError's diagnostics)."""
    found = _constraints_by_name().get(constraint_name or "")
    if found is None:
        return {}
    field, message = constraint_error(*found)
    return {field: [message]}
