"""Viewset plumbing shared by every app's API: lists scoped by a Permission, objects fetched
through it (404 for missing and for not-yours alike), and writes that call a service and answer
with the output serializer."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet
from rest_framework import serializers, status, viewsets
from rest_framework.response import Response

from core.permissions import Permission


class ScopedViewSet(viewsets.GenericViewSet):
    """Subclasses set `permission` (whose filter scopes every query) and may override
    `base_queryset()` to add joins."""

    permission: Permission[Any]

    def base_queryset(self) -> QuerySet[Any]:
        return self.permission.model._default_manager.all()

    def get_queryset(self) -> QuerySet[Any]:
        return self.permission.scope(self.request.user, self.base_queryset())

    def page_of(self, queryset: QuerySet[Any]) -> list[Any]:
        """One page of `queryset`, for a list that reads its rows before answering (the access log)."""
        page = self.paginate_queryset(queryset)
        if page is None:
            raise ImproperlyConfigured(f"{type(self).__name__} lists without a paginator")
        return page

    def get_object(self) -> Any:
        lookup = self.kwargs[self.lookup_url_kwarg or self.lookup_field]
        return self.permission.get(self.request.user, self.get_queryset(), **{self.lookup_field: lookup})

    def read_input(self, serializer_class: type[serializers.Serializer], *, partial: bool = False) -> dict[str, Any]:
        """Validate the request body (400 with field errors) and return the clean values."""
        serializer = serializer_class(data=self.request.data, partial=partial, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def respond(
        self,
        instance: Any,
        serializer_class: type[serializers.BaseSerializer] | None = None,
        status_code: int = status.HTTP_200_OK,
    ) -> Response:
        shape = serializer_class or self.get_serializer_class()
        return Response(shape(instance, context=self.get_serializer_context()).data, status=status_code)
