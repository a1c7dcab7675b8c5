"""What people do with a transfer on either end: refer a case to a peer (origin), accept it,
decline it or ask for more (destination), answer (origin), and record a shared step (the end
that does it). Every change and the message that tells the peer are written in one transaction
(crossborder.services.outbox.queue); the case's timeline and the audit log record it."""

from __future__ import annotations

import json
import uuid
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.actors import Actor, Staff
from accounts.models import AuditAction, Province
from casework import permissions as case_permissions
from casework.choices import IdentificationRoute
from casework.models import Case, RepatriationStep, ServiceType
from casework.services.cases import case_open
from casework.services.common import record, require
from core.errors import ApplicationError
from core.validation import required_text
from crossborder import permissions, protocol, transitions
from crossborder.choices import LAST_STEP, Kind, Purpose, Role, TransferStatus, step_named, steps_for
from crossborder.models import PartnerProvider, Peer, Transfer, TransferStep
from crossborder.repatriation_steps import SHARED_STEP, repatriation_advance
from crossborder.services import outbox
from referrals.models import Consent, Referral
from referrals.permissions import consent_problems


def shared_person(case: Case, categories: list[str]) -> dict[str, Any]:
    """The person fields the categories allow (protocol.PERSON_FIELDS), as the protocol writes them."""
    person = case.person
    values: dict[str, Any] = {}
    for category in categories:
        for name in protocol.PERSON_FIELDS[category]:
            if name == "case_category":
                values[name] = case.category
            elif name == "origin_province":
                values[name] = person.origin_province.code if person.origin_province else None
            else:
                value = getattr(person, name)
                values[name] = (
                    value.isoformat() if isinstance(value, date) else (str(value) if isinstance(value, str) else value)
                )
    return {name: value for name, value in values.items() if value not in (None, "", [])}


def _locked(transfer: Transfer) -> Transfer:
    return Transfer.objects.select_for_update().get(pk=transfer.pk)


def _timeline(transfer: Transfer, actor: Actor, kind: str, **data: Any) -> None:
    if transfer.case is not None:
        record(transfer.case, actor, kind, obj=transfer, transfer=str(transfer.transfer_id), **data)


@transaction.atomic
def transfer_refer(
    *,
    actor: Staff,
    case: Case,
    peer: Peer,
    purpose: str,
    consent: Consent | None,
    categories: list[str],
    reason: str,
    provider: PartnerProvider | None = None,
    service: ServiceType | None = None,
) -> Transfer:
    """Refer the case's person to the peer with the data the consent and the agreement allow,
    naming the receiving service from the peer's directory if the worker chose one."""
    require(case_permissions.change_case, actor, case, _("You cannot refer this case."))
    errors: dict[str, list[str]] = {}
    if not peer.active:
        errors["peer"] = [_("This partner instance is no longer active.")]
    if purpose not in peer.may_receive:
        errors["purpose"] = [_("The agreement with this partner does not cover this purpose.")]
    outside = sorted(set(categories) - set(peer.categories_out))
    if outside or not categories:
        errors["categories"] = [_("Choose data the agreement with this partner allows.")]
    probe = Referral(case=case, to_organisation=peer.organisation, shared_categories=list(categories))
    probe.service_codes = []  # type: ignore[attr-defined]  # no services asked: only the disclosure
    for field, messages in consent_problems(probe, consent).items():
        errors.setdefault("consent" if field == "shared_categories" else field, []).extend(messages)
    if not reason.strip():
        errors["reason"] = [_("Say why the person is referred.")]
    if provider is not None and provider.peer_id != peer.pk:
        errors["provider"] = [_("This organisation is in another partner's directory.")]
    if errors:
        raise ApplicationError(_("Please correct the errors below."), fields=errors)
    person = shared_person(case, categories)
    transfer = Transfer.objects.create(
        transfer_id=uuid.uuid4(),
        peer=peer,
        role=Role.ORIGIN,
        purpose=purpose,
        case=case,
        organisation=case.owner,
        consent=consent,
        categories=list(categories),
        reason=reason.strip(),
        shared=json.dumps(person),
        peer_case_code="",
        provider_code=provider.code if provider else "",
        provider_service=service.code if service and provider else "",
    )
    data: dict[str, Any] = {
        "purpose": purpose,
        "reason": reason.strip(),
        "categories": list(categories),
        "case_code": case.person.case_code,
        "person": person,
    }
    if provider is not None:
        data["provider"] = {"organisation": transfer.provider_code, "service": transfer.provider_service}
    outbox.queue(transfer=transfer, kind=Kind.REFERRAL, data=data)
    record(
        case,
        actor,
        "crossborder_referred",
        action=AuditAction.CREATE,
        obj=transfer,
        fields=sorted(person),
        transfer=str(transfer.transfer_id),
        peer=peer.instance_id,
        purpose=purpose,
        categories=sorted(categories),
    )
    return transfer


