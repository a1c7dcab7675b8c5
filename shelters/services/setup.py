"""Setting a shelter up: the shelter itself (created and described by its operator's managers or
an administrator), its rooms, and its beds several at a time (e.g. beds 1 to 12 of room A, in
service since 2015: a historic date is what lets years of paper registers be entered)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.actors import Staff
from accounts.models import AuditAction, Organisation
from accounts.services import audit_record
from casework.choices import CaseCategory, Sex
from core.errors import PermissionDenied
from shelters import permissions
from shelters.models import Bed, Room, Shelter
from shelters.services.beds import bed_add
from shelters.services.rules import _refuse
from shelters.services.stays import _require_shelter

MAX_BEDS_AT_ONCE = 200
# What a manager describes about a shelter; its code and operator are fixed at creation.
DESCRIPTION = (
    "name_en",
    "name_lo",
    "province",
    "address",
    "accepts_sexes",
    "min_age",
    "max_age",
    "accepts_categories",
    "is_transit_centre",
    "is_active",
)


@transaction.atomic
def shelter_create(*, actor: Staff, code: str, operator: Organisation, **description: Any) -> Shelter:
    """A new shelter run by `operator`, which the actor manages (an administrator: any)."""
    if not permissions.operate_for.scope(actor).exists():
        raise PermissionDenied(_("Only managers and administrators set up shelters."))
    if not permissions.operate_for.allows(actor, operator):
        _refuse("operator", _("You cannot set up shelters for this organisation."))
    code = code.strip().lower()
    if not code or slugify(code) != code:
        _refuse("code", _("Give a short code of lower-case letters, digits and hyphens, e.g. vte-shelter-2."))
    if Shelter.objects.filter(code=code).exists():
        _refuse("code", _("Another shelter already has this code."))
    shelter = Shelter(code=code, operator=operator)
    _describe(shelter, description)
    shelter.save(force_insert=True)
    audit_record(actor=actor, action=AuditAction.CREATE, obj=shelter, fields=["code", "operator", *description])
    return shelter


@transaction.atomic
def shelter_update(*, actor: Staff, shelter: Shelter, **description: Any) -> Shelter:
    """Change what a shelter is (names, province, address, whom it accepts, whether it admits)."""
    _require_shelter(permissions.manage_shelter, actor, shelter, _("You cannot change this shelter."))
    shelter = Shelter.objects.select_for_update().get(pk=shelter.pk)
    _describe(shelter, description)
    shelter.save(update_fields=list(description))
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=shelter, fields=list(description))
    return shelter


def _describe(shelter: Shelter, description: dict[str, Any]) -> None:
    unknown = set(description) - set(DESCRIPTION)
    if unknown:
        raise TypeError(f"not a shelter's description: {sorted(unknown)}")
    for name, value in description.items():
        setattr(shelter, name, value.strip() if isinstance(value, str) else value)
    if not shelter.name_en:
        _refuse("name_en", _("Give the shelter's name in English."))
    if shelter.province_id is None:
        _refuse("province", _("Choose the province."))
    if shelter.min_age is not None and shelter.max_age is not None and shelter.min_age > shelter.max_age:
        _refuse("max_age", _("The oldest age accepted is below the youngest."))
    if not set(shelter.accepts_sexes) <= set(Sex.values):
        _refuse("accepts_sexes", _("Choose among the listed sexes."))
    if not set(shelter.accepts_categories) <= set(CaseCategory.values):
        _refuse("accepts_categories", _("Choose among the listed categories."))


@transaction.atomic
def room_add(*, actor: Staff, shelter: Shelter, name: str) -> Room:
    _require_shelter(permissions.manage_beds, actor, shelter, _("You cannot manage the beds of this shelter."))
    name = name.strip()
    if not name:
        _refuse("name", _("Give the room a name."))
    if shelter.rooms.filter(name=name).exists():
        _refuse("name", _("This shelter already has a room with this name."))
    room = Room.objects.create(shelter=shelter, name=name)
    audit_record(actor=actor, action=AuditAction.CREATE, obj=room, fields=["shelter", "name"])
    return room


@transaction.atomic
def beds_add(
    *, actor: Staff, shelter: Shelter, labels: list[str], in_service_from: date, room: Room | None = None
) -> list[Bed]:
    """Several beds in service from one date, all or none (each through `bed_add`)."""
    _require_shelter(permissions.manage_beds, actor, shelter, _("You cannot manage the beds of this shelter."))
    labels = [label.strip() for label in labels]
    if not labels or not all(labels):
        _refuse("labels", _("Give the beds' labels."))
    if len(labels) > MAX_BEDS_AT_ONCE:
        _refuse("labels", _("Add at most %(count)s beds at once.") % {"count": MAX_BEDS_AT_ONCE})
    longest = Bed._meta.get_field("label").max_length or 0
    if any(len(label) > longest for label in labels):
        _refuse("labels", _("A bed's label has at most %(count)s characters.") % {"count": longest})
    repeated = sorted({label for label in labels if labels.count(label) > 1})
    taken = sorted(shelter.beds.filter(label__in=labels).values_list("label", flat=True))
    if repeated or taken:
        _refuse("labels", _("These labels are already used: %(labels)s.") % {"labels": ", ".join(repeated + taken)})
    return [
        bed_add(actor=actor, shelter=shelter, label=label, in_service_from=in_service_from, room=room)
        for label in labels
    ]
