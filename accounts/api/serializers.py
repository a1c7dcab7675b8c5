from rest_framework import serializers

from accounts.models import District, Organisation, Province, User


class ProvinceSerializer(serializers.ModelSerializer):
    iso_code = serializers.CharField(read_only=True)

    class Meta:
        model = Province
        fields = ["code", "iso_code", "number", "name_en", "name_lo"]


class DistrictSerializer(serializers.ModelSerializer):
    province = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = District
        fields = ["code", "name_en", "name_lo", "province"]


class OrganisationSerializer(serializers.ModelSerializer):
    province = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Organisation
        fields = ["id", "code", "name_en", "name_lo", "kind", "province", "parent", "is_active"]


class UserSerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = User
        fields = ["id", "username", "organisation", "roles", "language", "is_active"]
