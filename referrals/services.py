"""Consent per disclosure and the referral lifecycle (docs/design/domain.md: Referrals; docs/design/access.md: Consent).

Every change appends to the stream partners pull (`referrals.changes.record_change`) and leaves
a row on the case timeline and in the audit log, in the same transaction. The sending side acts
as staff; the receiving side as staff of the receiving organisation or through its API token.

Lock order, everywhere: the consent row, then the referral rows (pk order), then the stream's
advisory lock (taken by record_change). A writer that took the advisory lock first and then
waited for a referral row could deadlock with one that holds the row and waits for the lock.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.errors import ApplicationError, Conflict, NotFound, PermissionDenied
from accounts.models import AuditAction, Organisation, Role, User
from accounts.permissions import Permission
from accounts.reminders.alerts import resolve_alert, send_alert
from accounts.reminders.registry import Alert
from accounts.services import audit_record
from casework.models import Case, CaseEvent, FamilyMember, ServiceType
from casework.permissions import change_case, manage_case
from casework.privacy import clear
from casework.services.common import record, require, validate
from referrals import permissions
from referrals.changes import record_change
from referrals.choices import ConsentGivenBy, DataCategory, ReferralStatus, Urgency
from referrals.models import Consent, ConsentOverride, PartnerToken, Referral, ReferralEvent
from referrals.transitions import REFERRAL

# (acknowledge within, answer within) after sending, by urgency. docs/design/domain.md: a referral not
# acknowledged within 3 days, not answered within 7; an emergency within 24 hours (and 2 days).
# A deployment may override the table with settings.REFERRAL_DUE_WITHIN.
DUE_WITHIN: dict[str, tuple[timedelta, timedelta]] = {
    Urgency.EMERGENCY: (timedelta(hours=24), timedelta(days=2)),
    Urgency.HIGH: (timedelta(days=3), timedelta(days=7)),
    Urgency.ROUTINE: (timedelta(days=3), timedelta(days=7)),
}
NOTE_MAX_LENGTH = 4000
DRAFT_FIELDS = ("to_organisation", "service_types", "urgency", "reason", "shared_categories", "consent")


def _required() -> str:
    return _("This field is required.")


def due_within(urgency: str) -> tuple[timedelta, timedelta]:
    table = getattr(settings, "REFERRAL_DUE_WITHIN", DUE_WITHIN)
    return table.get(urgency) or DUE_WITHIN.get(urgency) or DUE_WITHIN[Urgency.ROUTINE]


# --- Consent ----------------------------------------------------------------------------------
@transaction.atomic
def consent_record(
    *,
    actor: Any,
    case: Case,
    recipient: Organisation,
    data_categories: Iterable[str],
    service_types: Iterable[ServiceType],
    purpose: str,
    given_by: str,
    guardian: FamilyMember | None = None,
    best_interest_reason: str = "",
    given_at: datetime | None = None,
    expires_at: datetime | None = None,
) -> Consent:
    """Record one disclosure the person agreed to: which organisation may receive which data
    categories for which services. For a child (under 18 on the consent date) a guardian
    consents or a best-interest decision is recorded; an adult consents for themselves."""
    require(change_case, actor, case, _("You cannot record consent for this case."))
    now = timezone.now()
    given_at = given_at or now
    categories = sorted(set(data_categories))
    services = list(dict.fromkeys(service_types))
    purpose = purpose.strip()
    best_interest_reason = best_interest_reason.strip()
    errors: dict[str, list[str]] = {}
    if not categories:
        errors["data_categories"] = [_("Choose at least one category of data.")]
    elif set(categories) - set(DataCategory.values):
        errors["data_categories"] = [_("Unknown data category.")]
    if not services:
        errors["service_types"] = [_("Choose at least one service.")]
    elif any(not service.active for service in services):
        errors["service_types"] = [_("A chosen service is no longer offered.")]
    if not purpose:
        errors["purpose"] = [_required()]
    if recipient is None or not recipient.is_active:
        errors["recipient"] = [_("Choose an active organisation.")]
    if given_at > now:
        errors["given_at"] = [_("This date is in the future.")]
    if expires_at is not None and expires_at <= given_at:
        errors["expires_at"] = [_("The consent must expire after it was given.")]
    _check_giver(errors, case, given_by, guardian, best_interest_reason, timezone.localdate(given_at))
    if errors:
        raise ApplicationError(_("Please correct the errors below."), fields=errors)
    consent = Consent(
        person_id=case.person_id,
        case=case,
        recipient=recipient,
        data_categories=categories,
        purpose=purpose,
        given_by=given_by,
        guardian=guardian,
        best_interest_reason=best_interest_reason,
        given_at=given_at,
        expires_at=expires_at,
        recorded_by=actor,
    )
    validate(consent)
    consent.save(force_insert=True)
    consent.service_types.set(services)
    record(
        case,
        actor,
        "consent_recorded",
        action=AuditAction.CREATE,
        obj=consent,
        consent=str(consent.pk),
        recipient=recipient.code,
        categories=categories,
        services=sorted(service.code for service in services),
        given_by=given_by,
    )
    return consent


def _check_giver(
    errors: dict[str, list[str]],
    case: Case,
    given_by: str,
    guardian: FamilyMember | None,
    reason: str,
    on: Any,
) -> None:
    if given_by not in ConsentGivenBy.values:
        errors["given_by"] = [_("Say who gave the consent.")]
        return
    child = permissions.is_child_for_consent(case.person, on)
    if child and given_by == ConsentGivenBy.PERSON:
        errors["given_by"] = [
            _("The person is a child on this date: a guardian consents, or a best-interest decision is recorded.")
        ]
    elif not child and given_by != ConsentGivenBy.PERSON:
        errors["given_by"] = [_("The person is an adult on this date and gives their own consent.")]
    if given_by == ConsentGivenBy.GUARDIAN:
        if guardian is None:
            errors["guardian"] = [_("Name the guardian who consented.")]
        elif guardian.person_id != case.person_id or not guardian.is_guardian:
            errors["guardian"] = [_("Choose a guardian recorded in this person's family.")]
    elif guardian is not None:
        errors["guardian"] = [_("Only for a consent given by a guardian.")]
    if given_by == ConsentGivenBy.BEST_INTEREST and not reason:
        errors["best_interest_reason"] = [_("Say why sharing is in the child's best interest.")]
    elif given_by != ConsentGivenBy.BEST_INTEREST and reason:
        errors["best_interest_reason"] = [_("Only for a best-interest decision.")]


@transaction.atomic
def consent_withdraw(*, actor: Any, consent: Consent, note: str = "") -> Consent:
    """The person takes the consent back: from this commit on, the referrals it covers disclose
    nothing of tier 2 and can no longer be sent. Each referral the partner already has gets an
    event, so an incremental pull shows the partner the referral without the withdrawn data.
    Allowed to the case's workers and its managers, also once the case is closed."""
    case = consent.case
    if not manage_case.allows(actor, case):
        require(change_case, actor, case, _("You cannot withdraw this consent."))
    now = timezone.now()
    updated = Consent.objects.filter(pk=consent.pk, withdrawn_at__isnull=True).update(
        withdrawn_at=now, withdrawn_by=actor, withdrawal_note=note.strip()
    )
    if updated != 1:
        raise Conflict(_("This consent was already withdrawn."))
    consent.withdrawn_at, consent.withdrawn_by, consent.withdrawal_note = now, actor, note.strip()
    affected = _lock_referrals(Referral.objects.filter(consent=consent).exclude(status=ReferralStatus.DRAFT))
    for referral in affected:
        record_change(referral, kind="consent_withdrawn", organisation=actor.organisation, actor=actor)
    record(
        case,
        actor,
        "consent_withdrawn",
        obj=consent,
        fields=["withdrawn_at"],
        consent=str(consent.pk),
        referrals=[str(referral.pk) for referral in affected],
    )
    return consent


