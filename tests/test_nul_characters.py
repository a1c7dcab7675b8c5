"""Regressions from the fuzzing (issue 8, part 6): a NUL character that reached the database
was a 500 (psycopg refuses it before sending). The API now answers 400 and saves nothing
(accounts.error_pages.nul_character_sent)."""

import uuid

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import AuditEvent
from referrals.models import Consent
from referrals.partner.tokens import token_issue
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


def test_a_nul_in_a_partner_url_is_refused_and_the_refusal_is_audited(world):  # noqa: F811
    """It was a 500: the refusal's audit row carried the NUL, so the row was lost too."""
    _, plaintext = token_issue(actor=world.people.partner, organisation=world.orgs.ngo, name="nul probe")
    partner = APIClient()
    partner.credentials(HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    for name in ("detail", "acknowledge"):
        url = reverse(f"v1:partner-referral-{name}", args=["a\x00b"])
        call = partner.get if name == "detail" else partner.post
        response = call(url, HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
        assert response.status_code == 404, name
        assert response.json() == {"detail": "Not found.", "code": "not_found", "errors": {}}
    refusals = AuditEvent.objects.filter(organisation=world.orgs.ngo, reason__endswith="refused 404")
    assert list(refusals.values_list("object_id", flat=True)) == ["a\\x00b", "a\\x00b"]
