"""`Authorization: Bearer pw_...` for the partner API, and nowhere else.

Only the partner views list this class, so staff endpoints keep session authentication alone (a
partner token there is ignored and the call is refused), and the partner views list nothing but
this class (a staff session there is ignored and the call is refused).

On success `request.auth` is the `PartnerToken` and `request.user` stays the `AnonymousUser`:
a token is not a person, and nothing written for staff users (permission predicates, audit
rows, history context) can then mistake a machine client for one. Partner views read the
organisation from `request.auth.organisation`, and `HasPartnerToken` is their permission.
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import BasePermission

from referrals.models import PartnerToken
from referrals.partner.tokens import PREFIX_LENGTH, token_for_plaintext, token_touch

logger = logging.getLogger(__name__)

KEYWORD = b"bearer"


class PartnerTokenAuthentication(BaseAuthentication):
    """Bearer tokens issued on the partner token page (referrals.partner.tokens)."""

    www_authenticate_realm = "pathway-partner-api"

    def authenticate(self, request: Any) -> tuple[AnonymousUser, PartnerToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD:
            return None  # no credentials: the permission answers 401
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Send the header as 'Authorization: Bearer <token>'."))
        try:
            plaintext = parts[1].decode("ascii")
        except UnicodeDecodeError as error:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from error
        token = token_for_plaintext(plaintext)
        if token is None:
            # The prefix names the token to whoever issued it, and is no secret; never the rest.
            logger.info(
                "partner token refused: prefix=%s", plaintext[:PREFIX_LENGTH] if plaintext.isprintable() else ""
            )
            raise exceptions.AuthenticationFailed(_("Invalid, expired or revoked token."))
        token_touch(token)
        return AnonymousUser(), token

    def authenticate_header(self, request: Any) -> str:
        # Makes DRF answer 401 (not 403) to a missing or bad token, as RFC 6750 describes.
        return f'Bearer realm="{self.www_authenticate_realm}"'


class HasPartnerToken(BasePermission):
    """The request carries a valid partner token (set by PartnerTokenAuthentication)."""

    def has_permission(self, request: Any, view: Any) -> bool:
        return isinstance(request.auth, PartnerToken)


class PartnerTokenScheme(OpenApiAuthenticationExtension):
    """The Bearer security scheme in the OpenAPI document."""

    target_class = "referrals.partner.authentication.PartnerTokenAuthentication"
    name = "partnerToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "pw_…",
            "description": (
                "A partner API token, issued by the partner organisation's staff at /partner/tokens/ "
                "and shown once. Send it as `Authorization: Bearer pw_...`."
            ),
        }
