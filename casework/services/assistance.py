"""What a case receives: services (the victims' rights), notes, and the case plan with its
manager approval (its follow-up visits: casework.services.follow_ups)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.actors import Staff
from accounts.models import AuditAction, Organisation
from casework import permissions, transitions
from casework.choices import ApprovalStatus, NoteKind, ServiceStatus, Tier
from casework.models import (
    Case,
    CaseNote,
    CasePlan,
    CasePlanGoal,
    CasePlanVersion,
    FollowUpPolicy,
    Service,
    ServiceType,
)
from casework.services.common import record, require, validate
from casework.services.follow_ups import follow_ups_replan
from core.errors import ApplicationError, PermissionDenied
from core.validation import required_text


# --- Services -----------------------------------------------------------------------------------
@transaction.atomic
def service_add(
    *,
    actor: Staff,
    case: Case,
    service_type: ServiceType,
    provider: Organisation | None = None,
    provider_name: str = "",
    status: str = ServiceStatus.PLANNED,
    planned_on: date | None = None,
    started_on: date | None = None,
    ended_on: date | None = None,
    notes: str = "",
) -> Service:
    require(permissions.change_case, actor, case, _("You cannot add services to this case."))
    if not service_type.active:
        raise ApplicationError(_("This service is no longer offered."), fields={"service_type": [_("Choose another.")]})
    service = Service(
        case=case,
        service_type=service_type,
        provider=provider,
        provider_name=provider_name,
        status=status,
        planned_on=planned_on,
        started_on=started_on,
        ended_on=ended_on,
        notes=notes,
        created_by=actor,
    )
    _check_service_dates(service)
    validate(service)
    service.save(force_insert=True)
    record(
        case, actor, "service_added", action=AuditAction.CREATE, obj=service, service=service_type.code, status=status
    )
    return service


@transaction.atomic
def service_set_status(
    *, actor: Staff, service: Service, status: str, on: date | None = None, notes: str = ""
) -> Service:
    """Move a service along planned -> in progress -> done (or refused, not available), dating
    the step; `notes` (its outcome) is added to the service's notes."""
    require(permissions.change_case, actor, service.case, _("You cannot change this service."))
    on = on or timezone.localdate()
    changes: dict[str, Any] = {}
    if status == ServiceStatus.IN_PROGRESS:
        changes["started_on"] = service.started_on or on
    elif status in ENDED:
        changes["ended_on"] = on
        if status == ServiceStatus.DONE:
            changes["started_on"] = service.started_on or on
    if notes:
        changes["notes"] = f"{service.notes}\n{notes}".strip()
    probe = Service(**{**{f.attname: getattr(service, f.attname) for f in Service._meta.concrete_fields}, **changes})
    _check_service_dates(probe)
    transitions.SERVICE.move(service, status, **changes)
    record(
        service.case,
        actor,
        "service_status_changed",
        obj=service,
        fields=["status"],
        service=service.service_type.code,  # casework.health: whether the event is about health
        status=status,
    )
    return service


ENDED = (ServiceStatus.DONE, ServiceStatus.DECLINED, ServiceStatus.NOT_AVAILABLE)


def _check_service_dates(service: Service) -> None:
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    for name in ("started_on", "ended_on"):
        value = getattr(service, name)
        if value and value > today:
            errors[name] = [_("This date is in the future.")]
    if service.started_on and service.ended_on and service.ended_on < service.started_on:
        errors["ended_on"] = [_("The end is before the start.")]
    if errors:
        raise ApplicationError(_("Please correct the errors below."), fields=errors)


# --- Notes --------------------------------------------------------------------------------------
SENSITIVE_KINDS = (NoteKind.COUNSELLING, NoteKind.MEDICAL)


@transaction.atomic
def note_add(
    *, actor: Staff, case: Case, text: str, kind: str = NoteKind.GENERAL, tier: int = Tier.METADATA
) -> CaseNote:
    """Counselling and medical notes are always tier 3, and only the assigned counsellor writes
    (and reads) tier 3."""
    require(permissions.change_case, actor, case, _("You cannot add notes to this case."))
    required_text(text, field="text", message=_("The note is empty."))
    if kind in SENSITIVE_KINDS:
        tier = Tier.SENSITIVE
    if tier == Tier.SENSITIVE and not permissions.view_sensitive.allows(actor, case):
        raise PermissionDenied(_("Only the counsellor assigned to this case writes counselling and medical notes."))
    note = CaseNote(case=case, author=actor, kind=kind, tier=tier, text=text)
    validate(note)
    note.save(force_insert=True)
    record(case, actor, "note_added", action=AuditAction.CREATE, obj=note, note_kind=kind, tier=int(tier))
    return note


