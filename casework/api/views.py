"""Casework API: thin viewsets. Reads go through selectors (scoped, audited); writes through
services (permission, validation, timeline, audit). Errors become JSON by core.api.errors."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.actors import signed_in
from accounts.models import AuditAction
from accounts.services import audit_record
from casework import permissions, selectors
from casework.api import person_serializers as ps
from casework.api import serializers as s
from casework.api.filters import CaseFilter
from casework.duplicates import find_duplicates
from casework.models import Case, CasePlan, CaseTransfer, FollowUpVisit, Person
from casework.services import assistance, cases, follow_ups, people
from casework.services.merge import person_merge
from core.api.viewsets import ScopedViewSet
from core.errors import not_found


def identity_from_scope(person: Person) -> bool:
    """Rows come from a case-scoped query: every role that may see a case may see its person."""
    return True


class CaseViewSet(mixins.ListModelMixin, ScopedViewSet):
    """Cases the caller may see. `?search=` matches a case code prefix or whole words of a name."""

    permission = permissions.view_case
    filterset_class = CaseFilter

    def get_queryset(self) -> QuerySet[Case]:
        return selectors.case_list(user=self.request.user, search=self.request.query_params.get("search", ""))

    def get_serializer_class(self):  # type: ignore[no-untyped-def]
        return s.CaseListSerializer if self.action == "list" else s.CaseDetailSerializer

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "identity_visible": identity_from_scope}

    @extend_schema(
        parameters=[OpenApiParameter("search", str, description="Case code prefix, or whole words of a name")]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.page_of(self.filter_queryset(self.get_queryset()))
        selectors.record_identity_read(user=request.user, objects=[case.person for case in page])
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return self.respond(selectors.case_detail(user=request.user, case_id=pk))

    @extend_schema(request=s.CaseIntakeSerializer, responses={201: s.CaseDetailSerializer})
    def create(self, request: Request) -> Response:
        data = self.read_input(s.CaseIntakeSerializer)
        case = cases.case_open(actor=signed_in(request), **data)
        return self.respond(
            selectors.case_detail(user=request.user, case_id=case.pk), status_code=status.HTTP_201_CREATED
        )

    @extend_schema(request=s.CaseUpdateSerializer, responses=s.CaseDetailSerializer)
    def partial_update(self, request: Request, pk: str) -> Response:
        case = self.get_object()
        data = self.read_input(s.CaseUpdateSerializer, partial=True)
        cases.case_update(actor=signed_in(request), case=case, **data)
        return self.respond(selectors.case_detail(user=request.user, case_id=case.pk))

    def _act(self, service: Any, input_serializer: type | None = None, **extra: Any) -> Response:
        case = self.get_object()
        data = self.read_input(input_serializer) if input_serializer else {}
        result = service(actor=self.request.user, case=case, **data, **extra)
        if isinstance(result, Case):
            return self.respond(selectors.case_detail(user=self.request.user, case_id=case.pk))
        return Response({"id": str(result.pk)}, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.WorkerSerializer, responses=s.CaseDetailSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: str) -> Response:
        return self._act(cases.case_assign, s.WorkerSerializer)

    @extend_schema(request=s.ShareSerializer, responses={201: None})
    @action(detail=True, methods=["post"])
    def share(self, request: Request, pk: str) -> Response:
        return self._act(cases.case_share, s.ShareSerializer)

    @extend_schema(request=s.TransferRequestSerializer, responses={201: s.TransferSerializer})
    @action(detail=True, methods=["post"])
    def transfer(self, request: Request, pk: str) -> Response:
        transfer = cases.case_transfer_request(
            actor=signed_in(request), case=self.get_object(), **self.read_input(s.TransferRequestSerializer)
        )
        return self.respond(transfer, s.TransferSerializer, status.HTTP_201_CREATED)

    @extend_schema(request=s.ClosureRequestSerializer, responses=s.CaseDetailSerializer)
    @action(detail=True, methods=["post"], url_path="request-closure")
    def request_closure(self, request: Request, pk: str) -> Response:
        return self._act(cases.case_closure_request, s.ClosureRequestSerializer)

    @extend_schema(request=None, responses=s.CaseDetailSerializer)
    @action(detail=True, methods=["post"], url_path="approve-closure")
    def approve_closure(self, request: Request, pk: str) -> Response:
        return self._act(cases.case_closure_approve)

    @extend_schema(request=s.ReasonSerializer, responses=s.CaseDetailSerializer)
    @action(detail=True, methods=["post"], url_path="reject-closure")
    def reject_closure(self, request: Request, pk: str) -> Response:
        return self._act(cases.case_closure_reject, note=self.read_input(s.ReasonSerializer)["reason"])

    @extend_schema(request=s.ReasonSerializer, responses=s.CaseDetailSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: str) -> Response:
        return self._act(cases.case_reopen, s.ReasonSerializer)

    @extend_schema(request=s.ShareRevokeSerializer, responses={204: None})
    @action(detail=True, methods=["post"], url_path="revoke-share")
    def revoke_share(self, request: Request, pk: str) -> Response:
        """End one of the case's shares; a share of another case answers like a missing one."""
        case = self.get_object()
        share_id = self.read_input(s.ShareRevokeSerializer)["share"]
        share = case.shares.select_related("case", "organisation").filter(pk=share_id).first()
        if share is None:
            raise not_found("share")
        cases.case_share_revoke(actor=signed_in(request), share=share)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=s.ReasonSerializer, responses=s.CaseDetailSerializer)
    @action(detail=True, methods=["post"], url_path="request-reopen")
    def request_reopen(self, request: Request, pk: str) -> Response:
        return self._act(cases.case_reopen_request, s.ReasonSerializer)

    @extend_schema(request=None, responses=s.CaseDetailSerializer)
    @action(detail=True, methods=["post"], url_path="approve-reopen")
    def approve_reopen(self, request: Request, pk: str) -> Response:
        return self._act(cases.case_reopen_approve)

    @extend_schema(request=s.ReasonSerializer, responses=s.CaseDetailSerializer)
    @action(detail=True, methods=["post"], url_path="reject-reopen")
    def reject_reopen(self, request: Request, pk: str) -> Response:
        return self._act(cases.case_reopen_reject, note=self.read_input(s.ReasonSerializer)["reason"])

    @extend_schema(responses=s.CaseEventSerializer(many=True))
    @action(detail=True, methods=["get"])
    def timeline(self, request: Request, pk: str) -> Response:
        case = self.get_object()
        page = self.paginate_queryset(selectors.case_timeline(user=request.user, case=case))
        shown = selectors.timeline_shown(user=request.user, case=case, events=page or [])
        return self.get_paginated_response(s.CaseEventSerializer(shown, many=True).data)

    @extend_schema(responses=s.ChangeSerializer(many=True))
    @action(detail=True, methods=["get"])
    def changes(self, request: Request, pk: str) -> Response:
        """Row history (database triggers) of the case, its person and its records."""
        events = selectors.case_changes(user=request.user, case=self.get_object())
        page = self.paginate_queryset(events)
        return self.get_paginated_response(s.ChangeSerializer(page, many=True).data)

    @extend_schema(responses=s.AccessLogSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="access-log")
    def access_log(self, request: Request, pk: str) -> Response:
        """Who viewed or changed this case and its person (managers in scope)."""
        events = selectors.case_access_log(user=request.user, case=self.get_object())
        page = self.paginate_queryset(events)
        return self.get_paginated_response(s.AccessLogSerializer(page, many=True).data)

    @extend_schema(methods=["get"], responses=s.PlanSerializer)
    @extend_schema(methods=["put"], request=s.PlanInputSerializer, responses=s.PlanSerializer)
    @action(detail=True, methods=["get", "put"])
    def plan(self, request: Request, pk: str) -> Response:
        case = self.get_object()
        if request.method == "PUT":
            data = self.read_input(s.PlanInputSerializer)
            return self.respond(assistance.plan_save(actor=signed_in(request), case=case, **data), s.PlanSerializer)
        plan = selectors.case_plan(user=request.user, case=case)
        if plan is None:
            return Response({"detail": "This case has no plan yet.", "code": "not_found", "errors": {}}, status=404)
        return self.respond(plan, s.PlanSerializer)


