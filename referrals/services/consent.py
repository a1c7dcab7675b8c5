"""Consent per disclosure (access.md: Consent): recorded, withdrawn, expired. Lock order as in
referrals.services.lifecycle: the consent row, then the referral rows, then the stream's lock."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.actors import Staff
from accounts.models import AuditAction, Organisation
from accounts.services import audit_record
from casework import timeline
from casework.models import Case, FamilyMember, ServiceType
from casework.permissions import change_case
from casework.services.common import record, require, validate
from core.actors import SYSTEM
from core.errors import ApplicationError, Conflict
from referrals import permissions
from referrals.changes import record_change
from referrals.choices import ConsentGivenBy, DataCategory, ReferralStatus
from referrals.models import Consent, Referral, ReferralEvent


# --- Consent ----------------------------------------------------------------------------------
@transaction.atomic
def consent_record(
    *,
    actor: Staff,
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
    if not services and categories != [DataCategory.HTCDS]:  # the HTCDS export is for no service
        errors["service_types"] = [_("Choose at least one service.")]
    elif any(not service.active for service in services):
        errors["service_types"] = [_("A chosen service is no longer offered.")]
    if not purpose:
        errors["purpose"] = [_("This field is required.")]
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
def consent_withdraw(*, actor: Staff, consent: Consent, note: str = "") -> Consent:
    """The person takes the consent back: from this commit on, the referrals it covers disclose
    nothing of tier 2 and can no longer be sent. Each referral the partner already has gets an
    event, so an incremental pull shows the partner the referral without the withdrawn data.
    Allowed to the case's workers and its managers, also once the case is closed."""
    case = consent.case
    require(permissions.withdraw_consent, actor, consent, _("You cannot withdraw this consent."))
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
        timeline.write(referral.case_id, SYSTEM, "referral_consent_expired", referral=str(referral.pk))
        audit_record(actor=SYSTEM, action=AuditAction.UPDATE, obj=referral, reason="consent expired")
    return len(referrals)


def _lock_referrals(queryset: Any) -> list[Referral]:
    return list(queryset.select_for_update(of=("self",)).select_related("from_organisation").order_by("pk"))
