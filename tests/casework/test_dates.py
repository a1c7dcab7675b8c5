"""Issue 14, point 5: the dates of a person and of their cases cannot contradict each other,
whichever field changes, through the API, the intake page and the services (merges), with the
message on the field; the database refuses the same contradictions written past the services."""

from datetime import date, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from casework.models import Case, Person
from casework.services import merge
from casework.services import people as people_services
from core.errors import ApplicationError
from tests.casework.test_api_cases import INTAKE, intake
from tests.casework.test_pages import INTAKE as INTAKE_FORM
from tests.factories import open_case

pytestmark = pytest.mark.django_db

BORN = date(2009, 1, 15)  # INTAKE's person


def refused_on(response, field):
    assert response.status_code == 400, response.json()
    assert field in response.json()["errors"], response.json()
    return response.json()["errors"][field][0]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("identified_on", "2008-12-31"),
        ("exploitation_started_on", "2008-06-01"),
        ("exploitation_ended_on", "2009-01-14"),
    ],
)
def test_intake_refuses_a_case_date_before_the_birth(api, people, field, value):
    before = Person.objects.count()
    response = intake(api, people.social_worker, **{field: value})
    assert "before the person's date of birth" in refused_on(response, field)
    assert Person.objects.count() == before, "nothing half-saved: no person without a case"


def test_intake_refuses_exploitation_starting_after_the_identification(api, people):
    response = intake(api, people.social_worker, exploitation_started_on="2026-03-03")
    assert "after the identification" in refused_on(response, "exploitation_started_on")


def test_an_estimated_age_refuses_only_what_no_birth_in_its_range_allows(api, people):
    """About 10 when identified on 2 March 2026 (an estimate without its date refers to the
    identification): born at the earliest on 3 March 2015."""
    person = {key: value for key, value in INTAKE["person_values"].items() if key != "date_of_birth"}
    estimate = {**person, "estimated_age": 10}
    earliest = date(2015, 3, 3)
    too_early = (earliest - timedelta(days=1)).isoformat()
    response = intake(api, people.social_worker, person_values=estimate, exploitation_started_on=too_early)
    refused_on(response, "exploitation_started_on")
    accepted = intake(api, people.social_worker, person_values=estimate, exploitation_started_on=earliest.isoformat())
    assert accepted.status_code == 201, accepted.json()


def test_a_case_change_cannot_put_a_date_before_the_birth_or_out_of_order(api, people):
    case_id = intake(api, people.social_worker, exploitation_started_on="2025-01-01").json()["id"]
    url = reverse("v1:case-detail", args=[case_id])
    for field, value in [
        ("identified_on", "2009-01-14"),
        ("exploitation_started_on", "2000-01-01"),
        ("exploitation_ended_on", "2024-12-31"),
        ("exploitation_started_on", "2026-03-05"),
    ]:
        refused_on(api.patch(url, {field: value}, format="json"), field)
    # Moving the identification before the exploitation's start is the same contradiction.
    refused_on(api.patch(url, {"identified_on": "2024-06-01"}, format="json"), "exploitation_started_on")
    case = Case.objects.get(pk=case_id)
    assert (case.identified_on, case.exploitation_started_on) == (date(2026, 3, 2), date(2025, 1, 1))


def test_a_case_is_not_identified_after_the_day_it_was_opened(api, people):
    case_id = intake(api, people.social_worker, identified_on="2026-01-10").json()["id"]
    Case.objects.filter(pk=case_id).update(created_at=timezone.make_aware(timezone.datetime(2026, 1, 12, 9)))
    url = reverse("v1:case-detail", args=[case_id])
    assert "opened on" in refused_on(api.patch(url, {"identified_on": "2026-01-13"}, format="json"), "identified_on")
    assert api.patch(url, {"identified_on": "2026-01-12"}, format="json").status_code == 200


def test_a_birth_cannot_move_after_a_date_of_one_of_the_persons_cases(api, people):
    """It could: a person identified at the age of -1."""
    case_id = intake(api, people.social_worker, exploitation_started_on="2025-06-01").json()["id"]
    person = Case.objects.get(pk=case_id).person
    url = reverse("v1:person-detail", args=[person.pk])
    for body, field in [
        ({"date_of_birth": "2026-03-03"}, "date_of_birth"),
        ({"date_of_birth": "2025-06-02"}, "date_of_birth"),
        ({"date_of_birth": None, "estimated_age": 0, "age_estimated_on": str(timezone.localdate())}, "estimated_age"),
    ]:
        refused_on(api.patch(url, body, format="json"), field)
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ApplicationError) as refused:
        people_services.person_update(
            actor=people.social_worker, person=person, date_of_birth=None, estimated_age=16, age_estimated_on=tomorrow
        )
    assert set(refused.value.fields) == {"age_estimated_on"}
    person.refresh_from_db()
    assert person.date_of_birth == BORN


def test_a_birth_date_change_updates_child_at_identification(api, people):
    case_id = intake(api, people.social_worker).json()["id"]
    assert Case.objects.get(pk=case_id).child_at_identification is True
    person = Case.objects.get(pk=case_id).person
    changed = api.patch(reverse("v1:person-detail", args=[person.pk]), {"date_of_birth": "1990-01-01"}, format="json")
    assert changed.status_code == 200, changed.json()
    assert Case.objects.get(pk=case_id).child_at_identification is False


def test_the_intake_page_puts_the_date_rule_on_its_field(client, people):
    client.force_login(people.social_worker)
    response = client.post(reverse("casework:intake"), {**INTAKE_FORM, "exploitation_started_on": "2009-12-31"})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_exploitation_started_on_error"' in html
    assert "before the person&#x27;s date of birth" in html
    assert not Case.objects.exists()


def test_a_merge_cannot_give_cases_a_birth_after_their_dates(people):
    sw, manager = people.social_worker, people.manager
    keep = open_case(sw, identified_on=date(2026, 3, 1)).person
    moved = open_case(sw, identified_on=date(2026, 3, 1), person_values={"given_name_latin": "Noy", "sex": "female"})
    Person.objects.filter(pk=keep.pk).update(date_of_birth=date(2026, 2, 1))  # keep's only case: 2026-03-01
    Case.objects.filter(pk=moved.pk).update(identified_on=date(2026, 1, 5))
    with pytest.raises(ApplicationError) as refused:
        merge.person_merge(actor=manager, keep=keep, merge=moved.person, reason="same person")
    assert set(refused.value.fields) == {"date_of_birth"}
    assert Case.objects.get(pk=moved.pk).person_id == moved.person_id


@pytest.mark.parametrize(
    "sql_update",
    [
        lambda case: Case.objects.filter(pk=case.pk).update(identified_on=date(2008, 5, 1) - timedelta(days=1)),
        lambda case: Case.objects.filter(pk=case.pk).update(exploitation_started_on=date(2026, 3, 2)),
        lambda case: Person.objects.filter(pk=case.person_id).update(date_of_birth=date(2026, 3, 2)),
        lambda case: Person.objects.filter(pk=case.person_id).update(
            date_of_birth=None, estimated_age=0, age_estimated_on=date(2027, 3, 2)
        ),
    ],
)
def test_the_database_refuses_the_same_contradictions_past_the_services(people, sql_update):
    case = open_case(people.social_worker)  # born 2008-05-01, identified 2026-03-01
    with pytest.raises(IntegrityError), transaction.atomic():
        sql_update(case)
