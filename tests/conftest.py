"""Shared fixtures: reference data, and the personas every access test walks through.

Personas (after healthchecks' Alice/Bob/Charlie): a social worker and a manager of one MLSW
provincial office, a colleague in another province (outsider), a national manager, an LWU
counsellor, shelter staff, a police officer, a partner NGO, a statistician and an admin.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from rest_framework.test import APIClient

from accounts.models import OrganisationKind, Province, Role
from seeds.reference import load_reference
from tests.factories import SYNTHETIC_GIRL, OrganisationFactory, make_user, open_case


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    with django_db_blocker.unblock():
        load_reference()


@pytest.fixture
def reference(db):  # type: ignore[no-untyped-def]
    """Reference data, reloaded if a transactional test flushed it."""
    if not Province.objects.exists():
        load_reference()


@pytest.fixture
def orgs(reference):  # type: ignore[no-untyped-def]
    vt, sv = Province.objects.get(code="VT"), Province.objects.get(code="SV")
    return SimpleNamespace(
        mlsw_vt=OrganisationFactory(code="t-mlsw-vt", kind=OrganisationKind.MLSW, province=vt),
        mlsw_sv=OrganisationFactory(code="t-mlsw-sv", kind=OrganisationKind.MLSW, province=sv),
        mlsw_national=OrganisationFactory(code="t-mlsw", kind=OrganisationKind.MLSW, province=None),
        lwu=OrganisationFactory(code="t-lwu", kind=OrganisationKind.LWU, province=vt),
        police=OrganisationFactory(code="t-police", kind=OrganisationKind.POLICE, province=None),
        ngo=OrganisationFactory(code="t-ngo", kind=OrganisationKind.NGO, province=vt),
        ngo_other=OrganisationFactory(code="t-ngo-2", kind=OrganisationKind.NGO, province=sv),
        stats=OrganisationFactory(code="t-stats", kind=OrganisationKind.OTHER_GOV, province=None),
    )


@pytest.fixture
def people(orgs):  # type: ignore[no-untyped-def]
    """Named staff personas; `people.all` lists them for matrix tests (anonymous included)."""
    personas = SimpleNamespace(
        social_worker=make_user("sw", orgs.mlsw_vt, Role.SOCIAL_WORKER),
        manager=make_user("mgr", orgs.mlsw_vt, Role.MANAGER),
        outsider=make_user("sw-sv", orgs.mlsw_sv, Role.SOCIAL_WORKER),
        national_manager=make_user("mgr-national", orgs.mlsw_national, Role.MANAGER),
        counsellor=make_user("counsellor", orgs.lwu, Role.COUNSELLOR, Role.SOCIAL_WORKER),
        shelter_staff=make_user("shelter", orgs.lwu, Role.SHELTER_STAFF),
        police=make_user("police", orgs.police, Role.POLICE),
        partner=make_user("partner", orgs.ngo, Role.PARTNER),
        statistician=make_user("stats", orgs.stats, Role.STATISTICIAN),
        admin=make_user("admin", orgs.mlsw_national, Role.ADMIN),
        anonymous=AnonymousUser(),
    )
    personas.all = list(vars(personas).values())
    return personas


@pytest.fixture
def case_person():  # type: ignore[no-untyped-def]
    """Who `case` opens a case for; a module that needs someone else (an adult, a name it looks
    for) overrides this fixture with the person's values."""
    return SYNTHETIC_GIRL


@pytest.fixture
def case(people, case_person):  # type: ignore[no-untyped-def]
    """A case of the social worker's (Vientiane MLSW office), opened through the intake service.
    A module that needs more on it overrides `case` with a fixture that takes this one."""
    return open_case(people.social_worker, person_values=case_person)


@pytest.fixture
def api():  # type: ignore[no-untyped-def]
    return APIClient()
