"""Input and output shapes of the staff referral API.

A referral looks different from the two ends:
- the sending side (staff who may see the case) gets the referral as it was written, with the
  case and the consent it rests on;
- the receiving organisation's staff get the referral with its *disclosure* instead: the minimal
  data set its consent covers now (`referrals.selectors.disclosure`), never the case itself.
Fields of one side are absent (not null) in the other's answers.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Organisation, User
from casework import health
from casework.api.fields import case_field, code_field
from casework.models import ServiceType
from core.api.schema import OMITTABLE
from core.limits import REASON_MAX_LENGTH
from referrals import selectors
from referrals.choices import ConsentGivenBy, DataCategory, ReferralStatus, Urgency
from referrals.models import Consent, ConsentOverride, Referral, ReferralEvent, Webhook
from referrals.partner import serializers as partner

TEXT_MAX_LENGTH = 4000  # referrals.services.NOTE_MAX_LENGTH
SENDER_ONLY = f"{OMITTABLE} the caller works on the referring case."
RECEIVER_ONLY = f"{OMITTABLE} the caller answers for the receiving organisation (then instead of the case)."
HEALTH_ONLY = f"{OMITTABLE} the caller may see the case's health content, or the record is not about health."
HEALTH_TEXT = {"help_text": HEALTH_ONLY}


def categories_field(**kwargs: Any) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.ChoiceField(choices=DataCategory.choices), max_length=len(DataCategory.choices), **kwargs
    )


# --- Consent ---------------------------------------------------------------------------------------
class ConsentSerializer(serializers.ModelSerializer):
    recipient: serializers.SlugRelatedField[Organisation] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    service_types: serializers.SlugRelatedField[ServiceType] = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True
    )
    data_categories = categories_field(read_only=True)
    recorded_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    withdrawn_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    in_force = serializers.SerializerMethodField(help_text=_("Given, not withdrawn and not expired, right now."))

    class Meta:
        model = Consent
        fields = [
            "id",
            "case",
            "recipient",
            "data_categories",
            "service_types",
            "purpose",
            "given_by",
            "guardian",
            "best_interest_reason",
            "given_at",
            "expires_at",
            "recorded_by",
            "withdrawn_at",
            "withdrawn_by",
            "withdrawal_note",
            "in_force",
        ]
        extra_kwargs = {"purpose": HEALTH_TEXT, "best_interest_reason": HEALTH_TEXT, "withdrawal_note": HEALTH_TEXT}

    def to_representation(self, instance: Consent) -> dict[str, Any]:
        """Health services, the health category and the free text are absent for a caller who may
        not see the case's health content (`health_visible`, annotated by the view's queryset)."""
        data = super().to_representation(instance)
        services = instance.service_types.all()
        if not getattr(instance, "health_visible", False) and health.about_health(services, instance.data_categories):
            health.withhold(data, services, categories="data_categories", text=self.Meta.extra_kwargs)
        return data

    def get_in_force(self, consent: Consent) -> bool:
        now = timezone.now()
        return (
            consent.withdrawn_at is None
            and consent.given_at <= now
            and (consent.expires_at is None or consent.expires_at > now)
        )


class ConsentInputSerializer(serializers.Serializer):
    case = case_field()
    recipient = code_field(Organisation, help_text=_("Code of the organisation that may receive the data."))
    data_categories = categories_field()
    service_types = code_field(ServiceType, many=True, help_text=_("Service type codes the disclosure is for."))
    purpose = serializers.CharField(max_length=300)
    given_by = serializers.ChoiceField(choices=ConsentGivenBy.choices)
    guardian = serializers.UUIDField(
        required=False, allow_null=True, help_text=_("The family member (a guardian) who consented for a child.")
    )
    best_interest_reason = serializers.CharField(required=False, allow_blank=True, max_length=REASON_MAX_LENGTH)
    given_at = serializers.DateTimeField(required=False, help_text=_("Default: now."))
    expires_at = serializers.DateTimeField(required=False, allow_null=True)


class ConsentWithdrawSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX_LENGTH)


# --- Referrals ----------------------------------------------------------------------------------------
class DisclosureSerializer(serializers.Serializer):
    """What the receiving organisation may see of the person now (selectors.disclosure)."""

    disclosed_categories = categories_field(
        help_text=_("The data categories present below; none once consent is withdrawn or expired.")
    )
    identity = partner.PartnerIdentitySerializer(required=False, help_text=partner._omittable("identity"))
    contact = partner.PartnerContactSerializer(required=False, help_text=partner._omittable("contact"))
    origin = partner.PartnerOriginSerializer(required=False, help_text=partner._omittable("origin"))
    language = partner.PartnerLanguageSerializer(required=False, help_text=partner._omittable("language"))
    case_summary = partner.PartnerCaseSummarySerializer(required=False, help_text=partner._omittable("case_summary"))
    screening = partner.PartnerScreeningSummarySerializer(required=False, help_text=partner._omittable("screening"))
    health = partner.PartnerHealthSerializer(required=False, help_text=partner._omittable("health"))


class ReferralSerializer(serializers.ModelSerializer):
    """A referral as one side sees it. The queryset annotates `case_visible` (may the caller see
    the case?); the view passes `now` in the context so that a page is judged at one instant."""

    case = serializers.UUIDField(source="case_id", read_only=True, help_text=SENDER_ONLY)
    case_code = serializers.CharField(source="case.person.case_code", read_only=True)
    from_organisation: serializers.SlugRelatedField[Organisation] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    from_worker: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    to_organisation: serializers.SlugRelatedField[Organisation] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    service_types: serializers.SlugRelatedField[ServiceType] = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True
    )
    shared_categories = categories_field(read_only=True)
    consent = serializers.UUIDField(source="consent_id", read_only=True, allow_null=True, help_text=SENDER_ONLY)
    consent_status = serializers.SerializerMethodField(
        help_text=_("Does the consent still cover the referral (active) or why not.")
    )
    side = serializers.SerializerMethodField(help_text=_("Whether the caller sees this referral as its sender."))
    disclosure = serializers.SerializerMethodField(help_text=RECEIVER_ONLY)

    class Meta:
        model = Referral
        fields = [
            "id",
            "side",
            "case",
            "case_code",
            "status",
            "from_organisation",
            "from_worker",
            "to_organisation",
            "service_types",
            "urgency",
            "reason",
            "shared_categories",
            "consent",
            "consent_status",
            "disclosure",
            "sent_at",
            "acknowledge_due_at",
            "answer_due_at",
            "decline_reason",
            "outcome",
            "change_seq",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = dict.fromkeys(("reason", "decline_reason", "outcome"), HEALTH_TEXT)

    def _now(self) -> Any:
        return self.context.get("now") or timezone.now()

    @extend_schema_field(serializers.ChoiceField(choices=[("sender", "sender"), ("receiver", "receiver")]))
    def get_side(self, referral: Referral) -> str:
        return "sender" if sender_view(referral) else "receiver"

    @extend_schema_field(serializers.ChoiceField(choices=[(value, value) for value in partner.CONSENT_STATUSES]))
    def get_consent_status(self, referral: Referral) -> str:
        return selectors.consent_status(referral, now=self._now())

    @extend_schema_field(DisclosureSerializer)
    def get_disclosure(self, referral: Referral) -> dict[str, Any]:
        if sender_view(referral):
            return {}  # dropped below; the sender sees the case instead
        data = selectors.disclosure(referral, now=self._now())
        keys = DisclosureSerializer._declared_fields  # type: ignore[attr-defined]
        return {key: value for key, value in data.items() if key in keys}

    def to_representation(self, instance: Referral) -> dict[str, Any]:
        data = super().to_representation(instance)
        if sender_view(instance):
            data.pop("disclosure")
        else:
            data.pop("case")
            data.pop("consent")
        if withholds_health(instance):
            health.withhold(
                data, instance.service_types.all(), categories="shared_categories", text=self.Meta.extra_kwargs
            )
        return data


def sender_view(referral: Referral) -> bool:
    """The caller sees the referral's case (annotated by the view's queryset)."""
    return bool(getattr(referral, "case_visible", False))


def withholds_health(referral: Referral) -> bool:
    """The referral is about health and the caller may not see that (`health_visible`, annotated
    by the view's queryset: referrals.permissions.sees_health)."""
    if getattr(referral, "health_visible", False):
        return False
    return health.about_health(referral.service_types.all(), referral.shared_categories)


class ReferralInputSerializer(serializers.Serializer):
    case = case_field()
    to_organisation = code_field(Organisation)
    service_types = code_field(ServiceType, many=True)
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False, default=Urgency.ROUTINE)
    reason = serializers.CharField(max_length=TEXT_MAX_LENGTH)
    shared_categories = categories_field(required=False, default=list)
    consent = serializers.UUIDField(required=False, allow_null=True, help_text=_("A consent recorded on this case."))


