"""A refusal names the field, never a database constraint (core.constraints): Django's
default message for a check constraint is "Constraint “<name>” is violated.", and the
database's refusal carries the name in its diagnostics."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction
from django.urls import reverse

from casework.models import Person
from core.api.errors import exception_handler
from core.constraints import constraint_error
from tests.factories import open_case

pytestmark = pytest.mark.django_db

OUR_APPS = {"accounts", "casework", "shelters", "referrals"}
CONSTRAINTS = [
    (model, constraint)
    for model in apps.get_models()
    if model._meta.app_label in OUR_APPS
    for constraint in model._meta.constraints
]


@pytest.mark.parametrize(("model", "constraint"), CONSTRAINTS, ids=[c.name for _, c in CONSTRAINTS])
def test_every_constraint_is_answered_on_a_field_without_its_name(model, constraint):
    field, message = constraint_error(model, constraint)
    model._meta.get_field(field)  # a real field of the model
    assert constraint.name not in message
    assert "Constraint" not in message


def test_an_implausible_birth_date_is_refused_on_the_field_not_by_constraint_name(api, people):
    case = open_case(people.social_worker)
    api.force_login(people.social_worker)
    response = api.patch(
        reverse("v1:person-detail", args=[case.person.pk]), {"date_of_birth": "1850-01-01"}, format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert list(body["errors"]) == ["date_of_birth"]
    assert "person_birth_date_plausible" not in response.content.decode()


def test_a_check_constraint_the_database_enforces_is_a_400_on_the_field(people):
    case = open_case(people.social_worker)
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        Person.objects.filter(pk=case.person.pk).update(estimated_age=130, age_estimated_on=case.identified_on)
    response = exception_handler(refused.value, {})
    assert response is not None
    assert response.status_code == 400
    assert list(response.data["errors"]) == ["estimated_age"]
    assert "person_estimated_age_range" not in str(response.data)
