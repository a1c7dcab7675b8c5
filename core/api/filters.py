"""The API's filter backend: django-filter, except that a query value it cannot read is a 400
naming the parameter. django-filter's boolean filters turn anything but true/false/1/0 into
"no filter" (`?child=maybe` listed every case); a client that mistypes a filter must be told,
not handed an unfiltered list."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import gettext as _
from django_filters import utils
from django_filters.rest_framework import DjangoFilterBackend


class StrictFilterBackend(DjangoFilterBackend):
    def filter_queryset(self, request: Any, queryset: QuerySet[Any], view: Any) -> QuerySet[Any]:
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if filterset.is_valid():
            refuse_unread_values(filterset.form)
        if filterset.errors:
            raise utils.translate_validation(filterset.errors)
        return filterset.qs


def refuse_unread_values(form: forms.Form) -> None:
    """Add an error to every field that was sent a value (the query string) but cleaned to nothing."""
    data = cast(QueryDict, form.data)  # a filter form is bound to the query string
    for name, value in list(form.cleaned_data.items()):
        if value in (None, "") and any(raw.strip() for raw in data.getlist(name)):
            form.add_error(name, _("This value is not valid for this filter."))
