"""Admin for casework. Reference lists are edited here by administrators. Cases and people are
read-only here and scoped exactly as in the API (an administrator without a case role sees none:
docs/design/access.md gives admins no case content); all changes go through the services, via the app."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from accounts.actors import signed_in
from accounts.admin import ReferenceAdmin, ScopedAdmin
from accounts.models import Country
from casework import permissions
from casework.cadence import MonthsField
from casework.models import (
    BorderPoint,
    Case,
    ElementThreshold,
    Ethnicity,
    ExploitationForm,
    FollowUpPolicy,
    Indicator,
    Person,
    ServiceType,
)
from casework.selectors import record_identity_read
from casework.services.follow_ups import follow_up_policy_save


class LookupAdmin(ReferenceAdmin):
    list_display = ["code", "name_en", "name_lo", "active", "position"]
    list_editable = ["active", "position"]
    search_fields = ["code", "name_en", "name_lo"]

    def get_queryset(self, request: HttpRequest):  # type: ignore[no-untyped-def]
        return self.model._default_manager.all()


for model in (Ethnicity, ExploitationForm, ServiceType, BorderPoint):
    admin.site.register(model, LookupAdmin)


@admin.register(Country)
class CountryAdmin(LookupAdmin):
    list_display = ["code", "name_en", "name_lo"]
    list_editable = []


@admin.register(Indicator)
class IndicatorAdmin(LookupAdmin):
    list_display = ["code", "element", "dimension", "strength", "applies_to", "exploitation_kind", "active"]
    list_editable = ["active"]
    list_filter = ["element", "dimension", "strength", "applies_to", "exploitation_kind", "active"]
    search_fields = ["code", "text_en", "text_lo"]


@admin.register(ElementThreshold)
class ElementThresholdAdmin(LookupAdmin):
    list_display = ["element", "strong", "medium", "weak"]
    list_editable = ["strong", "medium", "weak"]
    search_fields = []


class FollowUpPolicyForm(forms.ModelForm):
    months = MonthsField()

    class Meta:
        model = FollowUpPolicy
        fields = ["code", "name_en", "months", "organisation", "is_default"]


@admin.register(FollowUpPolicy)
class FollowUpPolicyAdmin(LookupAdmin):
    """Shared policies a case plan may choose, and the organisations' own cadences (their managers
    keep theirs on /notifications/rules/). Saved through the service, which re-plans the visits
    still to come of the cases that follow the policy."""

    form = FollowUpPolicyForm
    list_display = ["code", "name_en", "months", "organisation", "is_default"]
    list_editable = []
    list_select_related = ["organisation"]
    search_fields = ["code", "name_en"]

    def save_model(self, request: HttpRequest, obj: FollowUpPolicy, form: Any, change: bool) -> None:
        follow_up_policy_save(actor=signed_in(request), policy=obj, created=not change)


class ReadOnlyScopedAdmin(ScopedAdmin):
    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Case)
class CaseAdmin(ReadOnlyScopedAdmin):
    view_permission = permissions.view_case
    list_display = ["person", "category", "status", "owner", "assigned_worker", "identified_on"]
    list_filter = ["status", "category"]
    list_select_related = ["person", "owner", "assigned_worker"]
    search_fields = ["person__case_code"]
    exclude = ["closure_note"]


@admin.register(Person)
class PersonAdmin(ReadOnlyScopedAdmin):
    """Lists show the case code only; names appear on the detail page, which is audited."""

    view_permission = permissions.view_person
    list_display = ["case_code", "sex", "registration_province", "registered_on"]
    list_select_related = ["registration_province"]
    search_fields = ["case_code"]

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None):  # type: ignore[no-untyped-def]
        person = self.view_permission.get(request.user, pk=object_id)
        record_identity_read(user=request.user, objects=[person], action="view")
        return super().change_view(request, object_id, form_url, extra_context)
