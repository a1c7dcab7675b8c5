"""Linked cases (issue 20.5): link cases as a group of one kind, add a case to a group, take one
out with a reason. Only cases in the actor's own scope can be named (any other answers as a
missing one), and the actor must be able to move one of them (its workers and managers:
permissions.move_case). Each member's timeline gets a row with the kind and the group's id, never
another member's code (a reader of one case may not see the others); the audit log gets a row
per member, and the removal's reason."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.actors import Staff
from accounts.models import AuditAction
from casework import permissions
from casework.choices import LinkKind
from casework.models import Case, CaseGroup, CaseGroupMember
from casework.services.common import record
from core.errors import ApplicationError, PermissionDenied, not_found

REASON_MAX_LENGTH = 500


def _refuse(field: str, message: str) -> ApplicationError:
    return ApplicationError(_("Please correct the errors below."), fields={field: [message]})


def _reason(reason: str, field: str = "reason") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise _refuse(field, _("Say why (without names)."))
    if len(reason) > REASON_MAX_LENGTH:
        raise _refuse(field, _("At most %(n)d characters.") % {"n": REASON_MAX_LENGTH})
    return reason


def _in_scope(actor: Staff, cases: Iterable[Case], field: str = "cases") -> list[Case]:
    """The cases, each checked in the actor's own scope (an emergency grant links nothing)."""
    cases = list(dict.fromkeys(cases))
    pks = [case.pk for case in cases]
    if permissions.case_in_scope.scope(actor, Case.objects.filter(pk__in=pks)).count() != len(pks):
        raise not_found(field)
    return cases


def _require_movable(actor: Staff, cases: list[Case], message: str) -> None:
    if not any(permissions.move_case.allows(actor, case) for case in cases):
        raise PermissionDenied(message)


def _join(actor: Staff, group: CaseGroup, case: Case, now: datetime) -> CaseGroupMember:
    member = CaseGroupMember.objects.create(group=group, case=case, added_by=actor, added_at=now)
    record(case, actor, "case_linked", action=AuditAction.CREATE, obj=member, link=group.kind, group=str(group.pk))
    return member


@transaction.atomic
def case_group_create(
    *, actor: Staff, kind: str, reason: str, cases: Iterable[Case], now: datetime | None = None
) -> CaseGroup:
    """Link two or more cases as one group of this kind."""
    if kind not in LinkKind.values:
        raise _refuse("kind", _("Choose how the cases are linked."))
    reason = _reason(reason)
    members = _in_scope(actor, cases)
    if len(members) < 2:
        raise _refuse("cases", _("Choose at least two different cases."))
    _require_movable(actor, members, _("You cannot link these cases."))
    pks = [case.pk for case in members]
    same = CaseGroup.objects.filter(kind=kind)
    for case in members:
        same = same.filter(members__case=case)
    if same.exists():
        raise _refuse("cases", _("These cases are already linked this way."))
    now = now or timezone.now()
    group = CaseGroup.objects.create(kind=kind, reason=reason, created_by=actor, created_at=now)
    for case in Case.objects.select_related("person").filter(pk__in=pks).order_by("person__case_code"):
        _join(actor, group, case, now)
    return group


@transaction.atomic
def case_group_add(*, actor: Staff, group: CaseGroup, case: Case, now: datetime | None = None) -> CaseGroupMember:
    """Add a case to a group the actor sees, e.g. a sixth person returned with the five."""
    permissions.view_case_group.require(actor, group, _("You cannot change this group."))
    (case,) = _in_scope(actor, [case], "case")
    seen = list(permissions.case_in_scope.scope(actor, Case.objects.filter(group_memberships__group=group)))
    _require_movable(actor, [case, *seen], _("You cannot change this group."))
    if group.members.filter(case=case).exists():
        raise _refuse("case", _("This case is already in the group."))
    return _join(actor, group, case, now or timezone.now())


@transaction.atomic
def case_group_remove(*, actor: Staff, group: CaseGroup, case: Case, reason: str) -> None:
    """Take a case out of a group (a link recorded by mistake, or no longer true), with a reason."""
    permissions.view_case_group.require(actor, group, _("You cannot change this group."))
    (case,) = _in_scope(actor, [case], "case")
    member = group.members.filter(case=case).first()
    if member is None:
        raise not_found("case")
    permissions.move_case.require(actor, case, _("You cannot unlink this case."))
    reason = _reason(reason)
    record(
        case,
        actor,
        "case_unlinked",
        action=AuditAction.DELETE,
        obj=member,
        reason=reason,
        link=group.kind,
        group=str(group.pk),
    )
    member.delete()
