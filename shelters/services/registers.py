"""Many stays and assistance records at once, for a register import (shelters.imports): each
checked by the rules of stay_admit, stay_discharge and non_residential_record (written once,
in rules.py and non_residential.py), then written with one INSERT per table.

What those services read row by row is read once for all: the beds, locked together, and their
outages; the stays already on those beds and of those people, which an admission from a date
must not overlap (the database's exclusion constraints would refuse it at the INSERT; here
each refused row gets the service's own message, and the constraints stay the guard). A
register lists each stay with its discharge, so a stay is inserted already closed: its
history (pghistory) has one insert rather than an insert and an update."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.backends.postgresql.psycopg_any import DateRange
from django.utils.translation import gettext as _

from accounts.actors import Staff
from accounts.models import AuditAction
from casework.ages import age_on
from casework.models import Case, ServiceType
from casework.services.common import record
from core import batch
from core.errors import ApplicationError, Conflict
from shelters import permissions
from shelters.models import AdmissionRequest, AdmissionRequestStatus, AssistanceKind, Bed, BedOutage, Shelter, Stay
from shelters.models import NonResidentialAssistance as Assistance
from shelters.services.non_residential import non_residential_prepare, non_residential_write
from shelters.services.rules import admission_checks, bed_checks, discharge_checks
from shelters.services.stays import (
    CONFLICT_MESSAGES,
    _require_case,
    _require_shelter,
    _require_stay,
    _staying_elsewhere,
    answer_request,
)

Answer = Any  # the record made, or the ApplicationError the row-by-row service would have raised


@dataclass
class Admission:
    """stay_admit's arguments, and stay_discharge's when the stay has ended."""

    case: Case
    admitted_on: date
    bed: Bed | None = None
    discharged_on: date | None = None
    destination: str = ""
    reason: str = ""


@dataclass
class Assisted:
    """non_residential_record's arguments."""

    case: Case
    assisted_on: date
    service_types: list[ServiceType] = field(default_factory=list)
    notes: str = ""
    kind: AssistanceKind | None = None


def stays_admit_many(*, actor: Staff, shelter: Shelter, admissions: list[Admission]) -> list[Answer]:
    """stay_admit (and stay_discharge) for each admission, in order, as if one after another:
    answers each one's Stay or refusal. A refusal of the actor is raised."""
    _require_shelter(permissions.work_shelter, actor, shelter, _("You cannot admit residents to this shelter."))
    start = min((admission.admitted_on for admission in admissions), default=None)
    if start is None:
        return []
    beds = {admission.bed.pk for admission in admissions if admission.bed is not None}
    locked = Bed.objects.select_for_update(of=("self",)).in_bulk(beds)
    outages: dict[Any, list[BedOutage]] = {}
    for outage in BedOutage.objects.filter(bed__in=beds, during__overlap=DateRange(start, None)).order_by("during"):
        outages.setdefault(outage.bed_id, []).append(outage)
    since = DateRange(start, None)
    bed_taken = _taken_until(Stay.objects.filter(bed__in=beds, during__overlap=since), "bed_id")
    people = {admission.case.person_id for admission in admissions}
    person_taken = _taken_until(Stay.objects.filter(person__in=people, during__overlap=since), "person_id")
    answers: list[Answer] = []
    for admission in admissions:
        try:
            stay = _admit(actor, shelter, admission, locked, outages, bed_taken, person_taken)
        except ApplicationError as error:
            answers.append(error)
            continue
        answers.append(stay)
        _take(bed_taken, stay.bed_id, stay.during.upper)
        _take(person_taken, stay.person_id, stay.during.upper)
    _write_stays(actor, [answer for answer in answers if isinstance(answer, Stay)])
    return answers


def _admit(
    actor: Staff,
    shelter: Shelter,
    admission: Admission,
    locked: dict[Any, Bed],
    outages: dict[Any, list[BedOutage]],
    bed_taken: dict[Any, date | None],
    person_taken: dict[Any, date | None],
) -> Stay:
    case, on = admission.case, admission.admitted_on
    _require_case(actor, shelter, case)
    person = admission_checks(shelter, case, on, None)
    bed = locked.get(admission.bed.pk) if admission.bed is not None else None
    if bed is not None:
        outage = next((o for o in outages.get(bed.pk, []) if o.during.upper is None or o.during.upper > on), None)
        bed_checks(bed, shelter, on, outage)
    stay = Stay(
        shelter=shelter,
        bed=bed,
        person=person,
        case=case,
        during=DateRange(on, None),
        episode_started_on=on,
        age_at_admission=age_on(person, on),
        admitted_by=actor,
    )
    if bed is not None and _overlaps(bed_taken, bed.pk, on):
        raise Conflict(str(CONFLICT_MESSAGES["stays_one_person_per_bed"]))
    if _overlaps(person_taken, person.pk, on):
        raise Conflict(_staying_elsewhere(stay, actor) or str(CONFLICT_MESSAGES["stays_one_place_per_person"]))
    if admission.discharged_on is not None:
        _require_stay(actor, stay, _("You cannot discharge residents of this shelter."))
        discharge_checks(stay, admission.discharged_on, admission.destination, admission.reason)
        stay.during = DateRange(on, admission.discharged_on)
        stay.exit_destination, stay.exit_reason = admission.destination, admission.reason.strip()
        stay.discharged_by = actor
    return stay


