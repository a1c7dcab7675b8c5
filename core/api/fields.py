"""A body field that names a record (a case, a person) the caller must be allowed to use.

A plain PrimaryKeyRelatedField answers 400 "Invalid pk" for an id that does not exist while the
service behind it answers 404 for one outside the caller's scope: the difference tells whether
the record exists. This field looks the id up through a Permission's filter, so that a missing
id, a malformed one and one the caller may not use all get the same answer, a 404 naming the
field (accounts.permissions: missing and not-yours look alike)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from rest_framework import serializers

from core.errors import not_found
from core.permissions import Permission


class ScopedRelatedField(serializers.PrimaryKeyRelatedField):
    """A primary key looked up within `permission.scope(request.user)` (optionally narrowed by
    `queryset`)."""

    def __init__(self, permission: Permission[Any], queryset: QuerySet[Any] | None = None, **kwargs: Any) -> None:
        self.permission = permission
        super().__init__(queryset=permission.model._default_manager.all() if queryset is None else queryset, **kwargs)

    def get_queryset(self) -> QuerySet[Any]:
        return self.permission.scope(self.context["request"].user, super().get_queryset())

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, bool) or not isinstance(data, str | int):
            self.fail("incorrect_type", data_type=type(data).__name__)  # a shape error names nothing
        try:
            return self.get_queryset().get(pk=data)
        except (ObjectDoesNotExist, TypeError, ValueError, DjangoValidationError) as error:
            assert self.field_name is not None  # a field reads input only once bound to its serializer
            raise not_found(self.field_name) from error
