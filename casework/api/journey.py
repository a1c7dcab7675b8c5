"""The trafficking journey in the staff API: the steps of a case (`?case=`), add, correct and
remove one, and the code lists they are coded in. Tier 2: whoever sees the case sees its journey
(police in scope included); every read is in the access log. Every write calls
casework.services.journey."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.actors import signed_in
from accounts.models import AuditAction, Country
from accounts.services import audit_record, audit_record_many
from casework import permissions
from casework.api.fields import case_field, code_field
from casework.choices import JourneyStage
from casework.journey_fields import CODED, COMMON_FIELDS
from casework.models import BorderPoint, JourneyCode, JourneyEvent
from casework.services import journey as service
from core.api.viewsets import ScopedViewSet

MULTIPLE = [name for name in CODED if name not in ("recruiter_relationship", "labour_industry", "exit_kind")]
SINGLE = [name for name in CODED if name not in MULTIPLE]
STEP_FIELDS = [*COMMON_FIELDS, *CODED, "promise"]


class JourneyEventSerializer(serializers.ModelSerializer):
    country = serializers.SlugRelatedField[Country](slug_field="code", read_only=True, allow_null=True)
    border_point = serializers.SlugRelatedField[BorderPoint](slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = JourneyEvent
        fields = ["id", "case", "stage", *STEP_FIELDS, "recorded_at"]


def _codes(many: bool) -> serializers.Field:
    code = serializers.SlugField(max_length=60)
    if many:
        return serializers.ListField(child=code, max_length=30, required=False)
    return serializers.SlugField(max_length=60, required=False, allow_blank=True)


class JourneyChangeSerializer(serializers.Serializer):
    """The fields of a step (those that do not belong to its stage are cleared); codes from
    /reference/journey-codes/ (a code not in its field's list is a 400 on that field)."""

    country = code_field(Country, required=False, allow_null=True)
    place = serializers.CharField(max_length=200, required=False, allow_blank=True)
    started_on = serializers.DateField(required=False, allow_null=True)
    ended_on = serializers.DateField(required=False, allow_null=True)
    crossed_border = serializers.BooleanField(required=False)
    border_point = code_field(BorderPoint, required=False, allow_null=True)
    irregular_crossing = serializers.BooleanField(required=False)
    promise = serializers.CharField(max_length=300, required=False, allow_blank=True)

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        for name in CODED:
            fields[name] = _codes(name in MULTIPLE)
        return fields


class JourneyInputSerializer(JourneyChangeSerializer):
    case = case_field()
    stage = serializers.ChoiceField(choices=JourneyStage.choices)


class JourneyEventViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Steps of the trafficking journey, filter by `?case=` or `?stage=`, in order."""

    permission = permissions.view_journey
    serializer_class = JourneyEventSerializer
    filterset_fields = ["case", "stage"]

    def base_queryset(self) -> QuerySet[JourneyEvent]:
        return JourneyEvent.objects.select_related("country", "border_point", "case")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.page_of(self.filter_queryset(self.get_queryset()))
        if page:
            audit_record_many(actor=signed_in(request), action=AuditAction.VIEW, objects=page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        event = self.get_object()
        audit_record(actor=signed_in(request), action=AuditAction.VIEW, obj=event)
        return self.respond(event)

    @extend_schema(request=JourneyInputSerializer, responses={201: JourneyEventSerializer})
    def create(self, request: Request) -> Response:
        data = self.read_input(JourneyInputSerializer)
        case = data.pop("case")
        event = service.journey_event_add(actor=signed_in(request), case=case, **data)
        return self.respond(event, status_code=status.HTTP_201_CREATED)

    @extend_schema(request=JourneyChangeSerializer, responses={200: JourneyEventSerializer})
    def partial_update(self, request: Request, pk: str) -> Response:
        event = self.get_object()
        data = self.read_input(JourneyChangeSerializer, partial=True)
        return self.respond(service.journey_event_update(actor=signed_in(request), event=event, **data))

    @extend_schema(request=None, responses={204: None})
    def destroy(self, request: Request, pk: str) -> Response:
        service.journey_event_remove(actor=signed_in(request), event=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class JourneyCodeSerializer(serializers.ModelSerializer):
    class Meta:
        model = JourneyCode
        fields = ["list", "code", "htcds", "name_en", "name_lo"]


class JourneyCodeViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The code lists of the journey (HTCDS v2.0 value in `htcds`; empty for Pathway's own)."""

    serializer_class = JourneyCodeSerializer
    queryset = JourneyCode.objects.filter(active=True)
    pagination_class = None
    filter_backends: list[Any] = []
