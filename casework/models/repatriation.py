"""Repatriation: the return of a person found abroad (or of a foreigner found in Lao PDR) as
an ordered checklist of steps, each with the responsible organisation on each side. The flows
(which steps, in which order, depending on which) live in casework.repatriation_flows."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from casework.choices import (
    CancellationReason,
    FamilyAssessment,
    RepatriationFlow,
    RepatriationStatus,
    ReturnDestination,
    StepStatus,
)
from casework.models.history import tracked


@tracked("RepatriationHistory")
class Repatriation(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("casework.Case", on_delete=models.CASCADE, related_name="repatriations")
    flow = models.CharField(max_length=20, choices=RepatriationFlow.choices)
    from_country = models.ForeignKey("accounts.Country", on_delete=models.PROTECT, related_name="+")
    partner_abroad = models.CharField(
        max_length=200, blank=True, help_text=_("e.g. Thai MSDHS shelter, Chinese police unit")
    )
    status = models.CharField(max_length=30, choices=RepatriationStatus.choices, default=RepatriationStatus.IN_PROGRESS)
    border_point = models.ForeignKey("casework.BorderPoint", null=True, blank=True, on_delete=models.PROTECT)
    family_assessment = models.CharField(max_length=10, choices=FamilyAssessment.choices, blank=True)
    family_assessment_notes = models.TextField(blank=True)
    destination = models.CharField(max_length=10, choices=ReturnDestination.choices, blank=True)
    best_interests_decision = models.TextField(
        blank=True, help_text=_("Required for a child before return or placement")
    )
    cancellation_reason = models.CharField(max_length=30, choices=CancellationReason.choices, blank=True)
    cancellation_note = models.TextField(blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            # The safeguarding rule, in the database: an unsafe family never leads to a return home.
            models.CheckConstraint(
                condition=~Q(family_assessment__in=[FamilyAssessment.UNSAFE, FamilyAssessment.NOT_FOUND])
                | ~Q(destination=ReturnDestination.FAMILY),
                name="repatriation_unsafe_family_never_home",
            ),
            models.CheckConstraint(
                condition=~Q(status=RepatriationStatus.CANCELLED) | ~Q(cancellation_reason=""),
                name="repatriation_cancel_needs_reason",
            ),
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(status__in=[RepatriationStatus.IN_PROGRESS, RepatriationStatus.AWAITING_LEGAL_PROCEEDINGS]),
                name="one_open_repatriation_per_case",
            ),
        ]


@tracked("RepatriationStepHistory")
class RepatriationStep(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    repatriation = models.ForeignKey(Repatriation, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField()
    code = models.SlugField(max_length=60)
    depends_on = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="dependants")
    responsible_in_laos = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    responsible_abroad = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=20, choices=StepStatus.choices, default=StepStatus.PENDING)
    due_on = models.DateField(null=True, blank=True)
    done_on = models.DateField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(blank=True, help_text=_("Why skipped, blocked, or done before the steps it depends on"))
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["repatriation", "position"]
        constraints = [
            models.UniqueConstraint(fields=["repatriation", "position"], name="step_position_unique"),
            models.UniqueConstraint(fields=["repatriation", "code"], name="step_code_unique"),
            models.CheckConstraint(
                condition=~Q(status__in=[StepStatus.SKIPPED, StepStatus.BLOCKED]) | ~Q(reason=""),
                name="step_skip_or_block_needs_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status=StepStatus.DONE) | Q(done_on__isnull=False), name="step_done_is_dated"
            ),
        ]
        indexes = [
            models.Index(
                fields=["due_on"], condition=Q(status__in=["pending", "in_progress"]), name="step_open_due_idx"
            ),
        ]
