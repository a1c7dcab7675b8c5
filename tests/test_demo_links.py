"""The demo's linked cases (seeds/demo_links.py, issue 20.5): groups of siblings and of people
returned together, made through the service by a worker who may link them; a second run adds
nothing."""

import pytest

from casework.choices import LinkKind
from casework.models import CaseEvent, CaseGroup
from seeds.demo import seed_demo
from seeds.demo_links import demo_links

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def test_the_demo_links_siblings_and_people_returned_together(reference):
    counts = seed_demo(people=300)
    assert counts["demo.sibling groups"] > 0 and counts["demo.returned together groups"] > 0, counts
    for group in CaseGroup.objects.prefetch_related("members__case__person"):
        cases = [member.case for member in group.members.all()]
        assert len({case.owner_id for case in cases}) == 1 and len(cases) >= 2
        if group.kind == LinkKind.RETURNED_TOGETHER:
            assert len(cases) <= 6 and len({case.exploitation_country_id for case in cases}) == 1
            assert None not in {case.exploitation_country_id for case in cases}
        else:
            assert len({case.person.origin_district_id for case in cases}) == 1
    linked = CaseEvent.objects.filter(kind="case_linked").count()
    assert linked == sum(group.members.count() for group in CaseGroup.objects.all())
    assert sum(demo_links().values()) == 0
