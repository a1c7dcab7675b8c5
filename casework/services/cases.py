"""Opening a case and moving it: assignment, sharing, transfer between organisations, and
closure with a manager's approval."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.actors import Staff
from accounts.models import AuditAction, Organisation, Province, Role, User
from casework import permissions, transitions
from casework.ages import is_child_on
from casework.choices import CaseStatus, ClosureReason, TransferStatus
from casework.models import Case, CaseShare, CaseTransfer, ExploitationForm, Person
from casework.services.common import record, require, validate
from casework.services.dates import check_case_dates
from casework.services.people import people_register_many, person_prepare
from core import batch
from core.errors import ApplicationError, Conflict, PermissionDenied, not_found
from core.validation import required_text

CASE_DETAIL_FIELDS = (
    "category",
    "exploitation_country",
    "exploitation_province",
    "exploitation_started_on",
    "exploitation_ended_on",
    "identification_route",
    "identified_on",
)


@transaction.atomic
def case_open(
    *,
    actor: Staff,
    category: str,
    identification_route: str,
    identified_on: date,
    person: Person | None = None,
    person_values: dict[str, Any] | None = None,
    registration_province: Province | None = None,
    exploitation_forms: Iterable[ExploitationForm] = (),
    assigned_worker: User | None = None,
    owner: Organisation | None = None,
    **details: Any,
) -> Case:
    """Intake: open a case for an existing person (whom the actor can see) or register a new
    one. The case belongs to the actor's organisation; a social worker opening it is assigned.
    `owner`: a manager bringing in a register of an organisation they oversee (the shelters'
    register import) opens the case for that organisation (permissions.can_open_case_for)."""
    organisation = _opening_organisation(actor, owner)
    if person is not None and not permissions.view_person.allows(actor, person):
        raise not_found("person")  # as for a person nobody has (core.api.fields)
    case = case_prepare(
        actor=actor,
        organisation=organisation,
        person=person,
        person_values=person_values,
        registration_province=registration_province,
        category=category,
        identification_route=identification_route,
        identified_on=identified_on,
        assigned_worker=assigned_worker,
        **details,
    )
    if person is None:
        people_register_many(actor=actor, people=[case.person])
    _write_opened([(case, list(exploitation_forms))], actor)
    return case


def cases_open_many(
    *, actor: Staff, owner: Organisation, registration_province: Province, intakes: list[dict[str, Any]]
) -> list[Case | ApplicationError]:
    """case_open for many new people at once (a register import): each intake (case_open's
    arguments for a new person) checked by the same rules, then the people and cases of those
    the rules accept written together, a few statements for all. Answers, for each intake, its
    case or the refusal case_open would have raised; a refusal of the actor is raised."""
    organisation = _opening_organisation(actor, owner)
    answers: list[Case | ApplicationError] = []
    opened: list[tuple[Case, list[ExploitationForm]]] = []
    for intake in intakes:
        values = dict(intake)
        forms = list(values.pop("exploitation_forms", ()))
        try:
            case = case_prepare(
                actor=actor, organisation=organisation, registration_province=registration_province, **values
            )
        except ApplicationError as error:
            answers.append(error)
            continue
        answers.append(case)
        opened.append((case, forms))
    people_register_many(actor=actor, people=[case.person for case, _forms in opened])
    _write_opened(opened, actor)
    return answers


def case_prepare(
    *,
    actor: Staff,
    organisation: Organisation,
    category: str,
    identification_route: str,
    identified_on: date,
    person: Person | None = None,
    person_values: dict[str, Any] | None = None,
    registration_province: Province | None = None,
    assigned_worker: User | None = None,
    **details: Any,
) -> Case:
    """The case case_open writes (with its new person, person_prepare, when `person` is None),
    checked by every rule of a new case but not saved: the one place those rules are applied."""
    new_person = person is None
    if person is None:
        province = registration_province or organisation.province
        if province is None:
            raise ApplicationError(
                _("Choose the province that registers this person."),
                fields={"registration_province": [_("This field is required.")]},
            )
        person = person_prepare(
            actor=actor, registration_province=province, identified_on=identified_on, **(person_values or {})
        )
    if assigned_worker is None and actor.has_role(Role.SOCIAL_WORKER, Role.COUNSELLOR):
        assigned_worker = actor
    if assigned_worker is not None:
        _check_worker(assigned_worker, organisation)
    case = Case(
        person=person,
        owner=organisation,
        assigned_worker=assigned_worker,
        category=category,
        identification_route=identification_route,
        identified_on=identified_on,
        child_at_identification=is_child_on(person, identified_on),
        status=CaseStatus.ACTIVE if assigned_worker else CaseStatus.OPEN,
        created_by=actor,
        **details,
    )
    check_case_dates(case)
    validate(case, exclude=["person"] if new_person else None)  # a new one is written first
    return case


def _opening_organisation(actor: Staff, owner: Organisation | None) -> Organisation:
    organisation = owner or actor.organisation
    allowed = permissions.can_open_case_for(actor, owner) if owner else permissions.can_open_case(actor)
    if organisation is None or not allowed:
        raise PermissionDenied(_("Your role cannot open cases."))
    return organisation


def _write_opened(opened: list[tuple[Case, list[ExploitationForm]]], actor: Staff) -> None:
    """The cases (their people written), their forms of exploitation and their timeline and
    audit rows: the model's save for one case, one INSERT per table for many."""
    if len(opened) == 1:
        opened[0][0].save(force_insert=True)
    else:
        batch.copy_rows([case for case, _forms in opened])
    Link = Case.exploitation_forms.through
    links = [Link(case_id=case.pk, exploitationform_id=form.pk) for case, forms in opened for form in forms]
    batch.copy_rows(links)  # new cases have none yet: no read first
    for case, _forms in opened:
        record(
            case,
            actor,
            "case_opened",
            action=AuditAction.CREATE,
            category=case.category,
            case_code=case.person.case_code,
        )


