"""Perpetrators and legal proceedings in the staff API (docs/legal.md, docs/api.md).

- `/perpetrators/`: the perpetrator records (tier 3: the assigned counsellor and police in scope
  only), each with the cases linked to them that the reader may see; read only.
- `/case-perpetrators/`: a perpetrator in a case (`?case=`, `?perpetrator=`): record a new one
  (the record's fields) or link a known one (`perpetrator`), change the roles, the relation or
  the record, take one off the case.
- `/proceedings/`: a case's legal proceedings (`?case=`, `?stage=`), their details, `move` to the
  next stage; `/hearings/` (`?proceeding=`): hearing dates (each reminds the case worker).
Every read writes an access-log row; every write calls casework.services.perpetrators or
.proceedings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.actors import signed_in
from accounts.models import AuditAction, Country
from accounts.services import audit_record, audit_record_many
from casework import legal_permissions
from casework.api.fields import bounded_list, case_field, code_field
from casework.choices import (
    AgeBand,
    HearingKind,
    PerpetratorRelation,
    PerpetratorRole,
    ProceedingOutcome,
    ProceedingStage,
    Sex,
    VictimSupport,
)
from casework.models import CasePerpetrator, Hearing, LegalProceeding, Perpetrator
from casework.services import perpetrators, proceedings
from core.api.fields import ScopedRelatedField
from core.api.viewsets import ScopedViewSet


class AuditedReads:
    """List and retrieve that write the access-log rows of what they return."""

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.page_of(self.filter_queryset(self.get_queryset()))  # type: ignore[attr-defined]
        if page:
            audit_record_many(actor=signed_in(request), action=AuditAction.VIEW, objects=self.audited(page))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)  # type: ignore[attr-defined]

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        obj = self.get_object()  # type: ignore[attr-defined]
        audit_record(actor=signed_in(request), action=AuditAction.VIEW, obj=self.audited([obj])[0])
        return self.respond(obj)  # type: ignore[attr-defined]

    def audited(self, objects: Sequence[Any]) -> Sequence[Any]:
        return objects


# --- Perpetrators ---------------------------------------------------------------------------
class PerpetratorCaseSerializer(serializers.ModelSerializer):
    class Meta:
        model = CasePerpetrator
        fields = ["id", "case", "roles", "relation"]


class PerpetratorSerializer(serializers.ModelSerializer):
    nationality = serializers.SlugRelatedField[Country](slug_field="code", read_only=True, allow_null=True)
    cases = PerpetratorCaseSerializer(source="shown_links", many=True, read_only=True)

    class Meta:
        model = Perpetrator
        fields = ["id", "known_as", "sex", "age_band", "nationality", "notes", "created_at", "cases"]


class PerpetratorViewSet(AuditedReads, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Perpetrator records; `cases` lists only the links to cases whose perpetrators you may see."""

    permission = legal_permissions.view_perpetrator
    serializer_class = PerpetratorSerializer

    def base_queryset(self) -> QuerySet[Perpetrator]:
        readable = legal_permissions.view_perpetrator_link.scope(self.request.user).order_by("linked_at", "id")
        return Perpetrator.objects.select_related("nationality").prefetch_related(
            Prefetch("links", queryset=readable, to_attr="shown_links")
        )


class LinkSerializer(serializers.ModelSerializer):
    perpetrator = PerpetratorSerializer(read_only=True)

    class Meta:
        model = CasePerpetrator
        fields = ["id", "case", "perpetrator", "roles", "relation", "linked_at"]