@transaction.atomic
def consent_expiry_record(*, now: datetime | None = None) -> int:
    """Tell partners about consents that ran out: one `consent_expired` event per sent referral
    whose consent has expired, once (a periodic task calls this; running it twice adds nothing).
    The disclosure already stops at expiry; the event makes the referral reappear in the pull."""
    now = now or timezone.now()
    due = (
        Referral.objects.filter(consent__expires_at__lte=now, consent__withdrawn_at__isnull=True)
        .exclude(status=ReferralStatus.DRAFT)
        .exclude(events__kind="consent_expired")
    )
    referrals = [
        referral
        for referral in _lock_referrals(due)
        # Checked again under the row lock: a run committing meanwhile has written the event.
        if not ReferralEvent.objects.filter(referral=referral, kind="consent_expired").exists()
    ]
    for referral in referrals:
        record_change(referral, kind="consent_expired", organisation=referral.from_organisation)
        CaseEvent.objects.create(
            case_id=referral.case_id, kind="referral_consent_expired", data={"referral": str(referral.pk)}
        )
        audit_record(actor=None, action=AuditAction.UPDATE, obj=referral, reason="consent expired")
    return len(referrals)


def _lock_referrals(queryset: Any) -> list[Referral]:
    return list(queryset.select_for_update(of=("self",)).select_related("from_organisation").order_by("pk"))


