"""Assessments repeated over time (issue 20.1, docs/assessments.md): versioned questionnaires
(needs, risk, psychosocial wellbeing, a child's best interests) that an administrator extends
without a code change, the assessments answered on them, and a best-interests determination by
a panel, which a child's return or long-term placement needs.

A questionnaire's published version never changes: adding or rewording a question makes a new
draft version, which is published as a whole; an assessment keeps the version it was answered on
(`version` is PROTECT: a version with answers cannot be deleted). Assessments are never edited:
a correction is a new assessment, so the comparison with the previous one stays honest."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q

from casework.choices import AnswerKind, AssessmentKind, AssessmentVisibility, BestInterestsDecision, Scoring
from core.pages import local_name


class Questionnaire(models.Model):
    """One form (its code is stable), with who may read its answers (`visibility`: one of the
    existing tier rules) and how it is scored."""

    code = models.SlugField(max_length=60, unique=True)
    kind = models.CharField(max_length=20, choices=AssessmentKind.choices)
    name_en = models.CharField(max_length=200)
    name_lo = models.CharField(max_length=200, blank=True)
    visibility = models.CharField(max_length=10, choices=AssessmentVisibility.choices)
    scoring = models.CharField(max_length=10, choices=Scoring.choices, blank=True)
    children_only = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=AssessmentKind.values), name="questionnaire_kind_valid"),
            models.CheckConstraint(
                condition=Q(visibility__in=AssessmentVisibility.values), name="questionnaire_visibility_valid"
            ),
        ]

    def __str__(self) -> str:
        return local_name(self)


class QuestionnaireVersion(models.Model):
    """A numbered version; `published_at` empty while it is a draft (one draft at a time)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    note = models.CharField(max_length=300, blank=True, help_text="What changed from the previous version")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["questionnaire", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "number"], name="questionnaire_version_unique"),
            models.UniqueConstraint(
                fields=["questionnaire"], condition=Q(published_at__isnull=True), name="questionnaire_one_draft"
            ),
        ]

    @property
    def is_draft(self) -> bool:
        return self.published_at is None


class Question(models.Model):
    """One question of one version. `options` (for a choice) are
    `[{"code": ..., "en": ..., "lo": ..., "score": int or null}]`."""

    version = models.ForeignKey(QuestionnaireVersion, on_delete=models.CASCADE, related_name="questions")
    code = models.SlugField(max_length=60)
    position = models.PositiveSmallIntegerField(default=0)
    text_en = models.CharField(max_length=300)
    text_lo = models.CharField(max_length=300)
    answer = models.CharField(max_length=10, choices=AnswerKind.choices, default=AnswerKind.CHOICE)
    options = models.JSONField(default=list, blank=True)
    required = models.BooleanField(default=True)

    class Meta:
        ordering = ["version", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="question_code_unique"),
            models.CheckConstraint(condition=Q(answer__in=AnswerKind.values), name="question_answer_valid"),
        ]

    def __str__(self) -> str:
        return self.text_en


class Assessment(models.Model):
    """One assessment of a case on one questionnaire version: when, by whom, the answers by
    question code, and the score where the questionnaire is scored."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("casework.Case", on_delete=models.CASCADE, related_name="assessments")
    version = models.ForeignKey(QuestionnaireVersion, on_delete=models.PROTECT, related_name="assessments")
    assessed_on = models.DateField()
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    answers = models.JSONField(default=dict)
    score = models.IntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-assessed_on", "-recorded_at", "id"]
        indexes = [models.Index(fields=["case", "version"], name="assessment_case_version")]


class BestInterestsDetermination(models.Model):
    """A panel's formal decision on a child's return or placement: who sat on it, what it
    decided and why, resting on a best-interests assessment where one was recorded."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("casework.Case", on_delete=models.CASCADE, related_name="best_interests")
    assessment = models.ForeignKey(
        Assessment, null=True, blank=True, on_delete=models.PROTECT, related_name="determinations"
    )
    decided_on = models.DateField()
    panel = ArrayField(models.CharField(max_length=200), help_text="Members: name and role or office")
    decision = models.CharField(max_length=20, choices=BestInterestsDecision.choices)
    reasons = models.TextField(max_length=2000)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_on", "-recorded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision__in=BestInterestsDecision.values), name="best_interests_decision_valid"
            ),
            models.CheckConstraint(condition=~Q(reasons=""), name="best_interests_reasons_given"),
        ]
