"""Pieces every casework service uses: the permission gate, the timeline row, validation."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from accounts.errors import ApplicationError, NotFound, PermissionDenied
from accounts.models import AuditAction
from accounts.permissions import Permission
from accounts.services import audit_record
from casework.models import Case, CaseEvent


def require(permission: Permission[Any], user: Any, obj: Any, message: str) -> None:
    """Refuse with 404 when the user cannot even see the case, 403 when they see it but may
    not do this (docs/design/access.md: the two answers must not leak which cases exist)."""
    if permission.allows(user, obj):
        return
    from casework.permissions import view_case

    case = obj if isinstance(obj, Case) else getattr(obj, "case", None)
    if case is not None and not view_case.allows(user, case):
        raise NotFound(_("Not found."))
    raise PermissionDenied(message)


def record(
    case: Case,
    actor: Any,
    kind: str,
    *,
    action: str = AuditAction.UPDATE,
    obj: models.Model | None = None,
    fields: Iterable[str] = (),
    reason: str = "",
    **data: Any,
) -> None:
    """Write the readable timeline row and the audit row of one change, in the caller's
    transaction. `data` holds codes and ids only, never names or free text; a `reason` the
    audit row must carry (an override's, an emergency's) goes to the audit log only."""
    CaseEvent.objects.create(case=case, actor=actor if getattr(actor, "pk", None) else None, kind=kind, data=data)
    audit_record(actor=actor, action=action, obj=obj or case, fields=fields, reason=reason)


def validate(instance: models.Model, exclude: list[str] | None = None) -> None:
    try:
        instance.full_clean(exclude=exclude, validate_constraints=True)
    except ValidationError as error:
        raise ApplicationError(_("Please correct the errors below."), fields=error.message_dict) from error


def require_text(value: str, *, field: str, message: str) -> None:
    """Refuse a blank reason, note or purpose (400 naming the field): every refusal, transfer
    and closure in casework must say why."""
    if not value.strip():
        raise ApplicationError(message, fields={field: [_("This field is required.")]})
