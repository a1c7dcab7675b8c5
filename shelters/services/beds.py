"""Beds and their outages: set up, retired, out of service for a while."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.db.backends.postgresql.psycopg_any import DateRange
from django.utils.translation import gettext as _

from accounts.actors import Staff
from accounts.models import AuditAction
from accounts.services import audit_record
from core.errors import Conflict
from shelters import permissions
from shelters.models import Bed, BedOutage, Room, Shelter
from shelters.services.rules import _outage_dates, _refuse
from shelters.services.stays import (
    UNIQUE_VIOLATION,
    _check_bed_free,
    _guarded,
    _lock_bed,
    _require_bed,
    _require_shelter,
)


# --- Beds and outages -----------------------------------------------------------------------------
@transaction.atomic
def bed_add(*, actor: Staff, shelter: Shelter, label: str, in_service_from: date, room: Room | None = None) -> Bed:
    _require_shelter(permissions.manage_beds, actor, shelter, _("You cannot manage the beds of this shelter."))
    label = label.strip()
    if not label:
        _refuse("label", _("Give the bed a label."))
    if room is not None and room.shelter_id != shelter.pk:
        _refuse("room", _("This room belongs to another shelter."))
    bed = Bed(shelter=shelter, room=room, label=label, in_service=DateRange(in_service_from, None))
    try:
        with transaction.atomic():
            bed.save(force_insert=True)
    except IntegrityError as error:
        if getattr(error.__cause__, "sqlstate", None) != UNIQUE_VIOLATION:
            raise
        raise Conflict(_("This shelter already has a bed with this label.")) from error
    audit_record(actor=actor, action=AuditAction.CREATE, obj=bed, fields=["label", "in_service"])
    return bed


@transaction.atomic
def bed_retire(*, actor: Staff, bed: Bed, on: date) -> Bed:
    """Take a bed out of use for good from `on` (its in-service range ends there). Refused while
    a stay or an outage still uses the bed from that date."""
    _require_bed(actor, bed)
    bed = _lock_bed(bed)
    if not bed.in_service.upper_inf:
        raise Conflict(_("This bed is already retired."))
    if on <= bed.in_service.lower:
        _refuse("on", _("A bed is retired at the earliest the day after it was set up."))
    _check_bed_free(bed, DateRange(on, None), "on")
    outage = bed.outages.filter(during__overlap=DateRange(on, None)).order_by("during").first()
    if outage is not None:
        _refuse("on", _("This bed has an outage %(dates)s; end it first.") % {"dates": _outage_dates(outage)})
    Bed.objects.filter(pk=bed.pk).update(in_service=DateRange(bed.in_service.lower, on))
    bed.refresh_from_db(fields=["in_service"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=bed, fields=["in_service"])
    return bed


@transaction.atomic
def bed_outage_start(*, actor: Staff, bed: Bed, start: date, reason: str, end: date | None = None) -> BedOutage:
    """Mark a bed out of service over `[start, end)` (open while `end` is unknown). Refused over a
    night the bed is occupied; the database refuses an outage overlapping another (409)."""
    _require_bed(actor, bed)
    reason = reason.strip()
    if not reason:
        _refuse("reason", _("Say why the bed is out of service."))
    if end is not None and end <= start:
        _refuse("end", _("The end must be after the start."))
    bed = _lock_bed(bed)
    if start not in bed.in_service:
        _refuse("start", _("The bed is not in service on that date."))
    during = DateRange(start, end)
    _check_bed_free(bed, during, "start")
    outage = BedOutage(bed=bed, during=during, reason=reason, recorded_by=actor)
    with _guarded():
        outage.save(force_insert=True)
    audit_record(actor=actor, action=AuditAction.CREATE, obj=outage, fields=["during", "reason"])
    return outage


@transaction.atomic
def bed_outage_end(*, actor: Staff, outage: BedOutage, end: date) -> BedOutage:
    """End an outage on `end` (the bed is back in service that night), or move its end."""
    bed = outage.bed
    _require_bed(actor, bed)
    bed = _lock_bed(bed)
    outage = BedOutage.objects.get(pk=outage.pk)
    if end <= outage.during.lower:
        _refuse("end", _("The end must be after the start."))
    during = DateRange(outage.during.lower, end)
    _check_bed_free(bed, during, "end")
    with _guarded():
        BedOutage.objects.filter(pk=outage.pk).update(during=during)
    outage.during = during
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=outage, fields=["during"])
    return outage