class LinkChangeSerializer(serializers.Serializer):
    roles = serializers.ListField(
        child=serializers.ChoiceField(choices=PerpetratorRole.choices), validators=[bounded_list()], required=False
    )
    relation = serializers.ChoiceField(choices=PerpetratorRelation.choices, required=False)
    known_as = serializers.CharField(max_length=200, required=False)
    sex = serializers.ChoiceField(choices=Sex.choices, required=False)
    age_band = serializers.ChoiceField(choices=AgeBand.choices, required=False)
    nationality = code_field(Country, required=False, allow_null=True)
    notes = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class LinkInputSerializer(LinkChangeSerializer):
    """`perpetrator` links a known one (then the record's fields are not given); without it, a
    new perpetrator is recorded (`known_as` required)."""

    case = case_field()
    perpetrator = ScopedRelatedField(legal_permissions.view_perpetrator, required=False)
    roles = serializers.ListField(
        child=serializers.ChoiceField(choices=PerpetratorRole.choices), validators=[bounded_list()]
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        record = set(attrs) & set(perpetrators.RECORD_FIELDS)
        if attrs.get("perpetrator") is not None and record:
            raise serializers.ValidationError({name: [_("Not with a known perpetrator.")] for name in record})
        if attrs.get("perpetrator") is None and not attrs.get("known_as"):
            raise serializers.ValidationError({"known_as": [_("Give the name or nickname.")]})
        return attrs


class CasePerpetratorViewSet(AuditedReads, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Perpetrators in cases, filter by `?case=` or `?perpetrator=`."""

    permission = legal_permissions.view_perpetrator_link
    serializer_class = LinkSerializer
    filterset_fields = ["case", "perpetrator"]

    def base_queryset(self) -> QuerySet[CasePerpetrator]:
        readable = legal_permissions.view_perpetrator_link.scope(self.request.user)
        return CasePerpetrator.objects.select_related("perpetrator__nationality").prefetch_related(
            Prefetch("perpetrator__links", queryset=readable, to_attr="shown_links")
        )

    def audited(self, objects: Sequence[Any]) -> Sequence[Any]:
        return [link.perpetrator for link in objects]

    def _shown(self, link: CasePerpetrator) -> Response:
        return self.respond(self.get_queryset().get(pk=link.pk))

    @extend_schema(request=LinkInputSerializer, responses={201: LinkSerializer})
    def create(self, request: Request) -> Response:
        data = self.read_input(LinkInputSerializer)
        known = data.pop("perpetrator", None)
        actor = signed_in(request)
        if known is not None:
            link = perpetrators.perpetrator_link(actor=actor, perpetrator=known, **data)
        else:
            link = perpetrators.perpetrator_add(actor=actor, **data)
        response = self._shown(link)
        response.status_code = status.HTTP_201_CREATED
        return response

    @extend_schema(request=LinkChangeSerializer, responses={200: LinkSerializer})
    def partial_update(self, request: Request, pk: str) -> Response:
        link = self.get_object()
        data = self.read_input(LinkChangeSerializer, partial=True)
        return self._shown(perpetrators.perpetrator_update(actor=signed_in(request), link=link, **data))

    @extend_schema(request=None, responses={204: None})
    def destroy(self, request: Request, pk: str) -> Response:
        perpetrators.perpetrator_unlink(actor=signed_in(request), link=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Legal proceedings and hearings -----------------------------------------------------------
class HearingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Hearing
        fields = ["id", "proceeding", "held_on", "kind", "place"]


class ProceedingSerializer(serializers.ModelSerializer):
    hearings = HearingSerializer(many=True, read_only=True)

    class Meta:
        model = LegalProceeding
        fields = [
            "id",
            "case",
            "stage",
            *proceedings.DETAIL_FIELDS,
            *(f"{stage}_on" for stage in ProceedingStage.values),
            "hearings",
            "recorded_at",
        ]


class ProceedingChangeSerializer(serializers.Serializer):
    court = serializers.CharField(max_length=200, required=False, allow_blank=True)
    police_case_number = serializers.CharField(max_length=60, required=False, allow_blank=True)
    court_case_number = serializers.CharField(max_length=60, required=False, allow_blank=True)
    sentence = serializers.CharField(max_length=300, required=False, allow_blank=True)
    compensation_ordered_kip = serializers.DecimalField(
        max_digits=16, decimal_places=0, min_value=0, required=False, allow_null=True
    )
    compensation_paid_kip = serializers.DecimalField(
        max_digits=16, decimal_places=0, min_value=0, required=False, allow_null=True
    )
    support = serializers.ListField(
        child=serializers.ChoiceField(choices=VictimSupport.choices), validators=[bounded_list()], required=False
    )
    outcome = serializers.ChoiceField(choices=ProceedingOutcome.choices, required=False, allow_blank=True)


class ProceedingInputSerializer(ProceedingChangeSerializer):
    case = case_field()
    complaint_on = serializers.DateField(required=False, allow_null=True)


class ProceedingMoveSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=ProceedingStage.choices)
    on = serializers.DateField(required=False, allow_null=True)
    outcome = serializers.ChoiceField(choices=ProceedingOutcome.choices, required=False, allow_blank=True)


class ProceedingViewSet(AuditedReads, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Legal proceedings, filter by `?case=` or `?stage=`; each with its hearings."""

    permission = legal_permissions.view_proceeding
    serializer_class = ProceedingSerializer
    filterset_fields = ["case", "stage"]

    def base_queryset(self) -> QuerySet[LegalProceeding]:
        return LegalProceeding.objects.prefetch_related("hearings")

    @extend_schema(request=ProceedingInputSerializer, responses={201: ProceedingSerializer})
    def create(self, request: Request) -> Response:
        data = self.read_input(ProceedingInputSerializer)
        proceeding = proceedings.proceeding_open(actor=signed_in(request), **data)
        return self.respond(proceeding, status_code=status.HTTP_201_CREATED)

    @extend_schema(request=ProceedingChangeSerializer, responses={200: ProceedingSerializer})
    def partial_update(self, request: Request, pk: str) -> Response:
        proceeding = self.get_object()
        data = self.read_input(ProceedingChangeSerializer, partial=True)
        return self.respond(proceedings.proceeding_update(actor=signed_in(request), proceeding=proceeding, **data))

    @extend_schema(request=ProceedingMoveSerializer, responses={200: ProceedingSerializer})
    @action(detail=True, methods=["post"])
    def move(self, request: Request, pk: Any = None) -> Response:
        proceeding = self.get_object()
        data = self.read_input(ProceedingMoveSerializer)
        return self.respond(proceedings.proceeding_move(actor=signed_in(request), proceeding=proceeding, **data))


class HearingChangeSerializer(serializers.Serializer):
    held_on = serializers.DateField(required=False)
    kind = serializers.ChoiceField(choices=HearingKind.choices, required=False)
    place = serializers.CharField(max_length=200, required=False, allow_blank=True)


class HearingInputSerializer(HearingChangeSerializer):
    proceeding = ScopedRelatedField(legal_permissions.view_proceeding)
    held_on = serializers.DateField()


class HearingViewSet(AuditedReads, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Hearing dates, filter by `?proceeding=`; a hearing reminds the case worker before it."""

    permission = legal_permissions.view_hearing
    serializer_class = HearingSerializer
    filterset_fields = ["proceeding"]

    def base_queryset(self) -> QuerySet[Hearing]:
        return Hearing.objects.select_related("proceeding__case")

    @extend_schema(request=HearingInputSerializer, responses={201: HearingSerializer})
    def create(self, request: Request) -> Response:
        data = self.read_input(HearingInputSerializer)
        hearing = proceedings.hearing_add(actor=signed_in(request), **data)
        return self.respond(hearing, status_code=status.HTTP_201_CREATED)

    @extend_schema(request=HearingChangeSerializer, responses={200: HearingSerializer})
    def partial_update(self, request: Request, pk: str) -> Response:
        hearing = self.get_object()
        data = self.read_input(HearingChangeSerializer, partial=True)
        return self.respond(proceedings.hearing_update(actor=signed_in(request), hearing=hearing, **data))

    @extend_schema(request=None, responses={204: None})
    def destroy(self, request: Request, pk: str) -> Response:
        proceedings.hearing_remove(actor=signed_in(request), hearing=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
