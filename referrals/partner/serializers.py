"""Shapes of the partner API.

Responses are the dicts `referrals.selectors.disclosure` builds, sent as they are (a key that
is not disclosed is absent, never null); the output serializers here describe them for the
OpenAPI schema. Input serializers validate bodies and query parameters (400 with field errors).
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from casework.choices import CaseCategory, ScreeningOutcome, Sex
from core.api.schema import OMITTABLE
from referrals.choices import DataCategory, ReferralStatus, Urgency

MAX_PAGE_SIZE = 500
DEFAULT_PAGE_SIZE = 100
MAX_SEQ = 2**63 - 1  # PostgreSQL bigint
TEXT_MAX_LENGTH = 4000  # referrals.services.NOTE_MAX_LENGTH
VISIBLE_STATUSES = [(value, label) for value, label in ReferralStatus.choices if value != ReferralStatus.DRAFT]
CONSENT_STATUSES = ["active", "withdrawn", "expired", "override", "missing", "invalid"]


def _omittable(category: str) -> str:
    return f"{OMITTABLE} the consent covers the `{category}` category and the referral shares it."


# --- Cursors ------------------------------------------------------------------------------------------
def encode_cursor(after: int) -> str:
    raw = json.dumps({"after": after}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        after = json.loads(raw)["after"]
    except (ValueError, TypeError, KeyError, binascii.Error, UnicodeDecodeError) as error:
        raise serializers.ValidationError(_("Invalid cursor.")) from error
    if not isinstance(after, int) or isinstance(after, bool) or not 0 <= after <= MAX_SEQ:
        raise serializers.ValidationError(_("Invalid cursor."))
    return after


class PageQuerySerializer(serializers.Serializer):
    after = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=MAX_SEQ,
        help_text=_("Return changes after this sequence number: the `next_after` of your previous pull."),
    )
    cursor = serializers.CharField(
        required=False, max_length=200, help_text=_("Opaque alternative to `after`, as found in `next`.")
    )
    page_size = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_PAGE_SIZE, default=DEFAULT_PAGE_SIZE
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        cursor = attrs.pop("cursor", None)
        if cursor is not None:
            if "after" in attrs:
                raise serializers.ValidationError({"cursor": [_("Send either `after` or `cursor`, not both.")]})
            try:
                attrs["after"] = decode_cursor(cursor)
            except serializers.ValidationError as error:
                raise serializers.ValidationError({"cursor": error.detail}) from error
        return attrs


class ReferralQuerySerializer(PageQuerySerializer):
    status = serializers.ChoiceField(choices=VISIBLE_STATUSES, required=False)
    service = serializers.SlugField(required=False, max_length=60, help_text=_("A service type code, e.g. `shelter`."))
    updated_since = serializers.DateTimeField(
        required=False,
        help_text=_("First pull only: referrals changed at or after this time. Use `after` afterwards."),
    )


# --- Inputs ----------------------------------------------------------------------------------------------
class PartnerReasonInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=TEXT_MAX_LENGTH)


class PartnerOutcomeInputSerializer(serializers.Serializer):
    outcome = serializers.CharField(max_length=TEXT_MAX_LENGTH)


class PartnerNoteInputSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=TEXT_MAX_LENGTH)


# --- The disclosure (schema only: views send selectors.disclosure's dict) ----------------------------------
class PartnerIdentitySerializer(serializers.Serializer):
    given_name_lo = serializers.CharField()
    family_name_lo = serializers.CharField()
    given_name_latin = serializers.CharField()
    family_name_latin = serializers.CharField()
    sex = serializers.ChoiceField(choices=Sex.choices)
    age = serializers.IntegerField(allow_null=True, help_text=_("Whole years today; never the birth date."))
    age_estimated = serializers.BooleanField()
    child = serializers.BooleanField(help_text=_("Under 18 today (an unknown age counts as a child)."))


class PartnerContactSerializer(serializers.Serializer):
    phone = serializers.CharField()


class PartnerOriginSerializer(serializers.Serializer):
    province = serializers.CharField(allow_null=True)
    district = serializers.CharField(allow_null=True)
    village = serializers.CharField()


class PartnerLanguageSerializer(serializers.Serializer):
    languages = serializers.ListField(child=serializers.CharField(), help_text=_("ISO 639 codes"))
    interpreter_needed = serializers.BooleanField()
    interpreter_language = serializers.CharField()


class PartnerCaseSummarySerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=CaseCategory.choices)
    exploitation_forms = serializers.ListField(child=serializers.CharField())


class PartnerScreeningSummarySerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=ScreeningOutcome.choices, allow_null=True)


class PartnerHealthSerializer(serializers.Serializer):
    services = serializers.ListField(
        child=serializers.CharField(), help_text=_("The requested services that are health services.")
    )


class PartnerReferralSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    case_code = serializers.CharField(help_text=_("The pseudonymous case code, e.g. VT-2026-00042."))
    status = serializers.ChoiceField(choices=VISIBLE_STATUSES)
    from_organisation = serializers.CharField(help_text=_("Code of the referring organisation."))
    to_organisation = serializers.CharField(help_text=_("Code of your organisation."))
    services = serializers.ListField(child=serializers.CharField(), help_text=_("Requested service type codes."))
    urgency = serializers.ChoiceField(choices=Urgency.choices)
    reason = serializers.CharField()
    sent_at = serializers.DateTimeField(allow_null=True)
    acknowledge_due_at = serializers.DateTimeField(allow_null=True)
    answer_due_at = serializers.DateTimeField(allow_null=True)
    decline_reason = serializers.CharField()
    outcome = serializers.CharField()
    change_seq = serializers.IntegerField(help_text=_("Position of the referral's latest change in the stream."))
    consent_status = serializers.ChoiceField(choices=[(value, value) for value in CONSENT_STATUSES])
    disclosed_categories = serializers.ListField(
        child=serializers.ChoiceField(choices=DataCategory.choices),
        help_text=_("The data categories present below; none once consent is withdrawn or expired."),
    )
    identity = PartnerIdentitySerializer(required=False, help_text=_omittable("identity"))
    contact = PartnerContactSerializer(required=False, help_text=_omittable("contact"))
    origin = PartnerOriginSerializer(required=False, help_text=_omittable("origin"))
    language = PartnerLanguageSerializer(required=False, help_text=_omittable("language"))
    case_summary = PartnerCaseSummarySerializer(required=False, help_text=_omittable("case_summary"))
    screening = PartnerScreeningSummarySerializer(required=False, help_text=_omittable("screening"))
    health = PartnerHealthSerializer(required=False, help_text=_omittable("health"))


class PartnerReferralPageSerializer(serializers.Serializer):
    results = PartnerReferralSerializer(many=True)
    next_after = serializers.IntegerField(
        help_text=_("Store this and send it as `after` next time (all pages of this pull included).")
    )
    next = serializers.URLField(allow_null=True, help_text=_("The next page of this pull, or null on the last page."))


class PartnerEventSerializer(serializers.Serializer):
    seq = serializers.IntegerField(help_text=_("Position in the change stream."))
    referral = serializers.UUIDField()
    kind = serializers.CharField(help_text=_("sent, acknowledged, accepted, declined, note, consent_withdrawn, …"))
    from_status = serializers.CharField(help_text=_("Empty when the status did not change."))
    to_status = serializers.CharField(help_text=_("Empty when the status did not change."))
    note = serializers.CharField(help_text=_("The note, reason or outcome written with the change."))
    organisation = serializers.CharField(help_text=_("Code of the organisation that made the change."))
    by_you = serializers.BooleanField(help_text=_("Made by your organisation (your staff or your tokens)."))
    at = serializers.DateTimeField()


class PartnerEventPageSerializer(serializers.Serializer):
    results = PartnerEventSerializer(many=True)
    next_after = serializers.IntegerField(help_text=_("Store this and send it as `after` next time."))
    next = serializers.URLField(allow_null=True)


class PartnerChangeResultSerializer(serializers.Serializer):
    """The answer to a change: no personal data, so that a stored idempotent answer never holds
    any (GET the referral for its disclosure)."""

    referral = serializers.UUIDField()
    # A plain string here: the status enum is named once, in PartnerReferral.
    status = serializers.CharField(help_text=_("The referral's status after the change."))
    seq = serializers.IntegerField(help_text=_("The referral's change_seq after this change."))


class PartnerErrorSerializer(serializers.Serializer):
    """core.api.errors' shape. (Declared fields are taken off the class, so the field named
    `errors` does not hide Serializer.errors at run time.)"""

    detail = serializers.CharField()
    code = serializers.CharField()
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.JSONField(), help_text=_("Messages per field (or header); empty when none apply.")
    )
