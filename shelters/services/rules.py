"""The rules of an admission, a bed and a discharge, written once: the services of one stay
(stays.py) and of a register's many (registers.py) apply them, each refusal saying exactly why."""

from __future__ import annotations

from datetime import date
from typing import NoReturn

from django.utils import timezone
from django.utils.translation import gettext as _

from casework.ages import age_on
from casework.choices import CaseCategory, CaseStatus, Sex
from casework.models import Case, Person
from casework.services.assessments import best_interests_required, is_long_term
from core.errors import ApplicationError
from shelters.choices import ExitDestination
from shelters.models import Bed, BedOutage, Shelter, Stay

# Exits that leave nobody to tell what happened are fine; these two need the worker's account.
REASON_REQUIRED = frozenset({ExitDestination.LEFT_WITHOUT_NOTICE, ExitDestination.REMIGRATED})


def admission_checks(shelter: Shelter, case: Case, admitted_on: date, planned_discharge_on: date | None) -> Person:
    """The rules of an admission on `admitted_on` before its bed's (stay_admit, a register
    import's stays_admit_many); answers the person admitted."""
    if admitted_on > timezone.localdate():
        _refuse("admitted_on", _("The admission date is in the future."))
    if planned_discharge_on is not None and planned_discharge_on <= admitted_on:
        _refuse("planned_discharge_on", _("The planned discharge must be after the admission."))
    if is_long_term(admitted_on, planned_discharge_on):
        best_interests_required(case, purpose="placement", field="planned_discharge_on")
    return _admissible(shelter, case, admitted_on)


def discharge_checks(stay: Stay, discharged_on: date, destination: str, reason: str) -> None:
    """The rules of a discharge (stay_discharge, a register import's discharged stays)."""
    if destination not in ExitDestination.values:
        _refuse("destination", _("Choose where the person went (“unknown” if nobody knows)."))
    if destination in REASON_REQUIRED and not reason.strip():
        _refuse("reason", _("Say what is known about why the person left."))
    _check_end(stay, discharged_on, "discharged_on")


def _admissible(shelter: Shelter, case: Case, on: date) -> Person:
    """The case may be admitted to the shelter on `on`; each refusal says exactly why."""
    if not shelter.is_active:
        _refuse("shelter", _("This shelter no longer admits residents."))
    if case.status == CaseStatus.CLOSED:
        _refuse("case", _("This case is closed; it must be reopened before an admission."))
    person = case.person
    if person.merged_into_id is not None:
        _refuse("case", _("This person's record was merged into another; admit under that record."))
    if shelter.accepts_sexes and person.sex not in shelter.accepts_sexes:
        sexes = _(" and ").join(str(Sex(sex).label).lower() for sex in shelter.accepts_sexes)
        _refuse("case", _("This shelter accepts only %(sexes)s residents.") % {"sexes": sexes})
    age = age_on(person, on)
    if age is not None and age < 0:
        _refuse("admitted_on", _("This date is before the person's date of birth."))
    limits = _age_limits(shelter)
    if limits:
        if age is None:
            _refuse(
                "case",
                _(
                    "This shelter admits only residents %(limits)s and this person's age is unknown: "
                    "record a date of birth or an estimated age first."
                )
                % {"limits": limits},
            )
        elif (shelter.min_age is not None and age < shelter.min_age) or (
            shelter.max_age is not None and age > shelter.max_age
        ):
            _refuse(
                "case",
                _("This shelter admits only residents %(limits)s; this person is %(age)s on that date.")
                % {"limits": limits, "age": age},
            )
    if shelter.accepts_categories and case.category not in shelter.accepts_categories:
        category = str(CaseCategory(case.category).label).lower()
        _refuse("case", _("This shelter does not accept %(category)s cases.") % {"category": category})
    return person


def _age_limits(shelter: Shelter) -> str:
    low, high = shelter.min_age, shelter.max_age
    if low is not None and high is not None:
        return _("aged %(low)s to %(high)s") % {"low": low, "high": high}
    if low is not None:
        return _("aged %(low)s and over") % {"low": low}
    if high is not None:
        return _("aged up to %(high)s") % {"high": high}
    return ""


def bed_checks(bed: Bed, shelter: Shelter, start: date, outage: BedOutage | None) -> None:
    """An open-ended stay in `shelter` from `start` may use the bed (read under its lock), whose
    first outage over those dates is `outage`."""
    if bed.shelter_id != shelter.pk:
        _refuse("bed", _("This bed belongs to another shelter."))
    in_service = bed.in_service
    if start < in_service.lower:
        _refuse("bed", _("This bed is in service only from %(date)s.") % {"date": in_service.lower.isoformat()})
    if not in_service.upper_inf:
        if start >= in_service.upper:
            message = _("This bed was retired on %(date)s.")
        else:
            message = _("This bed will be retired on %(date)s; choose another bed.")
        _refuse("bed", message % {"date": in_service.upper.isoformat()})
    if outage is not None:
        _refuse("bed", _("This bed is out of service %(dates)s.") % {"dates": _outage_dates(outage)})


def _outage_dates(outage: BedOutage) -> str:
    if outage.during.upper is None:
        return _("from %(start)s until further notice") % {"start": outage.during.lower.isoformat()}
    return _("from %(start)s, back in service on %(end)s") % {
        "start": outage.during.lower.isoformat(),
        "end": outage.during.upper.isoformat(),
    }


def _check_end(stay: Stay, on: date, field: str) -> None:
    """A stay ends after at least one night (an empty range is no stay) and not in the future."""
    if on > timezone.localdate():
        _refuse(field, _("This date is in the future."))
    if on <= stay.during.lower:
        _refuse(
            field,
            _("A stay ends at the earliest the day after admission (%(date)s): the last night is not counted.")
            % {"date": stay.during.lower.isoformat()},
        )


def _refuse(field: str, message: str) -> NoReturn:
    raise ApplicationError(message, fields={field: [message]})
