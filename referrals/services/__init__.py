"""Every write in referrals, one module per part of the domain: consent (consent.py), the
referral's lifecycle on the sending and receiving sides (lifecycle.py), consent overrides
(overrides.py) and the directory of services (directory.py). Views, the API, the partner API
and the tasks call these functions.

Lock order, everywhere: the consent row, then the referral rows (pk order), then the stream's
advisory lock (taken by record_change). A writer that took the advisory lock first and then
waited for a referral row could deadlock with one that holds the row and waits for the lock.

The names below are the public surface (`from referrals import services; services.referral_send`).
"""

from referrals.services.consent import consent_expiry_record, consent_record, consent_withdraw
from referrals.services.directory import directory_entry_save
from referrals.services.lifecycle import (
    DRAFT_FIELDS,
    DUE_WITHIN,
    NOTE_MAX_LENGTH,
    due_within,
    person_records_anonymise,
    referral_accept,
    referral_acknowledge,
    referral_add_note,
    referral_close_without_service,
    referral_complete,
    referral_create,
    referral_decline,
    referral_send,
    referral_start,
    referral_update_draft,
    referral_withdraw,
)
from referrals.services.overrides import (
    OVERRIDE_ALERTS,
    OVERRIDE_DECIDED,
    OVERRIDE_REQUESTED,
    consent_override_decide,
    consent_override_request,
)

__all__ = [
    "DRAFT_FIELDS",
    "DUE_WITHIN",
    "NOTE_MAX_LENGTH",
    "OVERRIDE_ALERTS",
    "OVERRIDE_DECIDED",
    "OVERRIDE_REQUESTED",
    "consent_expiry_record",
    "consent_override_decide",
    "consent_override_request",
    "consent_record",
    "consent_withdraw",
    "directory_entry_save",
    "due_within",
    "person_records_anonymise",
    "referral_accept",
    "referral_acknowledge",
    "referral_add_note",
    "referral_close_without_service",
    "referral_complete",
    "referral_create",
    "referral_decline",
    "referral_send",
    "referral_start",
    "referral_update_draft",
    "referral_withdraw",
]
