"""Repatriation: starting the return of a person found abroad from a flow, moving its steps, the
family assessment and the safeguarding decision on where the person goes, waiting for court
proceedings abroad, cancelling, and the follow-up visits that start with the return.

Step changes lock the repatriation row first: steps of one repatriation move one at a time, so
"the last open step was closed" is seen by exactly one writer, and a step cannot move after
another worker cancelled the repatriation or put it on hold.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.actors import Actor, Staff, staff
from accounts.models import AuditAction, Country, Organisation
from casework import extensions, permissions, transitions
from casework.ages import is_child_on
from casework.choices import (
    CancellationReason,
    FamilyAssessment,
    NoteKind,
    RepatriationFlow,
    RepatriationStatus,
    ReturnDestination,
    StepStatus,
)
from casework.models import BorderPoint, Case, Repatriation, RepatriationStep
from casework.repatriation_flows import ASSESSMENT_STEPS, FLOW_COUNTRY, HANDOVER_STEP, RETURN_STEP, flow_steps
from casework.services.assessments import best_interests_required
from casework.services.assistance import note_add
from casework.services.common import record, require, validate
from casework.services.follow_ups import follow_ups_schedule, policy_for
from core.errors import ApplicationError, Conflict
from core.validation import required_text

LAO_PDR = "LA"
FINISHED = (StepStatus.DONE, StepStatus.SKIPPED)
# Steps that carry data are completed by recording it, never by a bare "done".
SPECIAL_STEPS = {
    **dict.fromkeys(ASSESSMENT_STEPS, gettext_lazy("Record the family assessment result instead.")),
    RETURN_STEP: gettext_lazy("Record the return or placement decision instead."),
}


# --- Starting -----------------------------------------------------------------------------------
@transaction.atomic
def repatriation_start(
    *,
    actor: Staff,
    case: Case,
    flow: str,
    from_country: Country,
    partner_abroad: str = "",
    border_point: BorderPoint | None = None,
    responsible_in_laos: Organisation | None = None,
    started_on: date | None = None,
) -> Repatriation:
    """Open the repatriation of the case's person and copy the flow's steps into it. A case has
    at most one open repatriation (the database refuses a second one: 409)."""
    require(permissions.change_case, actor, case, _("You cannot start a repatriation on this case."))
    today = timezone.localdate()
    started_on = started_on or today
    errors: dict[str, list[str]] = {}
    if flow not in RepatriationFlow.values:
        errors["flow"] = [_("Choose a repatriation flow.")]
    if from_country.pk == LAO_PDR:
        errors["from_country"] = [_("A repatriation comes from another country than Lao PDR.")]
    elif flow in FLOW_COUNTRY and from_country.pk != FLOW_COUNTRY[flow]:
        errors["from_country"] = [
            _("“%(flow)s” is only for a return from that country.") % {"flow": RepatriationFlow(flow).label}
        ]
    if started_on > today:
        errors["started_on"] = [_("This date is in the future.")]
    if border_point is not None and not border_point.active:
        errors["border_point"] = [_("This border point is no longer in use.")]
    if errors:
        raise ApplicationError(_("Please correct the errors below."), fields=errors)

    repatriation = Repatriation(
        case=case,
        flow=flow,
        from_country=from_country,
        partner_abroad=partner_abroad.strip(),
        border_point=border_point,
        started_by=actor,
    )
    # The one-open-repatriation rule is left to the database (exclude "case"), so that a second
    # start, racing or not, is a 409 and not a form error.
    validate(repatriation, exclude=["case"])
    try:
        with transaction.atomic():
            repatriation.save(force_insert=True)
    except IntegrityError as error:
        raise Conflict(_("This case already has a repatriation in progress.")) from error

    templates = flow_steps(flow)
    in_laos = responsible_in_laos or case.owner
    steps = RepatriationStep.objects.bulk_create(
        RepatriationStep(
            repatriation=repatriation,
            position=position,
            code=template.code,
            responsible_in_laos=in_laos if template.side != "abroad" else None,
            responsible_abroad=repatriation.partner_abroad if template.side != "laos" else "",
            due_on=started_on + timedelta(days=template.due_days) if template.due_days is not None else None,
        )
        for position, template in enumerate(templates, start=1)
    )
    by_code = {step.code: step for step in steps}
    through = RepatriationStep.depends_on.through
    through.objects.bulk_create(
        through(from_repatriationstep_id=by_code[template.code].pk, to_repatriationstep_id=by_code[needed].pk)
        for template in templates
        for needed in template.depends_on
    )
    record(
        case,
        actor,
        "repatriation_started",
        action=AuditAction.CREATE,
        obj=repatriation,
        repatriation=str(repatriation.pk),
        flow=flow,
        from_country=from_country.pk,
        border_point=border_point.pk if border_point else None,
        steps=len(steps),
    )
    for listener in extensions.REPATRIATION_STARTED.values():
        listener(actor, repatriation)
    return repatriation


# --- Steps --------------------------------------------------------------------------------------
@transaction.atomic
def step_start(*, actor: Staff, step: RepatriationStep) -> RepatriationStep:
    repatriation = _open_for_steps(actor, step.repatriation_id)
    transitions.STEP.move(step, StepStatus.IN_PROGRESS)
    _record_step(repatriation, actor, step, "repatriation_step_started")
    return step


@transaction.atomic
def step_complete(
    *, actor: Staff, step: RepatriationStep, done_on: date, notes: str = "", reason: str = ""
) -> RepatriationStep:
    """Mark a step done. Before the steps it depends on are done (or skipped) only with a
    reason, which is kept on the step."""
    repatriation = _open_for_steps(actor, step.repatriation_id)
    _complete_plain(repatriation, actor, step, done_on=done_on, notes=notes, reason=reason)
    for listener in extensions.STEP_DONE.values():
        listener(actor, step)
    return step


@transaction.atomic
def step_complete_reported(
    *, actor: Actor, step: RepatriationStep, done_on: date, notes: str, reason: str
) -> RepatriationStep:
    """Mark a step done that a partner instance reports done (crossborder): the agreement with the
    partner authorises it, not a role; every rule of the step applies. Nothing is told back."""
    repatriation = _lock(step.repatriation_id)
    _in_progress(repatriation)
    _complete_plain(repatriation, actor, step, done_on=done_on, notes=notes, reason=reason)
    return step


def _complete_plain(
    repatriation: Repatriation, actor: Actor, step: RepatriationStep, *, done_on: date, notes: str, reason: str
) -> None:
    """A step without a decision of its own; a handover needs a child's best-interests determination."""
    if step.code in SPECIAL_STEPS:
        raise ApplicationError(
            _("This step is completed by recording its decision."),
            fields={"status": [str(SPECIAL_STEPS[step.code])]},
        )
    if step.code == HANDOVER_STEP:
        best_interests_required(repatriation.case, purpose="handover", field="status")
    _complete(repatriation, actor, step, done_on=done_on, notes=notes, reason=reason)


