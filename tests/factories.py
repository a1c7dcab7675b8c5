"""factory_boy factories for synthetic test data, and the personas of the access tests.

Users are built through the accounts service so that tests exercise the same role rules as
production; cases through the intake service. Plain factories (organisations, shelters, beds)
are for set-up that no service is tested by."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import factory
from django.contrib.auth.models import AnonymousUser
from django.db.backends.postgresql.psycopg_any import DateRange

from accounts import services
from accounts.models import Organisation, OrganisationKind, Province, Role
from casework.choices import CaseCategory
from shelters.models import Bed, Shelter


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"test-org-{n}")
    name_en = factory.LazyAttribute(lambda o: f"Test organisation {o.code}")
    kind = OrganisationKind.MLSW
    province = factory.LazyFunction(lambda: Province.objects.get(code="VT"))


class ShelterFactory(factory.django.DjangoModelFactory):
    """A shelter of its operator's province that takes everyone (override what a test is about)."""

    class Meta:
        model = Shelter

    code = factory.Sequence(lambda n: f"t-shelter-{n}")
    name_en = factory.LazyAttribute(lambda o: f"Test shelter {o.code}")
    operator = factory.SubFactory(OrganisationFactory)
    province = factory.LazyAttribute(lambda o: o.operator.province)
    accepts_sexes = factory.LazyFunction(lambda: ["female", "male"])
    accepts_categories = factory.LazyFunction(lambda: list(CaseCategory.values))
    address = "synthetic address"


class BedFactory(factory.django.DjangoModelFactory):
    """A bed in service since 2020 (before any date a test uses), still in service."""

    class Meta:
        model = Bed

    shelter = factory.SubFactory(ShelterFactory)
    label = factory.Sequence(lambda n: f"T{n}")
    in_service = factory.LazyFunction(lambda: DateRange(date(2020, 1, 1), None))


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


# The personas' organisations: attribute, code, kind, province code.
ORGS = [
    ("mlsw_vt", "t-mlsw-vt", OrganisationKind.MLSW, "VT"),
    ("mlsw_sv", "t-mlsw-sv", OrganisationKind.MLSW, "SV"),
    ("mlsw_national", "t-mlsw", OrganisationKind.MLSW, None),
    ("lwu", "t-lwu", OrganisationKind.LWU, "VT"),
    ("police", "t-police", OrganisationKind.POLICE, None),
    ("ngo", "t-ngo", OrganisationKind.NGO, "VT"),
    ("ngo_other", "t-ngo-2", OrganisationKind.NGO, "SV"),
    ("stats", "t-stats", OrganisationKind.OTHER_GOV, None),
]

# The personas (after healthchecks' Alice/Bob/Charlie): a social worker and a manager of one MLSW
# provincial office, a colleague in another province (outsider), a national manager, an LWU
# counsellor, shelter staff, a police officer, a partner NGO, a statistician and an admin.
PERSONAS = [
    ("social_worker", "sw", "mlsw_vt", (Role.SOCIAL_WORKER,)),
    ("manager", "mgr", "mlsw_vt", (Role.MANAGER,)),
    ("outsider", "sw-sv", "mlsw_sv", (Role.SOCIAL_WORKER,)),
    ("national_manager", "mgr-national", "mlsw_national", (Role.MANAGER,)),
    ("counsellor", "counsellor", "lwu", (Role.COUNSELLOR, Role.SOCIAL_WORKER)),
    ("shelter_staff", "shelter", "lwu", (Role.SHELTER_STAFF,)),
    ("police", "police", "police", (Role.POLICE,)),
    ("partner", "partner", "ngo", (Role.PARTNER,)),
    ("statistician", "stats", "stats", (Role.STATISTICIAN,)),
    ("admin", "admin", "mlsw_national", (Role.ADMIN,)),
]


def make_orgs() -> SimpleNamespace:
    """The organisations of the personas (codes `t-...`), on top of the reference data."""
    provinces = {p.code: p for p in Province.objects.filter(code__in={code for *_, code in ORGS if code})}
    return SimpleNamespace(
        **{
            name: OrganisationFactory(code=code, kind=kind, province=provinces.get(province))
            for name, code, kind, province in ORGS
        }
    )


def make_people(orgs: SimpleNamespace) -> SimpleNamespace:
    """The personas, built through `user_create`; `all` lists them, anonymous included."""
    return _personas(
        {
            name: make_user(username, getattr(orgs, organisation), *roles)
            for name, username, organisation, roles in PERSONAS
        }
    )


def orgs_from_database() -> SimpleNamespace:
    """The personas' organisations as `make_orgs` left them, read back (tests/snapshot.py layers)."""
    by_code = {o.code: o for o in Organisation.objects.filter(code__in=[code for _, code, *_ in ORGS])}
    return SimpleNamespace(**{name: by_code[code] for name, code, *_ in ORGS})


def people_from_database(orgs: SimpleNamespace) -> SimpleNamespace:
    """The personas as `make_people` left them, read back (tests/snapshot.py layers)."""
    from accounts.models import User

    by_name = {u.username: u for u in User.objects.filter(username__in=[username for _, username, *_ in PERSONAS])}
    organisations = {o.pk: o for o in vars(orgs).values()}
    for user in by_name.values():
        user.organisation = organisations[user.organisation_id]
    return _personas({name: by_name[username] for name, username, *_ in PERSONAS})


def _personas(users: dict) -> SimpleNamespace:  # type: ignore[type-arg]
    personas = SimpleNamespace(**users, anonymous=AnonymousUser())
    personas.all = list(vars(personas).values())
    return personas


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


def stay_as_admitted(case, shelter, start, end=None, *, actor):  # type: ignore[no-untyped-def]
    """A stay written directly, with the age at admission stay_admit stores (age_on the day)."""
    from casework.ages import age_on
    from shelters.models import Stay

    return Stay.objects.create(
        shelter=shelter,
        person=case.person,
        case=case,
        during=DateRange(start, end),
        episode_started_on=start,
        age_at_admission=age_on(case.person, start),
        exit_destination="unknown" if end else "",
        admitted_by=actor,
    )


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
