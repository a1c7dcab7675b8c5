"""Pages of the accounts app, and the health probes."""

from __future__ import annotations

import contextlib
import math
from typing import Any

import redis
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.db import connection
from django.db.models import Max
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.i18n import set_language

from accounts.models import ReminderWatermark, WorkerHeartbeat
from accounts.services import user_set_language
from core.errors import ApplicationError
from core.middleware import client_ip
from core.throttling import over_quota, parse_rate


def sign_in_throttled(request: HttpRequest) -> HttpResponse | None:
    """Count one sign-in attempt (a password or a second-factor code) from the caller's address;
    over LOGIN_RATE_PER_ADDRESS, the 429 page with Retry-After. Axes locks one user at one
    address after repeated failures; this also slows one address trying many users."""
    wait = over_quota(f"sign-in:{client_ip(request)}", parse_rate(settings.LOGIN_RATE_PER_ADDRESS))
    if wait is None:
        return None
    seconds = math.ceil(wait)
    message = _("Too many sign-in attempts from your address. Try again in %(seconds)s seconds.") % {"seconds": seconds}
    response = render(request, "error.html", {"status": 429, "message": message}, status=429)
    response["Retry-After"] = str(seconds)
    return response


class LoginView(auth_views.LoginView):
    """Django's login, with the sign-in rate limit per address in front of the password check."""

    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return sign_in_throttled(request) or super().post(request, *args, **kwargs)


def language_switch(request: HttpRequest) -> HttpResponse:
    """Django's set_language (cookie and redirect), and for a logged-in user the choice is
    also stored on the account, to apply at the next login on any computer."""
    response = set_language(request)
    language = request.POST.get("language", "")
    if request.method == "POST" and request.user.is_authenticated and translation.check_for_language(language):
        with contextlib.suppress(ApplicationError):  # an unknown code changes nothing, as in set_language
            user_set_language(actor=request.user, language=language)
    return response


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers. Touches nothing else, so a database outage does not get
    healthy web processes restarted."""
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: the database and the broker answer. 503 with the failing check named."""
    checks: dict[str, dict[str, Any]] = {"database": _check_database(), "broker": _check_broker()}
    ready = all(check["ok"] for check in checks.values())
    if checks["database"]["ok"]:
        last = WorkerHeartbeat.objects.order_by("-seen_at").values_list("seen_at", flat=True).first()
        checks["worker"] = {"ok": last is not None, "last_heartbeat": last.isoformat() if last else None}
        checks["beat"] = _check_beat()
    return JsonResponse({"status": "ready" if ready else "unavailable", "checks": checks}, status=200 if ready else 503)


# Beat runs the reminder tick every minute; a pulse older than this means beat (or every worker) stopped.
BEAT_STALE_AFTER_SECONDS = 300


def _check_beat() -> dict[str, Any]:
    """The age of the last reminder tick (docs/reminders.md): reported, not part of readiness,
    so that a stopped beat does not take the web processes out of the load balancer."""
    last = ReminderWatermark.objects.aggregate(last=Max("ticked_at"))["last"]
    if last is None:
        return {"ok": False, "last_tick": None, "age_seconds": None}
    age = (timezone.now() - last).total_seconds()
    return {"ok": age <= BEAT_STALE_AFTER_SECONDS, "last_tick": last.isoformat(), "age_seconds": round(age)}


def _check_database() -> dict[str, Any]:
    try:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any failure means "not ready"; the class name says which
        connection.close_if_unusable_or_obsolete()
        return {"ok": False, "error": type(error).__name__}
    return {"ok": True}


def _check_broker() -> dict[str, Any]:
    try:
        client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=2, socket_timeout=2)
        client.ping()
    except Exception as error:
        return {"ok": False, "error": type(error).__name__}
    return {"ok": True}