def _change(actor: Staff, transfer: Transfer, role: str) -> Transfer:
    permissions.change_transfer.require(
        actor, transfer, _("You cannot change this transfer."), seen=permissions.view_transfer
    )
    locked = _locked(transfer)
    if locked.role != role:
        raise ApplicationError(_("Only the other side can do this."), fields={"status": [_("Not for this side.")]})
    return locked


@transaction.atomic
def transfer_accept(*, actor: Staff, transfer: Transfer) -> Transfer:
    """Accept a referral: open our own case for the person from what was shared, and tell the peer."""
    locked = _change(actor, transfer, Role.DESTINATION)
    transitions.TRANSFER.move(locked, TransferStatus.ACCEPTED)
    shared = json.loads(locked.shared or "{}")
    values = {name: value for name, value in shared.items() if name not in ("case_category", "origin_province")}
    for name in ("date_of_birth",):
        if name in values:
            values[name] = date.fromisoformat(values[name])
    province = Province.objects.filter(code=shared.get("origin_province")).first()
    if province is not None:
        values["origin_province"] = province
    route = (
        IdentificationRoute.RETURNED_UNDER_MOU if locked.purpose == Purpose.REPATRIATION else IdentificationRoute.OTHER
    )
    case = case_open(
        actor=actor,
        category=shared.get("case_category") or "trafficking",
        identification_route=route,
        identified_on=timezone.localdate(),
        person_values=values,
    )
    Transfer.objects.filter(pk=locked.pk).update(case=case)
    locked.case = case
    outbox.queue(transfer=locked, kind=Kind.ACCEPTED, data={})
    _timeline(locked, actor, "crossborder_accepted", peer=locked.peer.instance_id)
    return locked


def _say(actor: Staff, transfer: Transfer, *, kind: Kind, text: str, missing: str) -> Transfer:
    """A decision or an exchange that carries one text: the status it leads to, the field that
    keeps the text here and its name in the message are the kind's (SAID)."""
    by, status, stored, field = SAID[kind]
    locked = _change(actor, transfer, by)
    required_text(text, field=field, message=missing)
    transitions.TRANSFER.move(locked, status, **{stored: text.strip()})
    outbox.queue(transfer=locked, kind=kind, data={field: text.strip()})
    return locked


# kind -> (the end that says it, the status it leads to, the Transfer field, the message's field)
SAID = {
    Kind.DECLINED: (Role.DESTINATION, TransferStatus.DECLINED, "decline_reason", "reason"),
    Kind.INFO_REQUESTED: (Role.DESTINATION, TransferStatus.INFO_REQUESTED, "question", "question"),
    Kind.INFO_PROVIDED: (Role.ORIGIN, TransferStatus.SENT, "answer", "answer"),
}


@transaction.atomic
def transfer_decline(*, actor: Staff, transfer: Transfer, reason: str) -> Transfer:
    return _say(actor, transfer, kind=Kind.DECLINED, text=reason, missing=_("Say why the referral is declined."))


@transaction.atomic
def transfer_ask(*, actor: Staff, transfer: Transfer, question: str) -> Transfer:
    """Ask the referring side for more before deciding."""
    return _say(actor, transfer, kind=Kind.INFO_REQUESTED, text=question, missing=_("Say what you need to know."))


