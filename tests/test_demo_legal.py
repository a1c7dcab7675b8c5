"""The demo's legal proceedings and perpetrators (seeds/demo_legal.py, issue 20.4): recorded through
the services by the people who may (the case's worker for the proceedings, a police investigator
or the assigned counsellor for the perpetrators), with stages in order and hearings to come."""

import pytest
from django.utils import timezone

from accounts.models import AuditEvent
from casework import legal_permissions
from casework.choices import CaseCategory
from casework.models import CasePerpetrator, Hearing, LegalProceeding
from seeds.demo import seed_demo

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def test_some_trafficking_cases_have_proceedings_hearings_and_perpetrators(reference):
    counts = seed_demo(people=300)
    assert counts["demo.proceedings"] >= 5 and counts["demo.perpetrators"] >= 2, counts
    proceedings = LegalProceeding.objects.select_related("case")
    assert proceedings.count() == counts["demo.proceedings"]
    assert not proceedings.exclude(case__category=CaseCategory.TRAFFICKING).exists()
    for proceeding in proceedings:
        assert proceeding.recorded_by_id == proceeding.case.assigned_worker_id
        assert proceeding.complaint_on is not None and proceeding.complaint_on <= timezone.localdate()
        if proceeding.trial_on:
            assert proceeding.complaint_on <= proceeding.trial_on
    assert Hearing.objects.filter(held_on__gt=timezone.localdate()).exists()  # the worker will be reminded
    links = CasePerpetrator.objects.select_related("case", "linked_by")
    assert links.count() == counts["demo.perpetrators"]
    for link in links:
        assert legal_permissions.change_perpetrators.allows(link.linked_by, link.case)
    assert AuditEvent.objects.filter(object_type="casework.legalproceeding").count() >= proceedings.count()
    assert seed_demo(people=0, if_empty=True) is None and LegalProceeding.objects.count() == proceedings.count()