class PlanViewSet(ScopedViewSet):
    """Approval steps of a case plan (read and write it at /cases/{id}/plan/)."""

    permission = permissions.view_plan
    serializer_class = s.PlanSerializer

    def base_queryset(self) -> QuerySet[CasePlan]:
        return CasePlan.objects.prefetch_related("goals")

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        return self.respond(assistance.plan_submit(actor=signed_in(request), plan=self.get_object()))

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        return self.respond(assistance.plan_approve(actor=signed_in(request), plan=self.get_object()))

    @extend_schema(request=s.ReasonSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_plan(self, request: Request, pk: str) -> Response:
        reason = self.read_input(s.ReasonSerializer)["reason"]
        return self.respond(assistance.plan_return(actor=signed_in(request), plan=self.get_object(), reason=reason))


class TransferViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Transfers of cases the caller sees, and those offered to the caller's organisation."""

    permission = permissions.view_transfer
    serializer_class = s.TransferSerializer
    filterset_fields = ["status"]

    def base_queryset(self) -> QuerySet[CaseTransfer]:
        return CaseTransfer.objects.select_related("case__person", "from_organisation", "to_organisation").order_by(
            "-requested_at", "id"
        )

    @extend_schema(request=s.TransferAcceptSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str) -> Response:
        data = self.read_input(s.TransferAcceptSerializer)
        return self.respond(cases.case_transfer_accept(actor=signed_in(request), transfer=self.get_object(), **data))

    @extend_schema(request=s.ReasonSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: str) -> Response:
        reason = self.read_input(s.ReasonSerializer)["reason"]
        return self.respond(
            cases.case_transfer_decline(actor=signed_in(request), transfer=self.get_object(), reason=reason)
        )

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        return self.respond(cases.case_transfer_cancel(actor=signed_in(request), transfer=self.get_object()))


class PersonViewSet(mixins.ListModelMixin, ScopedViewSet):
    """People the caller may see through their cases. Merged records are not listed."""

    permission = permissions.view_person
    serializer_class = ps.PersonSerializer

    def get_queryset(self) -> QuerySet[Person]:
        return selectors.person_list(user=self.request.user, search=self.request.query_params.get("search", ""))

    def get_serializer_class(self):  # type: ignore[no-untyped-def]
        return ps.PersonBriefSerializer if self.action == "list" else ps.PersonSerializer

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "identity_visible": identity_from_scope}

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.page_of(self.get_queryset())
        selectors.record_identity_read(user=request.user, objects=page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        person = self.permission.get(request.user, self.get_queryset().prefetch_related("family"), pk=pk)
        selectors.record_identity_read(user=request.user, objects=[person], action=AuditAction.VIEW)
        return self.respond(person)

    @extend_schema(request=ps.PersonInputSerializer, responses=ps.PersonSerializer)
    def partial_update(self, request: Request, pk: str) -> Response:
        person = self.get_object()
        data = self.read_input(ps.PersonInputSerializer, partial=True)
        people.person_update(actor=signed_in(request), person=person, **data)
        return self.respond(person)

    @extend_schema(parameters=[ps.DuplicateQuerySerializer], responses=ps.DuplicateReportSerializer)
    @action(detail=False, methods=["get"])
    def duplicates(self, request: Request) -> Response:
        """Likely duplicates of the person being registered (call it before intake). Only people
        you may see are returned; matches elsewhere are only counted."""
        query = ps.DuplicateQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        report = find_duplicates(user=request.user, **query.validated_data)
        return Response(ps.DuplicateReportSerializer(report, context=self.get_serializer_context()).data)

    @extend_schema(request=ps.MergeSerializer, responses=ps.PersonSerializer)
    @action(detail=True, methods=["post"])
    def merge(self, request: Request, pk: str) -> Response:
        """Fold another record of the same person into this one (a manager of both)."""
        keep = self.get_object()
        data = self.read_input(ps.MergeSerializer)
        merged = person_merge(actor=signed_in(request), keep=keep, merge=data["merge"], reason=data["reason"])
        return self.respond(merged)

    @extend_schema(request=ps.FamilyMemberSerializer, responses={201: ps.FamilyMemberSerializer})
    @action(detail=True, methods=["post"])
    def family(self, request: Request, pk: str) -> Response:
        data = self.read_input(ps.FamilyMemberSerializer)
        member = people.family_member_add(actor=signed_in(request), person=self.get_object(), **data)
        return self.respond(member, ps.FamilyMemberSerializer, status.HTTP_201_CREATED)

    @extend_schema(
        request=ps.FamilyMemberSerializer,
        responses={200: ps.FamilyMemberSerializer, 204: None},
        parameters=[OpenApiParameter("member_id", OpenApiTypes.UUID, OpenApiParameter.PATH)],
    )
    # Any segment routes here (as the router's own ids do), so a malformed id is this API's JSON 404.
    @action(detail=True, methods=["patch", "delete"], url_path=r"family/(?P<member_id>[^/.]+)")
    def family_member(self, request: Request, pk: str, member_id: str) -> Response:
        """Correct (PATCH) or remove (DELETE) a relative or guardian of this person."""
        member = selectors.family_member(person=self.get_object(), member_id=member_id)
        if request.method == "DELETE":
            people.family_member_remove(actor=signed_in(request), member=member)
            return Response(status=status.HTTP_204_NO_CONTENT)
        data = self.read_input(ps.FamilyMemberSerializer, partial=True)
        return self.respond(
            people.family_member_update(actor=signed_in(request), member=member, **data), ps.FamilyMemberSerializer
        )


class ServiceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Services received, filter by `?case=`. Health services never reach police."""

    permission = permissions.view_service
    serializer_class = s.ServiceSerializer
    filterset_fields = ["case", "status"]

    def base_queryset(self) -> QuerySet[Any]:
        return self.permission.model.objects.select_related("service_type", "provider").order_by("-created_at", "id")

    @extend_schema(request=s.ServiceInputSerializer, responses={201: s.ServiceSerializer})
    def create(self, request: Request) -> Response:
        data = self.read_input(s.ServiceInputSerializer)
        case = permissions.view_case.get(request.user, pk=data.pop("case").pk)
        return self.respond(
            assistance.service_add(actor=signed_in(request), case=case, **data), status_code=status.HTTP_201_CREATED
        )

    @extend_schema(request=s.ServiceStatusSerializer)
    @action(detail=True, methods=["post"], url_path="status")
    def set_status(self, request: Request, pk: str) -> Response:
        data = self.read_input(s.ServiceStatusSerializer)
        return self.respond(assistance.service_set_status(actor=signed_in(request), service=self.get_object(), **data))


class NoteViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Case notes, filter by `?case=`. Tier-3 notes only for the assigned counsellor; reading a
    note is audited."""

    permission = permissions.view_note
    serializer_class = s.NoteSerializer
    filterset_fields = ["case", "kind", "tier"]

    def base_queryset(self) -> QuerySet[Any]:
        return self.permission.model.objects.select_related("author").order_by("-written_at", "id")

    def retrieve(self, request: Request, pk: str) -> Response:
        note = self.get_object()
        audit_record(actor=signed_in(request), action=AuditAction.VIEW, obj=note, fields=["text"])
        return self.respond(note)

    @extend_schema(request=s.NoteInputSerializer, responses={201: s.NoteSerializer})
    def create(self, request: Request) -> Response:
        data = self.read_input(s.NoteInputSerializer)
        case = permissions.view_case.get(request.user, pk=data.pop("case").pk)
        return self.respond(
            assistance.note_add(actor=signed_in(request), case=case, **data), status_code=status.HTTP_201_CREATED
        )


class FollowUpViewSet(mixins.ListModelMixin, ScopedViewSet):
    """Follow-up visits, filter by `?case=` or `?due_before=`."""

    permission = permissions.view_follow_up
    serializer_class = s.FollowUpSerializer
    filterset_fields = {"case": ["exact"], "due_on": ["lte", "gte"], "done_on": ["isnull"]}

    def base_queryset(self) -> QuerySet[FollowUpVisit]:
        return FollowUpVisit.objects.select_related("done_by").order_by("due_on", "id")

    @extend_schema(request=s.FollowUpRecordSerializer)
    @action(detail=True, methods=["post"])
    def record(self, request: Request, pk: str) -> Response:
        data = self.read_input(s.FollowUpRecordSerializer)
        return self.respond(follow_ups.follow_up_record(actor=signed_in(request), visit=self.get_object(), **data))

    @extend_schema(request=s.FollowUpRescheduleSerializer)
    @action(detail=True, methods=["post"])
    def reschedule(self, request: Request, pk: str) -> Response:
        data = self.read_input(s.FollowUpRescheduleSerializer)
        return self.respond(follow_ups.follow_up_reschedule(actor=signed_in(request), visit=self.get_object(), **data))
