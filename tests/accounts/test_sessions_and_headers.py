"""Sessions end after SESSION_COOKIE_AGE of idleness (every request pushes the end back), the
session cookie is HttpOnly and SameSite (Secure in production: tests/test_deployment.py), and
every page carries the strict Content Security Policy, with a fresh nonce for our inline script."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from tests.factories import open_case

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
IDLE = settings.SESSION_COOKIE_AGE


def stored_expiry(client) -> timezone.datetime:  # type: ignore[no-untyped-def]
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_an_idle_session_expires_and_activity_keeps_it_alive(client, people):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.force_login(people.social_worker)
        assert client.get(reverse("home")).status_code == 200
        assert stored_expiry(client) == start + timedelta(seconds=IDLE)
    # Active a minute before the idle limit: the session lives on, and its end moves.
    later = start + timedelta(seconds=IDLE - 60)
    with time_machine.travel(later, tick=False):
        assert client.get(reverse("home")).status_code == 200
        assert stored_expiry(client) == later + timedelta(seconds=IDLE)
    # Idle one second too long: back to the login page.
    with time_machine.travel(later + timedelta(seconds=IDLE + 1), tick=False):
        answer = client.get(reverse("home"))
    assert answer.status_code == 302 and answer["Location"].startswith(reverse("login"))


def test_a_session_whose_stored_expiry_is_past_is_refused(client, people):
    client.force_login(people.social_worker)
    key = client.session.session_key
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    assert client.get(reverse("home"))["Location"].startswith(reverse("login"))
    assert client.get(reverse("v1:user-me")).status_code == 403


@override_settings(SESSION_COOKIE_SECURE=True)  # as production sets it (tests/test_deployment.py)
def test_the_session_cookie_is_http_only_same_site_and_secure_where_configured(client, people):
    people.social_worker.set_password("correct horse battery")
    people.social_worker.save(update_fields=["password"])
    answer = client.post(reverse("login"), {"username": "sw", "password": "correct horse battery"})
    cookie = answer.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["secure"] is True
    assert int(cookie["max-age"]) == IDLE


def directives(answer) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    policy = answer["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split("; ")}


def test_pages_carry_the_strict_policy(client, people):
    for answer in (client.get(reverse("login")), _as(client, people.social_worker).get(reverse("home"))):
        policy = directives(answer)
        assert policy["default-src"] == ["'self'"]
        assert policy["object-src"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert policy["base-uri"] == ["'self'"]
        assert policy["form-action"] == ["'self'"]
        assert policy["style-src"] == ["'self'"]
        assert "'unsafe-inline'" not in answer["Content-Security-Policy"]
        assert "'unsafe-eval'" not in answer["Content-Security-Policy"]
    assert client.get(reverse("v1:user-me")).has_header("Content-Security-Policy"), "the API too"


def test_the_inline_script_runs_only_with_the_requests_nonce(client, people):
    case = open_case(people.social_worker)
    client.force_login(people.social_worker)
    nonces = set()
    for _ in range(2):
        answer = client.get(reverse("casework:screening-new", args=[case.pk]))
        script_src = directives(answer)["script-src"]
        nonce = re.search(rb'<script nonce="([^"]+)">', answer.content).group(1).decode()
        assert f"'nonce-{nonce}'" in script_src
        nonces.add(nonce)
    assert len(nonces) == 2, "a new nonce for every response"


def test_only_the_api_documentation_pages_allow_inline_styles(client, people):
    client.force_login(people.social_worker)
    docs = client.get(reverse("swagger"))
    assert not [source for source in directives(docs)["script-src"] if source.startswith("http")]
    assert "'unsafe-inline'" in directives(docs)["style-src"]
    assert b"<script>" not in docs.content, "swagger's start-up script is served from our URL"
    script = client.get(reverse("swagger") + "?script=")
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")
    assert "'unsafe-inline'" in directives(client.get(reverse("redoc")))["style-src"]
    assert "'unsafe-inline'" not in client.get(reverse("home"))["Content-Security-Policy"]


def test_no_template_has_inline_styles_handlers_or_scripts_without_a_nonce():
    """What the policy would block: found here rather than in a browser console."""
    problems = []
    for template in sorted((ROOT / "templates").rglob("*.html")):
        text = template.read_text()
        for pattern, what in (
            (r"<style", "a <style> block (use a static stylesheet)"),
            (r"\sstyle=", "a style= attribute"),
            (r"\son[a-z]+=", "an inline event handler (use a static script)"),
            (r"<script(?![^>]*\b(?:src|nonce)=)", "an inline <script> without a nonce"),
            (r"javascript:", "a javascript: URL"),
        ):
            if re.search(pattern, text):
                problems.append(f"{template.relative_to(ROOT)}: {what}")
    assert problems == []


def _as(client, user):  # type: ignore[no-untyped-def]
    client.force_login(user)
    return client
