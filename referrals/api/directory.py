"""The directory of services in the staff API: a read-only list, filtered by service and province
(their codes). Entries are kept on the "Our services" page (referrals.directory_views)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers

from accounts.models import Organisation, Province
from casework.models import ServiceType
from core.api.viewsets import ScopedViewSet
from referrals import permissions
from referrals.models import DirectoryEntry


class DirectoryEntrySerializer(serializers.ModelSerializer):
    organisation: serializers.SlugRelatedField[Organisation] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    organisation_name_en = serializers.CharField(source="organisation.name_en", read_only=True)
    organisation_name_lo = serializers.CharField(source="organisation.name_lo", read_only=True)
    service_types: serializers.SlugRelatedField[ServiceType] = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True
    )
    provinces: serializers.SlugRelatedField[Province] = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True
    )

    class Meta:
        model = DirectoryEntry
        fields = [
            "organisation",
            "organisation_name_en",
            "organisation_name_lo",
            "service_types",
            "provinces",
            "capacity",
            "accepting",
            "phone",
            "email",
            "note",
            "updated_at",
        ]
        read_only_fields = fields


class DirectoryFilter(filters.FilterSet):
    # Codes, not model choices: an unknown code gives an empty list, as another filter would.
    service = filters.CharFilter(field_name="service_types__code", label="Service type code")
    province = filters.CharFilter(field_name="provinces__code", label="Province code (e.g. VT)")

    class Meta:
        model = DirectoryEntry
        fields = ["service", "province"]


@extend_schema_view(
    list=extend_schema(
        tags=["directory"],
        summary="The directory of services: organisations, their services, provinces, capacity and office contact",
    )
)
class DirectoryViewSet(mixins.ListModelMixin, ScopedViewSet):
    permission = permissions.view_directory
    serializer_class = DirectoryEntrySerializer
    filterset_class = DirectoryFilter

    def base_queryset(self) -> QuerySet[DirectoryEntry]:
        return (
            DirectoryEntry.objects.filter(organisation__is_active=True)
            .select_related("organisation")
            .prefetch_related("service_types", "provinces")
            .order_by("organisation__name_en", "organisation_id")
        )

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        # Both filters cross a many-to-many join: one row per entry.
        return super().filter_queryset(queryset).distinct()
