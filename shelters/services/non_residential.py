"""Assistance a shelter gives to someone who does not stay (counted by the reports, never a stay)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.actors import Staff
from accounts.models import AuditAction
from casework.choices import CaseStatus
from casework.models import Case, ServiceType
from casework.services.common import record
from core import batch
from shelters import permissions
from shelters.models import AssistanceKind, NonResidentialAssistance, Shelter, Stay
from shelters.services.rules import _refuse
from shelters.services.stays import _require_case, _require_shelter


# --- Non-residential assistance -------------------------------------------------------------------
@transaction.atomic
def non_residential_record(
    *,
    actor: Staff,
    shelter: Shelter,
    case: Case,
    assisted_on: date,
    service_types: Iterable[ServiceType],
    notes: str = "",
    kind: AssistanceKind | None = None,
) -> NonResidentialAssistance:
    """A person assisted by the shelter without residing there (counted apart from residents),
    with the kind of assistance the shelters' tables count it under (None: not recorded)."""
    _require_shelter(permissions.work_shelter, actor, shelter, _("You cannot record assistance for this shelter."))
    _require_case(actor, shelter, case)
    service_types = list(service_types)
    stays = Stay.objects.filter(person_id=case.person_id, shelter=shelter, during__contains=assisted_on)
    assistance = non_residential_prepare(
        actor=actor,
        shelter=shelter,
        case=case,
        assisted_on=assisted_on,
        service_types=service_types,
        notes=notes,
        kind=kind,
        residing=stays.exists(),
    )
    assistance.save(force_insert=True)
    non_residential_write(actor, [(assistance, service_types)])
    return assistance


def non_residential_prepare(
    *,
    actor: Staff,
    shelter: Shelter,
    case: Case,
    assisted_on: date,
    service_types: list[ServiceType],
    notes: str,
    kind: AssistanceKind | None,
    residing: bool,
) -> NonResidentialAssistance:
    """The record non_residential_record writes, checked by every rule of it but not saved (the
    one place those rules are applied, for the form and a register import's rows). `residing`:
    whether the person was staying in the shelter that day (the last rule)."""
    if assisted_on > timezone.localdate():
        _refuse("assisted_on", _("This date is in the future."))
    if case.status == CaseStatus.CLOSED:
        _refuse("case", _("This case is closed."))
    if not service_types:
        _refuse("service_types", _("Choose at least one service."))
    if kind is not None and not kind.active:
        _refuse("kind", _("This kind of assistance is no longer recorded."))
    if any(not service_type.active for service_type in service_types):
        _refuse("service_types", _("One of these services is no longer offered."))
    if residing:
        _refuse("assisted_on", _("This person was residing in this shelter on that date."))
    return NonResidentialAssistance(
        shelter=shelter,
        person_id=case.person_id,
        case=case,
        assisted_on=assisted_on,
        kind=kind,
        notes=notes.strip(),
        recorded_by=actor,
    )


def non_residential_write(actor: Staff, written: list[tuple[NonResidentialAssistance, list[ServiceType]]]) -> None:
    """The services of records just inserted (new records have none yet: no read first) and their
    timeline and audit rows."""
    Link = NonResidentialAssistance.service_types.through
    links = [
        Link(nonresidentialassistance_id=assistance.pk, servicetype_id=service.pk)
        for assistance, services in written
        for service in services
    ]
    batch.copy_rows(links)
    for assistance, service_types in written:
        assert assistance.case is not None  # made with its case (non_residential_prepare)
        record(
            assistance.case,
            actor,
            "non_residential_recorded",
            action=AuditAction.CREATE,
            obj=assistance,
            shelter=assistance.shelter.code,
            assisted_on=assistance.assisted_on.isoformat(),
            assistance_kind=assistance.kind.code if assistance.kind else "",
            services=sorted(service_type.code for service_type in service_types),
        )
