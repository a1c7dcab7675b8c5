"""An estimated age is the age on the day it refers to (issue 18): by default the identification
date of the person's first case, editable on the person form and in the API; every age (the
screening rule, the child flag, the stays' ages at admission, the reports) is casework.ages.age_on
or its SQL twin. Boundaries: an estimate made at a 2016 identification, the 18th birthday itself,
an estimate without a date, a birth date beside an estimate."""

from __future__ import annotations

import importlib
from datetime import date
from types import SimpleNamespace

import pytest
from django.db import connection
from django.urls import reverse

from casework.ages import age_on, age_on_sql, is_child_on
from casework.models import Case, Person
from casework.screening_rule import age_at_exploitation
from casework.services.people import person_update
from casework.services.screening import screening_evaluate
from core.errors import ApplicationError
from shelters.models import Shelter, Stay
from tests.factories import open_case, stay_as_admitted

pytestmark = pytest.mark.django_db

IDENTIFIED_2016 = date(2016, 3, 2)


def estimated(actor, age, *, estimated_on=None, **case_values):
    values = {"given_name_latin": "Estimate", "family_name_latin": "Synthetic", "sex": "female", "estimated_age": age}
    if estimated_on is not None:
        values["age_estimated_on"] = estimated_on
    return open_case(actor, person_values=values, **case_values)


def stay_for(case, start, actor):
    return stay_as_admitted(case, Shelter.objects.get(code="lwu-cpc-vientiane"), start, actor=actor)


def test_an_estimate_made_at_a_2016_identification_is_an_adult_in_2016(people):
    """Estimated 25 when identified in 2016, registered now: 25 in 2016, an adult case, and the
    screening rule takes her as an adult (an adult-only indicator is accepted, means are needed)."""
    case = estimated(
        people.social_worker,
        25,
        identified_on=IDENTIFIED_2016,
        exploitation_started_on=date(2015, 9, 1),
    )
    person = Person.objects.get(pk=case.person_id)
    assert person.registered_on > IDENTIFIED_2016  # registered today
    assert person.age_estimated_on == IDENTIFIED_2016
    assert age_on(person, IDENTIFIED_2016) == 25
    assert age_on(person, date(2026, 3, 2)) == 35
    assert case.child_at_identification is False
    assert age_at_exploitation(person, case) == 24
    result = screening_evaluate(case=case, indicators=["means-deceived-education"])  # adult-only
    assert (result.age, result.child) == (24, False)


def test_turning_18_on_the_day_itself(people):
    """Born 2 March 2008: 17 on 1 March 2026, 18 on 2 March 2026, for a birth date and for an
    estimate of 17 made on 2 March 2025 alike."""
    born = SimpleNamespace(date_of_birth=date(2008, 3, 2), estimated_age=None, age_estimated_on=None)
    guessed = SimpleNamespace(date_of_birth=None, estimated_age=17, age_estimated_on=date(2025, 3, 2))
    for person in (born, guessed):
        assert age_on(person, date(2026, 3, 1)) == 17
        assert age_on(person, date(2026, 3, 2)) == 18
        assert is_child_on(person, date(2026, 3, 1)) is True
        assert is_child_on(person, date(2026, 3, 2)) is False
    day_before = estimated(people.social_worker, 17, identified_on=date(2026, 3, 1))
    assert day_before.child_at_identification is True
    Person.objects.filter(pk=day_before.person_id).update(age_estimated_on=date(2025, 3, 1))
    person = Person.objects.get(pk=day_before.person_id)
    on_the_day = open_case(people.social_worker, person=person, identified_on=date(2026, 3, 1))
    assert on_the_day.child_at_identification is False  # 17 on 1 March 2025: 18 on 1 March 2026


def test_an_estimate_without_a_date(people):
    """At intake it refers to the identification; a new estimate on the record to the first
    case's identification (not today, not the registration); no date at all: no age."""
    case = estimated(people.social_worker, 30, identified_on=date(2020, 6, 1))
    open_case(people.social_worker, person=case.person, identified_on=date(2024, 1, 5))
    person = Person.objects.get(pk=case.person_id)
    person_update(actor=people.social_worker, person=person, estimated_age=31)
    person.refresh_from_db()
    assert (person.estimated_age, person.age_estimated_on) == (31, date(2020, 6, 1))
    person_update(actor=people.social_worker, person=person, age_estimated_on=date(2024, 1, 5))
    person.refresh_from_db()
    assert (person.estimated_age, person.age_estimated_on) == (31, date(2024, 1, 5))
    undated = SimpleNamespace(date_of_birth=None, estimated_age=30, age_estimated_on=None)
    assert age_on(undated, date(2026, 1, 1)) is None
    with pytest.raises(ApplicationError) as refused:
        person_update(actor=people.social_worker, person=person, estimated_age=None, age_estimated_on=date(2020, 1, 1))
    assert "age_estimated_on" in refused.value.fields


