"""Shelters API: shelters and their bed boards, stays (admit, discharge, transfer, move bed),
bed outages and non-residential assistance. Writes call shelters.services."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.actors import signed_in
from casework.api.views import identity_from_scope
from casework.selectors import record_identity_read
from core.api.viewsets import ScopedViewSet
from core.errors import PermissionDenied, not_found
from shelters import permissions, selectors, services
from shelters.api import serializers as s
from shelters.models import AdmissionRequest, Bed, BedOutage, NonResidentialAssistance, Shelter, Stay


class ShelterViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Shelters (public names; the address only for those who work in or run the shelter). Their
    operator's managers and administrators create and describe them and post their staff; those
    who manage its beds add rooms and beds. A shelter outside that scope is a 404 there."""

    permission = permissions.view_shelter
    serializer_class = s.ShelterSerializer
    filterset_fields = ["province__code", "operator__code", "is_active", "is_transit_centre"]

    def base_queryset(self) -> QuerySet[Shelter]:
        today = timezone.localdate()
        return (
            Shelter.objects.select_related("operator", "province")
            .annotate(beds_in_service=Count("beds", filter=Q(beds__in_service__contains=today)))
            .order_by("name_en", "id")
        )

    def _workable(self) -> Shelter:
        shelter = self.get_object()
        if not permissions.work_shelter.allows(self.request.user, shelter):
            raise PermissionDenied(_("Only the shelter's staff and its operator see who lives there."))
        return shelter

    @extend_schema(
        responses=s.BoardRowSerializer(many=True),
        parameters=[OpenApiParameter("on", str, description="Date (YYYY-MM-DD); default today")],
    )
    @action(detail=True, methods=["get"], pagination_class=None)  # every bed of one shelter: no pages
    def board(self, request: Request, pk: str) -> Response:
        """Every bed in service: who is in it (with the planned discharge) or why it is out of service.
        Shelter staff see who only for today's residents: on another night a bed is `occupied`
        with no `stay`."""
        on = _date_param(request, "on")
        rows = selectors.bed_board(user=request.user, shelter=self._workable(), on=on)
        context = {**self.get_serializer_context(), "identity_visible": identity_from_scope}
        return Response(s.BoardRowSerializer(rows, many=True, context=context).data)

    @extend_schema(responses=s.StaySerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)  # all current residents: no pages
    def residents(self, request: Request, pk: str) -> Response:
        """Current residents, bed by bed (audited)."""
        stays = list(selectors.current_stays(shelter=self._workable(), on=timezone.localdate()))
        record_identity_read(user=request.user, objects=[stay.person for stay in stays])
        context = {**self.get_serializer_context(), "identity_visible": identity_from_scope}
        return Response(s.StaySerializer(stays, many=True, context=context).data)

    def _managed(self, permission: Any) -> Shelter:
        return permission.get(self.request.user, self.base_queryset(), pk=self.kwargs["pk"])

    def _fresh(self, shelter: Shelter, code: int = status.HTTP_200_OK) -> Response:
        return self.respond(self.base_queryset().get(pk=shelter.pk), status_code=code)

    @extend_schema(request=s.ShelterCreateSerializer, responses={201: s.ShelterSerializer})
    def create(self, request: Request) -> Response:
        data = self.read_input(s.ShelterCreateSerializer)
        return self._fresh(services.shelter_create(actor=signed_in(request), **data), status.HTTP_201_CREATED)

    @extend_schema(request=s.ShelterDescriptionSerializer)
    def partial_update(self, request: Request, pk: str) -> Response:
        shelter = self._managed(permissions.manage_shelter)
        data = self.read_input(s.ShelterDescriptionSerializer, partial=True)
        return self._fresh(services.shelter_update(actor=signed_in(request), shelter=shelter, **data))

    @extend_schema(request=s.RoomSerializer, responses={201: s.RoomSerializer})
    @action(detail=True, methods=["post"])
    def rooms(self, request: Request, pk: str) -> Response:
        """Add a room."""
        shelter = self._managed(permissions.manage_beds)
        data = self.read_input(s.RoomSerializer)
        room = services.room_add(actor=signed_in(request), shelter=shelter, name=data["name"])
        return self.respond(room, s.RoomSerializer, status.HTTP_201_CREATED)

    @extend_schema(request=s.BedsAddSerializer, responses={201: s.BedSerializer(many=True)})
    @action(detail=True, methods=["post"])
    def beds(self, request: Request, pk: str) -> Response:
        """Add beds, all in service from one date (historic dates included), all or none."""
        shelter = self._managed(permissions.manage_beds)
        data = self.read_input(s.BedsAddSerializer)
        room = None
        if data.get("room"):
            room = shelter.rooms.filter(pk=data["room"]).first()
            if room is None:
                raise not_found("room")
        beds = services.beds_add(
            actor=signed_in(request),
            shelter=shelter,
            labels=data["labels"],
            in_service_from=data["in_service_from"],
            room=room,
        )
        return Response(s.BedSerializer(beds, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.PostingSerializer, responses={201: s.PostingSerializer})
    @action(detail=True, methods=["post"], url_path="staff")
    def post_staff(self, request: Request, pk: str) -> Response:
        """Post a shelter-staff account to this shelter."""
        shelter = self._managed(permissions.manage_shelter)
        data = self.read_input(s.PostingSerializer)
        services.staff_post(actor=signed_in(request), shelter=shelter, user=data["user"])
        return Response({"user": str(data["user"].pk)}, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.PostingSerializer, responses={204: None})
    @action(detail=True, methods=["post"], url_path="staff/end")
    def unpost_staff(self, request: Request, pk: str) -> Response:
        """End a posting: the account no longer works in this shelter."""
        shelter = self._managed(permissions.manage_shelter)
        data = self.read_input(s.PostingSerializer)
        services.staff_unpost(actor=signed_in(request), shelter=shelter, user=data["user"])
        return Response(status=status.HTTP_204_NO_CONTENT)


def _date_param(request: Request, name: str) -> Any:
    """An optional date query parameter; a bad one is a 400 naming the parameter."""
    raw = request.query_params.get(name)
    if not raw:
        return None
    field = serializers.DateField()
    try:
        return field.to_internal_value(raw)
    except serializers.ValidationError as error:
        raise serializers.ValidationError({name: error.detail}) from error


class StayViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Stays the caller may see: a shelter's staff see its current residents; the operator and
    the case's workers see all of theirs. `?current=true`, `?shelter=<code>`, `?case=`."""

    permission = permissions.view_stay
    serializer_class = s.StaySerializer
    filterset_fields = {"shelter__code": ["exact"], "case": ["exact"], "exit_destination": ["exact"]}

    def base_queryset(self) -> QuerySet[Stay]:
        stays = Stay.objects.select_related("shelter", "bed", "person").order_by("-created_at", "id")
        if self.request.query_params.get("current") == "true":
            stays = stays.filter(during__contains=timezone.localdate())
        return stays

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "identity_visible": identity_from_scope}

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.page_of(self.filter_queryset(self.get_queryset()))
        record_identity_read(user=request.user, objects=[stay.person for stay in page])
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        stay = self.get_object()
        record_identity_read(user=request.user, objects=[stay.person], action="view")
        return self.respond(stay)

    def _fresh(self, stay: Stay, code: int = status.HTTP_200_OK) -> Response:
        return self.respond(self.base_queryset().get(pk=stay.pk), status_code=code)

    @extend_schema(request=s.AdmitSerializer, responses={201: s.StaySerializer})
    def create(self, request: Request) -> Response:
        # Shelter staff admit people whose cases belong to other organisations (the case id comes
        # with the referral): the service checks that the actor works this shelter, and the case
        # itself is not shown back beyond the new resident's brief identity.
        data = self.read_input(s.AdmitSerializer)
        return self._fresh(services.stay_admit(actor=signed_in(request), **data), status.HTTP_201_CREATED)

    @extend_schema(request=s.DischargeSerializer)
    @action(detail=True, methods=["post"])
    def discharge(self, request: Request, pk: str) -> Response:
        data = self.read_input(s.DischargeSerializer)
        return self._fresh(services.stay_discharge(actor=signed_in(request), stay=self.get_object(), **data))

    @extend_schema(request=s.TransferSerializer, responses={201: s.StaySerializer})
    @action(detail=True, methods=["post"])
    def transfer(self, request: Request, pk: str) -> Response:
        data = self.read_input(s.TransferSerializer)
        return self._fresh(
            services.stay_transfer(actor=signed_in(request), stay=self.get_object(), **data), status.HTTP_201_CREATED
        )

    @extend_schema(request=s.MoveBedSerializer, responses={201: s.StaySerializer})
    @action(detail=True, methods=["post"], url_path="move-bed")
    def move_bed(self, request: Request, pk: str) -> Response:
        data = self.read_input(s.MoveBedSerializer)
        return self._fresh(
            services.stay_move_bed(actor=signed_in(request), stay=self.get_object(), **data), status.HTTP_201_CREATED
        )

    @extend_schema(request=s.PlannedDischargeSerializer)
    @action(detail=True, methods=["post"], url_path="planned-discharge")
    def planned_discharge(self, request: Request, pk: str) -> Response:
        data = self.read_input(s.PlannedDischargeSerializer)
        return self._fresh(
            services.stay_set_planned_discharge(actor=signed_in(request), stay=self.get_object(), **data)
        )