@transaction.atomic
def case_update(
    *, actor: Staff, case: Case, exploitation_forms: Iterable[ExploitationForm] | None = None, **changes: Any
) -> Case:
    require(permissions.change_case, actor, case, _("You cannot change this case."))
    unknown = set(changes) - set(CASE_DETAIL_FIELDS)
    if unknown:
        raise ApplicationError(_("Unknown fields."), fields={name: [_("Cannot be changed here.")] for name in unknown})
    for name, value in changes.items():
        setattr(case, name, value)
    check_case_dates(case)
    if "identified_on" in changes:
        case.child_at_identification = is_child_on(case.person, case.identified_on)
    validate(case)
    case.save()
    if exploitation_forms is not None:
        case.exploitation_forms.set(exploitation_forms)
        changes["exploitation_forms"] = True
    record(case, actor, "case_updated", fields=sorted(changes), fields_changed=sorted(changes))
    return case


@transaction.atomic
def case_assign(*, actor: Staff, case: Case, worker: User) -> Case:
    """A manager gives the case to one of the owner's workers, at once (no acceptance step)."""
    require(permissions.manage_case, actor, case, _("Only a manager of the owning organisation can assign this case."))
    _check_worker(worker, case.owner)
    previous = case.assigned_worker_id
    case.assigned_worker = worker
    case.save(update_fields=["assigned_worker", "updated_at"])
    if case.status == CaseStatus.OPEN:
        transitions.CASE.move(case, CaseStatus.ACTIVE)
    record(
        case,
        actor,
        "case_assigned",
        fields=["assigned_worker"],
        worker=str(worker.pk),
        previous=str(previous) if previous else None,
    )
    return case


@transaction.atomic
def case_share(*, actor: Staff, case: Case, organisation: Organisation, purpose: str) -> CaseShare:
    """Let another organisation's staff read the case (police investigation, a service provider)."""
    require(permissions.move_case, actor, case, _("You cannot change this case."))
    if organisation.pk == case.owner_id:
        raise ApplicationError(
            _("The owner already sees its case."), fields={"organisation": [_("Choose another organisation.")]}
        )
    required_text(purpose, field="purpose", message=_("Say why the case is shared."))
    try:
        with transaction.atomic():
            share = CaseShare.objects.create(case=case, organisation=organisation, purpose=purpose, granted_by=actor)
    except IntegrityError as error:
        raise Conflict(_("The case is already shared with this organisation.")) from error
    record(case, actor, "case_shared", action=AuditAction.CREATE, obj=share, organisation=organisation.code)
    return share


@transaction.atomic
def case_share_revoke(*, actor: Staff, share: CaseShare) -> CaseShare:
    require(permissions.move_case, actor, share.case, _("You cannot change this case."))
    if CaseShare.objects.filter(pk=share.pk, revoked_at__isnull=True).update(revoked_at=timezone.now()) != 1:
        raise Conflict(_("This share was already revoked."))
    share.refresh_from_db()
    record(share.case, actor, "case_share_revoked", obj=share, organisation=share.organisation.code)
    return share


