"""Consent override: sharing without consent to protect a life, asked for by one member of the
sending organisation and approved or rejected by a manager who is not the requester."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.actors import Staff
from accounts.models import AuditAction, Role, User
from core.errors import ApplicationError, Conflict, NotFound, PermissionDenied
from notifications.alerts import resolve_alert, send_alert
from notifications.registry import Alert
from referrals import permissions
from referrals.choices import ReferralStatus
from referrals.models import ConsentOverride, Referral
from referrals.services.lifecycle import _log, _open_override

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


@transaction.atomic
def consent_override_request(*, actor: Staff, referral: Referral, reason: str) -> ConsentOverride:
    """Ask to send this draft without (covering) consent because a life is at risk. Nothing is
    shared yet: the draft stays a draft, invisible to the receiver, until a manager of the
    sending organisation other than the requester approves (consent_override_decide). Those
    managers are alerted in the app and by e-mail (case code only)."""
    permissions.send_referral.require(
        actor, referral, _("You cannot ask to share this referral."), seen=permissions.view_referral
    )
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
def consent_override_decide(
    *, actor: Staff, override: ConsentOverride, approve: bool, note: str = ""
) -> ConsentOverride:
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