class BedViewSet(ScopedViewSet):
    """Beds of shelters the caller works in or runs."""

    permission = permissions.view_bed
    serializer_class = s.OutageSerializer

    @extend_schema(request=s.BedRetireSerializer, responses=s.BedSerializer)
    @action(detail=True, methods=["post"])
    def retire(self, request: Request, pk: str) -> Response:
        """Take the bed out of use for good from `on`."""
        data = self.read_input(s.BedRetireSerializer)
        return self.respond(
            services.bed_retire(actor=signed_in(request), bed=self.get_object(), **data), s.BedSerializer
        )

    def base_queryset(self) -> QuerySet[Bed]:
        return Bed.objects.select_related("shelter")

    @extend_schema(request=s.OutageStartSerializer, responses={201: s.OutageSerializer})
    @action(detail=True, methods=["post"], url_path="out-of-service")
    def out_of_service(self, request: Request, pk: str) -> Response:
        data = self.read_input(s.OutageStartSerializer)
        outage = services.bed_outage_start(actor=signed_in(request), bed=self.get_object(), **data)
        return self.respond(outage, s.OutageSerializer, status.HTTP_201_CREATED)


class BedOutageViewSet(ScopedViewSet):
    permission = permissions.view_bed_outage
    serializer_class = s.OutageSerializer

    def base_queryset(self) -> QuerySet[BedOutage]:
        return BedOutage.objects.select_related("bed__shelter")

    @extend_schema(request=s.OutageEndSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request: Request, pk: str) -> Response:
        data = self.read_input(s.OutageEndSerializer)
        return self.respond(services.bed_outage_end(actor=signed_in(request), outage=self.get_object(), **data))


