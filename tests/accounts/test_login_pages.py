from datetime import timedelta

import pytest
import time_machine
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditAction, AuditEvent
from core.middleware import client_ip

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"


@pytest.fixture
def worker(people):
    people.social_worker.set_password(PASSWORD)
    people.social_worker.save()
    return people.social_worker


def test_pages_need_a_login(client, reference):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_worker_logs_in_and_out(client, worker):
    response = client.post(reverse("login"), {"username": "sw", "password": PASSWORD}, follow=True)
    assert response.status_code == 200
    assert b"sw" in response.content
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302


def test_a_wrong_password_keeps_the_username_and_says_so(client, worker):
    response = client.post(reverse("login"), {"username": "sw", "password": "nope"})
    assert response.status_code == 200
    assert b'value="sw"' in response.content
    assert b"errors" in response.content


def test_lockout_is_per_user_and_address(client, worker, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "sw", "password": "nope"}, REMOTE_ADDR="10.0.0.1")
    locked = client.post(reverse("login"), {"username": "sw", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1")
    assert locked.status_code == 429
    # The same person from another office address can still log in: no malicious lockout.
    other = client.post(reverse("login"), {"username": "sw", "password": PASSWORD}, REMOTE_ADDR="10.0.0.2")
    assert other.status_code == 302


def test_the_login_page_is_offered_in_lao(client, reference):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="lo")
    assert b'lang="lo"' in response.content


def fail(client, username: str, times: int, **meta) -> None:  # type: ignore[no-untyped-def]
    for _ in range(times):
        client.post(reverse("login"), {"username": username, "password": "nope"}, **meta)


def behind_proxy(client_address: str, forged: str = "") -> dict[str, str]:
    """A request as the reverse proxy (10.0.0.254) passes it on: the proxy appends the address it
    saw to whatever X-Forwarded-For the client sent."""
    chain = f"{forged}, {client_address}" if forged else client_address
    return {"REMOTE_ADDR": "10.0.0.254", "HTTP_X_FORWARDED_FOR": chain}


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_the_proxy_the_lockout_and_the_audit_see_the_real_client(client, worker, settings):
    fail(client, "sw", settings.AXES_FAILURE_LIMIT, **behind_proxy("198.51.100.7"))
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED, ip_address="198.51.100.7").exists()
    login = {"username": "sw", "password": PASSWORD}
    assert client.post(reverse("login"), login, **behind_proxy("198.51.100.7")).status_code == 429
    # A forged X-Forwarded-For does not escape: the proxy's own entry is the one that counts.
    assert client.post(reverse("login"), login, **behind_proxy("198.51.100.7", forged="192.0.2.1")).status_code == 429
    # A colleague behind the same proxy is not locked out with them.
    assert client.post(reverse("login"), login, **behind_proxy("198.51.100.8")).status_code == 302


def test_without_a_trusted_proxy_x_forwarded_for_is_ignored(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    request = rf.get("/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="192.0.2.1")
    assert client_ip(request) == "203.0.113.9"
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.1, 198.51.100.3, 10.0.0.1")) == (
        "198.51.100.3"
    )
    assert client_ip(rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.3")) == "10.0.0.2"
    assert client_ip(rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="junk, 10.0.0.1")) == "10.0.0.2"


def test_the_lockout_lifts_itself_after_the_cool_off(client, worker, settings):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        fail(client, "sw", settings.AXES_FAILURE_LIMIT, REMOTE_ADDR="10.0.0.3")
        login = {"username": "sw", "password": PASSWORD}
        assert client.post(reverse("login"), login, REMOTE_ADDR="10.0.0.3").status_code == 429
    with time_machine.travel(start + timedelta(hours=settings.AXES_COOLOFF_TIME, minutes=1), tick=False):
        assert client.post(reverse("login"), login, REMOTE_ADDR="10.0.0.3").status_code == 302


@pytest.mark.parametrize("locked_attempts_restart_the_cool_off", [True, False])
def test_the_lockout_says_when_to_retry(client, worker, settings, locked_attempts_restart_the_cool_off):
    """429 with Retry-After: the seconds until the cool-off lifts it, for the page and for a
    script (axes answers an XMLHttpRequest in JSON). By default a try while locked out starts
    the cool-off again (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT)."""
    settings.AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = locked_attempts_restart_the_cool_off
    start = timezone.now()
    cool_off = int(settings.AXES_COOLOFF_TIME * 3600)
    login = {"username": "sw", "password": PASSWORD}
    with time_machine.travel(start, tick=False):
        fail(client, "sw", settings.AXES_FAILURE_LIMIT, REMOTE_ADDR="10.0.0.4")
    with time_machine.travel(start + timedelta(seconds=60), tick=False):
        page = client.post(reverse("login"), login, REMOTE_ADDR="10.0.0.4")
        script = client.post(reverse("login"), login, REMOTE_ADDR="10.0.0.4", HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    for locked in (page, script):
        assert locked.status_code == 429
        assert locked["Retry-After"] == str(cool_off if locked_attempts_restart_the_cool_off else cool_off - 60)
    assert script["Content-Type"] == "application/json"


def test_the_admin_has_no_login_form_of_its_own(client, reference):
    answer = client.get("/admin/login/")
    assert answer.status_code == 302 and answer["Location"].startswith(reverse("login"))
