"""Shapes of the shelters API. A shelter's address is absent unless the caller may see it."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from accounts.models import Organisation, Province
from accounts.permissions import view_user
from casework import health
from casework.api.fields import code_field
from casework.api.person_serializers import PersonBriefSerializer
from casework.choices import CaseCategory, Sex
from casework.models import ServiceType
from core.api.fields import ScopedRelatedField
from core.api.schema import OMITTABLE
from core.limits import REASON_MAX_LENGTH, TEXT_MAX_LENGTH
from shelters import permissions
from shelters.choices import ExitDestination
from shelters.models import (
    AdmissionRequest,
    AssistanceKind,
    Bed,
    BedOutage,
    NonResidentialAssistance,
    Room,
    Shelter,
    Stay,
)
from shelters.services.setup import MAX_BEDS_AT_ONCE


class ShelterSerializer(serializers.ModelSerializer):
    operator: serializers.SlugRelatedField[Organisation] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    province: serializers.SlugRelatedField[Province] = serializers.SlugRelatedField(slug_field="code", read_only=True)
    address = serializers.CharField(read_only=True, help_text=f"{OMITTABLE} the caller works in or runs this shelter.")
    beds_in_service = serializers.IntegerField(read_only=True)

    class Meta:
        model = Shelter
        fields = [
            "id",
            "code",
            "name_en",
            "name_lo",
            "operator",
            "province",
            "address",
            "accepts_sexes",
            "min_age",
            "max_age",
            "accepts_categories",
            "is_transit_centre",
            "is_active",
            "beds_in_service",
        ]

    def to_representation(self, shelter: Shelter) -> dict[str, Any]:
        data = super().to_representation(shelter)
        if not permissions.view_shelter_address.allows(self.context["request"].user, shelter):
            data.pop("address")
        return data


class StaySerializer(serializers.ModelSerializer):
    shelter: serializers.SlugRelatedField[Shelter] = serializers.SlugRelatedField(slug_field="code", read_only=True)
    bed: serializers.SlugRelatedField[Bed] = serializers.SlugRelatedField(
        slug_field="label", read_only=True, allow_null=True
    )
    person = PersonBriefSerializer(read_only=True)
    admitted_on = serializers.DateField(source="during.lower", read_only=True)
    discharged_on = serializers.DateField(source="during.upper", read_only=True, allow_null=True)

    class Meta:
        model = Stay
        fields = [
            "id",
            "shelter",
            "bed",
            "person",
            "case",
            "admitted_on",
            "discharged_on",
            "planned_discharge_on",
            "age_at_admission",
            "exit_destination",
            "exit_reason",
            "previous_stay",
        ]


class BoardRowSerializer(serializers.Serializer):
    bed = serializers.CharField(source="bed.label")
    bed_id = serializers.UUIDField(source="bed.id")
    room = serializers.CharField(source="bed.room.name", default=None, allow_null=True)
    free = serializers.BooleanField()
    occupied = serializers.BooleanField(help_text="Someone is in the bed that night, shown or not.")
    out_of_service = serializers.SerializerMethodField()
    stay = StaySerializer(
        allow_null=True,
        help_text="Who is in the bed: null when it is free, and for shelter staff when the resident is not "
        "one of today's (another night's board shows occupancy only).",
    )

    def get_out_of_service(self, row: Any) -> str | None:
        return row.outage.reason if row.outage else None


class AdmitSerializer(serializers.Serializer):
    shelter = code_field(Shelter)
    case = ScopedRelatedField(permissions.admit_case)
    admitted_on = serializers.DateField()
    bed = serializers.PrimaryKeyRelatedField(queryset=Bed.objects.all(), required=False, allow_null=True)
    planned_discharge_on = serializers.DateField(required=False, allow_null=True)


class DischargeSerializer(serializers.Serializer):
    discharged_on = serializers.DateField()
    destination = serializers.ChoiceField(choices=ExitDestination.choices)
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=REASON_MAX_LENGTH)


class TransferSerializer(serializers.Serializer):
    to_shelter = code_field(Shelter)
    on = serializers.DateField()
    to_bed = serializers.PrimaryKeyRelatedField(queryset=Bed.objects.all(), required=False, allow_null=True)
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=REASON_MAX_LENGTH)


class MoveBedSerializer(serializers.Serializer):
    to_bed = serializers.PrimaryKeyRelatedField(queryset=Bed.objects.all())
    on = serializers.DateField()


class PlannedDischargeSerializer(serializers.Serializer):
    planned_discharge_on = serializers.DateField(allow_null=True)


class OutageStartSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField(required=False, allow_null=True)
    reason = serializers.CharField(max_length=200)


class OutageSerializer(serializers.ModelSerializer):
    bed: serializers.SlugRelatedField[Bed] = serializers.SlugRelatedField(slug_field="label", read_only=True)
    start = serializers.DateField(source="during.lower", read_only=True)
    end = serializers.DateField(source="during.upper", read_only=True, allow_null=True)

    class Meta:
        model = BedOutage
        fields = ["id", "bed", "start", "end", "reason"]


class OutageEndSerializer(serializers.Serializer):
    end = serializers.DateField()


class NonResidentialSerializer(serializers.ModelSerializer):
    """Health services and the notes are absent for a caller who may not see them (`health_visible`,
    annotated by the view's queryset: shelters.permissions.health_visible)."""

    shelter: serializers.SlugRelatedField[Shelter] = serializers.SlugRelatedField(slug_field="code", read_only=True)
    service_types: serializers.SlugRelatedField[ServiceType] = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True
    )

    class Meta:
        model = NonResidentialAssistance
        fields = ["id", "shelter", "case", "assisted_on", "kind", "service_types", "notes"]
        extra_kwargs = {
            "notes": {"help_text": f"{OMITTABLE} the caller may see its health content, or it is not about health."}
        }

    def to_representation(self, instance: NonResidentialAssistance) -> dict[str, Any]:
        data = super().to_representation(instance)
        services = instance.service_types.all()
        if not getattr(instance, "health_visible", False) and health.about_health(services):
            health.withhold(data, services, text=self.Meta.extra_kwargs)
        return data