# --- Sending side -----------------------------------------------------------------------------
@transaction.atomic
def referral_create(
    *,
    actor: Any,
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
        from_organisation_id=actor.organisation_id,
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
    *, actor: Any, referral: Referral, service_types: Iterable[ServiceType] | None = None, **changes: Any
) -> Referral:
    """Change a draft: any of to_organisation, service_types, urgency, reason,
    shared_categories, consent (None unlinks it). A sent referral is never rewritten."""
    _require(permissions.send_referral, actor, referral, _("You cannot change this referral."))
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
        errors["to_organisation"] = [_required()]
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
        errors["reason"] = [_required()]
    if set(referral.shared_categories) - set(DataCategory.values):
        errors["shared_categories"] = [_("Unknown data category.")]
    consent = referral.consent if referral.consent_id else None
    if consent is not None and consent.person_id != referral.case.person_id:
        errors["consent"] = [_("The consent was given for another person.")]
    if errors:
        raise ApplicationError(_("Please correct the errors below."), fields=errors)


@transaction.atomic
def referral_send(*, actor: Any, referral: Referral) -> Referral:
    """Send a draft, only when a consent covers it (same person, this recipient, every shared
    category and requested service, neither withdrawn nor expired; for a child a guardian's
    or a best-interest consent) or a second person approved a consent override. Sets the
    acknowledge and answer due dates by urgency. It shares the minimal data set only: the
    receiving organisation does not get the case."""
    _require(permissions.send_referral, actor, referral, _("You cannot send this referral."))
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
def referral_withdraw(*, actor: Any, referral: Referral, reason: str) -> Referral:
    """The sender takes a referral back from any status that is not final."""
    _require(permissions.send_referral, actor, referral, _("You cannot withdraw this referral."))
    reason = _required_text(reason, "reason", _("Say why the referral is withdrawn."))
    _move(
        referral, ReferralStatus.WITHDRAWN, kind="withdrawn", organisation=actor.organisation, actor=actor, note=reason
    )
    return referral


# --- Consent override: sharing without consent to protect a life, approved by a second person -------
OVERRIDE_REQUESTED = Alert(
    code="consent_override_requested",
    title=gettext_lazy("Consent override to approve"),
    message=gettext_lazy(
        "A referral from this case asks to share without consent to protect a life: approve or reject it."
    ),
)
OVERRIDE_DECIDED = Alert(
    code="consent_override_decided",
    title=gettext_lazy("Consent override decided"),
    message=gettext_lazy("A manager decided your request to share without consent; see the referral."),
)
OVERRIDE_ALERTS = (OVERRIDE_REQUESTED, OVERRIDE_DECIDED)


def _open_override(referral: Referral) -> ConsentOverride | None:
    return ConsentOverride.objects.filter(
        referral_id=referral.pk, status__in=[ConsentOverride.Status.PENDING, ConsentOverride.Status.APPROVED]
    ).first()


