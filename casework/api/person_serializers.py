"""People in the casework API: identity fields (tier 2) are absent for a caller who may not see
the person's identity; the duplicate check and merges."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from rest_framework import serializers

from accounts.models import Country, District, Province
from casework import permissions
from casework.ages import age_on
from casework.api.fields import code_field
from casework.choices import Sex
from casework.models import PERSON_IDENTITY_FIELDS, Ethnicity, FamilyMember, Person
from casework.names import NAME_FIELDS
from core.api.fields import ScopedRelatedField
from core.api.schema import OMITTABLE
from core.limits import LIST_MAX_ITEMS, REASON_MAX_LENGTH, TEXT_MAX_LENGTH

IDENTITY_HELP = f"{OMITTABLE} the caller may see this person's identity (tier 2)."


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
