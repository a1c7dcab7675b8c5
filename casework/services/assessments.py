"""Assessments of a case (needs, risk, psychosocial wellbeing, a child's best interests) and the
best-interests determination a child's return or long-term placement needs (docs/assessments.md).

Each write checks its permission (casework.assessment_permissions: the questionnaire's tier rule
on top of change_case), validates, and writes the audit row and the timeline row in one
transaction. The timeline row carries the questionnaire's code, its visibility and the version's
number, never answers or a score: casework.health hides the row of a tier the reader may not see.
`best_interests_required` is the gate the repatriation and shelter services call."""

from __future__ import annotations

from datetime import date
from typing import Any, NoReturn

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.actors import Staff
from accounts.models import AuditAction
from casework import assessment_answers, assessment_permissions, permissions
from casework.ages import is_child_on
from casework.choices import AssessmentKind, BestInterestsDecision
from casework.models import Assessment, BestInterestsDetermination, Case, Questionnaire, QuestionnaireVersion
from casework.services.common import record, require
from core.errors import ApplicationError, NotFound, PermissionDenied

# A stay planned for longer than this is a long-term placement (docs/assessments.md).
LONG_TERM_PLACEMENT_DAYS = 180
PANEL_MIN = 3  # a multidisciplinary panel: at least three members (docs/assessments.md)
PANEL_MEMBER_MAX_LENGTH = 200
REASONS_MAX_LENGTH = 2000
# What each step needs the latest determination to have decided.
ALLOWS = {
    "return": {BestInterestsDecision.RETURN_TO_FAMILY},
    "placement": {BestInterestsDecision.PLACEMENT},
    "handover": {BestInterestsDecision.RETURN_TO_FAMILY, BestInterestsDecision.PLACEMENT},
}


def current_version(questionnaire: Questionnaire) -> QuestionnaireVersion:
    """The latest published version: the one new assessments are answered on."""
    version = questionnaire.versions.filter(published_at__isnull=False).order_by("-number").first()
    if version is None:
        raise ApplicationError(_("This form has no published version yet."))
    return version


def _refuse(field: str, message: str) -> NoReturn:
    raise ApplicationError(_("Please correct the errors below."), fields={field: [message]})


def _check_date(day: date | None, field: str) -> date:
    if day is None:
        _refuse(field, _("This field is required."))
    if day > timezone.localdate():
        _refuse(field, _("This date is in the future."))
    return day


@transaction.atomic
def assessment_record(
    *, actor: Staff, case: Case, questionnaire: Questionnaire, answers: dict[str, Any], assessed_on: date | None
) -> Assessment:
    """Answer the questionnaire's current version for the case; the score is computed here."""
    if not assessment_permissions.may_record(actor, case, questionnaire):
        if not permissions.view_case.allows(actor, case):
            raise NotFound(_("Not found."))
        raise PermissionDenied(_("You cannot record this form on this case."))
    version = current_version(questionnaire)
    questions = list(version.questions.all())
    answers = {code: value.strip() if isinstance(value, str) else value for code, value in answers.items()}
    errors = assessment_answers.answer_errors(questions, answers)
    if assessed_on is None:
        errors["assessed_on"] = [_("This field is required.")]
    elif assessed_on > timezone.localdate():
        errors["assessed_on"] = [_("This date is in the future.")]
    elif questionnaire.children_only and is_child_on(case.person, assessed_on) is False:
        errors["assessed_on"] = [_("This form is for a child; the person was an adult on this date.")]
    if errors:
        raise ApplicationError(_("Please correct the errors below."), fields=errors)
    assert assessed_on is not None
    kept = {code: value for code, value in answers.items() if value not in (None, "")}
    assessment = Assessment.objects.create(
        case=case,
        version=version,
        assessed_on=assessed_on,
        assessed_by=actor,
        answers=kept,
        score=assessment_answers.score(questionnaire.scoring, questions, kept),
    )
    record(
        case,
        actor,
        "assessment_recorded",
        action=AuditAction.CREATE,
        obj=assessment,
        questionnaire=questionnaire.code,
        visibility=questionnaire.visibility,
        version=version.number,
        assessment=str(assessment.pk),
    )
    return assessment


def _panel(members: list[str]) -> list[str]:
    panel = [member.strip() for member in members if member and member.strip()]
    if len(panel) < PANEL_MIN:
        _refuse("panel", _("Name at least %(n)d members of the panel.") % {"n": PANEL_MIN})
    if any(len(member) > PANEL_MEMBER_MAX_LENGTH for member in panel):
        _refuse("panel", _("At most %(n)d characters per member.") % {"n": PANEL_MEMBER_MAX_LENGTH})
    return panel


@transaction.atomic
def best_interests_determine(
    *,
    actor: Staff,
    case: Case,
    decided_on: date | None,
    panel: list[str],
    decision: str,
    reasons: str,
    assessment: Assessment | None = None,
) -> BestInterestsDetermination:
    """Record a panel's determination for a child: members, decision, reasons."""
    require(assessment_permissions.decide_best_interests, actor, case, _("You cannot decide for this case."))
    decided_on = _check_date(decided_on, "decided_on")
    if is_child_on(case.person, decided_on) is False:
        _refuse("decided_on", _("A best-interests determination is for a child; the person was an adult then."))
    if decision not in BestInterestsDecision.values:
        _refuse("decision", _("Choose the panel's decision."))
    reasons = (reasons or "").strip()
    if not reasons:
        _refuse("reasons", _("Give the panel's reasons."))
    if len(reasons) > REASONS_MAX_LENGTH:
        _refuse("reasons", _("At most %(n)d characters.") % {"n": REASONS_MAX_LENGTH})
    if assessment is not None and (
        assessment.case_id != case.pk or assessment.version.questionnaire.kind != AssessmentKind.BEST_INTERESTS
    ):
        _refuse("assessment", _("Choose a best-interests assessment of this case."))
    determination = BestInterestsDetermination.objects.create(
        case=case,
        assessment=assessment,
        decided_on=decided_on,
        panel=_panel(panel),
        decision=decision,
        reasons=reasons,
        recorded_by=actor,
    )
    record(
        case,
        actor,
        "best_interests_determined",
        action=AuditAction.CREATE,
        obj=determination,
        decision=decision,
        panel_size=len(determination.panel),
    )
    return determination


def latest_determination(case: Case) -> BestInterestsDetermination | None:
    return case.best_interests.order_by("-decided_on", "-recorded_at").first()


def is_long_term(start: date, planned_end: date | None) -> bool:
    return planned_end is not None and (planned_end - start).days > LONG_TERM_PLACEMENT_DAYS


def best_interests_required(case: Case, *, purpose: str, field: str) -> None:
    """Refuse a child's return, handover or long-term placement (`purpose`) unless the latest
    determination of a panel allows it; the message goes on `field` of the caller's form. Age
    unknown counts as a child, as for the return decision."""
    if is_child_on(case.person, timezone.localdate()) is False:
        return
    latest = latest_determination(case)
    if latest is None:
        message = _(
            "A child's return or long-term placement needs a best-interests determination by a panel. "
            "Record it on the Assessments tab first."
        )
    elif latest.decision not in ALLOWS[purpose]:
        message = _("The latest best-interests determination (%(decision)s) does not allow this step.") % {
            "decision": latest.get_decision_display()
        }
    else:
        return
    raise ApplicationError(message, fields={field: [message]})
