"""Signatures of the records Pathway prints for signing (a consent, a repatriation's handover):
who signed, how, when, and the seal, a SHA-256 of the record's canonical content at signing time
(documents.seal). A record changed after it was signed no longer matches its seal and needs a
new signature. The drawn image is personal data and is encrypted at rest like identity fields."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.fields import EncryptedCharField, EncryptedTextField


class SignatureMethod(models.TextChoices):
    DRAWN = "drawn", _("Drawn on screen")
    # The scan of the signed paper form, kept as an attachment (Signature.paper).
    PAPER = "paper", _("Signed on paper")


class SignerRole(models.TextChoices):
    PERSON = "person", _("The person")
    GUARDIAN = "guardian", _("A parent or guardian")
    OFFICIAL = "official", _("An official receiving the person")
    WORKER = "worker", _("The social worker")


class SignedRecord(models.TextChoices):
    CONSENT = "consent", _("Consent")
    HANDOVER = "handover", _("Handover at the border")


class Signature(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("casework.Case", on_delete=models.PROTECT, related_name="+")
    record = models.CharField(max_length=10, choices=SignedRecord.choices)
    consent = models.ForeignKey("referrals.Consent", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    step = models.ForeignKey(
        "casework.RepatriationStep", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    method = models.CharField(max_length=10, choices=SignatureMethod.choices)
    signer_name = EncryptedCharField(_("name of the signer"), max_length=200)
    signer_role = models.CharField(max_length=10, choices=SignerRole.choices)
    image = EncryptedTextField(blank=True, help_text=_("The drawn signature, a PNG"))
    # Signed on paper: the scan, an attachment of the case (a consent) or of the handover step,
    # and the SHA-256 of its stored content, which the seal covers with the record's content.
    paper = models.ForeignKey("casework.Attachment", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    paper_sha256 = models.CharField(max_length=64, blank=True)
    content_sha256 = models.CharField(max_length=64, help_text=_("Seal: SHA-256 of the record's content when signed"))
    signed_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-signed_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(record="consent") & Q(consent__isnull=False) & Q(step__isnull=True))
                | (Q(record="handover") & Q(step__isnull=False) & Q(consent__isnull=True)),
                name="signature_of_one_record",
            ),
            models.CheckConstraint(condition=~Q(method="drawn") | ~Q(image=""), name="signature_drawn_has_image"),
            models.CheckConstraint(condition=Q(method__in=SignatureMethod.values), name="signature_method_valid"),
            models.CheckConstraint(
                condition=~Q(method="paper") | (Q(paper__isnull=False) & Q(paper_sha256__regex=r"^[0-9a-f]{64}$")),
                name="signature_paper_has_scan",
            ),
            models.CheckConstraint(condition=Q(content_sha256__regex=r"^[0-9a-f]{64}$"), name="signature_seal_hex"),
        ]
        indexes = [models.Index(fields=["case", "record"], name="signature_case_record_idx")]
