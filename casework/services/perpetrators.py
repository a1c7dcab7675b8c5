"""Perpetrators (tier 3, docs/legal.md): record one on a case, correct it, link an existing one
to another case (the same recruiter in two victims' cases), change its roles in a case, unlink
it. Each write checks `legal_permissions.change_perpetrators` on the case and writes the audit row and
the timeline row (ids only: the timeline hides these events from readers who may not see
perpetrators) in one transaction. Reads are audited by the selectors and the API."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.actors import Staff
from accounts.models import AuditAction
from accounts.services import audit_record
from casework import legal_permissions
from casework.choices import PerpetratorRelation, PerpetratorRole
from casework.models import Case, CasePerpetrator, Perpetrator
from casework.services.common import record, require, validate
from core.errors import ApplicationError, Conflict

RECORD_FIELDS = ("known_as", "sex", "age_band", "nationality", "notes")


def _refusal() -> str:
    return _("You cannot record this case's perpetrators.")


def _check_roles(roles: list[str]) -> list[str]:
    roles = sorted(set(roles or []))
    if not roles:
        raise ApplicationError(
            _("Please correct the errors below."), fields={"roles": [_("Choose at least one role.")]}
        )
    if any(role not in PerpetratorRole.values for role in roles):
        raise ApplicationError(
            _("Please correct the errors below."), fields={"roles": [_("Not a value of this list.")]}
        )
    return roles


def _check_relation(relation: str) -> str:
    if relation not in PerpetratorRelation.values:
        raise ApplicationError(
            _("Please correct the errors below."), fields={"relation": [_("Not a value of this list.")]}
        )
    return relation


def _apply(perpetrator: Perpetrator, values: dict[str, Any]) -> list[str]:
    unknown = set(values) - set(RECORD_FIELDS)
    if unknown:
        raise ApplicationError(_("Unknown fields."), fields={name: [_("Unknown field.")] for name in unknown})
    changed = []
    for name, value in values.items():
        if name == "known_as":
            value = (value or "").strip()
        if getattr(perpetrator, name) != value:
            setattr(perpetrator, name, value)
            changed.append(name)
    return changed


@transaction.atomic
def perpetrator_add(
    *, actor: Staff, case: Case, roles: list[str], relation: str = PerpetratorRelation.UNKNOWN, **values: Any
) -> CasePerpetrator:
    """A new perpetrator, linked to `case` with their roles in it."""
    require(legal_permissions.change_perpetrators, actor, case, _refusal())
    roles, relation = _check_roles(roles), _check_relation(relation)
    perpetrator = Perpetrator(created_by=actor)
    _apply(perpetrator, values)
    validate(perpetrator, exclude=["created_by"])
    perpetrator.save()
    link = CasePerpetrator.objects.create(
        case=case, perpetrator=perpetrator, roles=roles, relation=relation, linked_by=actor
    )
    record(
        case, actor, "perpetrator_added", action=AuditAction.CREATE, obj=perpetrator, perpetrator=str(perpetrator.pk)
    )
    return link


@transaction.atomic
def perpetrator_update(*, actor: Staff, link: CasePerpetrator, **values: Any) -> CasePerpetrator:
    """Correct the perpetrator's record (through one of the actor's cases) and, with `roles` or
    `relation`, their part in that case."""
    require(legal_permissions.change_perpetrators, actor, link.case, _refusal())
    link_changes = {name: values.pop(name) for name in ("roles", "relation") if name in values}
    perpetrator = link.perpetrator
    changed = _apply(perpetrator, values)
    validate(perpetrator, exclude=["created_by"])
    perpetrator.save()
    if "roles" in link_changes:
        link.roles = _check_roles(link_changes["roles"])
    if "relation" in link_changes:
        link.relation = _check_relation(link_changes["relation"])
    link.save(update_fields=["roles", "relation"])
    changed += list(link_changes)
    record(link.case, actor, "perpetrator_changed", obj=perpetrator, fields=changed, perpetrator=str(perpetrator.pk))
    return link


@transaction.atomic
def perpetrator_link(
    *,
    actor: Staff,
    case: Case,
    perpetrator: Perpetrator,
    roles: list[str],
    relation: str = PerpetratorRelation.UNKNOWN,
) -> CasePerpetrator:
    """The same perpetrator in another case: the actor must see the perpetrator (through a case
    of theirs) and may record perpetrators on `case`."""
    require(legal_permissions.change_perpetrators, actor, case, _refusal())
    legal_permissions.view_perpetrator.require(
        actor, perpetrator, _("Not found."), seen=legal_permissions.view_perpetrator
    )
    roles, relation = _check_roles(roles), _check_relation(relation)
    try:
        with transaction.atomic():
            link = CasePerpetrator.objects.create(
                case=case, perpetrator=perpetrator, roles=roles, relation=relation, linked_by=actor
            )
    except IntegrityError as error:
        raise Conflict(_("This perpetrator is already linked to this case.")) from error
    record(case, actor, "perpetrator_linked", action=AuditAction.CREATE, obj=link, perpetrator=str(perpetrator.pk))
    return link


@transaction.atomic
def perpetrator_unlink(*, actor: Staff, link: CasePerpetrator) -> None:
    """Take the perpetrator off this case (linked by mistake); a perpetrator left in no case is
    removed. The audit and timeline rows keep that it was."""
    require(legal_permissions.change_perpetrators, actor, link.case, _refusal())
    perpetrator = link.perpetrator
    record(
        link.case, actor, "perpetrator_unlinked", action=AuditAction.DELETE, obj=link, perpetrator=str(perpetrator.pk)
    )
    link.delete()
    if not perpetrator.links.exists():
        audit_record(actor=actor, action=AuditAction.DELETE, obj=perpetrator)
        perpetrator.delete()
