"""Reads of assessments and best-interests determinations, scoped by their tier rule
(casework.assessment_permissions) and written to the audit log as they are shown."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone

from accounts.models import AuditAction
from accounts.services import audit_record, audit_record_many
from casework import assessment_answers, assessment_permissions
from casework.ages import is_child_on
from casework.models import Assessment, BestInterestsDetermination, Case, Question, Questionnaire

TAB_LIMIT = 10  # assessments listed per form on the tab; the compare page walks back further


def _with_questions() -> Prefetch:
    return Prefetch("version__questions", queryset=Question.objects.order_by("position", "code"))


@dataclass
class FormHistory:
    questionnaire: Questionnaire
    assessments: list[Assessment] = field(default_factory=list)
    may_record: bool = False

    @property
    def latest(self) -> Assessment | None:
        return self.assessments[0] if self.assessments else None


def assessments_by_form(*, user: Any, case: Case) -> list[FormHistory]:
    """For every questionnaire whose tier the user may read on this case (a child's forms only
    for a child), the latest assessments, newest first; one audit INSERT for what is shown."""
    child = is_child_on(case.person, timezone.localdate()) is not False
    forms = [
        FormHistory(
            questionnaire=questionnaire, may_record=assessment_permissions.may_record(user, case, questionnaire)
        )
        for questionnaire in Questionnaire.objects.all()
        if (child or not questionnaire.children_only) and assessment_permissions.may_read(user, case, questionnaire)
    ]
    shown = list(
        assessment_permissions.view_assessment.scope(user, Assessment.objects.filter(case=case))
        .select_related("version__questionnaire", "assessed_by")
        .order_by("-assessed_on", "-recorded_at")
    )
    by_code = {history.questionnaire.pk: history for history in forms}
    listed = []
    for assessment in shown:
        history = by_code.get(assessment.version.questionnaire_id)
        if history is not None and len(history.assessments) < TAB_LIMIT:
            history.assessments.append(assessment)
            listed.append(assessment)
    if listed:
        audit_record_many(actor=user, action=AuditAction.LIST, objects=listed)
    return forms


def determinations(*, user: Any, case: Case) -> list[BestInterestsDetermination]:
    rows = list(
        assessment_permissions.view_best_interests.scope(user, case.best_interests.all()).select_related("recorded_by")
    )
    if rows:
        audit_record_many(actor=user, action=AuditAction.LIST, objects=rows)
    return rows


@dataclass(frozen=True)
class Comparison:
    assessment: Assessment
    previous: Assessment | None
    rows: list[assessment_answers.Row]
    delta: int | None
    meaning: str
    questions: list[Question]


def assessment_compared(*, user: Any, case: Case, assessment_id: Any) -> Comparison:
    """One assessment beside the previous one of the same form on the case (the previous one the
    user may read: the same tier rule), answers side by side, changes marked, the score's change.
    Both reads are audited."""
    scoped = assessment_permissions.view_assessment.scope(user, Assessment.objects.filter(case=case))
    scoped = scoped.select_related("version__questionnaire", "assessed_by").prefetch_related(_with_questions())
    assessment = assessment_permissions.view_assessment.get(user, scoped, pk=assessment_id)
    previous = (
        scoped.filter(version__questionnaire_id=assessment.version.questionnaire_id)
        .filter(assessed_on__lte=assessment.assessed_on)
        .exclude(pk=assessment.pk)
        .exclude(assessed_on=assessment.assessed_on, recorded_at__gt=assessment.recorded_at)
        .order_by("-assessed_on", "-recorded_at")
        .first()
    )
    audit_record(actor=user, action=AuditAction.VIEW, obj=assessment)
    if previous is not None:
        audit_record(actor=user, action=AuditAction.VIEW, obj=previous)
    questions = list(assessment.version.questions.all())
    rows = assessment_answers.compare(
        questions,
        assessment.answers,
        previous.version.questions.all() if previous else [],
        previous.answers if previous else None,
    )
    delta = None
    if previous is not None and previous.score is not None and assessment.score is not None:
        delta = assessment.score - previous.score
    scoring = assessment.version.questionnaire.scoring
    meaning = assessment_answers.score_meaning(scoring, assessment.score)
    return Comparison(assessment, previous, rows, delta, meaning, questions)
