"""Partner API tokens (docs/design/access.md: one token per partner organisation, revocable, rotated without
downtime): issued once in plaintext and kept as a SHA-256 digest, several active at a time,
revocation and expiry effective on the next request, last use recorded, who may manage them,
and the token page."""

import hashlib
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, Role
from core.errors import ApplicationError, PermissionDenied
from referrals.models import PartnerToken
from referrals.partner.tokens import manage_partner_token, token_issue, token_revoke
from tests.factories import make_user
from tests.permission_checks import assert_predicate_matches_filter

pytestmark = pytest.mark.django_db

NEW_TOKEN = re.compile(r'<code id="new-token">(pw_[A-Za-z0-9_-]+)</code>')


def pull(api, plaintext, **params):
    """The simplest partner call: the first page of referrals."""
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    return api.get(reverse("v1:partner-referral-list"), params)


@pytest.fixture
def issued(people, orgs):
    return token_issue(actor=people.partner, organisation=orgs.ngo, name="case system sync")


# --- Issue: plaintext once, digest at rest ------------------------------------------------------------
def test_issue_returns_the_plaintext_once_and_stores_only_its_sha256_digest(issued, people):
    token, plaintext = issued
    assert re.fullmatch(r"pw_[A-Za-z0-9_-]{43}", plaintext)
    stored = PartnerToken.objects.get(pk=token.pk)
    assert stored.digest == hashlib.sha256(plaintext.encode()).hexdigest()
    assert stored.prefix == plaintext[:12]
    assert (stored.organisation.code, stored.name, stored.created_by) == ("t-ngo", "case system sync", people.partner)
    row = {field.attname: getattr(stored, field.attname) for field in PartnerToken._meta.concrete_fields}
    assert not any(plaintext in str(value) for value in row.values()), "the plaintext must not be stored"
    assert not any(plaintext in str(event.__dict__) for event in AuditEvent.objects.all())
    audit = AuditEvent.objects.get(object_type="referrals.partnertoken", object_id=str(token.pk))
    assert (audit.action, audit.actor) == ("create", people.partner)
    assert token.prefix in audit.reason


def test_every_token_is_new(people, orgs):
    plaintexts = {token_issue(actor=people.partner, organisation=orgs.ngo, name=f"t{i}")[1] for i in range(5)}
    assert len(plaintexts) == 5


def test_a_token_needs_a_name_and_a_future_expiry(people, orgs):
    with pytest.raises(ApplicationError) as blank:
        token_issue(actor=people.partner, organisation=orgs.ngo, name="  ")
    assert "name" in blank.value.fields
    with pytest.raises(ApplicationError) as past:
        token_issue(actor=people.partner, organisation=orgs.ngo, name="x", expires_at=timezone.now())
    assert "expires_at" in past.value.fields
    assert not PartnerToken.objects.exists()


# --- Authentication ------------------------------------------------------------------------------------
def test_several_tokens_work_at_once_so_a_partner_rotates_without_downtime(api, people, orgs, issued):
    old, old_plaintext = issued
    _, new_plaintext = token_issue(actor=people.partner, organisation=orgs.ngo, name="new server")
    assert pull(api, old_plaintext).status_code == 200
    assert pull(api, new_plaintext).status_code == 200
    token_revoke(actor=people.partner, token=old)
    assert pull(api, new_plaintext).status_code == 200


def test_revoking_takes_effect_on_the_very_next_request(api, people, issued):
    token, plaintext = issued
    assert pull(api, plaintext).status_code == 200
    token_revoke(actor=people.partner, token=token)
    response = pull(api, plaintext)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json() == {
        "detail": "Invalid, expired or revoked token.",
        "code": "authentication_failed",
        "errors": {},
    }
    token.refresh_from_db()
    assert (token.revoked_by, token.revoked_at is not None) == (people.partner, True)
    assert AuditEvent.objects.filter(object_id=str(token.pk), action="update", fields=["revoked_at"]).count() == 1


def test_revoking_twice_changes_nothing_more(people, issued):
    token, _ = issued
    first = token_revoke(actor=people.partner, token=token).revoked_at
    assert token_revoke(actor=people.admin, token=token).revoked_at == first
    assert AuditEvent.objects.filter(object_id=str(token.pk), fields=["revoked_at"]).count() == 1


