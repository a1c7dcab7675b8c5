"""Legal proceedings of a case and their hearings (docs/legal.md): open one, correct its
details (court, case numbers, sentence, compensation, the support she was given as a witness),
move it to its next stage (transitions.PROCEEDING, with the date the stage was reached), and add,
move or remove hearings (each reminds the case worker before it: casework.reminders). Each write
checks `legal_permissions.change_proceeding` and writes the audit and timeline rows (codes only) in one
transaction."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.actors import Staff
from accounts.models import AuditAction
from casework import legal_permissions, transitions
from casework.choices import ProceedingOutcome, ProceedingStage, VictimSupport
from casework.models import Case, Hearing, LegalProceeding
from casework.models.legal import STAGE_DATE
from casework.services.common import record, require, validate
from core.errors import ApplicationError

DETAIL_FIELDS = (
    "court",
    "police_case_number",
    "court_case_number",
    "sentence",
    "compensation_ordered_kip",
    "compensation_paid_kip",
    "support",
    "outcome",
)
HEARING_FIELDS = ("held_on", "kind", "place")


def _refusal() -> str:
    return _("You cannot record this case's legal proceedings.")


def _invalid(name: str, message: str) -> ApplicationError:
    return ApplicationError(_("Please correct the errors below."), fields={name: [message]})


def _apply(proceeding: LegalProceeding, values: dict[str, Any]) -> list[str]:
    unknown = set(values) - set(DETAIL_FIELDS)
    if unknown:
        raise ApplicationError(_("Unknown fields."), fields={name: [_("Unknown field.")] for name in unknown})
    if "support" in values:
        values["support"] = sorted(set(values["support"] or []))
        if any(code not in VictimSupport.values for code in values["support"]):
            raise _invalid("support", _("Not a value of this list."))
    changed = []
    for name, value in values.items():
        if getattr(proceeding, name) != value:
            setattr(proceeding, name, value)
            changed.append(name)
    return changed


@transaction.atomic
def proceeding_open(*, actor: Staff, case: Case, complaint_on: date | None = None, **values: Any) -> LegalProceeding:
    """A criminal case for this victim, starting at the complaint."""
    require(legal_permissions.change_proceeding, actor, case, _refusal())
    proceeding = LegalProceeding(case=case, recorded_by=actor, complaint_on=complaint_on)
    _apply(proceeding, values)
    validate(proceeding, exclude=["recorded_by"])
    proceeding.save()
    record(case, actor, "proceeding_opened", action=AuditAction.CREATE, obj=proceeding, proceeding=str(proceeding.pk))
    return proceeding


@transaction.atomic
def proceeding_update(*, actor: Staff, proceeding: LegalProceeding, **values: Any) -> LegalProceeding:
    require(legal_permissions.change_proceeding, actor, proceeding.case, _refusal())
    changed = _apply(proceeding, values)
    validate(proceeding, exclude=["recorded_by"])
    proceeding.save()
    record(
        proceeding.case,
        actor,
        "proceeding_changed",
        obj=proceeding,
        fields=changed,
        proceeding=str(proceeding.pk),
        fields_changed=changed,
    )
    return proceeding


@transaction.atomic
def proceeding_move(
    *, actor: Staff, proceeding: LegalProceeding, stage: str, on: date | None = None, outcome: str = ""
) -> LegalProceeding:
    """To the next stage (400 for a stage the table does not allow from here, 409 when someone
    moved it first). Closing needs the outcome; a verdict may give it."""
    require(legal_permissions.change_proceeding, actor, proceeding.case, _refusal())
    if stage not in ProceedingStage.values:
        raise _invalid("stage", _("Not a value of this list."))
    if outcome and outcome not in ProceedingOutcome.values:
        raise _invalid("outcome", _("Not a value of this list."))
    if stage == ProceedingStage.CLOSED and not (outcome or proceeding.outcome):
        raise _invalid("outcome", _("Say how the proceedings ended."))
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise _invalid("on", _("The date cannot be in the future."))
    old = proceeding.stage
    changes: dict[str, Any] = {STAGE_DATE[stage]: on}
    if outcome:
        changes["outcome"] = outcome
    transitions.PROCEEDING.move(proceeding, stage, **changes)
    record(
        proceeding.case,
        actor,
        "proceeding_stage_changed",
        obj=proceeding,
        fields=["stage", *changes],
        proceeding=str(proceeding.pk),
        old=old,
        new=stage,
    )
    return proceeding


def _hearing_values(values: dict[str, Any]) -> dict[str, Any]:
    unknown = set(values) - set(HEARING_FIELDS)
    if unknown:
        raise ApplicationError(_("Unknown fields."), fields={name: [_("Unknown field.")] for name in unknown})
    return values


@transaction.atomic
def hearing_add(*, actor: Staff, proceeding: LegalProceeding, **values: Any) -> Hearing:
    require(legal_permissions.change_proceeding, actor, proceeding.case, _refusal())
    if not proceeding.is_open:
        raise _invalid("held_on", _("These proceedings are closed."))
    hearing = Hearing(proceeding=proceeding, recorded_by=actor, **_hearing_values(values))
    validate(hearing, exclude=["recorded_by", "proceeding"])
    hearing.save()
    record(proceeding.case, actor, "hearing_added", action=AuditAction.CREATE, obj=hearing, hearing_kind=hearing.kind)
    return hearing


@transaction.atomic
def hearing_update(*, actor: Staff, hearing: Hearing, **values: Any) -> Hearing:
    case = hearing.proceeding.case
    require(legal_permissions.change_proceeding, actor, case, _refusal())
    changed = [name for name, value in _hearing_values(values).items() if getattr(hearing, name) != value]
    for name in changed:
        setattr(hearing, name, values[name])
    validate(hearing, exclude=["recorded_by", "proceeding"])
    hearing.save()
    record(case, actor, "hearing_changed", obj=hearing, fields=changed, hearing_kind=hearing.kind)
    return hearing


@transaction.atomic
def hearing_remove(*, actor: Staff, hearing: Hearing) -> None:
    """A hearing entered by mistake or cancelled; its reminder closes at the next pass."""
    case = hearing.proceeding.case
    require(legal_permissions.change_proceeding, actor, case, _refusal())
    record(case, actor, "hearing_removed", action=AuditAction.DELETE, obj=hearing, hearing_kind=hearing.kind)
    hearing.delete()
