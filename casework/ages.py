"""Ages from a date of birth or from a dated estimate. A person exploited as a child is a
child case even if adult now, so ages are always taken *on a given date*.

An estimate says the age on the day it refers to (`age_estimated_on`; by default the
identification date of the person's first case, casework.services.dates.estimate_default_date),
so a woman estimated at 25 when identified in 2016 is 25 in 2016 whenever she is registered.
Every age is `age_on` (or its SQL twin `age_on_sql`, for the figures counted in the database):
the screening rule, the child flag of a case, the stays' ages at admission, the reports and the
statistics. A known date of birth always beats an estimate."""

from __future__ import annotations

from datetime import date
from typing import Protocol

ADULT_AGE = 18


class HasAge(Protocol):
    date_of_birth: date | None
    estimated_age: int | None
    age_estimated_on: date | None


def whole_years(start: date, end: date) -> int:
    return end.year - start.year - ((end.month, end.day) < (start.month, start.day))


def age_on(person: HasAge, on: date) -> int | None:
    """Age in whole years on `on`; None when neither a birth date nor an estimate is known."""
    if person.date_of_birth is not None:
        return whole_years(person.date_of_birth, on)
    if person.estimated_age is not None and person.age_estimated_on is not None:
        return max(0, person.estimated_age + whole_years(person.age_estimated_on, on))
    return None


def is_child_on(person: HasAge, on: date) -> bool | None:
    age = age_on(person, on)
    return None if age is None else age < ADULT_AGE


def whole_years_sql(start: str, end: str) -> str:
    """`whole_years` in SQL, over two date expressions."""
    return (
        f"(extract(year FROM {end}) - extract(year FROM {start})"
        f" - (to_char({end}, 'MMDD') < to_char({start}, 'MMDD'))::int)::int"
    )


def age_on_sql(person: str, on: str) -> str:
    """`age_on` in SQL: the age of the person row aliased `person` on the date expression `on`,
    for the reports and statistics that count in the database (and the triggers that keep the
    stays' ages at admission). tests/casework/test_ages.py holds it equal to `age_on`."""
    fields = ("date_of_birth", "estimated_age", "age_estimated_on")
    born, estimate, estimated_on = (f"{person}.{name}" for name in fields)
    return (
        f"CASE WHEN {born} IS NOT NULL THEN {whole_years_sql(born, on)}"
        f" WHEN {estimate} IS NOT NULL AND {estimated_on} IS NOT NULL"
        f" THEN greatest(0, {estimate} + {whole_years_sql(estimated_on, on)}) END"
    )
