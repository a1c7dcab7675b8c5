"""The kinds of event referrals write: on the case's timeline (casework.timeline) and on the
referral's own change stream (ReferralEvent, which partners pull). Both tables refuse any
other kind (core.timeline); registered in ReferralsConfig.ready."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from casework.timeline import CASE_EVENTS
from core import record_labels
from core.timeline import EventKinds

REFERRAL_EVENTS = EventKinds("referrals_referralevent", constraint="referral_event_kind_registered")


def register() -> None:
    record_labels.register(
        {
            "referrals.referral": _("Referral"),
            "referrals.consent": _("Consent"),
            "referrals.consentoverride": _("Consent override"),
        }
    )
    REFERRAL_EVENTS.register(
        {
            "created": _("Draft created"),
            "draft_updated": _("Draft changed"),
            "sent": _("Sent"),
            "withdrawn": _("Withdrawn"),
            "acknowledged": _("Acknowledged"),
            "accepted": _("Accepted"),
            "declined": _("Declined"),
            "started": _("Service started"),
            "completed": _("Completed"),
            "closed_without_service": _("Closed without service"),
            "note": _("Note"),
            "consent_withdrawn": _("Consent withdrawn"),
            "consent_expired": _("Consent expired"),
        }
    )
    CASE_EVENTS.register(
        {
            "consent_recorded": _("Consent recorded"),
            "consent_withdrawn": _("Consent withdrawn"),
            "consent_override_requested": _("Referral without consent requested"),
            "consent_override_approved": _("Referral without consent approved"),
            "consent_override_rejected": _("Referral without consent refused"),
            "referral_created": _("Referral drafted"),
            "referral_draft_updated": _("Referral draft changed"),
            "referral_note_added": _("Note on a referral"),
            "referral_consent_expired": _("A referral's consent expired"),
            "referral_sent": _("Referral sent"),
            "referral_withdrawn": _("Referral withdrawn"),
            "referral_acknowledged": _("Referral acknowledged"),
            "referral_accepted": _("Referral accepted"),
            "referral_declined": _("Referral declined"),
            "referral_started": _("Referred service started"),
            "referral_completed": _("Referred service completed"),
            "referral_closed_without_service": _("Referral closed without service"),
        }
    )
