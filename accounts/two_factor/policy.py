"""Which second-factor step a logged-in user still owes, asked once per request that is not
yet verified (one query); a verified session (django-otp's OTPMiddleware) owes nothing."""

from __future__ import annotations

from enum import Enum
from typing import Any

from django.db.models import Exists, OuterRef
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User


class Step(Enum):
    VERIFY = "verify"  # has a device: enter a code
    ENROL = "enrol"  # the organisation requires a device and the user has none


def owed_step(user: Any) -> Step | None:
    if not user.is_authenticated:
        return None
    # is_verified comes from OTPMiddleware; a user loaded without it (no request) is not verified.
    if getattr(user, "is_verified", lambda: False)():
        return None
    row = (
        User.objects.filter(pk=user.pk)
        .annotate(has_device=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)))
        .values_list("has_device", "organisation__two_factor_required")
        .first()
    )
    if row is None:
        return None
    has_device, required = row
    if has_device:
        return Step.VERIFY
    return Step.ENROL if required else None
