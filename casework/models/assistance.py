"""What a case receives: services (the victims' rights), notes, the case plan with its goals, and
the follow-up visits that keep a case from being forgotten."""

from __future__ import annotations

import uuid

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from casework.choices import ApprovalStatus, NoteKind, ServiceStatus, SupportPlanType, Tier, Wellbeing
from casework.models.history import tracked


@tracked("ServiceHistory")
class Service(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("casework.Case", on_delete=models.CASCADE, related_name="services")
    service_type = models.ForeignKey("casework.ServiceType", on_delete=models.PROTECT, related_name="+")
    provider = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    provider_name = models.CharField(max_length=200, blank=True, help_text=_("When the provider is not in Pathway"))
    status = models.CharField(max_length=20, choices=ServiceStatus.choices, default=ServiceStatus.PLANNED)
    planned_on = models.DateField(null=True, blank=True)
    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(started_on__isnull=True) | Q(started_on__lte=F("ended_on")),
                name="service_dates_ordered",
            ),
        ]


def _note_touches_case(operation: pgtrigger.Operation, tables: dict[str, str], cases: str) -> pgtrigger.Trigger:
    """Notes written, moved or removed re-read their cases' quiet_since (casework.models.cases):
    touching the column runs the case's own trigger, which recomputes it. Once a statement,
    not once a note: bulk loads copy notes by the million."""
    return pgtrigger.Trigger(
        name=f"note_{str(operation).lower()}_touches_case",
        level=pgtrigger.Statement,
        when=pgtrigger.After,
        operation=operation,
        referencing=pgtrigger.Referencing(**tables),
        func=f"UPDATE casework_case SET quiet_since = NULL WHERE id IN ({cases}); RETURN NULL;",  # noqa: S608 - constants only
    )


@pgtrigger.register(
    _note_touches_case(pgtrigger.Insert, {"new": "new_notes"}, "SELECT case_id FROM new_notes"),
    # Only notes whose case or time changed: redacting a note's text (retention) touches nothing.
    _note_touches_case(
        pgtrigger.Update,
        {"old": "old_notes", "new": "new_notes"},
        "SELECT unnest(ARRAY[o.case_id, n.case_id]) FROM old_notes o JOIN new_notes n ON n.id = o.id"
        " WHERE (o.case_id, o.written_at) IS DISTINCT FROM (n.case_id, n.written_at)",
    ),
    _note_touches_case(pgtrigger.Delete, {"old": "old_notes"}, "SELECT case_id FROM old_notes"),
)
class CaseNote(models.Model):
    """A dated, authored note. Counselling and medical notes are always tier 3."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("casework.Case", on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(auto_now_add=True)
    kind = models.CharField(max_length=20, choices=NoteKind.choices, default=NoteKind.GENERAL)
    tier = models.PositiveSmallIntegerField(choices=Tier.choices, default=Tier.METADATA)
    text = models.TextField()

    class Meta:
        ordering = ["-written_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(tier__in=Tier.values), name="note_tier_valid"),
            models.CheckConstraint(
                condition=~Q(kind__in=[NoteKind.COUNSELLING, NoteKind.MEDICAL]) | Q(tier=Tier.SENSITIVE),
                name="note_counselling_and_medical_are_tier_3",
            ),
        ]
        indexes = [
            # The "no note for 30 days" reminder walks notes by time and checks for a later one.
            models.Index(fields=["written_at"], name="note_written_idx"),
            models.Index(fields=["case", "-written_at"], name="note_case_written_idx"),
        ]


class CasePlan(models.Model):
    """The case plan (one per case, revised over time) and its manager approval."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.OneToOneField("casework.Case", on_delete=models.CASCADE, related_name="plan")
    summary = models.TextField(blank=True)
    follow_up_policy = models.ForeignKey("casework.FollowUpPolicy", null=True, blank=True, on_delete=models.PROTECT)
    status = models.CharField(max_length=20, choices=ApprovalStatus.choices, default=ApprovalStatus.DRAFT)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=ApprovalStatus.APPROVED) | Q(approved_by__isnull=False),
                name="case_plan_approved_by_someone",
            ),
        ]


class CasePlanGoal(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    plan = models.ForeignKey(CasePlan, on_delete=models.CASCADE, related_name="goals")
    support_type = models.CharField(max_length=40, choices=SupportPlanType.choices)
    objective = models.TextField()
    target_date = models.DateField(null=True, blank=True)
    achieved_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["target_date", "id"]


class CasePlanVersion(models.Model):
    """A plan as a manager approved it, kept when the plan is revised: the Plan tab shows the
    approved version beside the new draft, and every approval in the plan's history. `goals` holds
    the goals as they were (support_type, objective, target_date, achieved_on; null once the
    retention rule cleared them)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    plan = models.ForeignKey(CasePlan, on_delete=models.CASCADE, related_name="versions")
    summary = models.TextField(blank=True)
    goals = models.JSONField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField()

    class Meta:
        ordering = ["-approved_at", "id"]


class FollowUpVisit(models.Model):
    """A monitoring visit due on a date, a number of months (the follow-up policy) after
    `reintegrated_on`, the return home it counts from: kept so that a changed policy can re-plan
    the visits still to come (null for visits planned before it was kept: never re-planned)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("casework.Case", on_delete=models.CASCADE, related_name="follow_ups")
    reintegrated_on = models.DateField(null=True, blank=True)
    due_on = models.DateField()
    done_on = models.DateField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    notes = models.TextField(blank=True)
    # What the worker found (follow_up_record): where, whom they met, how the person is, what next.
    place = models.CharField(max_length=200, blank=True)
    met_with = models.CharField(max_length=200, blank=True)
    wellbeing = models.CharField(max_length=20, choices=Wellbeing.choices, blank=True)
    next_step = models.TextField(blank=True)
    # A visit moved to another day (follow_up_reschedule): the day it was due before, and why.
    rescheduled_from = models.DateField(null=True, blank=True)
    reschedule_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "due_on"], name="one_follow_up_per_case_and_day")]
        indexes = [  # the due visits with their case, from the index alone (reminders, team workload)
            models.Index(
                fields=["due_on"],
                include=["case", "id"],
                condition=Q(done_on__isnull=True),
                name="follow_up_open_due_idx",
            )
        ]
