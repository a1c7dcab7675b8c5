"""The dates of a person and of their cases cannot contradict each other, whichever field
changes: nothing in a case happens before the person was born, exploitation starts before it
ends and before the identification, a case is identified on or before the day it was opened
(so also before its closure), and no date is in the future. Intake, the person's and the
case's changes and merges all call these checks, so the API and the pages share them (the
admin shows people and cases read-only); the database holds the order within a case and the
birth rule as its last line (casework.models: the checks case_exploitation_dates_ordered and
case_exploitation_starts_by_identification, the triggers case_dates_after_birth and
person_birth_before_cases), which the seeds' COPY passes through too.

A birth known only as an estimate ("about 14 on 2026-03-01") allows any birth date that gives
that age on that day; events are refused only before the earliest of them."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from casework.ages import HasAge, is_child_on
from casework.models import Case, Person
from core.errors import ApplicationError

# The person's fields that say when they were born.
BIRTH_FIELDS = ("date_of_birth", "birth_date_estimated", "estimated_age", "age_estimated_on")
# The case's dates in the order they must come.
CASE_DATE_FIELDS = ("exploitation_started_on", "exploitation_ended_on", "identified_on")


def earliest_birth(person: HasAge) -> date | None:
    """The earliest birth date the person's record allows; None when nothing is known."""
    if person.date_of_birth is not None:
        return person.date_of_birth
    if person.estimated_age is not None and person.age_estimated_on is not None:
        return _years_before(person.age_estimated_on, person.estimated_age + 1) + timedelta(days=1)
    return None


def estimate_default_date(person: Person, *, identified_on: date | None = None) -> date:
    """The day an estimated age refers to when nobody says: the identification date of the
    person's first case (the estimate is made then, from how the person looked), or of the case
    being opened with a new person (`identified_on`); today only for a person without a case."""
    first = None if person._state.adding else Case.objects.filter(person=person).order_by("identified_on").first()
    return first.identified_on if first is not None else identified_on or timezone.localdate()


def check_case_dates(case: Case) -> None:
    _refuse(case_date_errors(case))


def check_person_dates(person: Person, *, cases: QuerySet[Case] | None = None) -> None:
    """`cases`: the cases the person will have (a merge's survivor: both records')."""
    _refuse(person_date_errors(person, cases=cases))


def case_date_errors(case: Case, *, today: date | None = None) -> dict[str, list[str]]:
    """Messages by field for one case's dates, against each other, today and its person."""
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    opened = timezone.localdate(case.created_at) if case.created_at else today
    born = earliest_birth(case.person)
    for name in CASE_DATE_FIELDS:
        value = getattr(case, name)
        if value is None:
            continue
        if value > today:
            errors[name] = [_("This date is in the future.")]
        elif born is not None and value < born:
            errors[name] = [_("This date is before the person's date of birth.")]
    started, ended, identified = (getattr(case, name) for name in CASE_DATE_FIELDS)
    if started and ended and started > ended:
        errors.setdefault("exploitation_ended_on", [_("The end is before the start.")])
    if started and identified and started > identified:
        errors.setdefault("exploitation_started_on", [_("Exploitation cannot start after the identification date.")])
    if identified and opened < identified <= today:
        errors.setdefault(
            "identified_on",
            [_("The case was opened on %(date)s: it cannot be identified later.") % {"date": _day(opened)}],
        )
    return errors


def person_date_errors(
    person: Person, *, cases: QuerySet[Case] | None = None, today: date | None = None
) -> dict[str, list[str]]:
    """Messages by field for the person's own dates and for their cases' dates against the
    birth the record now gives (a birth moved after an identification is refused)."""
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if person.date_of_birth and person.date_of_birth > today:
        errors["date_of_birth"] = [_("The date of birth cannot be in the future.")]
    if person.age_estimated_on and person.age_estimated_on > today:
        errors["age_estimated_on"] = [_("This date is in the future.")]
    born = earliest_birth(person)
    if errors or born is None or person._state.adding:
        return errors
    cases = Case.objects.filter(person=person) if cases is None else cases
    first = min((value for case in cases.only("id", *CASE_DATE_FIELDS) for value in _dates(case)), default=None)
    if first is not None and first < born:
        field = "date_of_birth" if person.date_of_birth else "estimated_age"
        errors[field] = [
            _("One of the person's cases has a date before this birth (%(date)s).") % {"date": _day(first)}
        ]
    return errors


def recompute_child_flags(person: Person) -> None:
    """Child at identification follows the record's birth date or estimate."""
    for case in Case.objects.filter(person=person).only("id", "identified_on", "child_at_identification"):
        child = is_child_on(person, case.identified_on)
        if child != case.child_at_identification:
            Case.objects.filter(pk=case.pk).update(child_at_identification=child, updated_at=timezone.now())


def _refuse(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ApplicationError(_("Please correct the errors below."), fields=errors)


def _dates(case: Case) -> list[date]:
    return [value for value in (getattr(case, name) for name in CASE_DATE_FIELDS) if value is not None]


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year - years, day=28)


def _day(day: date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")
