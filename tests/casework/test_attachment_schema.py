"""Schemathesis over the attachment operations alone (the whole schema's run is
tests/test_api_schemathesis.py): every operation, as every role, with generated parameters and
bodies mixed with the ids of real records (the access matrix's world and its files), answers
without a server error, with a documented status and content type and a conforming body."""

from __future__ import annotations

from collections import Counter

import pytest
from django.test import override_settings

from tests.test_access_matrix import build_world
from tests.test_api_schemathesis import STAFF_ROLES, known_values, load_schema, run, session_login

pytestmark = pytest.mark.slow


@pytest.mark.django_db(transaction=True)
@override_settings(API_THROTTLE_RATE=None)
def test_the_attachment_operations_answer_every_role_without_a_server_error(people, orgs):
    world = build_world(people, orgs)
    known = known_values(world)
    schema = load_schema(world.people.social_worker)
    operations = [r.ok() for r in schema.include(path_regex=r"^/api/v1/attachments/").get_all_operations()]
    assert len(operations) == 5
    failures: list[str] = []
    statuses: Counter[str] = Counter()
    for role in STAFF_ROLES:
        run(operations, session_login(getattr(world.people, role)), known, failures, statuses)
    assert not failures, "\n\n".join(failures)
    assert statuses["2xx"] > 0 and statuses["4xx"] > 0, statuses
