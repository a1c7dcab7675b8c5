"""factory_boy factories for synthetic test data. Users are built through the accounts service
so that tests exercise the same role rules as production."""

from __future__ import annotations

from datetime import date

import factory

from accounts import services
from accounts.models import Organisation, OrganisationKind, Province


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"test-org-{n}")
    name_en = factory.LazyAttribute(lambda o: f"Test organisation {o.code}")
    kind = OrganisationKind.MLSW
    province = factory.LazyFunction(lambda: Province.objects.get(code="VT"))


def make_user(username: str, organisation: Organisation, *roles: str, password: str | None = None, **extra):  # type: ignore[no-untyped-def]
    return services.user_create(
        actor=None,
        username=username,
        organisation=organisation,
        roles=roles,
        password=password,
        validate_password_strength=False,
        **extra,
    )


# The person `open_case` registers unless told otherwise: a girl, a child when identified in 2026.
SYNTHETIC_GIRL = {
    "given_name_latin": "Noy",
    "family_name_latin": "Synthetic",
    "sex": "female",
    "date_of_birth": date(2008, 5, 1),
}


def open_case(actor, *, person=None, category="trafficking", **overrides):  # type: ignore[no-untyped-def]
    """Open a case through the intake service, with a synthetic new person unless one is given."""
    from casework.services.cases import case_open

    values = {
        "category": category,
        "identification_route": "police",
        "identified_on": date(2026, 3, 1),
        **overrides,
    }
    if person is None:
        values.setdefault("person_values", SYNTHETIC_GIRL)
    return case_open(actor=actor, person=person, **values)
