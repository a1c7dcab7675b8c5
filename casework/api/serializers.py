"""Input and output shapes of the casework API.

Output serializers never return what the caller may not see: identity fields (tier 2) are
*absent* unless the caller may see the person's identity; tier-3 notes and health services never
reach a serializer (the selectors filter them out)."""

from __future__ import annotations

from typing import Any

from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.relations import MANY_RELATION_KWARGS

from accounts.models import AuditEvent, Country, District, Organisation, Province, User
from casework import permissions
from casework.ages import age_on
from casework.choices import (
    CaseCategory,
    ClosureReason,
    IdentificationRoute,
    NoteKind,
    ServiceStatus,
    Sex,
    Tier,
    Wellbeing,
)
from casework.models import (
    PERSON_IDENTITY_FIELDS,
    Case,
    CaseEvent,
    CaseNote,
    CasePlan,
    CasePlanGoal,
    CaseTransfer,
    Ethnicity,
    ExploitationForm,
    FamilyMember,
    FollowUpPolicy,
    FollowUpVisit,
    Person,
    Service,
    ServiceType,
)
from casework.timeline import CASE_EVENTS
from core.api.fields import ScopedRelatedField
from core.api.schema import OMITTABLE
from core.limits import CODE_MAX_LENGTH, LIST_MAX_ITEMS, REASON_MAX_LENGTH, TEXT_MAX_LENGTH

IDENTITY_HELP = f"{OMITTABLE} the caller may see this person's identity (tier 2)."
NAME_FIELDS = ("given_name_lo", "family_name_lo", "given_name_latin", "family_name_latin")


@extend_schema_field({"type": "string", "maxLength": CODE_MAX_LENGTH})
class CodeField(serializers.SlugRelatedField):
    """A reference by code: a code is short, and a list of codes is bounded (core.limits)."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, str) and len(data) > CODE_MAX_LENGTH:
            too_long = serializers.CharField.default_error_messages["max_length"]  # DRF's, translated
            raise serializers.ValidationError(str(too_long).format(max_length=CODE_MAX_LENGTH))
        return super().to_internal_value(data)

    @classmethod
    def many_init(cls, *args: Any, **kwargs: Any) -> serializers.ManyRelatedField:
        options = {key: value for key, value in kwargs.items() if key in MANY_RELATION_KWARGS}
        return serializers.ManyRelatedField(child_relation=cls(*args, **kwargs), validators=[bounded_list()], **options)


def bounded_list(limit: int = LIST_MAX_ITEMS) -> MaxLengthValidator:
    """A list's bound; drf-spectacular shows it as maxItems."""
    return MaxLengthValidator(limit, message=_("Give at most %(limit_value)d items."))


class BoundedListSerializer(serializers.ListSerializer):
    """A list of nested objects, at most `max_length` (default LIST_MAX_ITEMS), shown as maxItems."""

    max_length: int  # set by ListSerializer from the keyword (not in the stubs)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", LIST_MAX_ITEMS)
        super().__init__(*args, **kwargs)

    def get_validators(self) -> list[Any]:
        return [*super().get_validators(), bounded_list(self.max_length)]


def code_field(model: type[models.Model], **kwargs: Any) -> CodeField:
    return CodeField(slug_field="code", queryset=model._default_manager.all(), **kwargs)


def case_field(**kwargs: Any) -> ScopedRelatedField:
    """A case id in a request body: one the caller may see, else the same 404 as a missing one
    (the service then says 403 if they see it but may not do this)."""
    return ScopedRelatedField(permissions.view_case, **kwargs)


# --- Reference lists ------------------------------------------------------------------------
class LookupSerializer(serializers.Serializer):
    code = serializers.CharField()
    name_en = serializers.CharField()
    name_lo = serializers.CharField()


class ServiceTypeSerializer(LookupSerializer):
    health = serializers.BooleanField()


# --- People ---------------------------------------------------------------------------------
class IdentityOmittingSerializer(serializers.ModelSerializer):
    """Drops identity fields for callers who may not see the person's identity.

    Views over a queryset already scoped by case visibility pass `identity_visible=lambda p: True`
    in the context (every role that may see a case may see its person, docs/design/access.md), which spares a
    query per row; elsewhere the permission is asked for each person."""

    identity_fields: tuple[str, ...] = ()

    def to_representation(self, instance: Any) -> dict[str, Any]:
        data = super().to_representation(instance)
        visible = self.context.get("identity_visible")
        allowed = visible(instance) if visible else permissions.view_identity(self.context["request"].user, instance)
        if not allowed:
            for name in self.identity_fields:
                data.pop(name, None)
        return data


class FamilyMemberSerializer(serializers.ModelSerializer):
    class Meta:
        model = FamilyMember
        fields = ["id", "relationship", "name", "is_guardian", "phone", "lives_in_village_of_origin", "notes"]
        read_only_fields = ["id"]
        extra_kwargs = {"notes": {"max_length": TEXT_MAX_LENGTH}}


