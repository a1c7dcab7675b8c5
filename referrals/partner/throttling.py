"""A request quota per partner token (default 120 a minute; `PARTNER_API_THROTTLE_RATE`),
counted in fixed windows in Redis like every quota (core.throttling). A quota, not a security
control: logins are guarded by django-axes and floods by the proxy in front."""

from __future__ import annotations

from typing import Any

from core.api.throttling import QuotaThrottle
from referrals.models import PartnerToken

DEFAULT_RATE = "120/min"


class PartnerTokenThrottle(QuotaThrottle):
    rate_setting = "PARTNER_API_THROTTLE_RATE"
    default_rate = DEFAULT_RATE

    def caller_key(self, request: Any) -> str | None:
        token = request.auth
        return str(token.pk) if isinstance(token, PartnerToken) else None  # no token: refused before any work
