"""Read-only reference and account endpoints. Every queryset comes from a scoped selector."""

from __future__ import annotations

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts import selectors
from accounts.api import serializers
from accounts.models import Organisation


class ProvinceViewSet(viewsets.ReadOnlyModelViewSet):
    """Provinces of Lao PDR (reference data)."""

    serializer_class = serializers.ProvinceSerializer
    lookup_field = "code"
    pagination_class = None

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.province_list()


class DistrictViewSet(viewsets.ReadOnlyModelViewSet):
    """Districts; filter with `?province=VT`."""

    serializer_class = serializers.DistrictSerializer
    lookup_field = "code"

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.district_list(province_code=self.request.query_params.get("province"))


class OrganisationFilter(filters.FilterSet):
    province = filters.CharFilter(field_name="province__code")

    class Meta:
        model = Organisation
        fields = ["kind", "province", "is_active"]


class OrganisationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.OrganisationSerializer
    filterset_class = OrganisationFilter

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.organisation_list(user=self.request.user)


class UserViewSet(viewsets.ReadOnlyModelViewSet):
    """Staff accounts the caller may see: themselves; managers their organisation; admins all."""

    serializer_class = serializers.UserSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.user_list(user=self.request.user)

    @extend_schema(responses=serializers.UserSerializer)
    @action(detail=False, methods=["get"])
    def me(self, request: Request) -> Response:
        return Response(serializers.UserSerializer(request.user).data)
