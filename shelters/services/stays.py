"""Writes for shelters: staff postings, admissions, discharges, transfers and bed moves, planned
discharge dates, beds and their outages, and non-residential assistance.

Stays are half-open date ranges `[admission, discharge)`: the discharge night is not a night in
the shelter, so a stay ends at the earliest the day after admission, and a person discharged on
day X can be admitted to the same bed on day X.

Double booking is refused by the database, never by a check in Python alone: the two exclusion
constraints on Stay (one person per bed, one place per person) and the one on BedOutage are the
guard. Services lock the bed row first (`select_for_update(of=("self",))`), so that the rules an
exclusion constraint cannot express (the bed is in service, not in an outage, not retired) are
read under the same lock that every admission, move, outage and retirement of that bed takes;
the insert then runs in a savepoint and an exclusion violation (SQLSTATE 23P01) becomes a 409.
Lock order: the target bed, then the stay row (by the compare-and-swap update).

Who may transfer: the actor must work the source shelter, and either work the target shelter too
or the target must be run by the same operator (an operator moves people between its own
shelters; a transfer to another operator's shelter is that shelter's admission).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.backends.postgresql.psycopg_any import DateRange
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.actors import Staff
from accounts.models import AuditAction
from accounts.services import audit_record
from casework.ages import age_on
from casework.models import Case
from casework.privacy import clear
from casework.services.assessments import best_interests_required, is_long_term
from casework.services.common import record
from core import batch
from core.errors import Conflict, PermissionDenied, not_found
from core.pages import local_name
from shelters import permissions
from shelters.choices import ExitDestination
from shelters.models import (
    AdmissionRequest,
    AdmissionRequestStatus,
    Bed,
    NonResidentialAssistance,
    Shelter,
    Stay,
)
from shelters.services.rules import (
    _admissible,
    _check_end,
    _refuse,
    admission_checks,
    bed_checks,
    discharge_checks,
)
from shelters.transitions import ADMISSION_REQUEST

EXCLUSION_VIOLATION = "23P01"
UNIQUE_VIOLATION = "23505"
CONFLICT_MESSAGES = {
    "stays_one_person_per_bed": gettext_lazy("This bed is already taken for these dates."),
    "stays_one_place_per_person": gettext_lazy("This person is already staying somewhere at that date."),
    "bed_outages_do_not_overlap": gettext_lazy("This bed already has an outage over these dates."),
}
ANSWER_EVENTS: dict[str, str] = {
    AdmissionRequestStatus.ACCEPTED: "admission_request_accepted",
    AdmissionRequestStatus.DECLINED: "admission_request_declined",
}


# --- Admission ------------------------------------------------------------------------------------
@transaction.atomic
def stay_admit(
    *,
    actor: Staff,
    shelter: Shelter,
    case: Case,
    admitted_on: date,
    bed: Bed | None = None,
    planned_discharge_on: date | None = None,
) -> Stay:
    """Admit the case's person to the shelter (and bed) from `admitted_on`, open-ended. The
    actor must be able to act on the case there (`_require_case`); the shelter must accept the
    person on that date; the database refuses a taken bed and a person already staying
    somewhere (409)."""
    _require_shelter(permissions.work_shelter, actor, shelter, _("You cannot admit residents to this shelter."))
    _require_case(actor, shelter, case)
    person = admission_checks(shelter, case, admitted_on, planned_discharge_on)
    if bed is not None:
        bed = _lock_bed_for_stay(bed, shelter, admitted_on)
    stay = Stay(
        shelter=shelter,
        bed=bed,
        person=person,
        case=case,
        during=DateRange(admitted_on, None),
        episode_started_on=admitted_on,
        planned_discharge_on=planned_discharge_on,
        age_at_admission=age_on(person, admitted_on),
        admitted_by=actor,
    )
    with _guarded(stay, actor):
        stay.save(force_insert=True)
    record(
        case,
        actor,
        "stay_admitted",
        action=AuditAction.CREATE,
        obj=stay,
        shelter=shelter.code,
        stay=str(stay.pk),
        bed=str(bed.pk) if bed else None,
        admitted_on=admitted_on.isoformat(),
    )
    _answer_requests(actor, stay)
    return stay


def _answer_requests(actor: Staff, stay: Stay) -> None:
    """An admission answers the case's waiting request to this shelter, however it was made
    (accepting the request, or the admit page by case code): the worker reads it on the case."""
    waiting = AdmissionRequest.objects.select_for_update(of=("self",)).filter(
        case=stay.case, shelter=stay.shelter, status=AdmissionRequestStatus.PENDING
    )
    for admission in waiting:
        answer_request(actor, admission, AdmissionRequestStatus.ACCEPTED, stay=stay)


def answer_request(actor: Staff, admission: AdmissionRequest, status: str, **changes: Any) -> None:
    """Move a waiting request to its answer (with who and when) and write the timeline and audit
    rows; the timeline holds ids and codes only (a decline's reason stays on the request)."""
    changes.update(decided_by=actor, decided_at=timezone.now())
    ADMISSION_REQUEST.move(admission, status, **changes)
    stay = changes.get("stay")
    record(
        admission.case,
        actor,
        ANSWER_EVENTS[status],
        obj=admission,
        fields=["status", *changes],
        shelter=admission.shelter.code,
        request=str(admission.pk),
        **({"stay": str(stay.pk)} if stay else {}),
    )


# --- Discharge ------------------------------------------------------------------------------------
@transaction.atomic
def stay_discharge(*, actor: Staff, stay: Stay, discharged_on: date, destination: str, reason: str = "") -> Stay:
    """Close the stay at `discharged_on` (that night is not counted). Only an open stay can be
    discharged: if another writer closed it first, 409."""
    _require_stay(actor, stay, _("You cannot discharge residents of this shelter."))
    discharge_checks(stay, discharged_on, destination, reason)
    _close(stay, discharged_on, destination=destination, reason=reason.strip(), actor=actor)
    record(
        stay.case,
        actor,
        "stay_discharged",
        obj=stay,
        fields=["during", "exit_destination", "exit_reason"],
        shelter=stay.shelter.code,
        stay=str(stay.pk),
        discharged_on=discharged_on.isoformat(),
        destination=destination,
    )
    return stay


# --- Transfer and bed moves -----------------------------------------------------------------------
@transaction.atomic
def stay_transfer(
    *, actor: Staff, stay: Stay, to_shelter: Shelter, on: date, to_bed: Bed | None = None, reason: str = ""
) -> Stay:
    """Close the stay on `on` and open the next one in `to_shelter` from `on`, all or nothing.
    The target applies its admission rules as for any admission."""
    _require_stay(actor, stay, _("You cannot transfer residents of this shelter."))
    if to_shelter.pk == stay.shelter_id:
        _refuse("to_shelter", _("The person is already in this shelter; move them to another bed instead."))
    if not (permissions.work_shelter.allows(actor, to_shelter) or to_shelter.operator_id == stay.shelter.operator_id):
        raise PermissionDenied(_("You can transfer only to a shelter you work in or one run by the same organisation."))
    _check_end(stay, on, "on")
    _admissible(to_shelter, stay.case, on)
    return _continue(actor, stay, shelter=to_shelter, bed=to_bed, on=on, reason=reason.strip(), kind="stay_transferred")


@transaction.atomic
def stay_move_bed(*, actor: Staff, stay: Stay, to_bed: Bed, on: date) -> Stay:
    """Move a resident to another bed of the same shelter from `on`: the stay is closed and the
    next one opened (a transfer to the same shelter), so each bed's nights stay exact. On the
    admission day no night was spent in the first bed yet: the stay itself changes bed.

    The shelter's acceptance rules are not applied again: the person is already its resident
    (and may have aged past its limit since), only the bed rules are."""
    _require_stay(actor, stay, _("You cannot move residents of this shelter."))
    if to_bed.shelter_id != stay.shelter_id:
        _refuse("to_bed", _("This bed belongs to another shelter; transfer the person instead."))
    if to_bed.pk == stay.bed_id:
        _refuse("to_bed", _("The person already has this bed."))
    if on > timezone.localdate():
        _refuse("on", _("This date is in the future."))
    if on == stay.during.lower:
        return _change_bed_in_place(actor, stay, to_bed)
    _check_end(stay, on, "on")
    return _continue(
        actor,
        stay,
        shelter=stay.shelter,
        bed=to_bed,
        on=on,
        reason="",
        kind="stay_bed_moved",
        planned_discharge_on=stay.planned_discharge_on,
        age_at_admission=stay.age_at_admission,
    )


def _change_bed_in_place(actor: Staff, stay: Stay, to_bed: Bed) -> Stay:
    bed = _lock_bed_for_stay(to_bed, stay.shelter, stay.during.lower)
    with _guarded():
        updated = Stay.objects.filter(pk=stay.pk, during__upper_inf=True).update(bed=bed)
    if updated != 1:
        raise Conflict(_("This stay has already ended. Reload it and try again."))
    previous_bed = stay.bed_id
    stay.bed = bed
    record(
        stay.case,
        actor,
        "stay_bed_moved",
        obj=stay,
        fields=["bed"],
        shelter=stay.shelter.code,
        stay=str(stay.pk),
        bed=str(bed.pk),
        previous_bed=str(previous_bed) if previous_bed else None,
        on=stay.during.lower.isoformat(),
    )
    return stay


def _continue(
    actor: Staff,
    stay: Stay,
    *,
    shelter: Shelter,
    bed: Bed | None,
    on: date,
    reason: str,
    kind: str,
    planned_discharge_on: date | None = None,
    age_at_admission: int | None = None,
) -> Stay:
    """Close `stay` on `on` and open the next stay from `on` in `shelter`: the caller's
    transaction makes it all or nothing."""
    if bed is not None:
        bed = _lock_bed_for_stay(bed, shelter, on)
    same_shelter = shelter.pk == stay.shelter_id
    if same_shelter:
        destination = ExitDestination.BED_MOVE
    elif shelter.is_transit_centre:
        destination = ExitDestination.TRANSIT_CENTRE
    else:
        destination = ExitDestination.OTHER_SHELTER
    _close(stay, on, destination=destination, reason=reason, actor=actor)
    if planned_discharge_on is not None and planned_discharge_on <= on:
        planned_discharge_on = None
    person = stay.person
    following = Stay(
        shelter=shelter,
        bed=bed,
        person=person,
        case=stay.case,
        during=DateRange(on, None),
        episode_started_on=stay.episode_started_on if same_shelter else on,
        planned_discharge_on=planned_discharge_on,
        age_at_admission=age_at_admission if age_at_admission is not None else age_on(person, on),
        previous_stay=stay,
        admitted_by=actor,
    )
    with _guarded(following, actor):
        following.save(force_insert=True)
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=stay, fields=["during", "exit_destination"])
    record(
        stay.case,
        actor,
        kind,
        action=AuditAction.CREATE,
        obj=following,
        from_shelter=stay.shelter.code,
        shelter=shelter.code,
        previous_stay=str(stay.pk),
        stay=str(following.pk),
        bed=str(bed.pk) if bed else None,
        on=on.isoformat(),
    )
    return following