def _taken_until(stays: Any, key: str) -> dict[Any, date | None]:
    """For each bed or person, the end of the latest of these stays (None: not ended)."""
    taken: dict[Any, date | None] = {}
    for owner, during in stays.values_list(key, "during"):
        _take(taken, owner, during.upper)
    return taken


def _take(taken: dict[Any, date | None], owner: Any, until: date | None) -> None:
    if owner is None:
        return
    if owner not in taken:
        taken[owner] = until
    elif taken[owner] is not None:
        known = taken[owner]
        taken[owner] = None if until is None else max(until, known)  # type: ignore[type-var]


def _overlaps(taken: dict[Any, date | None], owner: Any, on: date) -> bool:
    """A stay open from `on` (as stay_admit inserts it) overlaps one of the stays taken."""
    if owner not in taken:
        return False
    until = taken[owner]
    return until is None or until > on


def _write_stays(actor: Staff, stays: list[Stay]) -> None:
    """The stays in one INSERT, their timeline and audit rows as stay_admit and stay_discharge
    write them, and the case's waiting requests to the shelter answered."""
    batch.copy_rows(stays)
    for stay in stays:
        record(
            stay.case,
            actor,
            "stay_admitted",
            action=AuditAction.CREATE,
            obj=stay,
            shelter=stay.shelter.code,
            stay=str(stay.pk),
            bed=str(stay.bed_id) if stay.bed_id else None,
            admitted_on=stay.during.lower.isoformat(),
        )
        if stay.during.upper is not None:
            record(
                stay.case,
                actor,
                "stay_discharged",
                obj=stay,
                fields=["during", "exit_destination", "exit_reason"],
                shelter=stay.shelter.code,
                stay=str(stay.pk),
                discharged_on=stay.during.upper.isoformat(),
                destination=stay.exit_destination,
            )
    _answer_requests(actor, stays)


def _answer_requests(actor: Staff, stays: Iterable[Stay]) -> None:
    """stay_admit's answer to the case's waiting request to the shelter, for all stays at once."""
    by_case = {(stay.case_id, stay.shelter_id): stay for stay in stays}
    waiting = AdmissionRequest.objects.select_for_update(of=("self",)).filter(
        case_id__in={case_id for case_id, _shelter in by_case},
        shelter_id__in={shelter_id for _case, shelter_id in by_case},
        status=AdmissionRequestStatus.PENDING,
    )
    for admission in waiting:
        stay = by_case.get((admission.case_id, admission.shelter_id))
        if stay is not None:
            answer_request(actor, admission, AdmissionRequestStatus.ACCEPTED, stay=stay)


def non_residential_record_many(*, actor: Staff, shelter: Shelter, records: list[Assisted]) -> list[Answer]:
    """non_residential_record for each record, in order: answers each one's record or refusal.
    A refusal of the actor is raised."""
    _require_shelter(permissions.work_shelter, actor, shelter, _("You cannot record assistance for this shelter."))
    people = {entry.case.person_id for entry in records}
    stays: dict[Any, list[DateRange]] = {}
    for person_id, during in Stay.objects.filter(person__in=people, shelter=shelter).values_list("person_id", "during"):
        stays.setdefault(person_id, []).append(during)
    answers: list[Answer] = []
    for entry in records:
        try:
            _require_case(actor, shelter, entry.case)
            residing = any(entry.assisted_on in during for during in stays.get(entry.case.person_id, []))
            answers.append(
                non_residential_prepare(
                    actor=actor,
                    shelter=shelter,
                    case=entry.case,
                    assisted_on=entry.assisted_on,
                    service_types=entry.service_types,
                    notes=entry.notes,
                    kind=entry.kind,
                    residing=residing,
                )
            )
        except ApplicationError as error:
            answers.append(error)
    written = [(answer, entry.service_types) for answer, entry in zip(answers, records, strict=True)]
    written = [(answer, services) for answer, services in written if isinstance(answer, Assistance)]
    batch.copy_rows([answer for answer, _services in written])
    non_residential_write(actor, written)
    return answers