@transaction.atomic
def case_transfer_request(*, actor: Staff, case: Case, to_organisation: Organisation, reason: str) -> CaseTransfer:
    require(permissions.move_case, actor, case, _("You cannot change this case."))
    required_text(reason, field="reason", message=_("Say why the case is transferred."))
    if to_organisation.pk == case.owner_id:
        raise ApplicationError(
            _("The case already belongs here."), fields={"to_organisation": [_("Choose another organisation.")]}
        )
    transfer = CaseTransfer(
        case=case, from_organisation=case.owner, to_organisation=to_organisation, reason=reason, requested_by=actor
    )
    try:
        with transaction.atomic():
            transfer.save(force_insert=True)
    except IntegrityError as error:
        raise Conflict(_("A transfer of this case is already waiting for an answer.")) from error
    record(case, actor, "transfer_requested", action=AuditAction.CREATE, obj=transfer, to=to_organisation.code)
    return transfer


@transaction.atomic
def case_transfer_accept(*, actor: Staff, transfer: CaseTransfer, assign_to: User | None = None) -> CaseTransfer:
    """The receiving organisation takes the case: ownership moves, the old assignment ends."""
    require(permissions.decide_transfer, actor, transfer, _("Only the receiving organisation can accept."))
    if assign_to is not None:
        _check_worker(assign_to, transfer.to_organisation)
    transitions.TRANSFER.move(transfer, TransferStatus.ACCEPTED, decided_by=actor, decided_at=timezone.now())
    case = Case.objects.select_for_update().get(pk=transfer.case_id)
    case.owner = transfer.to_organisation
    case.assigned_worker = assign_to
    case.save(update_fields=["owner", "assigned_worker", "updated_at"])
    record(
        case,
        actor,
        "transfer_accepted",
        obj=transfer,
        fields=["owner"],
        **{"from": transfer.from_organisation.code, "to": transfer.to_organisation.code},
    )
    return transfer


@transaction.atomic
def case_transfer_decline(*, actor: Staff, transfer: CaseTransfer, reason: str) -> CaseTransfer:
    require(permissions.decide_transfer, actor, transfer, _("Only the receiving organisation can decline."))
    required_text(reason, field="reason", message=_("Say why the transfer is declined."))
    transitions.TRANSFER.move(
        transfer, TransferStatus.DECLINED, decided_by=actor, decided_at=timezone.now(), decline_reason=reason
    )
    record(transfer.case, actor, "transfer_declined", obj=transfer, to=transfer.to_organisation.code)
    return transfer


@transaction.atomic
def case_transfer_cancel(*, actor: Staff, transfer: CaseTransfer) -> CaseTransfer:
    require(permissions.move_case, actor, transfer.case, _("You cannot change this case."))
    transitions.TRANSFER.move(transfer, TransferStatus.CANCELLED, decided_by=actor, decided_at=timezone.now())
    record(transfer.case, actor, "transfer_cancelled", obj=transfer)
    return transfer


@transaction.atomic
def case_closure_request(*, actor: Staff, case: Case, reason: str, note: str = "") -> Case:
    require(permissions.change_case, actor, case, _("You cannot close this case."))
    if reason not in ClosureReason.values:
        raise ApplicationError(_("Give the reason for closing."), fields={"reason": [_("Choose a closure reason.")]})
    if reason == ClosureReason.OTHER and not note.strip():
        raise ApplicationError(_("Explain the reason."), fields={"note": [_("Required when the reason is 'other'.")]})
    updated = (
        Case.objects.filter(pk=case.pk, closure_requested_at__isnull=True)
        .exclude(status=CaseStatus.CLOSED)
        .update(
            closure_reason=reason, closure_note=note, closure_requested_by=actor, closure_requested_at=timezone.now()
        )
    )
    if updated != 1:
        raise Conflict(_("Closure of this case was already requested."))
    case.refresh_from_db()
    record(case, actor, "closure_requested", fields=["closure_reason"], reason=reason)
    return case


@transaction.atomic
def case_closure_approve(*, actor: Staff, case: Case) -> Case:
    """A manager approves the closure; never the person who asked for it (four eyes)."""
    require(permissions.manage_case, actor, case, _("Only a manager can approve a closure."))
    if not case.closure_pending:
        raise ApplicationError(_("Nobody has asked to close this case."), fields={"status": [_("No closure request.")]})
    if case.closure_requested_by_id == actor.pk:
        raise PermissionDenied(_("Another manager must approve a closure you asked for."))
    transitions.CASE.move(case, CaseStatus.CLOSED, closure_approved_by=actor, closed_at=timezone.now())
    CaseTransfer.objects.filter(case=case, status=TransferStatus.PENDING).update(
        status=TransferStatus.CANCELLED, decided_by=actor, decided_at=timezone.now()
    )
    record(case, actor, "case_closed", fields=["status"], reason=case.closure_reason)
    return case


