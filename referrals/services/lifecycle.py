"""The referral's lifecycle (domain.md: Referrals): drafted, sent, answered and closed.

Every change appends to the stream partners pull (`referrals.changes.record_change`) and leaves
a row on the case timeline and in the audit log, in the same transaction. The sending side acts
as staff; the receiving side as staff of the receiving organisation or through its API token.
Lock order: see referrals/services/__init__.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.actors import Staff, home_organisation_id
from accounts.models import AuditAction, Organisation
from accounts.services import audit_record
from casework import timeline
from casework.models import Case, ServiceType
from casework.privacy import clear
from casework.services.common import record, require, validate
from core.errors import ApplicationError, NotFound, PermissionDenied
from core.validation import required_text
from referrals import permissions
from referrals.changes import record_change
from referrals.choices import DataCategory, ReferralStatus, Urgency
from referrals.models import Consent, ConsentOverride, PartnerToken, Referral, ReferralEvent
from referrals.transitions import REFERRAL

# (acknowledge within, answer within) after sending, by urgency. domain.md: a referral not
# acknowledged within 3 days, not answered within 7; an emergency within 24 hours (and 2 days).
# A deployment may override the table with settings.REFERRAL_DUE_WITHIN.
DUE_WITHIN: dict[str, tuple[timedelta, timedelta]] = {
    Urgency.EMERGENCY: (timedelta(hours=24), timedelta(days=2)),
    Urgency.HIGH: (timedelta(days=3), timedelta(days=7)),
    Urgency.ROUTINE: (timedelta(days=3), timedelta(days=7)),
}
NOTE_MAX_LENGTH = 4000
DRAFT_FIELDS = ("to_organisation", "service_types", "urgency", "reason", "shared_categories", "consent")


def due_within(urgency: str) -> tuple[timedelta, timedelta]:
    table = getattr(settings, "REFERRAL_DUE_WITHIN", DUE_WITHIN)
    return table.get(urgency) or DUE_WITHIN.get(urgency) or DUE_WITHIN[Urgency.ROUTINE]


# --- Sending side -----------------------------------------------------------------------------
@transaction.atomic
def referral_create(
    *,
    actor: Staff,
    case: Case,
    to_organisation: Organisation,
    service_types: Iterable[ServiceType],
    urgency: str,
    reason: str,
    shared_categories: Iterable[str],
    consent: Consent | None = None,
) -> Referral:
    """A draft referral from the actor's organisation; nothing leaves until it is sent."""
    require(permissions.send_referral, actor, case, _("You cannot refer from this case."))
    services = list(dict.fromkeys(service_types))
    referral = Referral(
        case=case,
        from_organisation_id=home_organisation_id(actor),
        from_worker=actor,
        to_organisation=to_organisation,
        urgency=urgency,
        reason=(reason or "").strip(),
        shared_categories=sorted(set(shared_categories)),
        consent=consent,
    )
    _check_draft(referral, services)
    validate(referral, exclude=["shared_categories"])  # may be empty: checked in _check_draft
    referral.save(force_insert=True)
    referral.service_types.set(services)
    record_change(
        referral, kind="created", organisation=actor.organisation, actor=actor, to_status=ReferralStatus.DRAFT
    )
    _log(
        referral,
        "referral_created",
        actor=actor,
        action=AuditAction.CREATE,
        to=to_organisation.code,
        services=sorted(service.code for service in services),
        categories=referral.shared_categories,
    )
    return referral


