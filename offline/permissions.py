"""What may go offline and who manages the devices (docs/offline.md)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from accounts.models import Role
from casework.models import Case
from casework.permissions import change_case
from core.permissions import EVERYTHING, define, has_role
from offline.models import Device

# A worker takes offline only the cases they work on: the assigned worker and the owner's case
# workers, open cases only. Never through an emergency grant (change_case ignores grants), and
# tier 3 travels only to whom view_note shows it (offline.selectors).
take_case = define("offline.take_case", Case, predicate=change_case.predicate, filter=change_case.filter)


def can_work_offline(user: Any) -> bool:
    """The field app is for case workers: they set up devices and take their cases."""
    return has_role(user, Role.SOCIAL_WORKER, Role.COUNSELLOR)


def _can_manage_device(user: Any, device: Device) -> bool:
    return device.user_id == user.pk or has_role(user, Role.ADMIN)


def _devices_managed(user: Any) -> Q:
    return EVERYTHING if has_role(user, Role.ADMIN) else Q(user_id=user.pk)


# Administrators order any device wiped (a lost phone, a worker who left); a worker their own.
manage_device = define("offline.manage_device", Device, predicate=_can_manage_device, filter=_devices_managed)