@transaction.atomic
def case_closure_reject(*, actor: Staff, case: Case, note: str) -> Case:
    require(permissions.manage_case, actor, case, _("Only a manager can decide on a closure."))
    if not case.closure_pending:
        raise ApplicationError(_("Nobody has asked to close this case."), fields={"status": [_("No closure request.")]})
    required_text(note, field="note", message=_("Say why the case stays open."))
    Case.objects.filter(pk=case.pk).update(
        closure_reason="", closure_note="", closure_requested_by=None, closure_requested_at=None
    )
    case.refresh_from_db()
    record(case, actor, "closure_rejected")
    return case


@transaction.atomic
def case_reopen(*, actor: Staff, case: Case, reason: str) -> Case:
    """A manager reopens a closed case at once (the API's `reopen`); a worker asks through
    `case_reopen_request` and another manager decides."""
    require(permissions.manage_case, actor, case, _("Only a manager can reopen a case."))
    required_text(reason, field="reason", message=_("Say why the case is reopened."))
    _reopen(case)
    record(case, actor, "case_reopened", fields=["status"])
    return case


@transaction.atomic
def case_reopen_request(*, actor: Staff, case: Case, reason: str) -> Case:
    """A worker of a closed case asks to reopen it (new facts, the person came back); a manager decides."""
    require(permissions.request_reopen, actor, case, _("You cannot ask to reopen this case."))
    required_text(reason, field="reason", message=_("Say why the case should be reopened."))
    if case.status != CaseStatus.CLOSED:
        raise ApplicationError(_("Only a closed case can be reopened."), fields={"status": [_("The case is open.")]})
    updated = Case.objects.filter(pk=case.pk, status=CaseStatus.CLOSED, reopen_requested_at__isnull=True).update(
        reopen_reason=reason, reopen_requested_by=actor, reopen_requested_at=timezone.now()
    )
    if updated != 1:
        raise Conflict(_("Reopening this case was already requested."))
    case.refresh_from_db()
    record(case, actor, "reopen_requested", fields=["reopen_reason"])
    return case


@transaction.atomic
def case_reopen_approve(*, actor: Staff, case: Case) -> Case:
    """A manager reopens the case; never the person who asked for it (four eyes)."""
    require(permissions.manage_case, actor, case, _("Only a manager can approve a reopening."))
    _require_reopen_pending(case)
    if case.reopen_requested_by_id == actor.pk:
        raise PermissionDenied(_("Another manager must approve a reopening you asked for."))
    requested_by = case.reopen_requested_by_id
    _reopen(case)
    record(case, actor, "case_reopened", fields=["status"], requested_by=str(requested_by))
    return case


@transaction.atomic
def case_reopen_reject(*, actor: Staff, case: Case, note: str) -> Case:
    require(permissions.manage_case, actor, case, _("Only a manager can decide on a reopening."))
    _require_reopen_pending(case)
    required_text(note, field="note", message=_("Say why the case stays closed."))
    Case.objects.filter(pk=case.pk).update(reopen_reason="", reopen_requested_by=None, reopen_requested_at=None)
    case.refresh_from_db()
    record(case, actor, "reopen_rejected")
    return case


def _require_reopen_pending(case: Case) -> None:
    if not case.reopen_pending:
        raise ApplicationError(
            _("Nobody has asked to reopen this case."), fields={"status": [_("No reopening request.")]}
        )


def _reopen(case: Case) -> None:
    """Closed to active: the closure and any reopening request are cleared."""
    transitions.CASE.move(
        case,
        CaseStatus.ACTIVE,
        closure_reason="",
        closure_note="",
        closure_requested_by=None,
        closure_requested_at=None,
        closure_approved_by=None,
        closed_at=None,
        reopen_reason="",
        reopen_requested_by=None,
        reopen_requested_at=None,
    )


def _check_worker(worker: User, organisation: Organisation) -> None:
    if worker.organisation_id != organisation.pk or not worker.has_role(Role.SOCIAL_WORKER, Role.COUNSELLOR):
        raise ApplicationError(
            _("Cases go to a social worker or counsellor of the owning organisation."),
            fields={"worker": [_("Choose a worker of %(org)s.") % {"org": organisation}]},
        )
