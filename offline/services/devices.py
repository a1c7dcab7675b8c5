"""The device registry: a device is registered at its first online session; an administrator (or
its user) orders it wiped; a device asks whether it must wipe before it opens its data."""

from __future__ import annotations

import hashlib
import secrets
import uuid

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.actors import Staff
from accounts.models import AuditAction
from accounts.services import audit_record
from core.errors import Conflict, PermissionDenied
from offline.models import Device
from offline.permissions import can_work_offline, manage_device


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def device_register(*, actor: Staff, label: str) -> tuple[Device, str]:
    """A new device and its secret, shown to the device once (only the digest is kept)."""
    if not can_work_offline(actor):
        raise PermissionDenied(_("The field app is for case workers."))
    secret = secrets.token_urlsafe(32)
    device = Device.objects.create(user=actor, label=label.strip()[:100], secret_digest=_digest(secret))
    audit_record(actor=actor, action=AuditAction.CREATE, obj=device)
    return device, secret


def device_for(*, actor: Staff, device_id: str, secret: str) -> Device | None:
    """The actor's device with this secret, unless it was ordered wiped (then None, as for a
    stranger's or a missing one: the caller answers the same)."""
    try:
        uuid.UUID(str(device_id))
    except ValueError:
        return None
    return Device.objects.filter(
        pk=device_id, user=actor, secret_digest=_digest(str(secret)), wipe_ordered_at__isnull=True
    ).first()


def device_must_wipe(*, device_id: str, secret: str) -> bool:
    """Asked without a session (a deactivated user has none): wipe when the device is unknown,
    its secret wrong, a wipe was ordered or its user deactivated."""
    try:
        uuid.UUID(str(device_id))
    except ValueError:
        return True
    device = Device.objects.select_related("user").filter(pk=device_id, secret_digest=_digest(str(secret))).first()
    return device is None or device.wipe_ordered_at is not None or not device.user.is_active


@transaction.atomic
def device_order_wipe(*, actor: Staff, device: Device) -> Device:
    manage_device.require(actor, device, _("You cannot wipe this device."), seen=manage_device)
    locked = Device.objects.select_for_update().get(pk=device.pk)
    if locked.wipe_ordered_at is not None:
        raise Conflict(_("A wipe was already ordered for this device."))
    locked.wipe_ordered_at, locked.wipe_ordered_by = timezone.now(), actor
    locked.save(update_fields=["wipe_ordered_at", "wipe_ordered_by"])
    audit_record(actor=actor, action=AuditAction.DELETE, obj=locked, fields=["offline_data"])
    return locked
