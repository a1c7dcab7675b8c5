"""Linked cases in the staff API: groups of linked cases (`?kind=`), each with only the member
cases the caller sees (the others are neither listed nor counted); link cases, add one, take one
out with a reason, and act on the whole group in one transaction (`act`: every case through its
own app's service, all or nothing; a refusal names each refused case's code). Every write calls
casework.services.links or casework.services.group_actions."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.actors import signed_in
from casework import extensions, permissions
from casework.api.fields import CaseListField, case_field
from casework.choices import LinkKind
from casework.models import Case, CaseGroup
from casework.services import group_actions, links
from core.api.viewsets import ScopedViewSet
from core.errors import ApplicationError
from core.limits import LIST_MAX_ITEMS


class MemberSerializer(serializers.Serializer):
    case = serializers.UUIDField(source="case_id")
    case_code = serializers.CharField(source="case.person.case_code")
    added_at = serializers.DateTimeField()


class CaseGroupSerializer(serializers.ModelSerializer):
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)  # type: ignore[var-annotated]
    members = serializers.SerializerMethodField()

    class Meta:
        model = CaseGroup
        fields = ["id", "kind", "reason", "created_by", "created_at", "members"]

    @extend_schema_field(MemberSerializer(many=True))
    def get_members(self, group: CaseGroup) -> list[dict[str, Any]]:
        visible = self.context.get("visible_cases", set())
        shown = [member for member in group.members.all() if member.case_id in visible]
        return list(MemberSerializer(shown, many=True).data)


class GroupInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=LinkKind.choices)
    reason = serializers.CharField(max_length=links.REASON_MAX_LENGTH)
    cases = CaseListField()


class GroupAddSerializer(serializers.Serializer):
    case = case_field()


class GroupRemoveSerializer(serializers.Serializer):
    case = case_field()
    reason = serializers.CharField(max_length=links.REASON_MAX_LENGTH)


class GroupActSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=[])
    cases = serializers.ListField(
        child=serializers.UUIDField(),
        required=False,
        max_length=LIST_MAX_ITEMS,
        help_text="Members to act on (default: all).",
    )
    params = serializers.DictField(
        help_text=(
            "The action's fields. admit: shelter (code), admitted_on, planned_discharge_on. refer: "
            "to_organisation (id), service_types (ids), urgency, reason, shared_categories. "
            "repatriation_step: step (code), done_on, notes."
        )
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = sorted(extensions.GROUP_ACTIONS)  # type: ignore[attr-defined]


GroupActResult = inline_serializer(
    "GroupActResult",
    fields={
        "results": serializers.ListField(
            child=inline_serializer(
                "GroupActCaseResult",
                fields={
                    "case": serializers.UUIDField(),
                    "case_code": serializers.CharField(),
                    "done": serializers.BooleanField(),
                    "message": serializers.CharField(),
                },
            )
        )
    },
)


class GroupFilter(filters.FilterSet):
    class Meta:
        model = CaseGroup
        fields = ["kind"]


class CaseGroupViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Groups of linked cases the caller sees (through a member case), newest first."""

    permission = permissions.view_case_group
    serializer_class = CaseGroupSerializer
    filterset_class = GroupFilter

    def base_queryset(self) -> QuerySet[CaseGroup]:
        return CaseGroup.objects.select_related("created_by").prefetch_related("members__case__person")

    def _context(self, groups: Iterable[CaseGroup]) -> dict[str, Any]:
        cases = Case.objects.filter(group_memberships__group__in=list(groups))
        visible = set(permissions.view_case.scope(self.request.user, cases).values_list("pk", flat=True))
        return {**self.get_serializer_context(), "visible_cases": visible}

    def _respond(self, group: CaseGroup, status_code: int = status.HTTP_200_OK) -> Response:
        group = self.get_queryset().get(pk=group.pk)
        return Response(CaseGroupSerializer(group, context=self._context([group])).data, status=status_code)

    def list(self, request: Request) -> Response:
        page = self.page_of(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(CaseGroupSerializer(page, many=True, context=self._context(page)).data)

    def retrieve(self, request: Request, pk: Any = None) -> Response:
        return self._respond(self.get_object())

    @extend_schema(request=GroupInputSerializer, responses={201: CaseGroupSerializer})
    def create(self, request: Request) -> Response:
        data = self.read_input(GroupInputSerializer)
        group = links.case_group_create(actor=signed_in(request), **data)
        return self._respond(group, status.HTTP_201_CREATED)

    @extend_schema(request=GroupAddSerializer, responses={200: CaseGroupSerializer})
    @action(detail=True, methods=["post"])
    def add(self, request: Request, pk: Any = None) -> Response:
        group = self.get_object()
        data = self.read_input(GroupAddSerializer)
        links.case_group_add(actor=signed_in(request), group=group, case=data["case"])
        return self._respond(group)

    @extend_schema(request=GroupRemoveSerializer, responses={204: None})
    @action(detail=True, methods=["post"])
    def remove(self, request: Request, pk: Any = None) -> Response:
        """No body back: the group may be gone from the caller's view (fewer than two cases seen)."""
        group = self.get_object()
        data = self.read_input(GroupRemoveSerializer)
        links.case_group_remove(actor=signed_in(request), group=group, **data)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=GroupActSerializer, responses={200: GroupActResult})
    @action(detail=True, methods=["post"])
    def act(self, request: Request, pk: Any = None) -> Response:
        group = self.get_object()
        data = self.read_input(GroupActSerializer)
        chosen = extensions.GROUP_ACTIONS[data["action"]]
        form = chosen.form(request.user, data["params"])
        if not form.is_valid():
            errors = {name: [str(message) for message in messages] for name, messages in form.errors.items()}
            raise ApplicationError(_("Please correct the errors below."), fields=errors)
        results = group_actions.case_group_act(
            actor=signed_in(request),
            group=group,
            action=chosen.key,
            data=form.cleaned_data,
            case_ids=data.get("cases"),
        )
        shown = [{"case": r.case_id, "case_code": r.case_code, "done": r.done, "message": r.message} for r in results]
        return Response({"results": shown})
