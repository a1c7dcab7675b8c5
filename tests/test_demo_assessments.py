"""The demo's assessments (seeds/demo_assessments.py, issue 20.1): one to three per form on open
cases with a worker, through the service, dated in order and better each time; the wellbeing
index only by an assigned counsellor; a child's case gets the panel's determination; a second run
adds nothing."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from casework.models import Assessment, BestInterestsDetermination, CaseEvent
from seeds.demo_assessments import demo_assessments
from tests.factories import open_case

pytestmark = pytest.mark.django_db


def test_the_demo_assesses_open_cases_through_the_service(people):
    today = timezone.localdate()
    adult = open_case(people.social_worker, identified_on=date(2026, 3, 1))
    counselled = open_case(people.counsellor, identified_on=date(2026, 3, 1))
    child = open_case(
        people.social_worker,
        identified_on=date(2026, 3, 1),
        person_values={"given_name_latin": "Child", "sex": "female", "date_of_birth": date(today.year - 12, 1, 1)},
    )
    added = demo_assessments(seed=7)
    assert added["cases assessed"] == 3 and added["best-interests determinations"] == 1, added
    rows = Assessment.objects.select_related("version__questionnaire")
    assert {a.version.questionnaire.code for a in rows.filter(case=counselled)} == {"needs", "risk", "who5"}
    assert {a.version.questionnaire.code for a in rows.filter(case=adult)} == {"needs", "risk"}
    assert "best_interests" in {a.version.questionnaire.code for a in rows.filter(case=child)}
    assert BestInterestsDetermination.objects.get().case == child
    for case in (adult, counselled, child):
        risk = list(rows.filter(case=case, version__questionnaire__code="risk").order_by("assessed_on"))
        assert 1 <= len(risk) <= 3 and all(a.assessed_by == case.assigned_worker for a in risk)
        assert [a.score for a in risk] == sorted((a.score for a in risk), reverse=True)  # risk never grows
    assert CaseEvent.objects.filter(kind="assessment_recorded").count() == rows.count()
    assert demo_assessments(seed=7) == {}  # a case with an assessment is left alone