def test_expired_tokens_are_refused(api, people, orgs):
    token, plaintext = token_issue(
        actor=people.partner, organisation=orgs.ngo, name="short", expires_at=timezone.now() + timedelta(hours=1)
    )
    assert pull(api, plaintext).status_code == 200
    PartnerToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert pull(api, plaintext).status_code == 401


def test_a_deactivated_organisations_tokens_are_refused(api, orgs, issued):
    _, plaintext = issued
    orgs.ngo.is_active = False
    orgs.ngo.save()
    assert pull(api, plaintext).status_code == 401


@pytest.mark.parametrize(
    "header",
    [
        None,
        "Bearer",
        "Bearer pw_not-a-real-token-at-all",
        "Bearer two words",
        "Bearer {plaintext}x",
        "Token {plaintext}",
        "Basic cGFydG5lcjpwYXNzd29yZA==",
    ],
)
def test_missing_unknown_and_malformed_credentials_get_401(api, issued, header):
    _, plaintext = issued
    if header is not None:
        api.credentials(HTTP_AUTHORIZATION=header.format(plaintext=plaintext))
    response = api.get(reverse("v1:partner-referral-list"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="pathway-partner-api"'
    assert set(response.json()) == {"detail", "code", "errors"}


def test_last_use_is_recorded_at_most_once_a_minute(api, issued):
    token, plaintext = issued
    assert token.last_used_at is None
    pull(api, plaintext)
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None and timezone.now() - first < timedelta(seconds=30)

    with CaptureQueriesContext(connection) as queries:
        pull(api, plaintext)
    assert not [q for q in queries if 'UPDATE "referrals_partnertoken"' in q["sql"]]
    token.refresh_from_db()
    assert token.last_used_at == first

    PartnerToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(minutes=2))
    pull(api, plaintext)
    token.refresh_from_db()
    assert token.last_used_at > first - timedelta(seconds=1)


# --- Who may manage tokens ---------------------------------------------------------------------------------
@pytest.fixture
def staff(people, orgs):
    return {
        "ngo partner": people.partner,
        "ngo manager": make_user("ngo-mgr", orgs.ngo, Role.MANAGER),
        "admin": people.admin,
        "ngo social worker": make_user("ngo-sw", orgs.ngo, Role.SOCIAL_WORKER),
        "other ngo partner": make_user("ngo2-partner", orgs.ngo_other, Role.PARTNER),
        "other ngo manager": make_user("ngo2-mgr", orgs.ngo_other, Role.MANAGER),
        "mlsw manager": people.manager,
        "national manager": people.national_manager,
    }


MAY_MANAGE_NGO_TOKENS = {"ngo partner", "ngo manager", "admin"}


@pytest.mark.parametrize(
    "who",
    [
        "ngo partner",
        "ngo manager",
        "admin",
        "ngo social worker",
        "other ngo partner",
        "other ngo manager",
        "mlsw manager",
        "national manager",
    ],
)
def test_who_may_issue_and_revoke_a_partners_tokens(staff, orgs, people, who):
    user = staff[who]
    victim, _ = token_issue(actor=people.partner, organisation=orgs.ngo, name="existing")
    if who in MAY_MANAGE_NGO_TOKENS:
        token, _ = token_issue(actor=user, organisation=orgs.ngo, name=f"by {who}")
        assert token.created_by == user
        assert token_revoke(actor=user, token=victim).revoked_at is not None
    else:
        with pytest.raises(PermissionDenied):
            token_issue(actor=user, organisation=orgs.ngo, name=f"by {who}")
        with pytest.raises(PermissionDenied):
            token_revoke(actor=user, token=victim)
        victim.refresh_from_db()
        assert victim.revoked_at is None
        assert PartnerToken.objects.count() == 1


def test_the_token_permission_predicate_and_filter_agree(staff, people, orgs):
    tokens = [
        token_issue(actor=people.partner, organisation=orgs.ngo, name="ours")[0],
        token_issue(actor=people.admin, organisation=orgs.ngo_other, name="theirs")[0],
    ]
    assert_predicate_matches_filter(manage_partner_token, [*staff.values(), *people.all], tokens)


def test_only_ngos_get_tokens(people, orgs):
    with pytest.raises(PermissionDenied):
        token_issue(actor=people.admin, organisation=orgs.mlsw_vt, name="not a partner")
    with pytest.raises(PermissionDenied):
        token_issue(actor=people.manager, organisation=orgs.mlsw_vt, name="not a partner")


# --- The page ------------------------------------------------------------------------------------------------
PAGE = "/partner/tokens/"


def test_the_page_creates_a_token_shows_it_once_and_revokes_it(client, api, people):
    client.force_login(people.partner)
    page = client.get(PAGE)
    assert page.status_code == 200
    assert "No tokens yet." in page.content.decode()

    created = client.post(PAGE, {"action": "create", "name": "case system sync"})
    assert created.status_code == 200
    assert "no-store" in created["Cache-Control"]
    plaintext = NEW_TOKEN.search(created.content.decode()).group(1)
    token = PartnerToken.objects.get()
    assert token.digest == hashlib.sha256(plaintext.encode()).hexdigest()
    assert token.organisation.code == "t-ngo"
    assert pull(api, plaintext).status_code == 200

    again = client.get(PAGE).content.decode()
    assert plaintext not in again, "the plaintext is shown once, never again"
    assert token.prefix in again and "case system sync" in again
    assert 'id="new-token"' not in again

    revoked = client.post(PAGE, {"action": "revoke", "token": str(token.pk)})
    assert revoked.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert pull(api, plaintext).status_code == 401
    listing = client.get(PAGE).content.decode()
    assert "revoked" in listing and "Revoke</button>" not in listing


def test_the_page_sets_an_expiry_and_shows_the_last_use(client, api, people):
    client.force_login(people.partner)
    day = timezone.localdate() + timedelta(days=30)
    created = client.post(PAGE, {"action": "create", "name": "expiring", "expires_on": day.isoformat()})
    plaintext = NEW_TOKEN.search(created.content.decode()).group(1)
    token = PartnerToken.objects.get()
    assert timezone.localtime(token.expires_at).date() == day + timedelta(days=1)
    pull(api, plaintext)
    assert "never" not in client.get(PAGE).content.decode()


def test_the_page_refuses_a_blank_name_and_a_past_expiry(client, people):
    client.force_login(people.partner)
    assert client.post(PAGE, {"action": "create", "name": ""}).status_code == 400
    past = (timezone.localdate() - timedelta(days=2)).isoformat()
    response = client.post(PAGE, {"action": "create", "name": "x", "expires_on": past})
    assert response.status_code == 400
    html = response.content.decode()
    assert "The expiry must be in the future." in html
    # the error summary at the top of the form links to the field (issue 17.6)
    assert 'class="errors error-summary"' in html and 'href="#id_expires_on"' in html
    assert not PartnerToken.objects.exists()


def test_the_page_posts_need_the_csrf_token(people):
    client = Client(enforce_csrf_checks=True)
    client.force_login(people.partner)
    assert client.post(PAGE, {"action": "create", "name": "no csrf"}).status_code == 403
    assert not PartnerToken.objects.exists()


def test_another_ngo_neither_sees_nor_revokes_our_tokens(client, people, orgs, issued):
    token, _ = issued
    client.force_login(make_user("ngo2-partner", orgs.ngo_other, Role.PARTNER))
    assert token.prefix not in client.get(PAGE).content.decode()
    assert client.post(PAGE, {"action": "revoke", "token": str(token.pk)}).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_an_admin_chooses_the_organisation(client, people, orgs):
    client.force_login(people.admin)
    page = client.get(PAGE).content.decode()
    assert "t-ngo-2" in page or "Test organisation t-ngo-2" in page
    client.post(PAGE, {"action": "create", "name": "for ngo 2", "organisation": str(orgs.ngo_other.pk)})
    assert PartnerToken.objects.get().organisation == orgs.ngo_other


@pytest.mark.parametrize("persona", ["social_worker", "manager", "national_manager", "police", "statistician"])
def test_staff_outside_partner_ngos_are_refused_the_page(client, people, persona):
    client.force_login(getattr(people, persona))
    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, {"action": "create", "name": "x"}).status_code == 403


def test_the_page_needs_a_login(client, reference):
    response = client.get(PAGE)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
