"""The webhook page (/partner/webhooks/): the same services and rules as /api/v1/webhooks/, for
the partner's and managers' own organisation; the secret is shown once."""

from __future__ import annotations

import re

import pytest

from accounts.models import AuditEvent, Role
from referrals import webhooks
from referrals.models import Webhook
from tests.factories import make_user

PAGE = "/partner/webhooks/"
SECRET = re.compile(r'<code id="webhook-secret">([^<]+)</code>')
URL = "https://127.0.0.1:9/hooks/pathway"


@pytest.fixture(autouse=True)
def loopback_allowed(settings):
    """The test-only exception to the address rule, so a webhook can be registered here."""
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]


def test_a_partner_registers_sees_the_secret_once_and_deactivates(client, people, orgs):
    client.force_login(people.partner)
    assert "No webhooks yet." in client.get(PAGE).content.decode()

    registered = client.post(PAGE, {"action": "register", "url": URL})
    assert registered.status_code == 200
    assert "no-store" in registered["Cache-Control"]
    webhook = Webhook.objects.get()
    assert SECRET.search(registered.content.decode()).group(1) == webhook.secret
    assert webhook.organisation == orgs.ngo and webhook.created_by == people.partner
    assert AuditEvent.objects.filter(object_id=str(webhook.pk)).exists()

    again = client.get(PAGE).content.decode()
    assert webhook.secret not in again and URL in again

    assert client.post(PAGE, {"action": "deactivate", "webhook": str(webhook.pk)}).status_code == 302
    webhook.refresh_from_db()
    assert webhook.active is False
    assert "Deactivate</button>" not in client.get(PAGE).content.decode()


def test_bad_addresses_get_the_message_next_to_the_field_and_nothing_is_saved(client, people):
    client.force_login(people.partner)
    for url, message in (
        ("http://127.0.0.1/hook", "Give an https:// address."),
        ("https://10.0.0.5/hook", "This address is on a private, local or reserved network."),
        ("", "This field is required."),
    ):
        response = client.post(PAGE, {"action": "register", "url": url})
        assert response.status_code == 400
        assert message in response.content.decode()
    assert not Webhook.objects.exists()


def test_another_organisation_neither_sees_nor_deactivates_our_webhook(client, people, orgs):
    webhook, _ = webhooks.webhook_register(actor=people.partner, organisation=orgs.ngo, url=URL)
    for stranger in (make_user("ngo2-partner", orgs.ngo_other, Role.PARTNER), people.manager):
        client.force_login(stranger)
        assert URL not in client.get(PAGE).content.decode()
        assert client.post(PAGE, {"action": "deactivate", "webhook": str(webhook.pk)}).status_code == 404
        assert client.post(PAGE, {"action": "deactivate", "webhook": "not-an-id"}).status_code == 404
    webhook.refresh_from_db()
    assert webhook.active


def test_people_who_cannot_register_webhooks_are_refused(client, people):
    for user in (people.social_worker, people.police, people.shelter_staff):
        client.force_login(user)
        assert client.get(PAGE).status_code == 403


def test_an_admin_chooses_the_organisation(client, people, orgs):
    client.force_login(people.admin)
    client.post(PAGE, {"action": "register", "url": URL, "organisation": str(orgs.ngo_other.pk)})
    assert Webhook.objects.get().organisation == orgs.ngo_other


def test_the_referral_pages_and_the_token_page_link_to_it(client, people):
    client.force_login(people.partner)
    assert PAGE in client.get("/referrals/inbox/").content.decode()
    assert PAGE in client.get("/partner/tokens/").content.decode()
