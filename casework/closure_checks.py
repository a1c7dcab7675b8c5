"""Casework's own warning before a closure is requested: a repatriation still under way
(casework.extensions.closure_warnings gathers the other apps' warnings: stays, referrals)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from casework.extensions import register_closure_warning
from casework.models import Repatriation
from casework.reminders import OPEN_REPATRIATION


def open_repatriation(case: Any) -> str | None:
    if Repatriation.objects.filter(case=case, status__in=OPEN_REPATRIATION).exists():
        return _("A repatriation of this case is still under way.")
    return None


def register() -> None:
    register_closure_warning("repatriation", open_repatriation)