class ReferralDraftSerializer(ReferralInputSerializer):
    case = None  # type: ignore[assignment]
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False)
    shared_categories = categories_field(required=False)


class ReferralReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=TEXT_MAX_LENGTH)


class OverrideNoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=TEXT_MAX_LENGTH, required=False, allow_blank=True)


class ConsentOverrideSerializer(serializers.ModelSerializer):
    """A request to send a referral without consent to protect a life, and its decision."""

    referral = serializers.UUIDField(source="referral_id", read_only=True)
    case_code = serializers.CharField(source="referral.case.person.case_code", read_only=True)
    requested_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    decided_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = ConsentOverride
        fields = [
            "id",
            "referral",
            "case_code",
            "status",
            "reason",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
            "decision_note",
        ]
        read_only_fields = fields
        extra_kwargs = {"reason": HEALTH_TEXT, "decision_note": HEALTH_TEXT}

    def to_representation(self, instance: ConsentOverride) -> dict[str, Any]:
        """The text is absent for a caller who may not read it about a referral about health
        (`health_visible`, annotated by the view's queryset)."""
        data = super().to_representation(instance)
        referral = instance.referral
        if not getattr(instance, "health_visible", False) and health.about_health(
            referral.service_types.all(), referral.shared_categories
        ):
            for name in self.Meta.extra_kwargs:
                data.pop(name)
        return data


