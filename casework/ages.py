"""Ages from a date of birth or from a dated estimate. A person exploited as a child is a
child case even if adult now, so ages are always taken *on a given date*."""

from __future__ import annotations

from datetime import date
from typing import Protocol


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
    return None if age is None else age < 18
