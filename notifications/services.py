"""Writes of the reminder engine made by people: reading notifications and a manager's rule
settings. (The engine's own writes are in engine.py and delivery.py.)"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.actors import Staff
from accounts.models import AuditAction, Notification, Organisation, ReminderSetting, ReminderWatermark
from accounts.services import audit_record
from core.errors import ApplicationError, PermissionDenied
from notifications import permissions
from notifications.registry import get_rule

MAX_DAYS = 3650
MAX_ESCALATION_DAYS = 365


def notification_mark_read(*, actor: Staff, notification_id: int) -> Notification:
    notification = permissions.view_notification.get(actor, pk=notification_id)
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())
    notification.refresh_from_db(fields=["read_at"])
    return notification


def notifications_mark_all_read(*, actor: Staff) -> int:
    return permissions.view_notification.scope(actor).filter(read_at__isnull=True).update(read_at=timezone.now())


@transaction.atomic
def reminder_setting_save(
    *, actor: Staff, organisation: Organisation, rule: str, enabled: bool, days: int, escalate_after_days: int
) -> ReminderSetting:
    """Set one rule for one organisation. Shortening the delay moves the rule's watermark back by
    the difference, so the objects that fall due earlier now are not skipped by the next scan
    (occurrences already stored are not stored again)."""
    if not permissions.can_manage_reminders_of(actor, organisation):
        raise PermissionDenied(_("Only the organisation's managers can change its reminder rules."))
    found = get_rule(rule)
    if found is None:
        raise ApplicationError(_("There is no such reminder rule."), fields={"rule": [_("Choose a listed rule.")]})
    errors: dict[str, list[str]] = {}
    if not 0 <= days <= MAX_DAYS:
        errors["days"] = [_("Give a number of days from 0 to %(max)s.") % {"max": MAX_DAYS}]
    if not 1 <= escalate_after_days <= MAX_ESCALATION_DAYS:
        errors["escalate_after_days"] = [_("Give a number of days from 1 to %(max)s.") % {"max": MAX_ESCALATION_DAYS}]
    if errors:
        raise ApplicationError(_("Correct the reminder settings."), fields=errors)
    current = ReminderSetting.objects.filter(organisation=organisation, rule=rule).first()
    before = current.days if current else found.days
    setting, _created = ReminderSetting.objects.update_or_create(
        organisation=organisation,
        rule=rule,
        defaults={"enabled": enabled, "days": days, "escalate_after_days": escalate_after_days},
    )
    if days < before:
        ReminderWatermark.objects.filter(rule=rule).update(
            scanned_until=F("scanned_until") - timedelta(days=before - days)
        )
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=setting, fields=["enabled", "days", "escalate_after_days"])
    return setting