class NonResidentialViewSet(mixins.ListModelMixin, ScopedViewSet):
    """People a shelter assisted without a stay (counted separately in the reports)."""

    permission = permissions.view_non_residential
    serializer_class = s.NonResidentialSerializer
    filterset_fields = {"shelter__code": ["exact"], "case": ["exact"], "assisted_on": ["gte", "lte"]}

    def base_queryset(self) -> QuerySet[NonResidentialAssistance]:
        return (
            NonResidentialAssistance.objects.select_related("shelter")
            .prefetch_related("service_types")
            .annotate(health_visible=permissions.health_visible(self.request.user))
            .order_by("-assisted_on", "id")
        )

    @extend_schema(request=s.NonResidentialInputSerializer, responses={201: s.NonResidentialSerializer})
    def create(self, request: Request) -> Response:
        data = self.read_input(s.NonResidentialInputSerializer)
        record = services.non_residential_record(actor=signed_in(request), **data)
        # The answer echoes what the actor just recorded, even a past day's record that posted
        # staff will not see in the list afterwards; health fields still pass `health_visible`.
        return self.respond(self.base_queryset().get(pk=record.pk), status_code=status.HTTP_201_CREATED)


class AdmissionRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Requests for a place in a shelter: the case's workers ask (`POST`), the shelter's staff
    accept (an admission) or decline with a reason. `?shelter=<code>`, `?status=pending`."""

    permission = permissions.view_admission_request
    serializer_class = s.AdmissionRequestSerializer
    filterset_fields = {"shelter__code": ["exact"], "case": ["exact"], "status": ["exact"]}

    def base_queryset(self) -> QuerySet[AdmissionRequest]:
        return AdmissionRequest.objects.select_related("shelter").order_by("-requested_at", "id")

    @extend_schema(request=s.AdmissionRequestInputSerializer, responses={201: s.AdmissionRequestSerializer})
    def create(self, request: Request) -> Response:
        data = self.read_input(s.AdmissionRequestInputSerializer)
        made = services.admission_request_create(actor=signed_in(request), **data)
        return self.respond(made, status_code=status.HTTP_201_CREATED)

    @extend_schema(request=s.AdmissionAcceptSerializer, responses={201: s.StaySerializer})
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str) -> Response:
        data = self.read_input(s.AdmissionAcceptSerializer)
        stay = services.admission_request_accept(actor=signed_in(request), admission=self.get_object(), **data)
        fresh = Stay.objects.select_related("shelter", "bed", "person").get(pk=stay.pk)
        context = {**self.get_serializer_context(), "identity_visible": identity_from_scope}
        return Response(s.StaySerializer(fresh, context=context).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.AdmissionDeclineSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: str) -> Response:
        data = self.read_input(s.AdmissionDeclineSerializer)
        return self.respond(
            services.admission_request_decline(actor=signed_in(request), admission=self.get_object(), **data)
        )