class NonResidentialInputSerializer(serializers.Serializer):
    shelter = code_field(Shelter)
    case = ScopedRelatedField(permissions.admit_case)
    assisted_on = serializers.DateField()
    kind = code_field(
        AssistanceKind,
        required=False,
        allow_null=True,
        default=None,
        help_text="What the person was assisted for (an AssistanceKind code: trafficking, child_labour, "
        "returned_from_abroad, vulnerable, ...); null: not recorded.",
    )
    service_types = code_field(ServiceType, many=True)
    notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=TEXT_MAX_LENGTH)


class AdmissionRequestSerializer(serializers.ModelSerializer):
    """A request for a place: the case's workers and the shelter's staff read it; the shelter's
    staff get the case id and nothing of the person (they read the case code, sex and age on the
    request page)."""

    shelter: serializers.SlugRelatedField[Shelter] = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = AdmissionRequest
        fields = [
            "id",
            "case",
            "shelter",
            "status",
            "needed_from",
            "note",
            "requested_at",
            "decided_at",
            "decline_reason",
            "stay",
        ]


class AdmissionRequestInputSerializer(serializers.Serializer):
    case = ScopedRelatedField(permissions.request_admission)
    shelter = code_field(Shelter)
    needed_from = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=REASON_MAX_LENGTH)


class AdmissionAcceptSerializer(serializers.Serializer):
    admitted_on = serializers.DateField()
    bed = serializers.PrimaryKeyRelatedField(queryset=Bed.objects.all(), required=False, allow_null=True)
    planned_discharge_on = serializers.DateField(required=False, allow_null=True)


class AdmissionDeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=REASON_MAX_LENGTH)


# --- Setting a shelter up ---------------------------------------------------------------------------
class ShelterDescriptionSerializer(serializers.Serializer):
    """What a manager says about a shelter (services.setup.DESCRIPTION); all optional in a PATCH."""

    name_en = serializers.CharField(max_length=200)
    name_lo = serializers.CharField(max_length=200, required=False, allow_blank=True)
    province = code_field(Province)
    address = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX_LENGTH)
    accepts_sexes = serializers.ListField(
        child=serializers.ChoiceField(choices=Sex.choices), required=False, max_length=len(Sex.choices)
    )
    min_age = serializers.IntegerField(min_value=0, max_value=120, required=False, allow_null=True)
    max_age = serializers.IntegerField(min_value=0, max_value=120, required=False, allow_null=True)
    accepts_categories = serializers.ListField(
        child=serializers.ChoiceField(choices=CaseCategory.choices),
        required=False,
        max_length=len(CaseCategory.choices),
    )
    is_transit_centre = serializers.BooleanField(required=False)
    is_active = serializers.BooleanField(required=False)


class ShelterCreateSerializer(ShelterDescriptionSerializer):
    code = serializers.SlugField(max_length=60)
    operator = code_field(Organisation)


class RoomSerializer(serializers.ModelSerializer):
    class Meta:
        model = Room
        fields = ["id", "name"]


class BedSerializer(serializers.ModelSerializer):
    room: serializers.SlugRelatedField[Room] = serializers.SlugRelatedField(
        slug_field="name", read_only=True, allow_null=True
    )
    in_service_from = serializers.DateField(source="in_service.lower", read_only=True)
    in_service_until = serializers.DateField(
        source="in_service.upper", read_only=True, allow_null=True, help_text="The day it left service; null: in use"
    )

    class Meta:
        model = Bed
        fields = ["id", "label", "room", "in_service_from", "in_service_until"]


class BedsAddSerializer(serializers.Serializer):
    labels = serializers.ListField(
        child=serializers.CharField(max_length=30), min_length=1, max_length=MAX_BEDS_AT_ONCE
    )
    in_service_from = serializers.DateField(help_text="May be long past: a bed in service since 2015.")
    room = serializers.UUIDField(required=False, allow_null=True, help_text="A room of this shelter")


class BedRetireSerializer(serializers.Serializer):
    on = serializers.DateField(help_text="The first day the bed is no longer in service.")


class PostingSerializer(serializers.Serializer):
    user = ScopedRelatedField(view_user)