# --- Planned discharge ----------------------------------------------------------------------------
@transaction.atomic
def stay_set_planned_discharge(*, actor: Staff, stay: Stay, planned_discharge_on: date | None) -> Stay:
    """Set or clear the planned discharge of an open stay (reminders look at it)."""
    _require_stay(actor, stay, _("You cannot change stays in this shelter."))
    if planned_discharge_on is not None and planned_discharge_on <= stay.during.lower:
        _refuse("planned_discharge_on", _("The planned discharge must be after the admission."))
    if is_long_term(stay.during.lower, planned_discharge_on):
        best_interests_required(stay.case, purpose="placement", field="planned_discharge_on")
    updated = Stay.objects.filter(pk=stay.pk, during__upper_inf=True).update(planned_discharge_on=planned_discharge_on)
    if updated != 1:
        raise Conflict(_("This stay has already ended. Reload it and try again."))
    stay.planned_discharge_on = planned_discharge_on
    record(
        stay.case,
        actor,
        "stay_planned_discharge_set",
        obj=stay,
        fields=["planned_discharge_on"],
        stay=str(stay.pk),
        planned_discharge_on=planned_discharge_on.isoformat() if planned_discharge_on else None,
    )
    return stay


# --- Rules --------------------------------------------------------------------------------------
def _lock_bed(bed: Bed) -> Bed:
    """The bed row, locked and fresh: every write that depends on the bed's state takes it."""
    return Bed.objects.select_for_update(of=("self",)).get(pk=bed.pk)