@transaction.atomic
def referral_update_draft(
    *, actor: Staff, referral: Referral, service_types: Iterable[ServiceType] | None = None, **changes: Any
) -> Referral:
    """Change a draft: any of to_organisation, service_types, urgency, reason,
    shared_categories, consent (None unlinks it). A sent referral is never rewritten."""
    permissions.send_referral.require(
        actor, referral, _("You cannot change this referral."), seen=permissions.view_referral
    )
    unknown = set(changes) - set(DRAFT_FIELDS)
    if unknown:
        raise ApplicationError(_("Unknown fields."), fields={name: [_("Cannot be changed here.")] for name in unknown})
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    if locked.status != ReferralStatus.DRAFT:
        raise ApplicationError(
            _("Only a draft can be changed; this referral has been sent."),
            fields={"status": [_("Not a draft.")]},
        )
    if _open_override(locked) is not None:
        # The override was asked (or approved) for this recipient, data and services exactly.
        raise ApplicationError(
            _("A consent override was asked for this draft as it is; it can no longer be changed."),
            fields={"consent_override": [_("Ask for a new referral instead.")]},
        )
    if "reason" in changes:
        changes["reason"] = (changes["reason"] or "").strip()
    if "shared_categories" in changes:
        changes["shared_categories"] = sorted(set(changes["shared_categories"]))
    for name, value in changes.items():
        setattr(locked, name, value)
    services = list(dict.fromkeys(service_types)) if service_types is not None else list(locked.service_types.all())
    _check_draft(locked, services)
    validate(locked, exclude=["shared_categories"])
    locked.save()
    if service_types is not None:
        locked.service_types.set(services)
    changed = sorted([*changes, *(["service_types"] if service_types is not None else [])])
    record_change(locked, kind="draft_updated", organisation=actor.organisation, actor=actor)
    _log(locked, "referral_draft_updated", actor=actor, fields=changed, fields_changed=changed)
    referral.refresh_from_db()
    return referral


def _check_draft(referral: Referral, services: list[ServiceType]) -> None:
    errors: dict[str, list[str]] = {}
    to_organisation = referral.to_organisation if referral.to_organisation_id else None
    if to_organisation is None:
        errors["to_organisation"] = [_("This field is required.")]
    elif to_organisation.pk == referral.from_organisation_id:
        errors["to_organisation"] = [_("Refer to another organisation.")]
    elif not to_organisation.is_active:
        errors["to_organisation"] = [_("This organisation is no longer active.")]
    if not services:
        errors["service_types"] = [_("Choose at least one service.")]
    elif any(not service.active for service in services):
        errors["service_types"] = [_("A chosen service is no longer offered.")]
    if referral.urgency not in Urgency.values:
        errors["urgency"] = [_("Choose an urgency.")]
    if not referral.reason:
        errors["reason"] = [_("This field is required.")]
    if set(referral.shared_categories) - set(DataCategory.values):
        errors["shared_categories"] = [_("Unknown data category.")]
    consent = referral.consent if referral.consent_id else None
    if consent is not None and consent.person_id != referral.case.person_id:
        errors["consent"] = [_("The consent was given for another person.")]
    if errors:
        raise ApplicationError(_("Please correct the errors below."), fields=errors)


@transaction.atomic
def referral_send(*, actor: Staff, referral: Referral) -> Referral:
    """Send a draft, only when a consent covers it (same person, this recipient, every shared
    category and requested service, neither withdrawn nor expired; for a child a guardian's
    or a best-interest consent) or a second person approved a consent override. Sets the
    acknowledge and answer due dates by urgency. It shares the minimal data set only: the
    receiving organisation does not get the case."""
    permissions.send_referral.require(
        actor, referral, _("You cannot send this referral."), seen=permissions.view_referral
    )
    REFERRAL.check(referral.status, ReferralStatus.SENT)
    now = timezone.now()
    # An approved consent override (consent_override_decide) replaces the consent check; read
    # from the database, since it is set by another person's transaction and never unset.
    overridden = Referral.objects.filter(pk=referral.pk, consent_override=True).exists()
    # Locked, so that a withdrawal committing meanwhile is either seen here or waits for us.
    consent = (
        Consent.objects.select_for_update(no_key=True).get(pk=referral.consent_id)
        if referral.consent_id and not overridden
        else None
    )
    problems = {} if overridden else permissions.consent_problems(referral, consent, now=now)
    if problems:
        messages = [message for field_messages in problems.values() for message in field_messages]
        raise ApplicationError(" ".join(messages), fields=problems)
    acknowledge_within, answer_within = due_within(referral.urgency)
    referral.consent_override = overridden
    _move(
        referral,
        ReferralStatus.SENT,
        kind="sent",
        organisation=actor.organisation,
        actor=actor,
        sent_at=now,
        acknowledge_due_at=now + acknowledge_within,
        answer_due_at=now + answer_within,
    )
    return referral


