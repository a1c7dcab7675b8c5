"""Assessments in the staff API (docs/assessments.md): the questionnaires with the questions of
their current version, the assessments of a case (`?case=`, `?questionnaire=`), each read
through its questionnaire's tier rule and audited, answering one, and a child's best-interests
determinations. Every write calls casework.services.assessments."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.actors import signed_in
from accounts.models import AuditAction
from accounts.services import audit_record, audit_record_many
from casework import assessment_permissions
from casework.api.fields import case_field, code_field
from casework.assessment_answers import TEXT_MAX_LENGTH
from casework.choices import BestInterestsDecision
from casework.models import Assessment, BestInterestsDetermination, Question, Questionnaire, QuestionnaireVersion
from casework.services import assessments as service
from core.api.viewsets import ScopedViewSet
from core.errors import not_found


class QuestionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Question
        fields = ["code", "position", "text_en", "text_lo", "answer", "options", "required"]


class QuestionnaireSerializer(serializers.ModelSerializer):
    version = serializers.SerializerMethodField()
    questions = serializers.SerializerMethodField()

    class Meta:
        model = Questionnaire
        fields = [
            "code",
            "kind",
            "name_en",
            "name_lo",
            "visibility",
            "scoring",
            "children_only",
            "version",
            "questions",
        ]

    def _current(self, questionnaire: Questionnaire) -> QuestionnaireVersion | None:
        published = [v for v in questionnaire.versions.all() if v.published_at is not None]
        return max(published, key=lambda v: v.number, default=None)

    def get_version(self, questionnaire: Questionnaire) -> int | None:
        current = self._current(questionnaire)
        return current.number if current else None

    @extend_schema(responses=QuestionSerializer(many=True))  # type: ignore[misc]
    def get_questions(self, questionnaire: Questionnaire) -> Any:
        current = self._current(questionnaire)
        return QuestionSerializer(current.questions.all(), many=True).data if current else []


class QuestionnaireViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The forms and the questions new assessments are answered on (reference data)."""

    serializer_class = QuestionnaireSerializer
    queryset = Questionnaire.objects.prefetch_related(
        Prefetch("versions", queryset=QuestionnaireVersion.objects.prefetch_related("questions"))
    )
    pagination_class = None
    filter_backends: list[Any] = []


class AssessmentSerializer(serializers.ModelSerializer):
    questionnaire = serializers.CharField(source="version.questionnaire.code", read_only=True)
    version = serializers.IntegerField(source="version.number", read_only=True)
    assessed_by = serializers.SlugRelatedField(slug_field="username", read_only=True)  # type: ignore[var-annotated]
    answers = serializers.DictField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Assessment
        fields = [
            "id",
            "case",
            "questionnaire",
            "version",
            "assessed_on",
            "assessed_by",
            "recorded_at",
            "answers",
            "score",
        ]


class AssessmentInputSerializer(serializers.Serializer):
    case = case_field()
    questionnaire = code_field(Questionnaire)
    assessed_on = serializers.DateField()
    answers = serializers.DictField(child=serializers.CharField(max_length=TEXT_MAX_LENGTH, allow_blank=True))


class AuditedReads(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """A list and a detail whose every row read is written to the audit log."""

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.page_of(self.filter_queryset(self.get_queryset()))
        if page:
            audit_record_many(actor=signed_in(request), action=AuditAction.VIEW, objects=page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        row = self.get_object()
        audit_record(actor=signed_in(request), action=AuditAction.VIEW, obj=row)
        return self.respond(row)


class AssessmentViewSet(AuditedReads):
    """Assessments, newest first; filter by `?case=`. Answers by question code (the questions of
    the version named: see /reference/questionnaires/ for the current one)."""

    permission = assessment_permissions.view_assessment
    serializer_class = AssessmentSerializer
    filterset_fields = ["case"]

    def base_queryset(self) -> QuerySet[Assessment]:
        return Assessment.objects.select_related("version__questionnaire", "assessed_by", "case")

    @extend_schema(request=AssessmentInputSerializer, responses={201: AssessmentSerializer})
    def create(self, request: Request) -> Response:
        data = self.read_input(AssessmentInputSerializer)
        assessment = service.assessment_record(actor=signed_in(request), **data)
        return self.respond(assessment, status_code=status.HTTP_201_CREATED)


class DeterminationSerializer(serializers.ModelSerializer):
    recorded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)  # type: ignore[var-annotated]

    class Meta:
        model = BestInterestsDetermination
        fields = [
            "id",
            "case",
            "assessment",
            "decided_on",
            "panel",
            "decision",
            "reasons",
            "recorded_by",
            "recorded_at",
        ]


class DeterminationInputSerializer(serializers.Serializer):
    case = case_field()
    decided_on = serializers.DateField()
    panel = serializers.ListField(child=serializers.CharField(max_length=200), max_length=20)
    decision = serializers.ChoiceField(choices=BestInterestsDecision.choices)
    reasons = serializers.CharField(max_length=service.REASONS_MAX_LENGTH)
    assessment = serializers.UUIDField(required=False, allow_null=True)


class DeterminationViewSet(AuditedReads):
    """A child's best-interests determinations by a panel; filter by `?case=`."""

    permission = assessment_permissions.view_best_interests
    serializer_class = DeterminationSerializer
    filterset_fields = ["case"]

    def base_queryset(self) -> QuerySet[BestInterestsDetermination]:
        return BestInterestsDetermination.objects.select_related("recorded_by", "case")

    @extend_schema(request=DeterminationInputSerializer, responses={201: DeterminationSerializer})
    def create(self, request: Request) -> Response:
        data = self.read_input(DeterminationInputSerializer)
        assessment_id = data.pop("assessment", None)
        assessment = None
        if assessment_id is not None:
            scoped = assessment_permissions.view_assessment.scope(request.user, Assessment.objects.all())
            assessment = scoped.filter(pk=assessment_id, case=data["case"]).first()
            if assessment is None:
                raise not_found("assessment")
        determination = service.best_interests_determine(actor=signed_in(request), assessment=assessment, **data)
        return self.respond(determination, status_code=status.HTTP_201_CREATED)
