"""API quotas: per staff user here, per partner token in referrals.partner.throttling. Both count
in fixed windows in Redis (core.throttling); over the quota DRF answers 429 with Retry-After."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework.throttling import BaseThrottle

from core.throttling import over_quota, parse_rate


class QuotaThrottle(BaseThrottle):
    """A quota per caller: subclasses name the setting that holds the rate ('600/min') and the
    key of the caller (None: this throttle does not apply)."""

    rate_setting: str
    default_rate: str

    def __init__(self) -> None:
        # Read per request, so a changed setting (or a test's override_settings) applies at once.
        self.rate = parse_rate(getattr(settings, self.rate_setting, self.default_rate))
        self.retry_after: float | None = None

    def caller_key(self, request: Any) -> str | None:
        raise NotImplementedError

    def allow_request(self, request: Any, view: Any) -> bool:
        key = self.caller_key(request)
        if key is None:
            return True
        self.retry_after = over_quota(f"{type(self).__name__}:{key}", self.rate)
        return self.retry_after is None

    def wait(self) -> float | None:
        return self.retry_after


class StaffUserThrottle(QuotaThrottle):
    """Requests per logged-in staff user (`API_THROTTLE_RATE`); anonymous calls are refused by
    the permission check anyway, and partner tokens have a quota of their own."""

    rate_setting = "API_THROTTLE_RATE"
    default_rate = "600/min"

    def caller_key(self, request: Any) -> str | None:
        user = request.user
        return str(user.pk) if user is not None and user.is_authenticated else None