@transaction.atomic
def referral_withdraw(*, actor: Staff, referral: Referral, reason: str) -> Referral:
    """The sender takes a referral back from any status that is not final."""
    permissions.send_referral.require(
        actor, referral, _("You cannot withdraw this referral."), seen=permissions.view_referral
    )
    reason = required_text(reason, field="reason", message=_("Say why the referral is withdrawn."))
    _move(
        referral, ReferralStatus.WITHDRAWN, kind="withdrawn", organisation=actor.organisation, actor=actor, note=reason
    )
    return referral


# --- Receiving side: staff of the receiving organisation, or its partner token ------------------
@transaction.atomic
def referral_acknowledge(
    *, referral: Referral, actor: Staff | None = None, token: PartnerToken | None = None
) -> Referral:
    organisation = _receiver(referral, actor, token)
    _move(
        referral, ReferralStatus.ACKNOWLEDGED, kind="acknowledged", organisation=organisation, actor=actor, token=token
    )
    return referral


@transaction.atomic
def referral_accept(
    *, referral: Referral, actor: Staff | None = None, token: PartnerToken | None = None, note: str = ""
) -> Referral:
    """Accept; straight from `sent` the acknowledgement is implied and recorded first."""
    organisation = _receiver(referral, actor, token)
    _acknowledge_if_sent(referral, organisation, actor, token)
    _move(
        referral,
        ReferralStatus.ACCEPTED,
        kind="accepted",
        organisation=organisation,
        actor=actor,
        token=token,
        note=note.strip(),
    )
    return referral


@transaction.atomic
def referral_decline(
    *, referral: Referral, reason: str, actor: Staff | None = None, token: PartnerToken | None = None
) -> Referral:
    organisation = _receiver(referral, actor, token)
    reason = required_text(reason, field="reason", message=_("Say why the referral is declined."))
    _acknowledge_if_sent(referral, organisation, actor, token)
    _move(
        referral,
        ReferralStatus.DECLINED,
        kind="declined",
        organisation=organisation,
        actor=actor,
        token=token,
        note=reason,
        decline_reason=reason,
    )
    return referral


@transaction.atomic
def referral_start(*, referral: Referral, actor: Staff | None = None, token: PartnerToken | None = None) -> Referral:
    organisation = _receiver(referral, actor, token)
    _move(referral, ReferralStatus.IN_PROGRESS, kind="started", organisation=organisation, actor=actor, token=token)
    return referral


@transaction.atomic
def referral_complete(
    *, referral: Referral, outcome: str, actor: Staff | None = None, token: PartnerToken | None = None
) -> Referral:
    organisation = _receiver(referral, actor, token)
    outcome = required_text(outcome, field="outcome", message=_("Say what the service achieved."))
    _move(
        referral,
        ReferralStatus.COMPLETED,
        kind="completed",
        organisation=organisation,
        actor=actor,
        token=token,
        note=outcome,
        outcome=outcome,
    )
    return referral


@transaction.atomic
def referral_close_without_service(
    *, referral: Referral, reason: str, actor: Staff | None = None, token: PartnerToken | None = None
) -> Referral:
    """The receiver closes an accepted or started referral whose service did not happen; the
    reason is kept as the referral's outcome."""
    organisation = _receiver(referral, actor, token)
    reason = required_text(reason, field="reason", message=_("Say why no service was given."))
    _move(
        referral,
        ReferralStatus.CLOSED_WITHOUT_SERVICE,
        kind="closed_without_service",
        organisation=organisation,
        actor=actor,
        token=token,
        note=reason,
        outcome=reason,
    )
    return referral


@transaction.atomic
def referral_add_note(
    *, referral: Referral, note: str, actor: Staff | None = None, token: PartnerToken | None = None
) -> ReferralEvent:
    """A message between the two organisations on a sent referral: an event without a status
    change. Either side writes: the sender's case workers, the receiver's staff or token."""
    if token is None and actor is not None and not permissions.receives(actor, referral):
        permissions.send_referral.require(
            actor, referral, _("You cannot write on this referral."), seen=permissions.view_referral
        )
        organisation = actor.organisation
    else:  # the receiving side; neither or both of actor and token are refused there
        organisation = _receiver(referral, actor, token)
    note = required_text(note, field="note", message=_("Write the note."))
    if len(note) > NOTE_MAX_LENGTH:
        raise ApplicationError(
            _("This note is too long."), fields={"note": [_("At most %(n)d characters.") % {"n": NOTE_MAX_LENGTH}]}
        )
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    if locked.status == ReferralStatus.DRAFT:
        raise ApplicationError(
            _("Notes are for sent referrals; put this in the draft's reason."), fields={"status": [_("Still a draft.")]}
        )
    event = record_change(referral, kind="note", organisation=organisation, actor=actor, token=token, note=note)
    _log(referral, "referral_note_added", actor=actor, token=token, event=event.seq)
    return event