@transaction.atomic
def step_skip(*, actor: Staff, step: RepatriationStep, reason: str) -> RepatriationStep:
    repatriation = _open_for_steps(actor, step.repatriation_id)
    if step.code == RETURN_STEP:
        raise ApplicationError(
            _("Where the person goes is always decided; this step cannot be skipped."),
            fields={"status": [_("Record the return or placement decision instead.")]},
        )
    required_text(reason, field="reason", message=_("Say why the step is skipped."))
    transitions.STEP.move(step, StepStatus.SKIPPED, reason=reason.strip(), done_by=actor)
    _record_step(repatriation, actor, step, "repatriation_step_skipped")
    _complete_if_finished(repatriation, actor)
    return step


@transaction.atomic
def step_block(*, actor: Staff, step: RepatriationStep, reason: str) -> RepatriationStep:
    repatriation = _open_for_steps(actor, step.repatriation_id)
    required_text(reason, field="reason", message=_("Say what blocks the step."))
    transitions.STEP.move(step, StepStatus.BLOCKED, reason=reason.strip())
    _record_step(repatriation, actor, step, "repatriation_step_blocked")
    return step


@transaction.atomic
def step_unblock(*, actor: Staff, step: RepatriationStep) -> RepatriationStep:
    """Resume a blocked step. The block reason is cleared here and stays in the step's history."""
    repatriation = _open_for_steps(actor, step.repatriation_id)
    transitions.STEP.move(step, StepStatus.IN_PROGRESS, reason="")
    _record_step(repatriation, actor, step, "repatriation_step_unblocked")
    return step


