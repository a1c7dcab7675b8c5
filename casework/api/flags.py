"""Risk flags in the staff API: the flags of a case (`?case=`, `?open=`), raise one, clear one
with a reason. Seen by whoever sees the case; raised and cleared by its workers and managers
(casework.permissions.raise_flag). Every write calls casework.services.flags."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.actors import signed_in
from casework import permissions
from casework.api.fields import case_field
from casework.choices import RiskLevel
from casework.models import CaseFlag
from casework.services import flags as service
from core.api.viewsets import ScopedViewSet


class CaseFlagSerializer(serializers.ModelSerializer):
    raised_by = serializers.SlugRelatedField(slug_field="username", read_only=True)  # type: ignore[var-annotated]
    cleared_by = serializers.SlugRelatedField(  # type: ignore[var-annotated]
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = CaseFlag
        fields = [
            "id",
            "case",
            "level",
            "reason",
            "review_by",
            "raised_by",
            "raised_at",
            "cleared_by",
            "cleared_at",
            "clear_reason",
        ]


class FlagInputSerializer(serializers.Serializer):
    case = case_field()
    level = serializers.ChoiceField(choices=RiskLevel.choices)
    reason = serializers.CharField(max_length=service.REASON_MAX_LENGTH)
    review_by = serializers.DateField(required=False, allow_null=True)


class FlagClearSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=service.REASON_MAX_LENGTH)


class FlagFilter(filters.FilterSet):
    open = filters.BooleanFilter(field_name="cleared_at", lookup_expr="isnull", label="Not cleared")

    class Meta:
        model = CaseFlag
        fields = ["case", "level", "open"]


class CaseFlagViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Risk flags, filter by `?case=`, `?level=` or `?open=true`, newest first."""

    permission = permissions.view_flag
    serializer_class = CaseFlagSerializer
    filterset_class = FlagFilter

    def base_queryset(self) -> QuerySet[CaseFlag]:
        return CaseFlag.objects.select_related("case", "raised_by", "cleared_by")

    @extend_schema(request=FlagInputSerializer, responses={201: CaseFlagSerializer})
    def create(self, request: Request) -> Response:
        data = self.read_input(FlagInputSerializer)
        flag = service.case_flag_raise(actor=signed_in(request), **data)
        return self.respond(flag, status_code=status.HTTP_201_CREATED)

    @extend_schema(request=FlagClearSerializer, responses={200: CaseFlagSerializer})
    @action(detail=True, methods=["post"])
    def clear(self, request: Request, pk: Any = None) -> Response:
        flag = self.get_object()
        data = self.read_input(FlagClearSerializer)
        return self.respond(service.case_flag_clear(actor=signed_in(request), flag=flag, reason=data["reason"]))
