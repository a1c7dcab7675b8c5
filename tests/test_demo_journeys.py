"""The demo's trafficking journeys and HTCDS consents (seeds/demo_journeys.py, issue 20.3, 20.6,
20.7): recorded through the journey service, realistic, coded from the code lists, and enough of
them consented that the HTCDS export has rows in the standard's codes."""

from collections import defaultdict

import pytest

from accounts.models import AuditEvent
from casework.choices import CaseCategory, JourneyStage
from casework.journey_fields import CODED
from casework.models import JourneyCode, JourneyEvent
from casework.services.journey import as_list
from national_statistics import htcds
from national_statistics.queries import Scope
from seeds.demo import seed_demo
from seeds.demo_journeys import THAI_CROSSING
from tests.national_statistics.test_htcds import check_against_standard

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def test_the_demo_trafficking_cases_have_journeys_and_the_htcds_export_has_rows(reference):
    """Issue 20.3/20.6/20.7: the demo's trafficking cases have realistic journeys, recorded through
    the service (audited), and a share of their people consent to the HTCDS export."""
    counts = seed_demo(people=300)
    assert counts["demo.journeys"] > 20 and counts["demo.htcds consents"] > 5, counts
    events = JourneyEvent.objects.select_related("case")
    assert not events.exclude(case__category=CaseCategory.TRAFFICKING).exists()
    per_case = defaultdict(list)
    for event in events.order_by("case_id", "started_on", "recorded_at"):
        per_case[event.case_id].append(event)
    assert len(per_case) == counts["demo.journeys"]
    for journey in per_case.values():
        stages = [event.stage for event in journey]
        assert stages[0] == JourneyStage.RECRUITMENT and stages[-1] == JourneyStage.EXIT, stages
        assert JourneyStage.EXPLOITATION in stages
        exploitation = next(event for event in journey if event.stage == JourneyStage.EXPLOITATION)
        assert exploitation.exploitation_types and exploitation.methods_of_control
        if exploitation.country_id != "LA":
            assert any(event.crossed_border for event in journey if event.stage == JourneyStage.TRANSIT)
        assert all(event.recorded_by_id == event.case.assigned_worker_id for event in journey)
    assert events.filter(forced_criminality__contains=["online_scam"]).exists(), "scam compounds"
    crossings = events.filter(country_id="TH", border_point__isnull=False)
    crossings = crossings.select_related("case__person__origin_province", "border_point")
    assert crossings.exists()
    for event in crossings:  # the crossing nearest to home
        province = event.case.person.origin_province
        assert province is None or event.border_point.code == THAI_CROSSING.get(province.code, event.border_point.code)
    # every code is a code of its list
    known = set(JourneyCode.objects.values_list("list", "code"))
    for event in events:
        for field, code_list in CODED.items():
            assert all((code_list, code) in known for code in as_list(getattr(event, field))), field
    assert AuditEvent.objects.filter(object_type="casework.journeyevent").count() == events.count()
    # the HTCDS export has rows, with the standard's codes
    everyone = Scope(owners=None)
    victims = [[("" if value is None else str(value)) for value in row] for row in htcds.rows("victims", everyone)]
    assert len(victims) == counts["demo.htcds consents"]
    check_against_standard(htcds.VICTIM_COLUMNS, victims)
    event_rows = [[("" if value is None else str(value)) for value in row] for row in htcds.rows("events", everyone)]
    check_against_standard(htcds.EVENT_COLUMNS, event_rows)
    assert {row[1] for row in event_rows} == {"Recruitment", "Transit", "Exploitation"}
    # a second `pathway up` adds nothing
    assert not seed_demo(people=300, if_empty=True)
    assert JourneyEvent.objects.count() == events.count()