# --- Family assessment and the return decision ----------------------------------------------------
@transaction.atomic
def family_assessment_record(
    *,
    actor: Staff,
    repatriation: Repatriation,
    result: str,
    notes: str = "",
    done_on: date | None = None,
    reason: str = "",
) -> Repatriation:
    """Store the family assessment (safe, unsafe, family not found) and complete its step."""
    locked = _open_for_steps(actor, repatriation.pk)
    if result not in FamilyAssessment.values:
        raise ApplicationError(
            _("Choose the assessment result."), fields={"result": [_("Choose safe, unsafe or not found.")]}
        )
    step = _special_step(locked, ASSESSMENT_STEPS)
    _complete(locked, actor, step, done_on=done_on or timezone.localdate(), notes="", reason=reason, record_event=False)
    Repatriation.objects.filter(pk=locked.pk).update(family_assessment=result, family_assessment_notes=notes)
    repatriation.refresh_from_db()
    record(
        locked.case,
        actor,
        "family_assessment_recorded",
        obj=repatriation,
        fields=["family_assessment", "family_assessment_notes"],
        repatriation=str(repatriation.pk),
        step=step.code,
        result=result,
    )
    _complete_if_finished(repatriation, actor)
    return repatriation


@transaction.atomic
def return_decide(
    *,
    actor: Staff,
    repatriation: Repatriation,
    destination: str,
    best_interests_decision: str = "",
    done_on: date | None = None,
    reason: str = "",
) -> Repatriation:
    """The safeguarding decision: home to the family only after a safe family assessment, never
    when it was unsafe or the family was not found (the database refuses it too). A child's
    return or placement needs the best-interests decision. Completing it schedules the
    follow-up visits."""
    locked = _open_for_steps(actor, repatriation.pk)
    done_on = done_on or timezone.localdate()
    if destination not in ReturnDestination.values:
        raise ApplicationError(
            _("Choose where the person goes."), fields={"destination": [_("Choose family or shelter.")]}
        )
    if destination == ReturnDestination.FAMILY and locked.family_assessment != FamilyAssessment.SAFE:
        if locked.family_assessment in (FamilyAssessment.UNSAFE, FamilyAssessment.NOT_FOUND):
            message = _(
                "The family assessment found the family unsafe or did not find it: the person cannot be "
                "returned to the family. Choose a shelter placement."
            )
        else:
            message = _("A return to the family needs a family assessment that found it safe. Record it first.")
        raise ApplicationError(message, fields={"destination": [message]})
    # Age unknown counts as a child: the best-interests decision is asked rather than skipped.
    if is_child_on(locked.case.person, timezone.localdate()) is not False and not best_interests_decision.strip():
        raise ApplicationError(
            _("For a child, record the best-interests decision before the return or placement."),
            fields={"best_interests_decision": [_("This field is required for a child.")]},
        )
    best_interests_required(
        locked.case, purpose="return" if destination == ReturnDestination.FAMILY else "placement", field="destination"
    )
    step = _special_step(locked, {RETURN_STEP})
    _complete(locked, actor, step, done_on=done_on, notes="", reason=reason, record_event=False)
    Repatriation.objects.filter(pk=locked.pk).update(
        destination=destination, best_interests_decision=best_interests_decision.strip()
    )
    policy = policy_for(locked.case)
    scheduled = follow_ups_schedule(case=locked.case, start=done_on, policy=policy) if policy else 0
    repatriation.refresh_from_db()
    record(
        locked.case,
        actor,
        "return_decided",
        obj=repatriation,
        fields=["destination", "best_interests_decision"],
        repatriation=str(repatriation.pk),
        step=step.code,
        destination=destination,
        best_interests_decision=bool(best_interests_decision.strip()),
        follow_up_policy=policy.pk if policy else None,
        follow_ups_scheduled=scheduled,
    )
    _complete_if_finished(repatriation, actor)
    return repatriation


# --- The repatriation as a whole ----------------------------------------------------------------
@transaction.atomic
def repatriation_await_legal_proceedings(*, actor: Staff, repatriation: Repatriation, note: str) -> Repatriation:
    """Put the repatriation on hold while the person waits abroad for court proceedings (often
    months). The note is kept as a legal case note, not in the timeline."""
    require(permissions.change_case, actor, repatriation.case, _("You cannot change this repatriation."))
    required_text(note, field="note", message=_("Say which proceedings the person is waiting for."))
    transitions.REPATRIATION.move(repatriation, RepatriationStatus.AWAITING_LEGAL_PROCEEDINGS)
    case_note = note_add(actor=actor, case=repatriation.case, text=note.strip(), kind=NoteKind.LEGAL)
    record(
        repatriation.case,
        actor,
        "repatriation_awaiting_legal_proceedings",
        obj=repatriation,
        fields=["status"],
        repatriation=str(repatriation.pk),
        note=str(case_note.pk),
    )
    return repatriation


@transaction.atomic
def repatriation_resume(*, actor: Staff, repatriation: Repatriation) -> Repatriation:
    require(permissions.change_case, actor, repatriation.case, _("You cannot change this repatriation."))
    transitions.REPATRIATION.move(repatriation, RepatriationStatus.IN_PROGRESS)
    record(
        repatriation.case,
        actor,
        "repatriation_resumed",
        obj=repatriation,
        fields=["status"],
        repatriation=str(repatriation.pk),
    )
    return repatriation