class PersonBriefSerializer(IdentityOmittingSerializer):
    """A person as lists show them: the case code always, names only to those who may see them."""

    identity_fields: tuple[str, ...] = NAME_FIELDS
    age = serializers.SerializerMethodField()
    given_name_lo = serializers.CharField(read_only=True, help_text=IDENTITY_HELP)
    family_name_lo = serializers.CharField(read_only=True, help_text=IDENTITY_HELP)
    given_name_latin = serializers.CharField(read_only=True, help_text=IDENTITY_HELP)
    family_name_latin = serializers.CharField(read_only=True, help_text=IDENTITY_HELP)

    class Meta:
        model = Person
        fields = ["id", "case_code", "sex", "age", *NAME_FIELDS]

    def get_age(self, person: Person) -> int | None:
        return age_on(person, timezone.localdate())


class PersonSerializer(PersonBriefSerializer):
    identity_fields = (*PERSON_IDENTITY_FIELDS, "family")
    registration_province: serializers.SlugRelatedField[Province] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    nationality: serializers.SlugRelatedField[Country] = serializers.SlugRelatedField(slug_field="code", read_only=True)
    ethnicity: serializers.SlugRelatedField[Ethnicity] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    origin_province: serializers.SlugRelatedField[Province] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    origin_district: serializers.SlugRelatedField[District] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    date_of_birth = serializers.DateField(read_only=True, allow_null=True, help_text=IDENTITY_HELP)
    origin_village = serializers.CharField(read_only=True, help_text=IDENTITY_HELP)
    phone = serializers.CharField(read_only=True, help_text=IDENTITY_HELP)
    contact_notes = serializers.CharField(read_only=True, help_text=IDENTITY_HELP)
    identity_document = serializers.CharField(read_only=True, help_text=IDENTITY_HELP)
    family = FamilyMemberSerializer(many=True, read_only=True, help_text=IDENTITY_HELP)
    merged_into: serializers.SlugRelatedField[Person] = serializers.SlugRelatedField(
        slug_field="case_code", read_only=True, allow_null=True
    )

    class Meta:
        model = Person
        fields = [
            "id",
            "case_code",
            "registration_province",
            "registered_on",
            "sex",
            "age",
            "birth_date_estimated",
            "estimated_age",
            "age_estimated_on",
            "nationality",
            "ethnicity",
            "languages",
            "interpreter_needed",
            "interpreter_language",
            "origin_province",
            "origin_district",
            "merged_into",
            *PERSON_IDENTITY_FIELDS,
            "family",
        ]


class PersonInputSerializer(serializers.Serializer):
    """Identity and profile of a person, for intake and for changes (every field optional on change)."""

    given_name_lo = serializers.CharField(max_length=100, required=False, allow_blank=True)
    family_name_lo = serializers.CharField(max_length=100, required=False, allow_blank=True)
    given_name_latin = serializers.CharField(max_length=100, required=False, allow_blank=True)
    family_name_latin = serializers.CharField(max_length=100, required=False, allow_blank=True)
    sex = serializers.ChoiceField(choices=Sex.choices)
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    birth_date_estimated = serializers.BooleanField(required=False)
    estimated_age = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=120)
    age_estimated_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="The day the estimated age refers to; omitted or null: the identification date of the first case.",
    )
    nationality = code_field(Country, required=False)
    ethnicity = code_field(Ethnicity, required=False, allow_null=True)
    languages = serializers.ListField(
        child=serializers.CharField(max_length=10), required=False, max_length=LIST_MAX_ITEMS
    )
    interpreter_needed = serializers.BooleanField(required=False)
    interpreter_language = serializers.CharField(max_length=10, required=False, allow_blank=True)
    origin_province = code_field(Province, required=False, allow_null=True)
    origin_district = code_field(District, required=False, allow_null=True)
    origin_village = serializers.CharField(max_length=200, required=False, allow_blank=True)
    phone = serializers.RegexField(r"^\+?[0-9 ]{6,20}$", max_length=21, required=False, allow_blank=True)
    contact_notes = serializers.CharField(required=False, allow_blank=True, max_length=REASON_MAX_LENGTH)
    identity_document = serializers.CharField(max_length=100, required=False, allow_blank=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not self.partial and not any(
            attrs.get(f) for f in ("given_name_lo", "given_name_latin", "family_name_lo", "family_name_latin")
        ):
            raise serializers.ValidationError({"given_name_lo": ["Give at least one name, in Lao or Latin letters."]})
        return attrs


class DuplicateQuerySerializer(serializers.Serializer):
    given_name_latin = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)
    family_name_latin = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)
    given_name_lo = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)
    family_name_lo = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)
    date_of_birth = serializers.DateField(required=False, allow_null=True, default=None)
    estimated_age = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=120, default=None)
    origin_district = code_field(District, required=False, allow_null=True, default=None)


class DuplicateCandidateSerializer(serializers.Serializer):
    person = PersonBriefSerializer()
    score = serializers.FloatField()
    reasons = serializers.ListField(child=serializers.CharField())


class DuplicateReportSerializer(serializers.Serializer):
    candidates = DuplicateCandidateSerializer(many=True)
    hidden_matches = serializers.IntegerField(
        help_text="Likely matches in records you may not see: ask a manager. No identity is given."
    )


class MergeSerializer(serializers.Serializer):
    merge = ScopedRelatedField(permissions.view_person, help_text="The record folded into this one")
    reason = serializers.CharField(max_length=REASON_MAX_LENGTH)


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