@transaction.atomic
def consent_override_request(*, actor: Any, referral: Referral, reason: str) -> ConsentOverride:
    """Ask to send this draft without (covering) consent because a life is at risk. Nothing is
    shared yet: the draft stays a draft, invisible to the receiver, until a manager of the
    sending organisation other than the requester approves (consent_override_decide). Those
    managers are alerted in the app and by e-mail (case code only)."""
    _require(permissions.send_referral, actor, referral, _("You cannot ask to share this referral."))
    reason, why = (reason or "").strip(), _("Say why sharing without consent is needed to protect a life.")
    if not reason:
        raise ApplicationError(why, fields={"reason": [why]})
    locked = Referral.objects.select_for_update().select_related("case__person").get(pk=referral.pk)
    if locked.status != ReferralStatus.DRAFT:
        raise ApplicationError(
            _("Only a draft can be sent with a consent override."), fields={"status": [_("Not a draft.")]}
        )
    if _open_override(locked) is not None:
        raise Conflict(_("A consent override was already asked for this referral."))
    now = timezone.now()
    override = ConsentOverride.objects.create(referral=locked, reason=reason, requested_by=actor, requested_at=now)
    _log(
        locked,
        "consent_override_requested",
        actor=actor,
        action=AuditAction.CREATE,
        fields=["consent_override"],
        reason=reason,
        override=str(override.pk),
    )
    approvers = User.objects.filter(
        organisation_id=locked.from_organisation_id, roles__contains=[Role.MANAGER], is_active=True
    ).exclude(pk=actor.pk)
    send_alert(
        OVERRIDE_REQUESTED,
        object_id=override.pk,
        case_id=locked.case_id,
        case_code=locked.case.person.case_code,
        organisation_id=locked.from_organisation_id,
        users=approvers,
        now=now,
    )
    return override


@transaction.atomic
def consent_override_decide(*, actor: Any, override: ConsentOverride, approve: bool, note: str = "") -> ConsentOverride:
    """A manager of the sending organisation, never the requester, approves (the draft may then
    be sent without consent) or rejects (with a note; the draft stays blocked) an override."""
    if not permissions.view_override.allows(actor, override):
        raise NotFound(_("Not found."))
    if override.requested_by_id == actor.pk:
        raise PermissionDenied(_("You asked for this override: another manager must decide it."))
    if not permissions.decide_override.allows(actor, override):
        if override.status != ConsentOverride.Status.PENDING and permissions.manages_sender(actor, override):
            raise Conflict(_("This request was already decided."))
        raise PermissionDenied(_("Only a manager of the sending organisation decides a consent override."))
    note = (note or "").strip()
    if not approve and not note:
        why = _("Say why the override is rejected.")
        raise ApplicationError(why, fields={"note": [why]})
    now = timezone.now()
    status = ConsentOverride.Status.APPROVED if approve else ConsentOverride.Status.REJECTED
    updated = ConsentOverride.objects.filter(pk=override.pk, status=ConsentOverride.Status.PENDING).update(
        status=status, decided_by=actor, decided_at=now, decision_note=note
    )
    if updated != 1:
        raise Conflict(_("This request was already decided."))
    referral = Referral.objects.select_for_update().select_related("case__person").get(pk=override.referral_id)
    if approve:
        if referral.status != ReferralStatus.DRAFT:
            raise Conflict(_("The referral is no longer a draft."))
        Referral.objects.filter(pk=referral.pk).update(consent_override=True, updated_at=now)
    _log(
        referral,
        f"consent_override_{status}",
        actor=actor,
        fields=["consent_override"],
        reason=note or override.reason,
        override=str(override.pk),
    )
    resolve_alert(OVERRIDE_REQUESTED, object_id=override.pk, now=now)
    send_alert(
        OVERRIDE_DECIDED,
        object_id=override.pk,
        case_id=referral.case_id,
        case_code=referral.case.person.case_code,
        organisation_id=referral.from_organisation_id,
        users=[override.requested_by],
        now=now,
    )
    override.refresh_from_db()
    return override


# --- Receiving side: staff of the receiving organisation, or its partner token ------------------
@transaction.atomic
def referral_acknowledge(*, referral: Referral, actor: Any = None, token: PartnerToken | None = None) -> Referral:
    organisation = _receiver(referral, actor, token)
    _move(
        referral, ReferralStatus.ACKNOWLEDGED, kind="acknowledged", organisation=organisation, actor=actor, token=token
    )
    return referral


