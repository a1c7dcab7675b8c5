"""The directory of services: an organisation's entry, kept by its managers (or an admin)."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.actors import Staff
from accounts.models import AuditAction, Organisation, Province
from accounts.services import audit_record
from casework.models import ServiceType
from core.actors import System
from core.errors import ApplicationError
from referrals import permissions
from referrals.models import DirectoryEntry

ENTRY_FIELDS = ("service_types", "provinces", "capacity", "accepting", "phone", "email", "note")


@transaction.atomic
def directory_entry_save(
    *,
    actor: Staff | System,
    organisation: Organisation,
    service_types: Iterable[ServiceType],
    provinces: Iterable[Province],
    capacity: int | None,
    accepting: bool,
    phone: str = "",
    email: str = "",
    note: str = "",
) -> DirectoryEntry:
    """Create or replace the organisation's entry. The contact is the office's: the page says so,
    and it is shown to every member of staff. Seeds act as Pathway itself (System)."""
    if not isinstance(actor, System):
        permissions.change_directory_entry.require(
            actor, organisation, _("Only a manager of this organisation or an admin keeps its entry.")
        )
    services, places = list(service_types), list(provinces)
    if not organisation.is_active:
        raise ApplicationError(_("This organisation is no longer active."))
    if places and not services:
        message = _("Choose the services offered in these provinces.")
        raise ApplicationError(message, fields={"service_types": [message]})
    entry, created = DirectoryEntry.objects.select_for_update().get_or_create(organisation=organisation)
    entry.capacity, entry.accepting = capacity, accepting
    entry.phone, entry.email, entry.note = phone.strip(), email.strip(), note.strip()
    entry.updated_by = None if isinstance(actor, System) else actor
    try:
        entry.full_clean(exclude=["organisation", "updated_by"])
    except ValidationError as error:
        raise ApplicationError(_("Check the entry."), fields=error.message_dict) from error
    entry.save()
    entry.service_types.set(services)
    entry.provinces.set(places)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        obj=entry,
        fields=ENTRY_FIELDS,
    )
    return entry