@transaction.atomic
def transfer_answer(*, actor: Staff, transfer: Transfer, answer: str) -> Transfer:
    locked = _say(actor, transfer, kind=Kind.INFO_PROVIDED, text=answer, missing=_("Write the answer."))
    _timeline(locked, actor, "crossborder_info_provided", peer=locked.peer.instance_id)
    return locked


def apply_step(
    transfer: Transfer, actor: Actor, *, code: str, by: str, done_on: date, agreed_date: date | None, note: str
) -> TransferStep:
    """Record a step done by `by` (either end) on the locked transfer, if the protocol allows it
    now: the transfer is accepted, the step is that end's, every step before it is done."""
    step = step_named(code)
    steps = steps_for(transfer.purpose)
    if step is None or step not in steps:
        raise ApplicationError(_("This step is not part of this transfer."), fields={"step": [_("Choose a step.")]})
    if step.by != by:
        raise ApplicationError(_("This step is done by the other side."), fields={"step": [_("Not for this side.")]})
    if transfer.status != TransferStatus.ACCEPTED:
        raise ApplicationError(_("Steps are recorded once the referral is accepted."), fields={"step": [_("Not yet.")]})
    done = set(transfer.steps.values_list("code", flat=True))
    if code in done:
        raise ApplicationError(_("This step is already recorded."), fields={"step": [_("Already done.")]})
    before = [earlier.code for earlier in steps[: steps.index(step)]]
    if set(before) - done:
        raise ApplicationError(_("The steps before this one are not done yet."), fields={"step": [_("Not yet.")]})
    if step.carries_date and agreed_date is None:
        raise ApplicationError(_("Give the agreed date."), fields={"agreed_date": [_("This field is required.")]})
    row = TransferStep.objects.create(
        transfer=transfer, code=code, done_by_role=by, done_on=done_on, agreed_date=agreed_date, note=note.strip()
    )
    if code == LAST_STEP:
        transitions.TRANSFER.move(transfer, TransferStatus.COMPLETED)
    _timeline(transfer, actor, "crossborder_step_done", step=code, side=by)
    repatriation_advance(transfer, actor, code=code, done_on=done_on, note=note.strip())
    return row


@transaction.atomic
def step_record(
    *, actor: Staff, transfer: Transfer, code: str, done_on: date, agreed_date: date | None = None, note: str = ""
) -> TransferStep:
    """Record one of our side's steps and tell the peer."""
    permissions.change_transfer.require(
        actor, transfer, _("You cannot change this transfer."), seen=permissions.view_transfer
    )
    locked = _locked(transfer)
    if done_on > timezone.localdate():
        raise ApplicationError(_("This date is in the future."), fields={"done_on": [_("This date is in the future.")]})
    return _share(locked, actor, code=code, done_on=done_on, agreed_date=agreed_date, note=note)


def _share(
    transfer: Transfer, actor: Staff, *, code: str, done_on: date, agreed_date: date | None, note: str
) -> TransferStep:
    """Record our side's step on the locked transfer and queue the message that tells the peer."""
    row = apply_step(transfer, actor, code=code, by=transfer.role, done_on=done_on, agreed_date=agreed_date, note=note)
    data = {"step": code, "done_on": done_on.isoformat(), "note": note.strip()}
    if agreed_date is not None:
        data["agreed_date"] = agreed_date.isoformat()
    outbox.queue(transfer=transfer, kind=Kind.STEP_DONE, data=data)
    return row


def repatriation_step_done(actor: Staff, step: RepatriationStep) -> None:
    """A worker completed a repatriation step here (casework.extensions.STEP_DONE): record and send
    the shared step it stands for on each accepted transfer of the case where it is our side's
    and not recorded yet. A step the peer reported is recorded before its repatriation step
    completes, so it is never sent back. The worker's notes stay here."""
    code = SHARED_STEP.get(step.code)
    shared = step_named(code) if code else None
    if shared is None or step.done_on is None:
        return
    accepted = Transfer.objects.select_for_update().filter(
        case_id=step.repatriation.case_id, status=TransferStatus.ACCEPTED, role=shared.by
    )
    for transfer in accepted:
        if shared in steps_for(transfer.purpose) and not transfer.steps.filter(code=shared.code).exists():
            _share(transfer, actor, code=shared.code, done_on=step.done_on, agreed_date=None, note="")
