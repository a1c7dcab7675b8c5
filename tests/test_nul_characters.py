"""Regressions from the fuzzing (issue 8, part 6): a NUL character that reached the database
was a 500 (psycopg refuses it before sending). The API now answers 400 and saves nothing
(core.error_pages.nul_character_sent)."""

import pytest
from django.urls import reverse

from referrals.models import Consent
from tests.test_access_matrix import world  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db


def test_a_nul_in_an_api_search_is_a_400(api, world):  # noqa: F811
    api.force_login(world.people.social_worker)
    for route in ("v1:case-list", "v1:person-list"):
        response = api.get(reverse(route), {"search": "a\x00b"})
        assert response.status_code == 400, route
        assert response.json()["code"] == "invalid"


def test_a_nul_in_an_api_lookup_field_is_a_400_and_saves_nothing(api, world):  # noqa: F811
    api.force_login(world.people.social_worker)
    before = Consent.objects.count()
    response = api.post(
        reverse("v1:consent-list"),
        {
            "case": str(world.case.pk),
            "recipient": "\x00t-lwu",
            "data_categories": ["identity"],
            "service_types": ["counselling"],
            "purpose": "counselling",
            "given_by": "person",
        },
        format="json",
    )
    assert response.status_code == 400
    assert Consent.objects.count() == before
