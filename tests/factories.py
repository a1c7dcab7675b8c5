"""factory_boy factories for synthetic test data. Users are built through the accounts service
so that tests exercise the same role rules as production."""

from __future__ import annotations

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


def open_case(actor, *, person=None, category="trafficking", **overrides):  # type: ignore[no-untyped-def]
    """Open a case through the intake service, with a synthetic new person unless one is given."""
    from datetime import date

    from casework.services.cases import case_open

    values = {
        "category": category,
        "identification_route": "police",
        "identified_on": date(2026, 3, 1),
        **overrides,
    }
    if person is None:
        values.setdefault(
            "person_values",
            {
                "given_name_latin": "Noy",
                "family_name_latin": "Synthetic",
                "sex": "female",
                "date_of_birth": date(2008, 5, 1),
            },
        )
    return case_open(actor=actor, person=person, **values)


def refer_to_shelter(case, shelter):  # type: ignore[no-untyped-def]
    """What an admission rests on (shelters.permissions.admit_case): the case's worker refers
    it to the shelter's operator for a placement, sent under consent (the person's own, or a
    best-interest decision for a child or a person of unknown age)."""
    from django.utils import timezone

    from casework.models import ServiceType
    from referrals import services
    from referrals.permissions import is_child_for_consent

    actor = case.assigned_worker
    placement = [ServiceType.objects.get(code="shelter")]
    child = is_child_for_consent(case.person, timezone.localdate())
    consent = services.consent_record(
        actor=actor,
        case=case,
        recipient=shelter.operator,
        data_categories=["identity"],
        service_types=placement,
        purpose="shelter placement",
        given_by="best_interest" if child else "person",
        best_interest_reason="needs a safe place now" if child else "",
    )
    referral = services.referral_create(
        actor=actor,
        case=case,
        to_organisation=shelter.operator,
        service_types=placement,
        urgency="routine",
        reason="needs a safe place",
        shared_categories=["identity"],
        consent=consent,
    )
    return services.referral_send(actor=actor, referral=referral)
