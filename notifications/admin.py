"""The admin page of an organisation's reminder rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from accounts.actors import signed_in
from accounts.admin import ScopedAdmin
from accounts.models import ReminderSetting
from notifications import permissions
from notifications import services as reminder_services
from notifications.registry import all_rules


class ReminderSettingForm(forms.ModelForm):
    rule = forms.ChoiceField(choices=lambda: [(rule.code, rule.title) for rule in all_rules()])

    class Meta:
        model = ReminderSetting
        fields = ["organisation", "rule", "enabled", "days", "escalate_after_days"]


@admin.register(ReminderSetting)
class ReminderSettingAdmin(ScopedAdmin):
    """An organisation's reminder rules (managers have a page for their own: /notifications/rules/).
    Saved through the service, which validates, audits and rewinds the scan if a delay shrinks."""

    view_permission = permissions.manage_reminder_settings
    change_permission = permissions.manage_reminder_settings
    form = ReminderSettingForm
    list_display = ["organisation", "rule", "enabled", "days", "escalate_after_days", "updated_at"]
    list_filter = ["rule", "enabled"]
    list_select_related = ["organisation"]

    def save_model(self, request: HttpRequest, obj: ReminderSetting, form: Any, change: bool) -> None:
        saved = reminder_services.reminder_setting_save(
            actor=signed_in(request),
            organisation=obj.organisation,
            rule=obj.rule,
            enabled=obj.enabled,
            days=obj.days,
            escalate_after_days=obj.escalate_after_days,
        )
        obj.pk = saved.pk
