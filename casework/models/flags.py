"""Risk flags on a case (issue 20.2): a level, a reason (no names: it shows wherever the case
does), a review-by date that becomes a reminder, who raised it and when, and who cleared it,
when and why. A case may carry several; the open ones are those not cleared."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from casework.choices import RiskLevel


class CaseFlag(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("casework.Case", on_delete=models.CASCADE, related_name="flags")
    level = models.CharField(max_length=10, choices=RiskLevel.choices)
    reason = models.CharField(max_length=500)
    review_by = models.DateField(null=True, blank=True)
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField()
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cleared_at = models.DateTimeField(null=True, blank=True)
    clear_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-raised_at", "id"]
        indexes = [
            models.Index(fields=["case"], condition=Q(cleared_at__isnull=True), name="case_flag_open"),
            models.Index(fields=["review_by"], condition=Q(cleared_at__isnull=True), name="case_flag_review"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(level__in=RiskLevel.values), name="case_flag_level_valid"),
            models.CheckConstraint(
                condition=Q(cleared_at__isnull=True) | ~Q(clear_reason=""), name="case_flag_cleared_with_reason"
            ),
        ]

    @property
    def is_open(self) -> bool:
        return self.cleared_at is None
