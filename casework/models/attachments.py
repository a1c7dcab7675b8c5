"""Files kept on a person or on one of their records (docs/user-guide.md: Attachments). The file
itself is in the attachments storage (settings.STORAGES["attachments"]), encrypted with its own
data key (core.envelope); the row holds that key, wrapped by the identity fields' key machinery.

An attachment belongs to a person, and usually to one of their cases and to one record of it
(the owner: a case, a screening, a service, a referral, a repatriation step, a stay), named by
`owner_type` (a key of casework.attachments.OWNERS, registered by the app that holds the record)
and `owner_id`. Casework cannot point a foreign key at the other apps' tables (tests/test_layering.py),
so the owner is checked when the attachment is added and its deletion is the owner app's business."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.fields import EncryptedTextField


class AttachmentKind(models.TextChoices):
    IDENTITY_DOCUMENT = "identity_document", _("Identity document")
    TRAVEL_DOCUMENT = "travel_document", _("Travel document")
    MEDICAL = "medical", _("Medical")
    CONSENT_FORM = "consent_form", _("Consent form")
    LEGAL = "legal", _("Legal")
    PHOTO = "photo", _("Photo")
    OTHER = "other", _("Other")


class AttachmentTier(models.TextChoices):
    """Who may read the file beyond seeing its record: the record's readers (tier 2, identity),
    or only the case's health readers (casework.permissions.view_health: never police)."""

    IDENTITY = "identity", _("With the record (tier 2)")
    HEALTH = "health", _("Health: never police")


class Attachment(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey("casework.Person", on_delete=models.CASCADE, related_name="attachments")
    case = models.ForeignKey(
        "casework.Case", null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    owner_type = models.CharField(max_length=30)
    owner_id = models.UUIDField()
    kind = models.CharField(max_length=30, choices=AttachmentKind.choices)
    tier = models.CharField(max_length=10, choices=AttachmentTier.choices)
    description = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    # A random name (never the uploaded file's name), and the file's data key, wrapped.
    storage_name = models.CharField(max_length=80, unique=True, editable=False)
    data_key = EncryptedTextField(blank=True, editable=False)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)
    # Deleted with a reason: the file and its key are gone, the row says who, when and why.
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    delete_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-added_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=AttachmentKind.values), name="attachment_kind_valid"),
            models.CheckConstraint(condition=Q(tier__in=AttachmentTier.values), name="attachment_tier_valid"),
            models.CheckConstraint(
                condition=~Q(kind=AttachmentKind.MEDICAL) | Q(tier=AttachmentTier.HEALTH),
                name="attachment_medical_is_health",
            ),
            models.CheckConstraint(
                condition=Q(deleted_at__isnull=True) | (Q(data_key="") & ~Q(delete_reason="")),
                name="attachment_deleted_has_reason_and_no_key",
            ),
        ]
        indexes = [
            models.Index(fields=["owner_type", "owner_id"], name="attachment_owner_idx"),
        ]
