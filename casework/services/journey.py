"""The trafficking journey of a case: add, correct and remove its events (docs/htcds.md). Each
write checks `permissions.change_journey`, validates the codes against the seeded code lists
(casework.JourneyCode) and writes the audit row and the timeline row (stage only, never places
or what was promised) in one transaction."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.actors import Staff
from accounts.models import AuditAction
from casework import permissions
from casework.journey_fields import ALL_FIELDS, CODED, COMMON_FIELDS, STAGE_FIELDS
from casework.models import Case, JourneyCode, JourneyEvent
from casework.services.common import record, require, validate
from core.errors import ApplicationError


def as_list(value: Any) -> list[str]:
    """A coded field's codes, whether it holds several or one (or none)."""
    return list(value) if isinstance(value, list) else [value] if value else []


def _check_codes(values: dict[str, Any]) -> None:
    """Every code must be an active value of its field's list (one query)."""
    coded = {name: as_list(value) for name, value in values.items() if name in CODED}
    wanted = {(CODED[name], code) for name, codes in coded.items() for code in codes}
    if not wanted:
        return
    lists = {code_list for code_list, _code in wanted}
    known = set(JourneyCode.objects.filter(list__in=lists, active=True).values_list("list", "code"))
    errors = {
        name: [_("Not a value of this list.")]
        for name, codes in coded.items()
        if any((CODED[name], code) not in known for code in codes)
    }
    if errors:
        raise ApplicationError(_("Please correct the errors below."), fields=errors)


def _apply(event: JourneyEvent, values: dict[str, Any]) -> list[str]:
    unknown = set(values) - set(ALL_FIELDS)
    if unknown:
        raise ApplicationError(_("Unknown fields."), fields={name: [_("Not a journey field.")] for name in unknown})
    _check_codes(values)
    changed = []
    for name, value in values.items():
        if getattr(event, name) != value:
            setattr(event, name, value)
            changed.append(name)
    # What does not belong to the stage is cleared, so a stage changed later leaves nothing behind.
    kept = set(COMMON_FIELDS) | set(STAGE_FIELDS[event.stage]) if event.stage in STAGE_FIELDS else set()
    blank = JourneyEvent()
    for name in (*CODED, "promise"):
        if name not in kept and getattr(event, name) != getattr(blank, name):
            setattr(event, name, getattr(blank, name))
            changed.append(name)
    if not event.crossed_border:
        event.border_point, event.irregular_crossing = None, False
    return sorted(set(changed))


@transaction.atomic
def journey_event_add(*, actor: Staff, case: Case, stage: str, **values: Any) -> JourneyEvent:
    require(permissions.change_journey, actor, case, _("You cannot record this case's journey."))
    event = JourneyEvent(case=case, stage=stage, recorded_by=actor)
    _apply(event, values)
    validate(event, exclude=["recorded_by"])
    event.save()
    record(case, actor, "journey_event_added", action=AuditAction.CREATE, obj=event, stage=stage)
    return event


@transaction.atomic
def journey_event_update(*, actor: Staff, event: JourneyEvent, **changes: Any) -> JourneyEvent:
    require(permissions.change_journey, actor, event.case, _("You cannot record this case's journey."))
    changed = _apply(event, changes)
    validate(event, exclude=["recorded_by"])
    event.save()
    record(
        event.case, actor, "journey_event_changed", obj=event, fields=changed, stage=event.stage, fields_changed=changed
    )
    return event


@transaction.atomic
def journey_event_remove(*, actor: Staff, event: JourneyEvent) -> None:
    """Remove an event recorded by mistake; the audit and timeline rows keep that it was."""
    require(permissions.change_journey, actor, event.case, _("You cannot record this case's journey."))
    record(event.case, actor, "journey_event_removed", action=AuditAction.DELETE, obj=event, stage=event.stage)
    event.delete()