@transaction.atomic
def referral_accept(
    *, referral: Referral, actor: Any = None, token: PartnerToken | None = None, note: str = ""
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
    *, referral: Referral, reason: str, actor: Any = None, token: PartnerToken | None = None
) -> Referral:
    organisation = _receiver(referral, actor, token)
    reason = _required_text(reason, "reason", _("Say why the referral is declined."))
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
def referral_start(*, referral: Referral, actor: Any = None, token: PartnerToken | None = None) -> Referral:
    organisation = _receiver(referral, actor, token)
    _move(referral, ReferralStatus.IN_PROGRESS, kind="started", organisation=organisation, actor=actor, token=token)
    return referral


@transaction.atomic
def referral_complete(
    *, referral: Referral, outcome: str, actor: Any = None, token: PartnerToken | None = None
) -> Referral:
    organisation = _receiver(referral, actor, token)
    outcome = _required_text(outcome, "outcome", _("Say what the service achieved."))
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
    *, referral: Referral, reason: str, actor: Any = None, token: PartnerToken | None = None
) -> Referral:
    """The receiver closes an accepted or started referral whose service did not happen; the
    reason is kept as the referral's outcome."""
    organisation = _receiver(referral, actor, token)
    reason = _required_text(reason, "reason", _("Say why no service was given."))
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
    *, referral: Referral, note: str, actor: Any = None, token: PartnerToken | None = None
) -> ReferralEvent:
    """A message between the two organisations on a sent referral: an event without a status
    change. Either side writes: the sender's case workers, the receiver's staff or token."""
    if (actor is None) == (token is None):
        raise ApplicationError(_("Act either as a member of staff or through a partner token."))
    if token is not None or permissions.receives(actor, referral):
        organisation = _receiver(referral, actor, token)
    else:
        _require(permissions.send_referral, actor, referral, _("You cannot write on this referral."))
        organisation = actor.organisation
    note = _required_text(note, "note", _("Write the note."))
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


# --- Pieces ---------------------------------------------------------------------------------------
def _require(permission: Permission[Referral], user: Any, referral: Referral, message: str) -> None:
    """404 when the user cannot see the referral at all, 403 when they see it but may not act."""
    if permission.allows(user, referral):
        return
    if not permissions.view_referral.allows(user, referral):
        raise NotFound(_("Not found."))
    raise PermissionDenied(message)


def _receiver(referral: Referral, actor: Any, token: PartnerToken | None) -> Organisation:
    """The receiving organisation, acting through exactly one of a staff member or a token."""
    if (actor is None) == (token is None):
        raise ApplicationError(_("Act either as a member of staff or through a partner token."))
    if token is not None:
        if not permissions.token_is_active(token):
            raise PermissionDenied(_("This API token is revoked or has expired."))
        if not permissions.token_sees(token, referral):
            raise NotFound(_("Not found."))
        return token.organisation
    _require(
        permissions.answer_referral,
        actor,
        referral,
        _("Only social workers, counsellors and managers of the receiving organisation answer referrals."),
    )
    return actor.organisation


def _required_text(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ApplicationError(message, fields={field: [_required()]})
    return value


def _acknowledge_if_sent(referral: Referral, organisation: Organisation, actor: Any, token: Any) -> None:
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
    organisation: Organisation,
    actor: Any = None,
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
    actor: Any,
    token: PartnerToken | None = None,
    action: str = AuditAction.UPDATE,
    fields: Iterable[str] = (),
    reason: str = "",
    **data: Any,
) -> None:
    """The case timeline row and the audit row: codes and ids only, never the note or reason
    (a consent override's reason goes to the audit row only)."""
    data = {"referral": str(referral.pk), **data}
    if token is None:
        record(referral.case, actor, kind, action=action, obj=referral, fields=fields, reason=reason, **data)
        return
    CaseEvent.objects.create(
        case_id=referral.case_id,
        actor=None,
        kind=kind,
        data={**data, "via": "partner_api", "by": token.organisation.code},
    )
    audit_record(actor=None, action=action, obj=referral, fields=fields, reason=f"partner token {token.prefix}")


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
