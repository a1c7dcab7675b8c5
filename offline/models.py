"""The devices that hold cases offline and the writes they sent (docs/offline.md)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.fields import EncryptedTextField


class Device(models.Model):
    """A browser where a worker set up offline work. Its secret (only the digest is kept) lets the
    device ask whether it must wipe itself, even after its user was deactivated."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    label = models.CharField(_("device"), max_length=100, blank=True)
    secret_digest = models.CharField(max_length=64, unique=True, editable=False)
    registered_at = models.DateTimeField(auto_now_add=True)
    last_sync_at = models.DateTimeField(null=True, blank=True)
    wipe_ordered_at = models.DateTimeField(null=True, blank=True)
    wipe_ordered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-registered_at"]

    def __str__(self) -> str:
        return f"device {self.pk}"


class WriteKind(models.TextChoices):
    INTAKE = "intake", _("Registration and case")
    SCREENING = "screening", _("Screening")
    NOTE = "note", _("Note")
    VISIT = "visit", _("Follow-up visit")
    PERSON = "person", _("Change to a person's record")
    PHOTO = "photo", _("Photo of a document")


class WriteStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    CONFLICT = "conflict", _("Waiting for a choice")
    RESOLVED = "resolved", _("Choice made")
    REFUSED = "refused", _("Refused")


class SyncWrite(models.Model):
    """One write made on a device, keyed by the idempotency key the device chose: sending it
    again returns this row's answer instead of writing twice. The audit rows of what it wrote
    carry `offline:<key>` as their request id, which links them to the device time here."""

    key = models.UUIDField(primary_key=True)
    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="writes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=WriteKind.choices)
    case_ref = models.CharField(max_length=40, help_text=_("Case code, or the device's temporary code"))
    temp_code = models.CharField(max_length=40, blank=True, db_index=True)
    case_code = models.CharField(max_length=20, blank=True)
    device_time = models.DateTimeField(help_text=_("When the worker saved it on the device"))
    synced_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=WriteStatus.choices)
    answer = models.JSONField(default=dict, blank=True, help_text=_("Ids, codes and field names only"))
    # Both values of each field in conflict, kept until the worker chooses (names may be in it).
    conflict = EncryptedTextField(blank=True)

    class Meta:
        ordering = ["synced_at"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=WriteStatus.values), name="sync_write_status_valid"),
            models.CheckConstraint(condition=Q(kind__in=WriteKind.values), name="sync_write_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key}"