def _lock_bed_for_stay(bed: Bed, shelter: Shelter, start: date) -> Bed:
    """Lock the bed and check that an open-ended stay from `start` may use it. Whether another
    stay holds it is the database's to say, at the insert."""
    if bed.shelter_id == shelter.pk:
        bed = _lock_bed(bed)
    bed_checks(
        bed, shelter, start, bed.outages.filter(during__overlap=DateRange(start, None)).order_by("during").first()
    )
    return bed


def _check_bed_free(bed: Bed, during: DateRange, field: str) -> None:
    """Refuse if a stay occupies the bed over any night of `during`, naming the stay's dates
    (never the person). The caller holds the bed lock, which every admission takes too."""
    stay = Stay.objects.filter(bed=bed, during__overlap=during).order_by("during").first()
    if stay is None:
        return
    if stay.during.upper is None:
        dates = _("from %(start)s, with no discharge yet") % {"start": stay.during.lower.isoformat()}
    else:
        dates = _("from %(start)s to %(end)s") % {
            "start": stay.during.lower.isoformat(),
            "end": stay.during.upper.isoformat(),
        }
    _refuse(field, _("This bed is occupied by a stay %(dates)s.") % {"dates": dates})


def _close(stay: Stay, on: date, *, destination: str, reason: str, actor: Staff) -> None:
    """Compare-and-swap: close the stay only if it is still open."""
    during = DateRange(stay.during.lower, on)
    updated = Stay.objects.filter(pk=stay.pk, during__upper_inf=True).update(
        during=during, exit_destination=destination, exit_reason=reason, discharged_by=actor
    )
    if updated != 1:
        raise Conflict(_("This stay has already ended. Reload it and try again."))
    stay.during, stay.exit_destination, stay.exit_reason, stay.discharged_by = during, destination, reason, actor


