"""Quotas counted in the real Redis (core.throttling): the staff API per user, sign-in attempts
per address (password and second-factor code alike). Over the quota: 429 with Retry-After until
the window ends. (The partner token quota: tests/referrals/test_partner_api.py.)"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db

# Half a minute into a minute window: Retry-After is 30.
MID_WINDOW = datetime(2026, 6, 1, 12, 0, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def fresh_counters():
    """A re-run within the same minute must not find the last run's counters in Redis."""
    cache.delete_pattern("quota:*")


@override_settings(API_THROTTLE_RATE="3/min")
def test_a_staff_user_over_the_api_quota_gets_429_with_retry_after(client, people):
    url = reverse("v1:user-me")
    client.force_login(people.social_worker)
    with time_machine.travel(MID_WINDOW, tick=False):
        assert [client.get(url).status_code for _ in range(3)] == [200, 200, 200]
        throttled = client.get(url)
        assert throttled.status_code == 429
        assert throttled["Retry-After"] == "30"
        assert throttled.json()["code"] == "throttled"
        colleague = Client()
        colleague.force_login(people.manager)
        assert colleague.get(url).status_code == 200, "the quota is per user"
    with time_machine.travel(MID_WINDOW.replace(minute=1), tick=False):
        assert client.get(url).status_code == 200, "a new window opens"


@override_settings(API_THROTTLE_RATE="off")
def test_the_api_quota_can_be_switched_off(client, people):
    client.force_login(people.social_worker)
    assert {client.get(reverse("v1:user-me")).status_code for _ in range(5)} == {200}


@override_settings(LOGIN_RATE_PER_ADDRESS="3/min")
def test_sign_in_attempts_are_limited_per_address(client, people):
    login = reverse("login")
    with time_machine.travel(MID_WINDOW, tick=False):
        # Three different accounts from one address: axes' lockout per user never triggers.
        for username in ("sw", "mgr", "police"):
            assert (
                client.post(login, {"username": username, "password": "x"}, REMOTE_ADDR="10.9.0.1").status_code == 200
            )
        throttled = client.post(login, {"username": "counsellor", "password": "x"}, REMOTE_ADDR="10.9.0.1")
        assert throttled.status_code == 429
        assert throttled["Retry-After"] == "30"
        assert b"Too many sign-in attempts" in throttled.content
        other = client.post(login, {"username": "counsellor", "password": "x"}, REMOTE_ADDR="10.9.0.2")
        assert other.status_code == 200, "another address has its own quota"
        assert client.get(login, REMOTE_ADDR="10.9.0.1").status_code == 200, "the page itself still shows"


@override_settings(LOGIN_RATE_PER_ADDRESS="2/min")
def test_second_factor_codes_count_as_sign_in_attempts(people):
    sw = people.social_worker
    TOTPDevice.objects.create(user=sw, confirmed=True)
    sw.set_password("correct horse battery")
    sw.save(update_fields=["password"])
    browser = Client(REMOTE_ADDR="10.9.0.3")
    with time_machine.travel(MID_WINDOW, tick=False):
        assert (
            browser.post(reverse("login"), {"username": "sw", "password": "correct horse battery"}).status_code == 302
        )
        assert browser.post(reverse("two_factor:verify"), {"token": "000000"}).status_code == 400
        assert browser.post(reverse("two_factor:verify"), {"token": "000000"}).status_code == 429
