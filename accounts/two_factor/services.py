"""Second-factor writes: enrol (start, then confirm with a first code), verify a login's code,
and an administrator's reset for a lost phone. Each change is audited; a wrong code at login is
audited too, outside any transaction a refusal would roll back (django-otp also counts it on
the device and makes the next try wait longer)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import permissions
from accounts.actors import Staff
from accounts.models import AuditAction, User
from accounts.services import audit_record
from core.errors import ApplicationError, PermissionDenied

DEVICE_NAME = "authenticator"


def confirmed_device(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


@transaction.atomic
def enrolment_start(*, actor: Staff) -> TOTPDevice:
    """The device being enrolled: the same one until it is confirmed, so reloading the page
    does not change the QR code a user is scanning."""
    if confirmed_device(actor) is not None:
        raise ApplicationError(_("Your account already has an authenticator app."))
    device = TOTPDevice.objects.filter(user=actor, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=actor, name=DEVICE_NAME, confirmed=False)


def enrolment_confirm(*, actor: Staff, token: str) -> TOTPDevice:
    """The first code from the app proves the secret was copied right; only then does the
    device count (and the secret is never shown again)."""
    device = TOTPDevice.objects.filter(user=actor, confirmed=False).first()
    if device is None:
        raise ApplicationError(_("Start again: open the set-up page."))
    _check_code(device, token)
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=actor, confirmed=False).delete()
        audit_record(actor=actor, action=AuditAction.CREATE, obj=device)
    return device


def login_verify(*, user: Any, token: str) -> TOTPDevice:
    """The code that completes a login. The caller marks the session verified (django_otp.login)."""
    device = confirmed_device(user)
    if device is None:
        raise ApplicationError(_("Your account has no authenticator app."))
    try:
        _check_code(device, token)
    except ApplicationError:
        audit_record(actor=user, action=AuditAction.LOGIN_FAILED, obj=device, reason="second factor")
        raise
    audit_record(actor=user, action=AuditAction.LOGIN, obj=device, reason="second factor")
    return device


@transaction.atomic
def device_reset(*, actor: Staff, user: User, reason: str) -> int:
    """An administrator (or the user's manager) removes a user's authenticator (a lost or replaced phone). The user
    enrols again at the next login if their organisation requires it. Returns the devices removed."""
    if not permissions.administer_user.allows(actor, user):
        raise PermissionDenied(_("Only an administrator, or a manager for their own organisation, manages accounts."))
    reason = reason.strip()
    if not reason:
        raise ApplicationError(_("Give a reason."), fields={"reason": [_("Say why the device is reset.")]})
    removed, _by_model = TOTPDevice.objects.filter(user=user).delete()
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=user, fields=["two_factor_device"], reason=reason)
    return removed


def _check_code(device: TOTPDevice, token: str) -> None:
    allowed, _details = device.verify_is_allowed()
    if not allowed:
        raise ApplicationError(
            _("Too many wrong codes. Wait a minute, then try again."),
            fields={"token": [_("Too many wrong codes.")]},
        )
    if not device.verify_token(token.strip().replace(" ", "")):
        raise ApplicationError(
            _("That code is not right."), fields={"token": [_("Enter the 6-digit code the app shows now.")]}
        )
