"""Admin for referrals: read-only, scoped exactly as in the API. An administrator is not case
staff and sees no consent or referral (docs/design/access.md); case staff see those of their cases. Partner
tokens are listed by prefix, never by digest; issuing and revoking them is the partner API's."""

from __future__ import annotations

from django.contrib import admin

from casework.admin import ReadOnlyScopedAdmin
from referrals import permissions
from referrals.models import Consent, PartnerToken, Referral


@admin.register(Consent)
class ConsentAdmin(ReadOnlyScopedAdmin):
    view_permission = permissions.view_consent
    list_display = ["case", "recipient", "given_by", "given_at", "expires_at", "withdrawn_at"]
    list_filter = ["given_by"]
    list_select_related = ["case__person", "recipient"]
    search_fields = ["case__person__case_code"]
    # The guardian's name and free-text reasons stay on the case's own pages.
    exclude = ["guardian", "best_interest_reason", "withdrawal_note"]


@admin.register(Referral)
class ReferralAdmin(ReadOnlyScopedAdmin):
    view_permission = permissions.view_referral
    list_display = ["case", "from_organisation", "to_organisation", "status", "urgency", "sent_at", "answer_due_at"]
    list_filter = ["status", "urgency"]
    list_select_related = ["case__person", "from_organisation", "to_organisation"]
    search_fields = ["case__person__case_code"]
    exclude = ["reason", "decline_reason", "outcome"]


@admin.register(PartnerToken)
class PartnerTokenAdmin(ReadOnlyScopedAdmin):
    view_permission = permissions.view_partner_token
    list_display = ["prefix", "name", "organisation", "created_at", "expires_at", "last_used_at", "revoked_at"]
    list_filter = ["organisation"]
    list_select_related = ["organisation"]
    search_fields = ["prefix", "name"]
    exclude = ["digest"]