# --- Case plan ----------------------------------------------------------------------------------
@transaction.atomic
def plan_save(
    *,
    actor: Staff,
    case: Case,
    summary: str,
    goals: Iterable[dict[str, Any]],
    follow_up_policy: FollowUpPolicy | None = None,
) -> CasePlan:
    """Write the plan and its goals. Changing an approved plan starts a new draft, which a
    manager approves again. Choosing another follow-up policy re-plans the visits still to come."""
    require(permissions.change_case, actor, case, _("You cannot change this case's plan."))
    plan = CasePlan.objects.select_for_update().filter(case=case).first()
    if plan is None:
        plan = CasePlan(case=case)
    elif plan.status == ApprovalStatus.SUBMITTED:
        raise ApplicationError(
            _("The plan is waiting for approval; it cannot change now."),
            fields={"status": [_("Waiting for approval.")]},
        )
    elif plan.status == ApprovalStatus.APPROVED:
        transitions.PLAN.move(plan, ApprovalStatus.DRAFT, approved_by=None, approved_at=None)
    policy_changed = plan.follow_up_policy_id != (follow_up_policy.pk if follow_up_policy else None)
    plan.summary = summary
    plan.follow_up_policy = follow_up_policy
    validate(plan, exclude=["case"])
    plan.save()
    if policy_changed:
        follow_ups_replan(actor=actor, case=case)
    goal_rows = [CasePlanGoal(plan=plan, **goal) for goal in goals]
    for goal in goal_rows:
        validate(goal, exclude=["plan"])
    plan.goals.all().delete()
    CasePlanGoal.objects.bulk_create(goal_rows)
    record(case, actor, "plan_saved", obj=plan, goals=len(goal_rows))
    return plan


@transaction.atomic
def plan_submit(*, actor: Staff, plan: CasePlan) -> CasePlan:
    require(permissions.change_case, actor, plan.case, _("You cannot submit this plan."))
    if not plan.goals.exists():
        raise ApplicationError(_("Add at least one goal before asking for approval."), fields={"goals": [_("Empty.")]})
    transitions.PLAN.move(
        plan, ApprovalStatus.SUBMITTED, submitted_by=actor, submitted_at=timezone.now(), return_reason=""
    )
    record(plan.case, actor, "plan_submitted", obj=plan)
    return plan


@transaction.atomic
def plan_approve(*, actor: Staff, plan: CasePlan) -> CasePlan:
    require(permissions.manage_case, actor, plan.case, _("Only a manager approves case plans."))
    if plan.submitted_by_id == actor.pk:
        raise PermissionDenied(_("Another manager must approve a plan you submitted."))
    approved_at = timezone.now()
    transitions.PLAN.move(plan, ApprovalStatus.APPROVED, approved_by=actor, approved_at=approved_at)
    CasePlanVersion.objects.create(
        plan=plan,
        summary=plan.summary,
        goals=[
            {
                "support_type": goal.support_type,
                "objective": goal.objective,
                "target_date": goal.target_date.isoformat() if goal.target_date else None,
                "achieved_on": goal.achieved_on.isoformat() if goal.achieved_on else None,
            }
            for goal in CasePlanGoal.objects.filter(plan=plan)  # all goals, whatever the caller's prefetch
        ],
        submitted_by_id=plan.submitted_by_id,
        approved_by=actor,
        approved_at=approved_at,
    )
    record(plan.case, actor, "plan_approved", obj=plan)
    return plan


@transaction.atomic
def plan_return(*, actor: Staff, plan: CasePlan, reason: str) -> CasePlan:
    require(permissions.manage_case, actor, plan.case, _("Only a manager returns case plans."))
    required_text(reason, field="reason", message=_("Say what should change."))
    transitions.PLAN.move(plan, ApprovalStatus.RETURNED, return_reason=reason)
    record(plan.case, actor, "plan_returned", obj=plan)
    return plan
