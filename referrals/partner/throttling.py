"""A request quota per partner token (default 120 a minute; `PARTNER_API_THROTTLE_RATE`).

DRF's SimpleRateThrottle keeps a list of timestamps and writes it back after reading it, so
concurrent requests can slip past it (encode/django-rest-framework#8127). This throttle counts
in fixed windows with the cache's atomic `add` and `incr` (Redis INCR in production), so every
request is counted exactly once across all web processes. A quota, not a security control:
logins are guarded by django-axes and floods by the proxy in front. With the cache (Redis) down
the counter reads nothing and the request passes: partners keep working through an outage.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import BaseThrottle

from referrals.models import PartnerToken

DEFAULT_RATE = "120/min"
PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str | None) -> tuple[int, int] | None:
    """'120/min' -> (120, 60); None switches throttling off."""
    if rate is None:
        return None
    count, period = rate.split("/")
    return int(count), PERIODS[period.strip()[0]]


class PartnerTokenThrottle(BaseThrottle):
    def __init__(self) -> None:
        # Read per request, so a changed setting (or a test's override_settings) applies at once.
        self.rate = parse_rate(getattr(settings, "PARTNER_API_THROTTLE_RATE", DEFAULT_RATE))
        self.retry_after: float | None = None

    def allow_request(self, request: Any, view: Any) -> bool:
        token = request.auth
        if self.rate is None or not isinstance(token, PartnerToken):
            return True  # unauthenticated calls are refused before any work is done
        limit, period = self.rate
        now = time.time()
        window = int(now // period)
        key = f"partner-throttle:{token.pk}:{period}:{window}"
        # add() creates the counter only if absent; incr() is atomic. The key outlives its
        # window a little so that a slow request never recreates it.
        cache.add(key, 0, timeout=period + 5)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr: this request opens the window
            cache.add(key, 1, timeout=period + 5)
            count = 1
        if count is None or count <= limit:  # None: the cache is down, and a quota is no reason to refuse
            return True
        self.retry_after = (window + 1) * period - now
        return False

    def wait(self) -> float | None:
        return max(1.0, self.retry_after) if self.retry_after is not None else None
