"""Session authentication for the staff API that honours the second factor: a session that
still owes its code (or its set-up, where the organisation requires one) is refused with 403
`two_factor_required` until the pages' step is done. Partner tokens authenticate elsewhere."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.authentication import SessionScheme
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication

from accounts.two_factor.policy import owed_step


class VerifiedSessionAuthentication(SessionAuthentication):
    def authenticate(self, request: Any) -> tuple[Any, None] | None:
        result = super().authenticate(request)
        if result is not None and owed_step(request._request.user) is not None:
            raise exceptions.AuthenticationFailed(
                _("Finish logging in with your second factor on the login page first."), code="two_factor_required"
            )
        return result


class VerifiedSessionScheme(SessionScheme):
    """The same cookie security scheme in the OpenAPI document as Django's session."""

    target_class = "accounts.api.authentication.VerifiedSessionAuthentication"
    priority = 0
