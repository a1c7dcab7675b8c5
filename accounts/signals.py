"""Authentication events go to the audit log (Django announces them only as signals)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import signals
from django.dispatch import receiver

from accounts.models import AuditAction
from accounts.services import audit_record
from core.actors import SYSTEM


@receiver(signals.user_logged_in)
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_record(actor=user, action=AuditAction.LOGIN, obj=user)


@receiver(signals.user_logged_out)
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_record(actor=user, action=AuditAction.LOGOUT, obj=user)


@receiver(signals.user_login_failed)
def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    # The attempted username is kept (it is a staff login, not a victim's name); never the password.
    audit_record(
        actor=SYSTEM,
        action=AuditAction.LOGIN_FAILED,
        object_type="accounts.user",
        reason=f"username={str(credentials.get('username', ''))[:150]}",
    )


@receiver(signals.user_logged_in)
def _use_language(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """The language the user chose last time applies from the login on: the language middleware
    writes it into the language cookie of the login's response (core.middleware)."""
    if request is not None and getattr(user, "language", None):
        request.pathway_language = user.language
