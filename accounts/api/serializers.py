from __future__ import annotations

from rest_framework import serializers

from accounts.models import District, Organisation, Province, User


class ProvinceSerializer(serializers.ModelSerializer):
    iso_code = serializers.CharField(read_only=True)

    class Meta:
        model = Province
        fields = ["code", "iso_code", "number", "name_en", "name_lo"]


class DistrictSerializer(serializers.ModelSerializer):
    province: serializers.SlugRelatedField[Province] = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = District
        fields = ["code", "name_en", "name_lo", "province"]


class OrganisationSerializer(serializers.ModelSerializer):
    province: serializers.SlugRelatedField[Province] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    # The metaclass moves declared fields off the class; the stubs only see a clash with Field.parent.
    parent: serializers.SlugRelatedField[Organisation] = serializers.SlugRelatedField(  # type: ignore[assignment]
        slug_field="code", read_only=True, allow_null=True
    )

    class Meta:
        model = Organisation
        fields = ["id", "code", "name_en", "name_lo", "kind", "province", "parent", "is_active"]


class UserSerializer(serializers.ModelSerializer):
    organisation: serializers.SlugRelatedField[Organisation] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )

    class Meta:
        model = User
        fields = ["id", "username", "organisation", "roles", "language", "is_active"]
