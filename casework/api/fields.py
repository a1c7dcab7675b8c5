"""Fields the casework API and the apps above it share: references by code (bounded), bounded
lists, and case ids that answer an unseen case like a missing one."""

from __future__ import annotations

from typing import Any

from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.relations import MANY_RELATION_KWARGS

from casework import permissions
from core.api.fields import ScopedRelatedField
from core.limits import CODE_MAX_LENGTH, LIST_MAX_ITEMS


@extend_schema_field({"type": "string", "maxLength": CODE_MAX_LENGTH})
class CodeField(serializers.SlugRelatedField):
    """A reference by code: a code is short, and a list of codes is bounded (core.limits)."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, str) and len(data) > CODE_MAX_LENGTH:
            too_long = serializers.CharField.default_error_messages["max_length"]  # DRF's, translated
            raise serializers.ValidationError(str(too_long).format(max_length=CODE_MAX_LENGTH))
        return super().to_internal_value(data)

    @classmethod
    def many_init(cls, *args: Any, **kwargs: Any) -> serializers.ManyRelatedField:
        options = {key: value for key, value in kwargs.items() if key in MANY_RELATION_KWARGS}
        return serializers.ManyRelatedField(child_relation=cls(*args, **kwargs), validators=[bounded_list()], **options)


def bounded_list(limit: int = LIST_MAX_ITEMS) -> MaxLengthValidator:
    """A list's bound; drf-spectacular shows it as maxItems."""
    return MaxLengthValidator(limit, message=_("Give at most %(limit_value)d items."))


class BoundedListSerializer(serializers.ListSerializer):
    """A list of nested objects, at most `max_length` (default LIST_MAX_ITEMS), shown as maxItems."""

    max_length: int  # set by ListSerializer from the keyword (not in the stubs)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", LIST_MAX_ITEMS)
        super().__init__(*args, **kwargs)

    def get_validators(self) -> list[Any]:
        return [*super().get_validators(), bounded_list(self.max_length)]


def code_field(model: type[models.Model], **kwargs: Any) -> CodeField:
    return CodeField(slug_field="code", queryset=model._default_manager.all(), **kwargs)


def case_field(**kwargs: Any) -> ScopedRelatedField:
    """A case id in a request body: one the caller may see, else the same 404 as a missing one
    (the service then says 403 if they see it but may not do this)."""
    return ScopedRelatedField(permissions.view_case, **kwargs)


class CaseListField(serializers.ManyRelatedField):
    """Case ids in a request body, at most LIST_MAX_ITEMS. The bound is checked before any case is
    looked up: an unseen case answers 404, which would otherwise hide a too-long list's 400."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(child_relation=case_field(), validators=[bounded_list()], **kwargs)

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, list):
            self.run_validators(data)
        return super().to_internal_value(data)
