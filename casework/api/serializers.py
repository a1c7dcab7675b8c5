"""Input and output shapes of the casework API.

Output serializers never return what the caller may not see: identity fields (tier 2) are
*absent* unless the caller may see the person's identity; tier-3 notes and health services never
reach a serializer (the selectors filter them out)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from accounts.models import AuditEvent, Country, Organisation, Province, User
from casework import permissions
from casework.api.fields import BoundedListSerializer, CodeField, case_field, code_field
from casework.api.person_serializers import PersonBriefSerializer, PersonInputSerializer, PersonSerializer
from casework.choices import CaseCategory, ClosureReason, IdentificationRoute, NoteKind, ServiceStatus, Tier, Wellbeing
from casework.models import (
    Case,
    CaseEvent,
    CaseNote,
    CasePlan,
    CasePlanGoal,
    CaseTransfer,
    ExploitationForm,
    FollowUpPolicy,
    FollowUpVisit,
    Person,
    Service,
    ServiceType,
)
from casework.timeline import CASE_EVENTS
from core.api.fields import ScopedRelatedField
from core.limits import REASON_MAX_LENGTH, TEXT_MAX_LENGTH


# --- Reference lists ------------------------------------------------------------------------
class LookupSerializer(serializers.Serializer):
    code = serializers.CharField()
    name_en = serializers.CharField()
    name_lo = serializers.CharField()


class ServiceTypeSerializer(LookupSerializer):
    health = serializers.BooleanField()


# --- Cases ----------------------------------------------------------------------------------
class CaseListSerializer(serializers.ModelSerializer):
    person = PersonBriefSerializer(read_only=True)
    owner: serializers.SlugRelatedField[Organisation] = serializers.SlugRelatedField(slug_field="code", read_only=True)
    assigned_worker: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    province = serializers.CharField(source="person.registration_province.code", read_only=True)
    closure_pending = serializers.BooleanField(read_only=True)

    class Meta:
        model = Case
        fields = [
            "id",
            "person",
            "category",
            "status",
            "owner",
            "assigned_worker",
            "province",
            "identified_on",
            "child_at_identification",
            "closure_pending",
            "updated_at",
        ]


class ServiceSerializer(serializers.ModelSerializer):
    service_type: serializers.SlugRelatedField[ServiceType] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    provider: serializers.SlugRelatedField[Organisation] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )

    class Meta:
        model = Service
        fields = [
            "id",
            "case",
            "service_type",
            "provider",
            "provider_name",
            "status",
            "planned_on",
            "started_on",
            "ended_on",
            "notes",
            "created_at",
        ]


class NoteSerializer(serializers.ModelSerializer):
    author: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = CaseNote
        fields = ["id", "case", "author", "written_at", "kind", "tier", "text"]


class CaseDetailSerializer(CaseListSerializer):
    person = PersonSerializer(read_only=True)
    exploitation_forms: serializers.SlugRelatedField[ExploitationForm] = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True
    )
    exploitation_country: serializers.SlugRelatedField[Country] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    exploitation_province: serializers.SlugRelatedField[Province] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    services = ServiceSerializer(many=True, read_only=True, help_text="Health services are absent for police.")
    notes = NoteSerializer(many=True, read_only=True, help_text="Tier-3 notes only for the assigned counsellor.")

    class Meta(CaseListSerializer.Meta):
        fields = [
            *CaseListSerializer.Meta.fields,
            "exploitation_forms",
            "exploitation_country",
            "exploitation_province",
            "exploitation_started_on",
            "exploitation_ended_on",
            "identification_route",
            "closure_reason",
            "closure_note",
            "closure_requested_at",
            "closed_at",
            "created_at",
            "services",
            "notes",
        ]


class CaseIntakeSerializer(serializers.Serializer):
    """Open a case for a new person (`person_values`) or one already registered (`person`)."""

    person = ScopedRelatedField(
        permissions.view_person, queryset=Person.objects.filter(merged_into__isnull=True), required=False
    )
    person_values = PersonInputSerializer(required=False)
    registration_province = code_field(Province, required=False)
    category = serializers.ChoiceField(choices=CaseCategory.choices)
    identification_route = serializers.ChoiceField(choices=IdentificationRoute.choices)
    identified_on = serializers.DateField()
    exploitation_forms = code_field(ExploitationForm, many=True, required=False)
    exploitation_country = code_field(Country, required=False, allow_null=True)
    exploitation_province = code_field(Province, required=False, allow_null=True)
    exploitation_started_on = serializers.DateField(required=False, allow_null=True)
    exploitation_ended_on = serializers.DateField(required=False, allow_null=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if ("person" in attrs) == ("person_values" in attrs):
            raise serializers.ValidationError({"person": ["Give either an existing person or a new person's details."]})
        return attrs


class CaseUpdateSerializer(CaseIntakeSerializer):
    person = None  # type: ignore[assignment]
    person_values = None  # type: ignore[assignment]
    registration_province = None  # type: ignore[assignment]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        return attrs


class WorkerSerializer(serializers.Serializer):
    worker = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))


class ShareSerializer(serializers.Serializer):
    organisation = code_field(Organisation)
    purpose = serializers.CharField(max_length=200)


class ShareRevokeSerializer(serializers.Serializer):
    share = serializers.UUIDField()


class TransferRequestSerializer(serializers.Serializer):
    to_organisation = code_field(Organisation)
    reason = serializers.CharField(max_length=REASON_MAX_LENGTH)


class ClosureRequestSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=ClosureReason.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=REASON_MAX_LENGTH)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=REASON_MAX_LENGTH)


class TransferSerializer(serializers.ModelSerializer):
    case_code = serializers.CharField(source="case.person.case_code", read_only=True)
    from_organisation: serializers.SlugRelatedField[Organisation] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    to_organisation: serializers.SlugRelatedField[Organisation] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )

    class Meta:
        model = CaseTransfer
        fields = [
            "id",
            "case",
            "case_code",
            "from_organisation",
            "to_organisation",
            "reason",
            "status",
            "requested_at",
            "decided_at",
            "decline_reason",
        ]


class TransferAcceptSerializer(serializers.Serializer):
    assign_to = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True
    )


class CaseEventSerializer(serializers.ModelSerializer):
    actor: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    # The metaclass moves declared fields off the class; the stubs only see a clash with Field.label.
    label = serializers.SerializerMethodField()  # type: ignore[assignment]

    class Meta:
        model = CaseEvent
        fields = ["id", "at", "actor", "kind", "label", "data"]

    def get_label(self, event: CaseEvent) -> str:
        """The event's name in the caller's language (casework.timeline)."""
        return CASE_EVENTS.label(event.kind)


class ChangeSerializer(serializers.Serializer):
    """One row change: which record, which fields, by whom, when (no old or new values)."""

    at = serializers.DateTimeField(source="pgh_created_at")
    record = serializers.CharField(source="pgh_model")
    record_id = serializers.CharField(source="pgh_obj_id")
    change = serializers.CharField(source="pgh_label")
    changed_fields = serializers.SerializerMethodField()
    user = serializers.CharField(source="username", allow_null=True)

    def get_changed_fields(self, event: Any) -> list[str]:
        return sorted((event.pgh_diff or {}).keys()) if event.pgh_label == "update" else []


class AccessLogSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEvent
        fields = ["id", "at", "actor_username", "roles", "action", "object_type", "fields", "ip_address", "reason"]


# --- Services, notes, plans, visits --------------------------------------------------------
class ServiceInputSerializer(serializers.Serializer):
    case = case_field()
    service_type = code_field(ServiceType)
    provider = code_field(Organisation, required=False, allow_null=True)
    provider_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    status = serializers.ChoiceField(choices=ServiceStatus.choices, required=False)
    planned_on = serializers.DateField(required=False, allow_null=True)
    started_on = serializers.DateField(required=False, allow_null=True)
    ended_on = serializers.DateField(required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX_LENGTH)


class ServiceStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ServiceStatus.choices)
    on = serializers.DateField(required=False)
    notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=TEXT_MAX_LENGTH)


class NoteInputSerializer(serializers.Serializer):
    case = case_field()
    text = serializers.CharField(max_length=TEXT_MAX_LENGTH)
    kind = serializers.ChoiceField(choices=NoteKind.choices, default=NoteKind.GENERAL)
    tier = serializers.ChoiceField(choices=Tier.choices, default=Tier.METADATA)


class GoalSerializer(serializers.ModelSerializer):
    class Meta:
        model = CasePlanGoal
        fields = ["support_type", "objective", "target_date", "achieved_on"]
        extra_kwargs = {"objective": {"max_length": REASON_MAX_LENGTH}}
        list_serializer_class = BoundedListSerializer


class PlanSerializer(serializers.ModelSerializer):
    goals = GoalSerializer(many=True, read_only=True)
    follow_up_policy: serializers.SlugRelatedField[FollowUpPolicy] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    submitted_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    approved_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = CasePlan
        fields = [
            "id",
            "case",
            "summary",
            "status",
            "follow_up_policy",
            "goals",
            "submitted_by",
            "submitted_at",
            "approved_by",
            "approved_at",
            "return_reason",
            "updated_at",
        ]


class PlanInputSerializer(serializers.Serializer):
    summary = serializers.CharField(allow_blank=True, max_length=TEXT_MAX_LENGTH)
    goals = GoalSerializer(many=True)
    # A shared policy, or none: the owner organisation's own cadence applies (follow_ups.policy_for).
    follow_up_policy = CodeField(
        slug_field="code",
        queryset=FollowUpPolicy.objects.filter(organisation__isnull=True),
        required=False,
        allow_null=True,
    )


class FollowUpSerializer(serializers.ModelSerializer):
    done_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = FollowUpVisit
        fields = [
            "id",
            "case",
            "due_on",
            "done_on",
            "done_by",
            "notes",
            "place",
            "met_with",
            "wellbeing",
            "next_step",
            "rescheduled_from",
            "reschedule_reason",
        ]


class FollowUpRecordSerializer(serializers.Serializer):
    done_on = serializers.DateField()
    notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=TEXT_MAX_LENGTH)
    place = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    met_with = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    wellbeing = serializers.ChoiceField(choices=Wellbeing.choices, required=False, allow_blank=True, default="")
    next_step = serializers.CharField(required=False, allow_blank=True, default="", max_length=TEXT_MAX_LENGTH)


class FollowUpRescheduleSerializer(serializers.Serializer):
    due_on = serializers.DateField()
    reason = serializers.CharField(max_length=REASON_MAX_LENGTH)
