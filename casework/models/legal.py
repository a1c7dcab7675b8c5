"""Perpetrators and legal proceedings (issue 20.4, docs/legal.md).

A **perpetrator** is a record of its own (tier 3: docs/design/access.md), linked to one or more
cases, each link with the roles the perpetrator played in that victim's trafficking (HTCDS
per_RoleInProcess) and who they were to her. A **legal proceeding** is the criminal case of one
victim's case: its stage (transitions.PROCEEDING) with the date each stage was reached, the court
and case numbers, the outcome, compensation, the support she was given as a witness, and its
hearings (a hearing reminds the case worker: casework.reminders, `hearing_upcoming`)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q

from casework.choices import (
    AgeBand,
    HearingKind,
    PerpetratorRelation,
    ProceedingOutcome,
    ProceedingStage,
    Sex,
)


def _codes() -> ArrayField:  # type: ignore[type-arg]
    return ArrayField(models.CharField(max_length=30), default=list, blank=True)


class Perpetrator(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    known_as = models.CharField(max_length=200)
    sex = models.CharField(max_length=10, choices=Sex.choices, default=Sex.OTHER)
    age_band = models.CharField(max_length=10, choices=AgeBand.choices, default=AgeBand.UNKNOWN)
    nationality = models.ForeignKey(
        "accounts.Country", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    notes = models.TextField(max_length=2000, blank=True)
    cases = models.ManyToManyField("casework.Case", through="casework.CasePerpetrator", related_name="perpetrators")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["known_as", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(sex__in=Sex.values), name="perpetrator_sex_valid"),
            models.CheckConstraint(condition=Q(age_band__in=AgeBand.values), name="perpetrator_age_band_valid"),
        ]

    def __str__(self) -> str:
        return self.known_as


class CasePerpetrator(models.Model):
    """A perpetrator in one case: the roles they played and who they were to this victim."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("casework.Case", on_delete=models.CASCADE, related_name="perpetrator_links")
    perpetrator = models.ForeignKey(Perpetrator, on_delete=models.CASCADE, related_name="links")
    roles = _codes()
    relation = models.CharField(max_length=20, choices=PerpetratorRelation.choices, default=PerpetratorRelation.UNKNOWN)
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["linked_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "perpetrator"], name="case_perpetrator_once"),
            models.CheckConstraint(
                condition=Q(relation__in=PerpetratorRelation.values), name="perpetrator_relation_valid"
            ),
        ]


# The date column each stage sets when a proceeding reaches it.
STAGE_DATE = {stage: f"{stage}_on" for stage in ProceedingStage.values}


class LegalProceeding(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("casework.Case", on_delete=models.CASCADE, related_name="proceedings")
    stage = models.CharField(max_length=30, choices=ProceedingStage.choices, default=ProceedingStage.COMPLAINT)
    outcome = models.CharField(max_length=20, choices=ProceedingOutcome.choices, blank=True)
    court = models.CharField(max_length=200, blank=True)
    police_case_number = models.CharField(max_length=60, blank=True)
    court_case_number = models.CharField(max_length=60, blank=True)
    sentence = models.CharField(max_length=300, blank=True)
    compensation_ordered_kip = models.DecimalField(max_digits=16, decimal_places=0, null=True, blank=True)
    compensation_paid_kip = models.DecimalField(max_digits=16, decimal_places=0, null=True, blank=True)
    support = _codes()
    complaint_on = models.DateField(null=True, blank=True)
    investigation_on = models.DateField(null=True, blank=True)
    prosecution_on = models.DateField(null=True, blank=True)
    trial_on = models.DateField(null=True, blank=True)
    verdict_on = models.DateField(null=True, blank=True)
    sentence_on = models.DateField(null=True, blank=True)
    compensation_ordered_on = models.DateField(null=True, blank=True)
    compensation_paid_on = models.DateField(null=True, blank=True)
    appeal_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recorded_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(stage__in=ProceedingStage.values), name="proceeding_stage_valid"),
            models.CheckConstraint(
                condition=Q(outcome="") | Q(outcome__in=ProceedingOutcome.values), name="proceeding_outcome_valid"
            ),
            models.CheckConstraint(
                condition=Q(compensation_ordered_kip__gte=0) | Q(compensation_ordered_kip__isnull=True),
                name="proceeding_ordered_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(compensation_paid_kip__gte=0) | Q(compensation_paid_kip__isnull=True),
                name="proceeding_paid_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.court_case_number or self.police_case_number or self.get_stage_display()

    @property
    def is_open(self) -> bool:
        return self.stage != ProceedingStage.CLOSED


class Hearing(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    proceeding = models.ForeignKey(LegalProceeding, on_delete=models.CASCADE, related_name="hearings")
    held_on = models.DateField()
    kind = models.CharField(max_length=20, choices=HearingKind.choices, default=HearingKind.TRIAL)
    place = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = [F("held_on").asc(), "id"]
        indexes = [models.Index(fields=["held_on"], name="hearing_held_on")]
        constraints = [models.CheckConstraint(condition=Q(kind__in=HearingKind.values), name="hearing_kind_valid")]