@contextmanager
def _guarded(new_stay: Stay | None = None, actor: Staff | None = None) -> Iterator[None]:
    """Run a write in a savepoint and turn the database's refusal of a double booking into a 409.
    For `new_stay` refused because its person already stays somewhere, the message says where
    when `actor` may see that other stay."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as error:
        cause = error.__cause__
        if getattr(cause, "sqlstate", None) != EXCLUSION_VIOLATION:
            raise
        constraint = getattr(getattr(cause, "diag", None), "constraint_name", None)
        message = str(CONFLICT_MESSAGES.get(constraint or "", gettext_lazy("This conflicts with an existing record.")))
        if constraint == "stays_one_place_per_person" and new_stay is not None and actor is not None:
            message = _staying_elsewhere(new_stay, actor) or message
        raise Conflict(message) from error


def _staying_elsewhere(new_stay: Stay, actor: Staff) -> str | None:
    """Where the person of `new_stay` already stays over its dates, the shelter and since when,
    so the worker knows whom to call; never the other stay's bed or case. Where a person stays is
    the stay's to tell: only to an actor who may see that stay (`permissions.view_stay`), else nothing."""
    other = (
        Stay.objects.filter(person_id=new_stay.person_id, during__overlap=new_stay.during)
        .exclude(pk=new_stay.pk)
        .select_related("shelter")
        .order_by("during")
        .first()
    )
    if other is None or not permissions.view_stay.allows(actor, other):
        return None
    return _("This person is already staying at %(shelter)s since %(date)s.") % {
        "shelter": local_name(other.shelter),
        "date": date_format(other.during.lower, "SHORT_DATE_FORMAT"),
    }


# --- Permission gates ---------------------------------------------------------------------------
def _require_shelter(permission: Any, actor: Staff, shelter: Shelter, message: str) -> None:
    """Shelters are public (tier 0): a refusal on one is always a 403."""
    permission.require(actor, shelter, message)


def _require_case(actor: Staff, shelter: Shelter, case: Case) -> None:
    """The case must be one the actor may act on in this shelter (permissions.admissible_here);
    until that is established, any other case gets the answer of a missing one, before any rule
    that would tell something about the person (closed, sex, age, date of birth). In a batch
    (core.batch) the cases are checked together when it ends; a refusal undoes the whole batch."""
    if not batch.check_later(("admissible_here", actor.pk, shelter.pk), case.pk, _cases_check(actor, shelter)):
        _cases_check(actor, shelter)([case.pk])


def _cases_check(actor: Staff, shelter: Shelter) -> Callable[[list[Any]], None]:
    def check(pks: list[Any]) -> None:
        if Case.objects.filter(permissions.admissible_here(actor, shelter), pk__in=pks).count() != len(set(pks)):
            raise not_found("case")

    return check


def _require_stay(actor: Staff, stay: Stay, message: str) -> None:
    """404 when the actor cannot see the stay, 403 when they see it but do not work the shelter."""
    permissions.work_shelter.require(actor, stay.shelter, message, seen=permissions.view_stay, seen_obj=stay)


def _require_bed(actor: Staff, bed: Bed) -> None:
    message = _("You cannot manage the beds of this shelter.")
    permissions.manage_beds.require(actor, bed.shelter, message, seen=permissions.view_bed, seen_obj=bed)


def person_records_anonymise(person_ids: list[Any]) -> None:
    """The retention rule's part in shelters (casework.services.retention): the free text of the
    people's stays and non-residential assistance. Dates, shelters, beds, exits and ages stay:
    the occupancy reports and statistics count them."""
    clear(Stay.objects.filter(person_id__in=person_ids), redact=("exit_reason",))
    clear(NonResidentialAssistance.objects.filter(person_id__in=person_ids), redact=("notes",))