class ReferralOutcomeSerializer(serializers.Serializer):
    outcome = serializers.CharField(max_length=TEXT_MAX_LENGTH)


class ReferralNoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=TEXT_MAX_LENGTH)


class ReferralAcceptSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX_LENGTH)


class ReferralQuerySerializer(serializers.Serializer):
    case = serializers.UUIDField(required=False, help_text=_("Only the referrals of this case."))
    status = serializers.ChoiceField(choices=ReferralStatus.choices, required=False)


class InboxQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ReferralStatus.choices, required=False)


class ReferralEventSerializer(serializers.ModelSerializer):
    """One step of a referral's history; `note` is absent when the caller may not see the
    referral's health content (context `withhold_notes`)."""

    organisation: serializers.SlugRelatedField[Organisation] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    actor: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    via_partner_api = serializers.SerializerMethodField()

    def to_representation(self, instance: ReferralEvent) -> dict[str, Any]:
        data = super().to_representation(instance)
        if self.context.get("withhold_notes"):
            data.pop("note")
        return data

    class Meta:
        model = ReferralEvent
        fields = ["seq", "at", "kind", "from_status", "to_status", "note", "organisation", "actor", "via_partner_api"]
        extra_kwargs = {"note": HEALTH_TEXT}

    def get_via_partner_api(self, event: ReferralEvent) -> bool:
        return event.token_id is not None


# --- Webhooks ------------------------------------------------------------------------------------------
class WebhookSerializer(serializers.ModelSerializer):
    organisation: serializers.SlugRelatedField[Organisation] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    created_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Webhook
        fields = ["id", "organisation", "url", "active", "created_by", "created_at"]


class WebhookCreatedSerializer(WebhookSerializer):
    secret = serializers.CharField(
        read_only=True,
        help_text=_(
            "The signing key, shown this once: verify X-Pathway-Signature = sha256=<hex HMAC-SHA256 of the raw body>."
        ),
    )

    class Meta(WebhookSerializer.Meta):
        fields = [*WebhookSerializer.Meta.fields, "secret"]


class WebhookInputSerializer(serializers.Serializer):
    url = serializers.URLField(max_length=500, help_text=_("An https:// address of yours."))
    organisation = code_field(
        Organisation, required=False, help_text=_("Administrators only; default: your own organisation.")
    )
