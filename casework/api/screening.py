"""Screening API: record a COMMIT screening, ask the rule for a suggestion while the form is
filled in, and later decisions (confirmation by a deciding body, the person's opt-in)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.actors import signed_in
from accounts.models import Organisation, User
from casework import permissions
from casework.api.fields import BoundedListSerializer, case_field
from casework.choices import DecidingBody, ScreeningOutcome, ScreeningPlace
from casework.models import Indicator, Screening, ScreeningIndicator
from casework.services import screening as service
from casework.services.screening import INTERVIEW_FACTS
from core.api.viewsets import ScopedViewSet
from core.limits import REASON_MAX_LENGTH, TEXT_MAX_LENGTH

INDICATORS_MAX = 200  # the COMMIT indicator list has fewer; each at most once


class ObservedSerializer(serializers.ModelSerializer):
    indicator: serializers.SlugRelatedField[Indicator] = serializers.SlugRelatedField(slug_field="code", read_only=True)
    element = serializers.CharField(source="indicator.element", read_only=True)
    strength = serializers.CharField(source="indicator.strength", read_only=True)

    class Meta:
        model = ScreeningIndicator
        fields = ["indicator", "element", "strength", "note"]


class ScreeningSerializer(serializers.ModelSerializer):
    screener: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(slug_field="username", read_only=True)
    screener_organisation: serializers.SlugRelatedField[Organisation] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    observed = ObservedSerializer(many=True, read_only=True)
    investigative_interview_allowed = serializers.SerializerMethodField()

    class Meta:
        model = Screening
        fields = [
            "id",
            "case",
            "screener",
            "screener_organisation",
            "place",
            "screened_on",
            *INTERVIEW_FACTS,
            "observed",
            "age_at_exploitation",
            "act_present",
            "means_present",
            "purpose_present",
            "suggested_outcome",
            "outcome",
            "override_reason",
            "deciding_body",
            "decided_on",
            "reflection_period_ends_on",
            "opted_in_to_interview_on",
            "investigative_interview_allowed",
            "notes",
            "created_at",
        ]

    def get_investigative_interview_allowed(self, screening: Screening) -> bool:
        return service.investigative_interview_allowed(screening, timezone.localdate())


class ObservedInputSerializer(serializers.Serializer):
    class Meta:
        list_serializer_class = BoundedListSerializer

    indicator = serializers.CharField(max_length=80)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=REASON_MAX_LENGTH)


class ScreeningInputSerializer(serializers.Serializer):
    case = case_field()
    place = serializers.ChoiceField(choices=ScreeningPlace.choices)
    screened_on = serializers.DateField()
    # many=True passes max_length on to the ListSerializer; the stubs' many=True signature omits it.
    indicators = ObservedInputSerializer(many=True, max_length=INDICATORS_MAX)  # type: ignore[call-arg]
    outcome = serializers.ChoiceField(choices=ScreeningOutcome.choices, required=False, allow_null=True)
    override_reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=REASON_MAX_LENGTH)
    deciding_body = serializers.ChoiceField(choices=DecidingBody.choices, required=False, allow_blank=True, default="")
    decided_on = serializers.DateField(required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=TEXT_MAX_LENGTH)
    interpreter_used = serializers.BooleanField(required=False)
    interpreter_language = serializers.CharField(max_length=10, required=False, allow_blank=True)
    same_gender_interviewer_offered = serializers.BooleanField(required=False)
    guardian_or_social_worker_present = serializers.BooleanField(required=False, allow_null=True)
    consent_assents_to_interview = serializers.BooleanField(required=False)
    consent_told_purpose = serializers.BooleanField(required=False)
    consent_told_data_use = serializers.BooleanField(required=False)
    consent_told_research_use = serializers.BooleanField(required=False)
    consent_told_right_to_own_data = serializers.BooleanField(required=False)
    consent_told_retention = serializers.BooleanField(required=False)
    consent_told_how_to_withdraw = serializers.BooleanField(required=False)


class EvaluateInputSerializer(serializers.Serializer):
    case = case_field()
    indicators = serializers.ListField(child=serializers.CharField(max_length=80), max_length=INDICATORS_MAX)


class EvaluationSerializer(serializers.Serializer):
    act = serializers.BooleanField()
    means = serializers.BooleanField()
    purpose = serializers.BooleanField()
    age = serializers.IntegerField(allow_null=True)
    indicative = serializers.BooleanField()
    suggested = serializers.ChoiceField(choices=ScreeningOutcome.choices)


class ConfirmSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=ScreeningOutcome.choices)
    deciding_body = serializers.ChoiceField(choices=DecidingBody.choices, allow_blank=True)
    decided_on = serializers.DateField()
    reason = serializers.CharField(max_length=REASON_MAX_LENGTH)


class OptInSerializer(serializers.Serializer):
    on = serializers.DateField()


class ScreeningViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Screenings of cases the caller sees; filter with `?case=`."""

    permission = permissions.view_screening
    serializer_class = ScreeningSerializer
    filterset_fields = ["case", "outcome"]

    def base_queryset(self) -> QuerySet[Screening]:
        return (
            Screening.objects.select_related("screener", "screener_organisation")
            .prefetch_related("observed__indicator")
            .order_by("-screened_on", "-created_at", "id")
        )

    def _fresh(self, screening: Screening, code: int = status.HTTP_200_OK) -> Response:
        return self.respond(self.base_queryset().get(pk=screening.pk), status_code=code)

    @extend_schema(request=ScreeningInputSerializer, responses={201: ScreeningSerializer})
    def create(self, request: Request) -> Response:
        data = self.read_input(ScreeningInputSerializer)
        case = permissions.view_case.get(request.user, pk=data.pop("case").pk)
        data["indicators"] = [(row["indicator"], row["note"]) for row in data["indicators"]]
        created = service.screening_record(actor=signed_in(request), case=case, **data)
        return self._fresh(created, status.HTTP_201_CREATED)

    @extend_schema(request=EvaluateInputSerializer, responses=EvaluationSerializer)
    @action(detail=False, methods=["post"])
    def evaluate(self, request: Request) -> Response:
        """What the COMMIT rule suggests for these indicators on this case; nothing is saved."""
        data = self.read_input(EvaluateInputSerializer)
        case = permissions.view_case.get(request.user, pk=data["case"].pk)
        result = service.screening_evaluate(case=case, indicators=data["indicators"])
        return Response(EvaluationSerializer(result).data)

    @extend_schema(request=ConfirmSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str) -> Response:
        data = self.read_input(ConfirmSerializer)
        return self._fresh(service.screening_confirm(actor=signed_in(request), screening=self.get_object(), **data))

    @extend_schema(request=OptInSerializer)
    @action(detail=True, methods=["post"], url_path="opt-in")
    def opt_in(self, request: Request, pk: str) -> Response:
        data = self.read_input(OptInSerializer)
        return self._fresh(service.screening_opt_in(actor=signed_in(request), screening=self.get_object(), **data))
