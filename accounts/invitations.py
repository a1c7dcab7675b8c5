"""The e-mail that lets a person choose their password: an invitation for a new account, a reset
by an administrator or manager, or a forgotten password. The link is Django's password-reset
token, which is one-time (it stops working once the password changes or the person logs in) and
expires after PASSWORD_RESET_TIMEOUT. The message names no case and no person but the addressee."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import User

KINDS = ("invitation", "reset")


def password_link(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return settings.SITE_URL.rstrip("/") + reverse("password-set", args=[uid, token])


def send_password_link(user: User, kind: str) -> None:
    """Queue the message for when the transaction that asked for it commits (a refused or rolled
    back change sends nothing). `kind` is "invitation" or "reset"."""
    assert kind in KINDS
    with translation.override(user.language):
        context = {
            "user": user,
            "kind": kind,
            "link": password_link(user),
            "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
        }
        subject = render_to_string("registration/password_link_subject.txt", context).strip()
        body = render_to_string("registration/password_link_email.txt", context)
    message = EmailMessage(subject=subject, body=body, to=[user.email])
    transaction.on_commit(message.send)
