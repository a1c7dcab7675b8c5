"""Repatriation API: the checklist of a return and its steps. Every write calls
casework.services.repatriation."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.actors import signed_in
from accounts.models import Country, Organisation, User
from casework import permissions
from casework.api.fields import case_field, code_field
from casework.choices import CancellationReason, FamilyAssessment, RepatriationFlow, ReturnDestination
from casework.models import BorderPoint, Repatriation, RepatriationStep
from casework.repatriation_flows import flow_steps
from casework.services import repatriation as service
from core.api.viewsets import ScopedViewSet
from core.limits import REASON_MAX_LENGTH, TEXT_MAX_LENGTH


class StepSerializer(serializers.ModelSerializer):
    title_en = serializers.SerializerMethodField()
    title_lo = serializers.SerializerMethodField()
    depends_on: serializers.SlugRelatedField[RepatriationStep] = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True
    )
    responsible_in_laos: serializers.SlugRelatedField[Organisation] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    done_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = RepatriationStep
        fields = [
            "id",
            "position",
            "code",
            "title_en",
            "title_lo",
            "status",
            "depends_on",
            "responsible_in_laos",
            "responsible_abroad",
            "due_on",
            "done_on",
            "done_by",
            "reason",
            "notes",
        ]

    def _template(self, step: RepatriationStep) -> Any:
        return next(t for t in flow_steps(step.repatriation.flow) if t.code == step.code)

    def get_title_en(self, step: RepatriationStep) -> str:
        return self._template(step).title_en

    def get_title_lo(self, step: RepatriationStep) -> str:
        return self._template(step).title_lo


class RepatriationSerializer(serializers.ModelSerializer):
    from_country: serializers.SlugRelatedField[Country] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    border_point: serializers.SlugRelatedField[BorderPoint] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    steps = StepSerializer(many=True, read_only=True)

    class Meta:
        model = Repatriation
        fields = [
            "id",
            "case",
            "flow",
            "from_country",
            "partner_abroad",
            "status",
            "border_point",
            "family_assessment",
            "family_assessment_notes",
            "destination",
            "best_interests_decision",
            "cancellation_reason",
            "cancellation_note",
            "started_at",
            "completed_at",
            "steps",
        ]


class StartSerializer(serializers.Serializer):
    case = case_field()
    flow = serializers.ChoiceField(choices=RepatriationFlow.choices)
    from_country = code_field(Country)
    partner_abroad = serializers.CharField(max_length=200, required=False, allow_blank=True)
    border_point = code_field(BorderPoint, required=False, allow_null=True)
    responsible_in_laos = code_field(Organisation, required=False, allow_null=True)
    started_on = serializers.DateField(required=False)


class AssessmentSerializer(serializers.Serializer):
    result = serializers.ChoiceField(choices=FamilyAssessment.choices)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX_LENGTH)
    done_on = serializers.DateField(required=False)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=REASON_MAX_LENGTH)


class ReturnDecisionSerializer(serializers.Serializer):
    destination = serializers.ChoiceField(choices=ReturnDestination.choices)
    best_interests_decision = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX_LENGTH)
    done_on = serializers.DateField(required=False)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=REASON_MAX_LENGTH)


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=TEXT_MAX_LENGTH)


class CancelSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=CancellationReason.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=REASON_MAX_LENGTH)


class CompleteSerializer(serializers.Serializer):
    done_on = serializers.DateField()
    notes = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX_LENGTH)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=REASON_MAX_LENGTH)


class StepReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=REASON_MAX_LENGTH)


class RepatriationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Repatriations of cases the caller sees; filter with `?case=` or `?status=`."""

    permission = permissions.view_repatriation
    serializer_class = RepatriationSerializer
    filterset_fields = ["case", "status", "flow"]

    def base_queryset(self) -> QuerySet[Repatriation]:
        return (
            Repatriation.objects.select_related("from_country", "border_point")
            .prefetch_related(
                "steps__depends_on", "steps__responsible_in_laos", "steps__done_by", "steps__repatriation"
            )
            .order_by("-started_at", "id")
        )

    def _fresh(self, repatriation: Repatriation, code: int = status.HTTP_200_OK) -> Response:
        return self.respond(self.base_queryset().get(pk=repatriation.pk), status_code=code)

    @extend_schema(request=StartSerializer, responses={201: RepatriationSerializer})
    def create(self, request: Request) -> Response:
        data = self.read_input(StartSerializer)
        case = permissions.view_case.get(request.user, pk=data.pop("case").pk)
        return self._fresh(
            service.repatriation_start(actor=signed_in(request), case=case, **data), status.HTTP_201_CREATED
        )

    def _act(self, function: Any, input_serializer: type | None = None) -> Response:
        data = self.read_input(input_serializer) if input_serializer else {}
        return self._fresh(function(actor=self.request.user, repatriation=self.get_object(), **data))

    @extend_schema(request=AssessmentSerializer)
    @action(detail=True, methods=["post"], url_path="family-assessment")
    def family_assessment(self, request: Request, pk: str) -> Response:
        return self._act(service.family_assessment_record, AssessmentSerializer)

    @extend_schema(request=ReturnDecisionSerializer)
    @action(detail=True, methods=["post"], url_path="return-decision")
    def return_decision(self, request: Request, pk: str) -> Response:
        return self._act(service.return_decide, ReturnDecisionSerializer)

    @extend_schema(request=NoteSerializer)
    @action(detail=True, methods=["post"], url_path="await-legal-proceedings")
    def await_legal_proceedings(self, request: Request, pk: str) -> Response:
        return self._act(service.repatriation_await_legal_proceedings, NoteSerializer)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def resume(self, request: Request, pk: str) -> Response:
        return self._act(service.repatriation_resume)

    @extend_schema(request=CancelSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        return self._act(service.repatriation_cancel, CancelSerializer)


class RepatriationStepViewSet(mixins.RetrieveModelMixin, ScopedViewSet):
    """One step of a repatriation checklist."""

    permission = permissions.view_repatriation_step
    serializer_class = StepSerializer

    def base_queryset(self) -> QuerySet[RepatriationStep]:
        return RepatriationStep.objects.select_related("repatriation", "responsible_in_laos", "done_by")

    def _act(self, function: Any, input_serializer: type | None = None) -> Response:
        data = self.read_input(input_serializer) if input_serializer else {}
        step = function(actor=self.request.user, step=self.get_object(), **data)
        return self.respond(self.base_queryset().get(pk=step.pk))

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def start(self, request: Request, pk: str) -> Response:
        return self._act(service.step_start)

    @extend_schema(request=CompleteSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str) -> Response:
        return self._act(service.step_complete, CompleteSerializer)

    @extend_schema(request=StepReasonSerializer)
    @action(detail=True, methods=["post"])
    def skip(self, request: Request, pk: str) -> Response:
        return self._act(service.step_skip, StepReasonSerializer)

    @extend_schema(request=StepReasonSerializer)
    @action(detail=True, methods=["post"])
    def block(self, request: Request, pk: str) -> Response:
        return self._act(service.step_block, StepReasonSerializer)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def unblock(self, request: Request, pk: str) -> Response:
        return self._act(service.step_unblock)
