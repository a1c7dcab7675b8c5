"""Request-scoped context for the audit log, login-required pages, and the lockout's Retry-After."""

from __future__ import annotations

import ipaddress
import math
import uuid
from collections.abc import Callable
from typing import Any

import pghistory.middleware
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.views import defaults

from core import errors
from core.context import RequestContext, current, request_context


class RequestContextMiddleware:
    """Give each request an id and the caller's address so that audit rows written deep inside
    services know where the request came from, without passing the request everywhere."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request.headers.get("X-Request-ID", "")[:64] or uuid.uuid4().hex
        context = RequestContext(ip_address=client_ip(request), request_id=request_id)
        with request_context(context):
            response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT reverse proxies the
    address the outermost one saw. Each proxy appends the address it received the request from
    to X-Forwarded-For, so that is the Nth entry from the right; anything further left was sent
    by the client and may be forged. django-axes (AXES_CLIENT_IP_CALLABLE), the sign-in rate
    limit and the audit log all ask here, so they agree on who is knocking."""
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    chain = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if entry.strip()]
    if len(chain) < proxies:
        return remote  # not through all of our proxies: the nearest address is all we know
    candidate = chain[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


class PageLoginRequiredMiddleware(LoginRequiredMiddleware):
    """Every page needs a login unless marked otherwise; the API answers 401/403 itself (DRF
    authenticates partner tokens, which this middleware cannot see), so it is left to DRF."""

    def process_view(self, request, view_func, view_args, view_kwargs):  # type: ignore[no-untyped-def]
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class HistoryMiddleware(pghistory.middleware.HistoryMiddleware):
    """pghistory's context (user, URL) plus the request id, which ties a row's history to the
    audit rows of the same request."""

    def get_context(self, request: HttpRequest) -> dict[str, Any]:
        return {**super().get_context(request), "request_id": current().request_id}


class UserLanguageMiddleware:
    """Remember the language per user: at login, the user's stored language becomes the language
    cookie (the login signal leaves it on the request); LocaleMiddleware reads that cookie on
    every later request. The switch (accounts.views.language_switch) stores a new choice on the
    user as well as in the cookie, so it follows the user to another computer."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        language = getattr(request, "pathway_language", None)
        if language and translation.check_for_language(language):
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            )
        return response


class PageErrorMiddleware:
    """Pages call the same services and permission gates as the API: their NotFound and
    PermissionDenied become Django's 404 and 403 pages (the API maps them to JSON itself)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, errors.NotFound):
            return defaults.page_not_found(request, exception)
        if isinstance(exception, errors.PermissionDenied):
            return defaults.permission_denied(request, exception)
        return None


class LockoutRetryAfterMiddleware:
    """Adds Retry-After to django-axes' lockout (429), which it wraps (listed just before
    AxesMiddleware): the seconds until the cool-off lifts it, counted from the last failed
    attempt of this user name from this address."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(request, "axes_locked_out", False) and response.status_code == 429:
            response["Retry-After"] = str(lockout_seconds_left(request))
        return response


def lockout_seconds_left(request: HttpRequest) -> int:
    cool_off = get_cool_off(request)
    if cool_off is None:
        return 3600  # a lockout without a cool-off lasts until an administrator lifts it
    username = get_client_username(request, getattr(request, "axes_credentials", None))
    attempts = AccessAttempt.objects.filter(username=username, ip_address=getattr(request, "axes_ip_address", None))
    last = attempts.aggregate(last=Max("attempt_time"))["last"] or timezone.now()
    return max(1, math.ceil((last + cool_off - timezone.now()).total_seconds()))