def _open_override(referral: Referral) -> ConsentOverride | None:
    return ConsentOverride.objects.filter(
        referral_id=referral.pk, status__in=[ConsentOverride.Status.PENDING, ConsentOverride.Status.APPROVED]
    ).first()


# --- Pieces ---------------------------------------------------------------------------------------
def _receiver(referral: Referral, actor: Staff | None, token: PartnerToken | None) -> Organisation | None:
    """The receiving organisation, acting through exactly one of a staff member or a token."""
    if token is not None and actor is None:
        if not permissions.token_is_active(token):
            raise PermissionDenied(_("This API token is revoked or has expired."))
        if not permissions.token_sees(token, referral):
            raise NotFound(_("Not found."))
        return token.organisation
    if actor is None or token is not None:
        raise _one_actor()
    permissions.answer_referral.require(
        actor,
        referral,
        _("Only social workers, counsellors and managers of the receiving organisation answer referrals."),
        seen=permissions.view_referral,
    )
    return actor.organisation


def _acknowledge_if_sent(
    referral: Referral, organisation: Organisation | None, actor: Staff | None, token: PartnerToken | None
) -> None:
    if referral.status == ReferralStatus.SENT:
        _move(
            referral,
            ReferralStatus.ACKNOWLEDGED,
            kind="acknowledged",
            organisation=organisation,
            actor=actor,
            token=token,
        )


def _move(
    referral: Referral,
    new: str,
    *,
    kind: str,
    organisation: Organisation | None,
    actor: Staff | None = None,
    token: PartnerToken | None = None,
    note: str = "",
    **changes: Any,
) -> ReferralEvent:
    """Compare-and-swap the status (400 if the table forbids it, 409 if someone else moved it
    first; the UPDATE holds the row lock before record_change takes the stream lock), then
    append the event and write the timeline and audit rows."""
    old = referral.status
    REFERRAL.move(referral, new, updated_at=timezone.now(), **changes)
    event = record_change(
        referral,
        kind=kind,
        organisation=organisation,
        actor=actor,
        token=token,
        from_status=old,
        to_status=new,
        note=note,
    )
    _log(referral, f"referral_{kind}", actor=actor, token=token, fields=["status", *changes], status=new)
    return event


def _log(
    referral: Referral,
    kind: str,
    *,
    actor: Staff | None,
    token: PartnerToken | None = None,
    action: str = AuditAction.UPDATE,
    fields: Iterable[str] = (),
    reason: str = "",
    **data: Any,
) -> None:
    """The case timeline row and the audit row: codes and ids only, never the note or reason
    (a consent override's reason goes to the audit row only)."""
    data = {"referral": str(referral.pk), **data}
    if token is not None:
        timeline.write(referral.case_id, token, kind, **data, via="partner_api", by=token.organisation.code)
        audit_record(actor=token, action=action, obj=referral, fields=fields)
        return
    if actor is None:
        raise _one_actor()
    record(referral.case, actor, kind, action=action, obj=referral, fields=fields, reason=reason, **data)


def _one_actor() -> ApplicationError:
    return ApplicationError(_("Act either as a member of staff or through a partner token."))


def person_records_anonymise(person_ids: list[Any]) -> None:
    """The retention rule's part in referrals (casework.services.retention): the free text of the
    people's consents, referrals, referral events and consent overrides. Who referred whom to which services, when,
    and with which outcome status stays."""
    clear(
        Consent.objects.filter(person_id__in=person_ids),
        redact=("purpose", "best_interest_reason", "withdrawal_note"),
    )
    referrals = Referral.objects.filter(case__person_id__in=person_ids)
    clear(referrals, redact=("reason", "decline_reason", "outcome"))
    clear(ReferralEvent.objects.filter(referral__in=referrals), redact=("note",))
    clear(ConsentOverride.objects.filter(referral__in=referrals), redact=("reason", "decision_note"))
