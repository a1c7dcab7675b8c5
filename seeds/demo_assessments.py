"""Assessments for the demo (issue 20.1), so that a newcomer sees the Assessments tab with
something to compare: for open cases with an assigned worker and no assessment yet, up to
`limit` of them, the worker assesses needs and risk one to three times, a month or two apart,
each time a little better than the last (needs met, risk lower); where the worker is the assigned
counsellor, the WHO-5 wellbeing index too (counselling data: casework.assessment_permissions). For a
child, a best-interests assessment and the panel's determination.

Through the services, one case at a time (audit and timeline rows as at the page), hence the
limit. seed_demo runs it on every `pathway up`; a case with an assessment is left alone."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta
from typing import Any

from django.db.models import Exists, OuterRef
from django.utils import timezone

from casework.ages import is_child_on
from casework.assessment_permissions import may_record
from casework.choices import CaseStatus
from casework.models import Assessment, Case, Questionnaire
from casework.services.assessments import assessment_record, best_interests_determine, current_version

MAX_CASES = 150
PANEL = (
    "Chair: head of the provincial social welfare office",
    "Child protection officer, Lao Women's Union",
    "Social worker of the case",
)
# From worse to better: a later assessment moves each answer one step along at most.
LADDERS = {
    "needs": ("unmet", "partly_met", "met"),
    "risk": ("high", "medium", "low", "none"),
    "who5": ("at_no_time", "some_of_the_time", "less_than_half", "more_than_half", "most_of_the_time"),
}


def _candidates(limit: int) -> list[Case]:
    assessed = Exists(Assessment.objects.filter(case_id=OuterRef("pk")))
    return list(
        Case.objects.filter(assigned_worker__isnull=False)
        .exclude(status=CaseStatus.CLOSED)
        .exclude(assessed)
        .select_related("assigned_worker", "person")
        .order_by("created_at", "id")[:limit]
    )


def _answers(rng: random.Random, questionnaire: Questionnaire, steps: dict[str, int]) -> dict[str, Any]:
    """Each question's answer on its ladder, `steps[code]` rungs up; the steps grow in place."""
    ladder = LADDERS[questionnaire.code]
    answers = {}
    for question in current_version(questionnaire).questions.all():
        if questionnaire.code == "needs" and question.code not in steps and rng.random() < 0.3:
            steps[question.code] = len(ladder)  # not needed
        rung = steps.setdefault(question.code, rng.randrange(2))
        answers[question.code] = "not_needed" if rung >= len(ladder) else ladder[min(rung, len(ladder) - 1)]
        if rung < len(ladder) - 1:
            steps[question.code] = rung + rng.choice((0, 1, 1))
    return answers


def _dates(rng: random.Random, case: Case, today: date) -> list[date]:
    day = max(case.identified_on, today - timedelta(days=200)) + timedelta(days=rng.randint(3, 14))
    days: list[date] = []
    while day <= today and len(days) < rng.randint(1, 3):
        days.append(day)
        day += timedelta(days=rng.randint(30, 60))
    return days


def _child_forms(rng: random.Random, case: Case, worker: Any, on: date, forms: dict[str, Questionnaire]) -> None:
    recommendation = rng.choice(("return_to_family", "placement"))
    assessment = assessment_record(
        actor=worker,
        case=case,
        questionnaire=forms["best_interests"],
        answers={
            "child_heard": "yes",
            "child_wishes": "Wants to go back to school near her grandmother.",
            "family_protective": "yes" if recommendation == "return_to_family" else "no",
            "safe_from_trafficker": rng.choice(("yes", "partly", "unknown")),
            "school": rng.choice(("yes", "partly")),
            "recommendation": recommendation,
        },
        assessed_on=on,
    )
    best_interests_determine(
        actor=worker,
        case=case,
        assessment=assessment,
        decided_on=on,
        panel=list(PANEL),
        decision=recommendation,
        reasons="The child was heard; the panel weighed her safety, her family's care and her schooling.",
    )


def demo_assessments(*, seed: int = 2026, limit: int = MAX_CASES) -> Counter[str]:
    """Record the assessments; returns the rows added by kind."""
    rng = random.Random(f"pathway-demo-assessments:{seed}")
    today = timezone.localdate()
    forms = {questionnaire.code: questionnaire for questionnaire in Questionnaire.objects.all()}
    added: Counter[str] = Counter()
    for case in _candidates(limit):
        worker = case.assigned_worker
        assert worker is not None
        codes = [code for code in ("needs", "risk", "who5") if may_record(worker, case, forms[code])]
        days = _dates(rng, case, today)
        for code in codes:
            steps: dict[str, int] = {}
            for day in days:
                assessment_record(
                    actor=worker, case=case, questionnaire=forms[code], answers=_answers(rng, forms[code], steps),
                    assessed_on=day,
                )  # fmt: skip
                added[f"{code} assessments"] += 1
        if days and is_child_on(case.person, days[0]) is True:
            _child_forms(rng, case, worker, days[0], forms)
            added["best-interests determinations"] += 1
        added["cases assessed"] += bool(days)
    return added