@transaction.atomic
def repatriation_cancel(*, actor: Staff, repatriation: Repatriation, reason: str, note: str = "") -> Repatriation:
    """Stop the repatriation for good. Its open steps keep their status; what is open belongs to
    a repatriation that is no longer in progress."""
    require(permissions.change_case, actor, repatriation.case, _("You cannot cancel this repatriation."))
    if reason not in CancellationReason.values:
        raise ApplicationError(_("Give the reason for cancelling."), fields={"reason": [_("Choose a reason.")]})
    if reason == CancellationReason.OTHER and not note.strip():
        raise ApplicationError(_("Explain the reason."), fields={"note": [_("Required when the reason is 'other'.")]})
    transitions.REPATRIATION.move(
        repatriation, RepatriationStatus.CANCELLED, cancellation_reason=reason, cancellation_note=note.strip()
    )
    record(
        repatriation.case,
        actor,
        "repatriation_cancelled",
        obj=repatriation,
        fields=["status", "cancellation_reason", "cancellation_note"],
        repatriation=str(repatriation.pk),
        reason=reason,
    )
    return repatriation


# --- Helpers ------------------------------------------------------------------------------------
def _open_for_steps(actor: Staff, repatriation_id: Any) -> Repatriation:
    """Lock the repatriation, check the actor may change its case and that it is in progress."""
    repatriation = _lock(repatriation_id)
    require(permissions.change_case, actor, repatriation.case, _("You cannot change this repatriation."))
    _in_progress(repatriation)
    return repatriation


def _lock(repatriation_id: Any) -> Repatriation:
    return Repatriation.objects.select_for_update(of=("self",)).select_related("case__person").get(pk=repatriation_id)


def _in_progress(repatriation: Repatriation) -> None:
    if repatriation.status != RepatriationStatus.IN_PROGRESS:
        raise ApplicationError(
            _("The repatriation is %(status)s; its steps cannot change.")
            % {"status": repatriation.get_status_display().lower()},
            fields={"status": [_("The repatriation is not in progress.")]},
        )


def _complete(
    repatriation: Repatriation,
    actor: Actor,
    step: RepatriationStep,
    *,
    done_on: date,
    notes: str,
    reason: str,
    record_event: bool = True,
) -> None:
    if done_on > timezone.localdate():
        raise ApplicationError(
            _("Please correct the errors below."), fields={"done_on": [_("This date is in the future.")]}
        )
    waiting = sorted(step.depends_on.exclude(status__in=FINISHED).values_list("code", flat=True))
    if waiting and not reason.strip():
        raise ApplicationError(
            _("The steps this one depends on are not done yet. Give the reason for doing it first."),
            fields={"reason": [_("Required before these steps are done: %(steps)s.") % {"steps": ", ".join(waiting)}]},
        )
    changes: dict[str, Any] = {"done_on": done_on, "done_by": staff(actor)}
    if reason.strip():
        changes["reason"] = reason.strip()
    if notes.strip():
        changes["notes"] = f"{step.notes}\n{notes.strip()}".strip()
    transitions.STEP.move(step, StepStatus.DONE, **changes)
    if record_event:
        _record_step(repatriation, actor, step, "repatriation_step_done", out_of_order=bool(waiting))
        _complete_if_finished(repatriation, actor)


def _special_step(repatriation: Repatriation, codes: set[str] | frozenset[str]) -> RepatriationStep:
    step = repatriation.steps.filter(code__in=codes).first()
    if step is None:
        raise ApplicationError(
            _("This repatriation has no step for this decision."), fields={"status": [_("No such step.")]}
        )
    return step


def _complete_if_finished(repatriation: Repatriation, actor: Actor) -> None:
    """The repatriation is completed when its last open step is done or skipped."""
    if repatriation.steps.exclude(status__in=FINISHED).exists():
        return
    transitions.REPATRIATION.move(repatriation, RepatriationStatus.COMPLETED, completed_at=timezone.now())
    record(
        repatriation.case,
        actor,
        "repatriation_completed",
        obj=repatriation,
        fields=["status"],
        repatriation=str(repatriation.pk),
    )


def _record_step(repatriation: Repatriation, actor: Actor, step: RepatriationStep, kind: str, **data: Any) -> None:
    record(
        repatriation.case,
        actor,
        kind,
        obj=step,
        fields=["status"],
        repatriation=str(repatriation.pk),
        step=step.code,
        **data,
    )