def test_a_known_birth_date_beats_an_estimate(people):
    both = SimpleNamespace(date_of_birth=date(2000, 1, 1), estimated_age=5, age_estimated_on=date(2020, 1, 1))
    assert age_on(both, date(2020, 1, 1)) == 20
    case = estimated(people.social_worker, 14, identified_on=date(2020, 6, 1))
    person = Person.objects.get(pk=case.person_id)
    person_update(actor=people.social_worker, person=person, estimated_age=None, date_of_birth=date(1990, 6, 1))
    person.refresh_from_db()
    assert (person.estimated_age, person.age_estimated_on) == (None, None)
    assert Case.objects.get(pk=case.pk).child_at_identification is False


def test_a_changed_estimate_moves_the_child_flag_and_the_stays_ages(people):
    """The trigger of shelters' migration 0013 keeps the stays' ages at admission with the person."""
    case = estimated(people.social_worker, 16, identified_on=date(2024, 5, 1))
    stay = stay_for(case, date(2024, 5, 3), people.manager)
    assert (case.child_at_identification, stay.age_at_admission) == (True, 16)
    person = Person.objects.get(pk=case.person_id)
    person_update(actor=people.social_worker, person=person, estimated_age=19)
    stay.refresh_from_db()
    assert stay.age_at_admission == 19
    assert Case.objects.get(pk=case.pk).child_at_identification is False


@pytest.mark.parametrize(
    ("born", "estimate", "estimated_on", "on"),
    [
        (date(2008, 3, 2), None, None, date(2026, 3, 1)),
        (date(2008, 3, 2), None, None, date(2026, 3, 2)),
        (date(2008, 2, 29), None, None, date(2026, 2, 28)),
        (date(2008, 2, 29), None, None, date(2026, 3, 1)),
        (None, 25, date(2016, 3, 2), date(2016, 3, 1)),
        (None, 25, date(2016, 3, 2), date(2026, 3, 2)),
        (None, 3, date(2020, 6, 1), date(2015, 1, 1)),  # before the estimate's day: never below 0
        (None, 30, None, date(2026, 1, 1)),
        (None, None, None, date(2026, 1, 1)),
    ],
)
def test_the_sql_age_is_the_python_age(born, estimate, estimated_on, on):
    """age_on_sql (reports, statistics, the stays' trigger) says what age_on says."""
    person = SimpleNamespace(date_of_birth=born, estimated_age=estimate, age_estimated_on=estimated_on)
    sql = age_on_sql("p", "%(on)s::date")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {sql} FROM (SELECT %(born)s::date AS date_of_birth, %(estimate)s::int AS estimated_age,"  # noqa: S608
            " %(estimated_on)s::date AS age_estimated_on) p",
            {"born": born, "estimate": estimate, "estimated_on": estimated_on, "on": on},
        )
        assert cursor.fetchone()[0] == age_on(person, on)


def test_the_migration_dates_defaulted_estimates_at_the_first_identification(people):
    """A record from before: estimated 25, dated by the old default at its registration (today)
    though identified in 2016. The migrations re-date it, then its case's flag and its stays'
    ages follow; an estimate dated on purpose is left alone."""
    casework_0019 = importlib.import_module("casework.migrations.0019_estimates_dated_at_identification")
    shelters_0013 = importlib.import_module("shelters.migrations.0013_assistance_kind_and_stay_ages")
    old = estimated(people.social_worker, 25, identified_on=IDENTIFIED_2016)
    kept = estimated(people.social_worker, 40, identified_on=IDENTIFIED_2016, estimated_on=date(2020, 1, 1))
    stay = stay_for(old, date(2016, 3, 5), people.manager)
    with connection.cursor() as cursor:  # what the old default stored, without the new trigger
        cursor.execute("SET LOCAL session_replication_role = replica")  # no triggers
        Person.objects.filter(pk=old.person_id).update(age_estimated_on=old.person.registered_on)
        Case.objects.filter(pk=old.pk).update(child_at_identification=True)
        Stay.objects.filter(pk=stay.pk).update(age_at_admission=15)
        cursor.execute("SET LOCAL session_replication_role = origin")
        cursor.execute(casework_0019.REDATE + casework_0019.CHILD_FLAGS)
        cursor.execute(shelters_0013.RECOMPUTE)
    assert Person.objects.get(pk=old.person_id).age_estimated_on == IDENTIFIED_2016
    assert Case.objects.get(pk=old.pk).child_at_identification is False
    assert Stay.objects.get(pk=stay.pk).age_at_admission == 25
    assert Person.objects.get(pk=kept.person_id).age_estimated_on == date(2020, 1, 1)


def test_the_api_takes_and_gives_the_estimate_date(api, people):
    case = estimated(people.social_worker, 20, identified_on=date(2019, 4, 1))
    api.force_authenticate(people.social_worker)
    url = reverse("v1:person-detail", args=[case.person_id])
    assert api.get(url).json()["age_estimated_on"] == "2019-04-01"
    response = api.patch(url, {"estimated_age": 21, "age_estimated_on": "2019-10-01"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["age_estimated_on"] == "2019-10-01"
    response = api.patch(url, {"age_estimated_on": "2999-01-01"}, format="json")
    assert response.status_code == 400
    assert "age_estimated_on" in response.json()["errors"]
