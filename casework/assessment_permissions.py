"""Who may read and record assessments and best-interests determinations, each predicate beside
its filter (docs/assessments.md, docs/design/access.md).

No tier rule of its own: each questionnaire names one of the existing rules (`visibility`), and
an assessment is read exactly as that rule reads the case: `case` (risk, a child's best
interests: tier 2) by whoever sees the case, `health` (needs, which include health needs) by
view_health (never police, never through an emergency grant), `sensitive` (psychosocial
wellbeing: counselling data, tier 3) by view_sensitive, the assigned counsellor only. Recording
follows the same rule on top of change_case. A best-interests determination is tier 2, seen with
the case and recorded by the case's workers or its managers (move_case). Questionnaires are
reference data, changed by administrators."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from accounts.models import Role
from casework.choices import AssessmentVisibility
from casework.models import Assessment, BestInterestsDetermination, Case, Questionnaire
from casework.permissions import (
    change_case,
    move_case,
    through_case,
    view_case,
    view_health,
    view_sensitive,
)
from core.permissions import NOTHING, Permission, define, has_role

RULES: dict[str, Permission[Case]] = {
    AssessmentVisibility.CASE: view_case,
    AssessmentVisibility.HEALTH: view_health,
    AssessmentVisibility.SENSITIVE: view_sensitive,
}
VISIBILITY = "version__questionnaire__visibility"


def may_read(user: Any, case: Case, questionnaire: Questionnaire) -> bool:
    """May the user read this questionnaire's answers on this case?"""
    return RULES[questionnaire.visibility].allows(user, case)


def may_record(user: Any, case: Case, questionnaire: Questionnaire) -> bool:
    return change_case.allows(user, case) and may_read(user, case, questionnaire)


def _can_view(user: Any, assessment: Assessment) -> bool:
    return may_read(user, assessment.case, assessment.version.questionnaire)


def _visible(user: Any) -> Q:
    q = NOTHING
    for visibility, rule in RULES.items():
        cases = rule.filter(user)
        if cases != NOTHING:
            q |= Q(**{VISIBILITY: visibility}) & Q(case__in=Case.objects.filter(cases).values("pk"))
    return q


view_assessment = define("casework.view_assessment", Assessment, predicate=_can_view, filter=_visible)
view_best_interests = through_case("casework.view_bestinterestsdetermination", BestInterestsDetermination)
decide_best_interests = define(
    "casework.decide_best_interests", Case, predicate=move_case.predicate, filter=move_case.filter
)


def may_edit_questionnaires(user: Any) -> bool:
    return bool(user.is_authenticated) and has_role(user, Role.ADMIN)
