"""Pieces every casework service uses: the permission gate, the timeline row, validation."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from accounts.actors import Actor
from accounts.models import AuditAction
from accounts.services import audit_record
from casework import timeline
from casework.models import Case
from core import batch
from core.constraints import field_errors
from core.errors import ApplicationError
from core.permissions import Permission


def require(permission: Permission[Any], user: Any, obj: Any, message: str) -> None:
    """Permission.require with the case as what must be seen (404 for a case the user cannot see)."""
    from casework.permissions import view_case

    case = obj if isinstance(obj, Case) else getattr(obj, "case", None)
    permission.require(user, obj, message, seen=view_case if case is not None else None, seen_obj=case)


def record(
    case: Case,
    actor: Actor,
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
    timeline.write(case, actor, kind, **data)
    audit_record(actor=actor, action=action, obj=obj or case, fields=fields, reason=reason)


def validate(instance: models.Model, exclude: list[str] | None = None) -> None:
    """full_clean with the constraints; inside a batch (core.batch) without what the database
    checks at the INSERT anyway."""
    trusted = batch.active()
    exclude = [*(exclude or []), *batch.trusted_exclusions(instance)]
    try:
        instance.full_clean(exclude=exclude, validate_unique=not trusted, validate_constraints=not trusted)
    except ValidationError as error:
        raise ApplicationError(_("Please correct the errors below."), fields=field_errors(instance, error)) from error
