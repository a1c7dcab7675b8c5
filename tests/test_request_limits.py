"""Requests Django refuses before any view runs: a body over DATA_UPLOAD_MAX_MEMORY_SIZE is a 413
and a bad Host header a 400, on /api/ in the API's JSON error shape (never Django's bare HTML
page), on pages the error page (core.error_pages.bad_request, core.api.errors)."""

import json

import pytest
from django.conf import settings
from django.urls import reverse

from casework.models import Case

pytestmark = pytest.mark.django_db

OVERSIZED = settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1


def assert_api_error(response, status):  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"detail", "code", "errors"}
    return body


def test_an_oversized_json_body_is_a_413_in_the_api_error_shape(api, people):
    api.force_login(people.social_worker)
    body = json.dumps({"summary": "x" * OVERSIZED})
    response = api.generic("POST", reverse("v1:case-list"), body, content_type="application/json")
    assert assert_api_error(response, 413)["code"] == "too_large"
    assert not Case.objects.exists()


def test_an_oversized_form_body_to_the_api_is_a_413_in_the_api_error_shape(api, people):
    api.force_login(people.social_worker)
    body = "summary=" + "x" * OVERSIZED
    response = api.generic("POST", reverse("v1:case-list"), body, content_type="application/x-www-form-urlencoded")
    assert assert_api_error(response, 413)["code"] == "too_large"


def test_a_bad_host_on_the_api_is_a_400_in_the_api_error_shape(api, people):
    api.force_login(people.social_worker)
    response = api.get(reverse("v1:case-list"), HTTP_HOST="attacker.example")
    assert assert_api_error(response, 400)["code"] == "bad_request"


def test_an_oversized_form_on_a_page_is_the_413_error_page(client):
    body = "username=" + "x" * OVERSIZED
    response = client.generic("POST", reverse("login"), body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/html")
    assert b"too large" in response.content
