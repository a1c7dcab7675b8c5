"""Partner countries' directories in the staff API: our copy of each peer's directory of services,
read-only, filtered by peer (its instance id), service and area (their codes), beside the local
directory (/api/v1/directory/). Kept by beat's pull (crossborder.services.directory)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.routers import SimpleRouter

from core.api.viewsets import ScopedViewSet
from crossborder.models import PartnerProvider
from crossborder.permissions import view_partner_provider


class NamedSerializer(serializers.Serializer):
    code = serializers.CharField()
    name_en = serializers.CharField()
    name_lo = serializers.CharField(allow_blank=True)


class PartnerProviderSerializer(serializers.ModelSerializer):
    peer = serializers.CharField(source="peer.instance_id", read_only=True)
    peer_name = serializers.CharField(source="peer.name", read_only=True)
    refreshed_at = serializers.DateTimeField(source="peer.directory.refreshed_at", read_only=True)
    services = NamedSerializer(many=True, read_only=True)
    areas = NamedSerializer(many=True, read_only=True)

    class Meta:
        model = PartnerProvider
        fields = [
            "peer",
            "peer_name",
            "refreshed_at",
            "code",
            "name_en",
            "name_lo",
            "services",
            "areas",
            "capacity",
            "accepting",
            "phone",
            "email",
            "note",
            "updated_at",
        ]
        read_only_fields = fields


class PartnerProviderFilter(filters.FilterSet):
    peer = filters.CharFilter(field_name="peer__instance_id", label="Partner instance id")
    service = filters.CharFilter(method="contains", label="Service type code")
    area = filters.CharFilter(method="contains", label="Area code in the partner country (e.g. TH-10)")

    class Meta:
        model = PartnerProvider
        fields = ["peer", "service", "area"]

    def contains(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(**{f"{name}_codes__contains": [value]})


@extend_schema_view(
    list=extend_schema(
        tags=["directory"],
        summary="Partner countries' directories: their organisations, services, areas, capacity and office contact",
    )
)
class PartnerProviderViewSet(mixins.ListModelMixin, ScopedViewSet):
    permission = view_partner_provider
    serializer_class = PartnerProviderSerializer
    filterset_class = PartnerProviderFilter

    def base_queryset(self) -> QuerySet[PartnerProvider]:
        return PartnerProvider.objects.select_related("peer", "peer__directory").order_by("peer__name", "name_en", "id")


router = SimpleRouter()
router.register("crossborder-directory", PartnerProviderViewSet, basename="crossborder-directory")
urlpatterns = router.urls
