"""The field app's JSON (offline.api) and what may go offline (offline.permissions): only the
worker's own open cases, tier 3 only for whom may read it, never through an emergency grant,
every case taken to a device audited with the device's id."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from accounts.models import AuditAction, AuditEvent
from casework.services import assistance, break_glass
from offline.models import Device
from offline.permissions import manage_device, take_case
from offline.services import devices
from tests.clients import client_for
from tests.factories import open_case
from tests.permission_checks import assert_predicate_matches_filter

pytestmark = pytest.mark.django_db


def post(client, name, body):  # type: ignore[no-untyped-def]
    return client.post(reverse(name), json.dumps(body), content_type="application/json")


def keys_for(user):  # type: ignore[no-untyped-def]
    device, secret = devices.device_register(actor=user, label="phone")
    return {"device": str(device.pk), "secret": secret}


@pytest.fixture
def keys(people):  # type: ignore[no-untyped-def]
    return keys_for(people.social_worker)


def test_predicates_match_their_filters(people, case):
    other = open_case(people.counsellor)
    assert_predicate_matches_filter(take_case, people.all, [case, other])
    for user in (people.social_worker, people.counsellor):
        devices.device_register(actor=user, label="phone")
    assert_predicate_matches_filter(manage_device, people.all, Device.objects.all())


def test_without_a_session_the_api_answers_401_not_a_login_page(client):
    response = client.get(reverse("offline:api-reference"))
    assert response.status_code == 401 and response.json()["message"]


def test_the_reference_carries_the_rule_and_both_languages(people):
    body = client_for(people.social_worker).get(reverse("offline:api-reference")).json()
    assert set(body["languages"]) == {"en", "lo"}
    english, lao = (body["languages"][code]["strings"] for code in ("en", "lo"))
    assert english.keys() == lao.keys()
    assert [key for key in english if english[key] == lao[key]] == []  # every word translated
    assert body["rule"]["formula"]["indicative"] == {"all": ["act", "purpose"], "any": ["means", "child"]}
    assert body["wipe_after_days"] == 14


def test_taking_a_case_sends_no_tier_3_and_audits_the_device(people, case, keys, django_assert_max_num_queries):
    assistance.note_add(actor=people.social_worker, case=case, text="general note")
    client = client_for(people.social_worker)
    with django_assert_max_num_queries(20):
        response = post(client, "offline:api-take", {**keys, "cases": [str(case.pk)]})
    [bundle] = response.json()["cases"]
    assert bundle["person"]["given_name_latin"] == "Noy" and [n["text"] for n in bundle["notes"]] == ["general note"]
    audit = AuditEvent.objects.get(action=AuditAction.EXPORT, object_id=str(case.person_id))
    assert audit.reason == f"offline: device {keys['device']}"


def test_the_counsellor_takes_tier_3_of_her_own_case(people):
    case = open_case(people.counsellor)
    assistance.note_add(actor=people.counsellor, case=case, text="session one", kind="counselling")
    body = {**keys_for(people.counsellor), "cases": [str(case.pk)]}
    [bundle] = post(client_for(people.counsellor), "offline:api-take", body).json()["cases"]
    assert [note["text"] for note in bundle["notes"]] == ["session one"]


def test_a_case_outside_scope_or_seen_through_an_emergency_grant_never_goes_offline(people, case, keys):
    other = open_case(people.outsider)
    response = post(client_for(people.social_worker), "offline:api-take", {**keys, "cases": [str(other.pk)]})
    assert response.json()["cases"] == []
    break_glass.break_glass_open(actor=people.national_manager, case_code=case.person.case_code, reason="r" * 30)
    assert not take_case.allows(people.national_manager, case)
    response = post(client_for(people.national_manager), "offline:api-device-register", {"label": "x"})
    assert response.status_code == 403


def test_a_wiped_device_can_neither_take_nor_sync(people, case, keys):
    devices.device_order_wipe(actor=people.admin, device=Device.objects.get(pk=keys["device"]))
    client = client_for(people.social_worker)
    assert post(client, "offline:api-take", {**keys, "cases": [str(case.pk)]}).status_code == 404
    assert post(client, "offline:api-sync", {**keys, "writes": []}).status_code == 404
    status = post(client, "offline:api-device-status", keys).json()
    assert status == {"wipe": True}


@pytest.mark.parametrize("body", [[], {"cases": "x"}, {"cases": ["not-a-uuid"]}, {"writes": {}}])
def test_malformed_bodies_are_400_or_404_never_500(people, keys, body):  # type: ignore[no-untyped-def]
    client = client_for(people.social_worker)
    for name in ("offline:api-take", "offline:api-sync"):
        sent = {**keys, **body} if isinstance(body, dict) else body
        assert post(client, name, sent).status_code in (400, 404)
