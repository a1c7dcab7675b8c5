"""The second factor (TOTP, django-otp): set up an app, log in with the password then a code,
organisations that require it, the API's session refusal, partner tokens left alone, and the
administrator's audited reset. Codes are computed from the device's key, as a phone would."""

from __future__ import annotations

import time
from base64 import b32decode

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from accounts import services
from accounts.models import AuditAction, AuditEvent, User
from referrals.partner.tokens import token_issue

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"


def code(key: bytes) -> str:
    """The 6 digits an authenticator app shows for `key` now."""
    return f"{hotp(key, int(time.time() // 30), digits=6):06d}"


def device_for(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


def log_in(client, user: User) -> None:  # type: ignore[no-untyped-def]
    user.set_password(PASSWORD)
    user.language = "en"  # users are created with Lao; these tests read the English messages
    user.save(update_fields=["password", "language"])
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, "the password step failed"


def require_two_factor(organisation, admin) -> None:  # type: ignore[no-untyped-def]
    organisation.two_factor_required = True
    services.organisation_update(actor=admin, organisation=organisation, fields=["two_factor_required"])


def test_a_user_sets_up_an_app_and_the_session_counts_as_verified(client, people):
    sw = people.social_worker
    client.force_login(sw)
    page = client.get(reverse("two_factor:setup"))
    assert page.status_code == 200
    assert b"<svg" in page.content and b'id="otp-secret"' in page.content
    device = TOTPDevice.objects.get(user=sw, confirmed=False)
    assert client.get(reverse("two_factor:setup")).context["secret"] == page.context["secret"], "stable on reload"
    assert b32decode(page.context["secret"].replace(" ", "")) == device.bin_key

    wrong = client.post(reverse("two_factor:setup"), {"token": "000000" if code(device.bin_key) != "000000" else "1"})
    assert wrong.status_code == 400
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed

    with time_machine.travel(time.time() + 5, tick=False):  # past django-otp's wait after a wrong code
        done = client.post(reverse("two_factor:setup"), {"token": code(device.bin_key)})
    assert done.status_code == 302 and done["Location"] == reverse("home")
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert AuditEvent.objects.filter(
        actor=sw, action=AuditAction.CREATE, object_type="otp_totp.totpdevice", object_id=str(device.pk)
    ).exists()
    assert client.get(reverse("home")).status_code == 200, "the code just typed verified this session"
    enrolled = client.get(reverse("two_factor:setup"))
    assert b'id="otp-secret"' not in enrolled.content, "the secret is never shown again"


def test_a_login_needs_the_code_after_the_password_for_pages_and_the_api(client, people):
    sw = people.social_worker
    device = device_for(sw)
    log_in(client, sw)
    case_list = reverse("casework:case-list")
    waiting = client.get(case_list)
    assert waiting.status_code == 302
    assert waiting["Location"] == f"{reverse('two_factor:verify')}?next=%2Fcases%2F"
    assert client.get("/admin/").status_code == 302, "the admin waits too"
    refused = client.get(reverse("v1:user-me"))
    assert refused.status_code == 403 and refused.json()["code"] == "two_factor_required"

    wrong = client.post(reverse("two_factor:verify"), {"token": "12345x", "next": case_list})
    assert wrong.status_code == 400
    assert AuditEvent.objects.filter(actor=sw, action=AuditAction.LOGIN_FAILED, reason="second factor").exists()

    # django-otp makes the next try wait after a failure: move past that wait.
    with time_machine.travel(time.time() + 5, tick=False):
        right = client.post(reverse("two_factor:verify"), {"token": code(device.bin_key), "next": case_list})
    assert right.status_code == 302 and right["Location"] == case_list
    assert AuditEvent.objects.filter(actor=sw, action=AuditAction.LOGIN, reason="second factor").exists()
    assert client.get(case_list).status_code == 200
    assert client.get(reverse("v1:user-me")).status_code == 200
    assert client.get(reverse("two_factor:verify")).status_code == 302, "nothing more is owed"


def test_wrong_codes_make_the_next_try_wait_even_with_the_right_code(client, people):
    device = device_for(people.social_worker)
    log_in(client, people.social_worker)
    with time_machine.travel(time.time(), tick=False):
        client.post(reverse("two_factor:verify"), {"token": "000001"})
        client.post(reverse("two_factor:verify"), {"token": "000002"})
        blocked = client.post(reverse("two_factor:verify"), {"token": code(device.bin_key)})
    assert blocked.status_code == 400
    assert b"Too many wrong codes" in blocked.content
    assert client.get(reverse("home")).status_code == 302


def test_after_the_code_only_an_address_on_this_site_is_followed(client, people):
    device = device_for(people.social_worker)
    log_in(client, people.social_worker)
    answer = client.post(reverse("two_factor:verify"), {"token": code(device.bin_key), "next": "https://evil.example"})
    assert answer["Location"] == "/"


def test_an_organisation_that_requires_it_sends_members_to_set_up_first(client, people, orgs):
    require_two_factor(orgs.mlsw_vt, people.admin)
    assert AuditEvent.objects.filter(
        object_type="accounts.organisation", object_id=str(orgs.mlsw_vt.pk), fields=["two_factor_required"]
    ).exists()
    sw = people.social_worker
    log_in(client, sw)
    for path in (reverse("home"), reverse("casework:case-list"), reverse("notifications:list"), "/admin/"):
        answer = client.get(path)
        assert answer.status_code == 302 and answer["Location"].startswith(reverse("two_factor:setup")), path
    assert client.get(reverse("v1:case-list")).json()["code"] == "two_factor_required"
    assert client.post(reverse("set_language"), {"language": "en"}).status_code == 302
    page = client.get(reverse("two_factor:setup"))
    assert b"Your organisation requires" in page.content
    device = TOTPDevice.objects.get(user=sw)
    assert client.post(reverse("two_factor:setup"), {"token": code(device.bin_key)}).status_code == 302
    assert client.get(reverse("casework:case-list")).status_code == 200
    # Other organisations are not affected.
    other = Client()
    log_in(other, people.outsider)
    assert other.get(reverse("casework:case-list")).status_code == 200
    # Logging out is always possible.
    client.post(reverse("logout"))
    assert client.get(reverse("home"))["Location"].startswith(reverse("login"))


def test_switching_the_requirement_on_applies_to_sessions_already_open(client, people, orgs):
    client.force_login(people.social_worker)
    assert client.get(reverse("home")).status_code == 200
    require_two_factor(orgs.mlsw_vt, people.admin)
    assert client.get(reverse("home"))["Location"].startswith(reverse("two_factor:setup"))


def test_partner_tokens_are_unaffected(people, orgs):
    require_two_factor(orgs.ngo, people.admin)
    _, plaintext = token_issue(actor=people.partner, organisation=orgs.ngo, name="integration")
    api = APIClient()
    answer = api.get(reverse("v1:partner-referral-list"), HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    assert answer.status_code == 200


def test_an_admin_resets_a_lost_device_with_a_reason(client, people, orgs):
    sw, admin = people.social_worker, people.admin
    device = device_for(sw)
    url = reverse("two_factor:reset", args=[sw.pk])
    client.force_login(people.national_manager)
    assert client.post(url, {"reason": "lost phone"}).status_code == 404, "an administrator or the user's manager"
    require_two_factor(orgs.mlsw_vt, admin)
    client.force_login(admin)
    assert client.get(url).status_code == 200
    no_reason = client.post(url, {"reason": "  "})
    assert no_reason.status_code == 400
    assert TOTPDevice.objects.filter(pk=device.pk).exists(), "nothing half-done"

    done = client.post(url, {"reason": "lost phone, ticket 42"})
    assert done.status_code == 302
    assert not TOTPDevice.objects.filter(user=sw).exists()
    event = AuditEvent.objects.get(actor=admin, object_id=str(sw.pk), fields=["two_factor_device"])
    assert event.reason == "lost phone, ticket 42"

    other = Client()
    log_in(other, sw)
    assert other.get(reverse("home"))["Location"].startswith(reverse("two_factor:setup")), "enrols again"


def test_the_admin_edits_the_requirement_and_shows_the_reset_link(client, people, orgs):
    admin = people.admin
    User.objects.filter(pk=admin.pk).update(is_staff=True)
    client.force_login(admin)
    change = reverse("admin:accounts_organisation_change", args=[orgs.ngo_other.pk])
    form = client.get(change)
    assert b"two_factor_required" in form.content
    values = {
        "code": orgs.ngo_other.code,
        "name_en": orgs.ngo_other.name_en,
        "name_lo": "",
        "kind": orgs.ngo_other.kind,
        "province": orgs.ngo_other.province_id,
        "is_active": "on",
        "two_factor_required": "on",
    }
    assert client.post(change, values).status_code == 302
    orgs.ngo_other.refresh_from_db()
    assert orgs.ngo_other.two_factor_required
    assert AuditEvent.objects.filter(
        actor=admin, object_id=str(orgs.ngo_other.pk), fields=["two_factor_required"]
    ).exists()
    user_page = client.get(reverse("admin:accounts_user_change", args=[people.social_worker.pk]))
    assert reverse("two_factor:reset", args=[people.social_worker.pk]).encode() in user_page.content
