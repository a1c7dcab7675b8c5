"""Regressions from the fuzzing (issue 8, part 6): a NUL character that reached the database
was a 500 (psycopg refuses it before sending). The API now answers 400 and saves nothing
(core.error_pages.nul_character_sent)."""

import re
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


def test_a_nul_in_a_partner_url_is_refused_and_the_refusal_is_audited(api, world):  # noqa: F811
    """It was a 500: the refusal's audit row carried the NUL, so the row was lost too. Every
    partner operation with an id in its path (from the schema) is probed."""
    api.force_login(world.people.social_worker)
    paths = api.get("/api/schema/", {"format": "json"}).json()["paths"]
    operations = [
        (method, path)
        for path, item in paths.items()
        if path.startswith("/api/v1/partner/") and "{" in path
        for method in item
        if method in ("get", "post")
    ]
    assert len(operations) >= 4
    _, plaintext = token_issue(actor=world.people.partner, organisation=world.orgs.ngo, name="nul probe")
    partner = APIClient()
    partner.credentials(HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    not_found = 0
    for method, path in operations:
        url = re.sub(r"\{[^}]+\}", "a%00b", path)
        response = getattr(partner, method)(url, {}, format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
        # An empty body may be refused (400) before the id is looked up; an id is never found.
        assert response.status_code in (400, 404), (method, path)
        assert set(response.json()) == {"detail", "code", "errors"}
        not_found += response.status_code == 404
    assert not_found >= 4
    refusals = AuditEvent.objects.filter(organisation=world.orgs.ngo, reason__endswith="refused 404")
    assert list(refusals.values_list("object_id", flat=True)) == ["a\\x00b"] * not_found
