"""COMMIT-style screening: the indicators observed for act, means and purpose, the outcome the
rule suggests (casework.screening_rule), and the outcome the screener confirms."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from casework.choices import DecidingBody, ScreeningOutcome, ScreeningPlace
from casework.models.history import tracked


@tracked("ScreeningHistory")
class Screening(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("casework.Case", on_delete=models.CASCADE, related_name="screenings")
    screener_organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    screener = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    place = models.CharField(max_length=20, choices=ScreeningPlace.choices)
    screened_on = models.DateField()

    # Interview facts (HTCDS / IOM screening form)
    interpreter_used = models.BooleanField(default=False)
    interpreter_language = models.CharField(max_length=10, blank=True)
    same_gender_interviewer_offered = models.BooleanField(default=False)
    guardian_or_social_worker_present = models.BooleanField(null=True, blank=True, help_text=_("For a child"))
    # Consent checklist (HTCDS con_Consent): one tick each, read to the person before the interview.
    consent_assents_to_interview = models.BooleanField(default=False)
    consent_told_purpose = models.BooleanField(default=False)
    consent_told_data_use = models.BooleanField(default=False)
    consent_told_research_use = models.BooleanField(default=False)
    consent_told_right_to_own_data = models.BooleanField(default=False)
    consent_told_retention = models.BooleanField(default=False)
    consent_told_how_to_withdraw = models.BooleanField(default=False)

    indicators = models.ManyToManyField("casework.Indicator", through="ScreeningIndicator", related_name="+")
    # What the rule found, stored with the screening so a later threshold change does not
    # rewrite history.
    age_at_exploitation = models.PositiveSmallIntegerField(null=True, blank=True)
    act_present = models.BooleanField(default=False)
    means_present = models.BooleanField(default=False)
    purpose_present = models.BooleanField(default=False)
    suggested_outcome = models.CharField(max_length=30, choices=ScreeningOutcome.choices)
    outcome = models.CharField(max_length=30, choices=ScreeningOutcome.choices)
    override_reason = models.TextField(blank=True)
    deciding_body = models.CharField(max_length=30, choices=DecidingBody.choices, blank=True)
    decided_on = models.DateField(null=True, blank=True)

    reflection_period_ends_on = models.DateField(null=True, blank=True)
    opted_in_to_interview_on = models.DateField(
        null=True,
        blank=True,
        help_text=_("The person chose to give an investigative interview before the period ended"),
    )
    notes = models.TextField(blank=True, help_text=_("Tier 2: no counselling or medical detail here"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-screened_on", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome=models.F("suggested_outcome")) | ~Q(override_reason=""),
                name="screening_override_needs_reason",
            ),
            models.CheckConstraint(
                condition=~Q(outcome=ScreeningOutcome.ACTUAL_VICTIM) | ~Q(deciding_body=""),
                name="screening_actual_victim_needs_deciding_body",
            ),
        ]
        indexes = [
            models.Index(
                fields=["screened_on"],
                condition=Q(outcome="needs_further_assessment"),
                name="screening_needs_assessment_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"screening {self.pk} ({self.outcome})"


class ScreeningIndicator(models.Model):
    screening = models.ForeignKey(Screening, on_delete=models.CASCADE, related_name="observed")
    indicator = models.ForeignKey("casework.Indicator", on_delete=models.PROTECT, related_name="+")
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["screening", "indicator"], name="screening_indicator_once")]
