"""Fixed-window request quotas counted in the shared cache (Redis), for the API throttles
(core.api.throttling) and the sign-in rate limit per address (accounts.two_factor.views).

DRF's SimpleRateThrottle keeps a list of timestamps and writes it back after reading it, so
concurrent requests can slip past it (encode/django-rest-framework#8127). These counters use the
cache's atomic `add` and `incr` (Redis INCR), so every request is counted exactly once across all
web processes. With the cache (Redis) down the counter reads nothing and the request passes: a
quota is no reason to stop work during an outage (axes' lockout lives in the database).
"""

from __future__ import annotations

import time

from django.core.cache import cache

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str | None) -> tuple[int, int] | None:
    """'120/min' -> (120, 60); None or 'off' switches the quota off."""
    if rate is None or rate.strip().lower() == "off":
        return None
    count, period = rate.split("/")
    return int(count), PERIODS[period.strip()[0]]


def over_quota(key: str, rate: tuple[int, int] | None) -> float | None:
    """Count one request under `key`; the seconds to wait when this one is over the quota,
    else None."""
    if rate is None:
        return None
    limit, period = rate
    now = time.time()
    window = int(now // period)
    counter = f"quota:{key}:{period}:{window}"
    # add() creates the counter only if absent; incr() is atomic. The key outlives its window a
    # little so that a slow request never recreates it.
    cache.add(counter, 0, timeout=period + 5)
    try:
        count = cache.incr(counter)
    except ValueError:  # expired between add and incr: this request opens the window
        cache.add(counter, 1, timeout=period + 5)
        count = 1
    if count is None or count <= limit:  # None: the cache is down
        return None
    return max(1.0, (window + 1) * period - now)
