"""Fixtures the shelter tests share: today, the two seeded shelters most tests use, the
shelter staff persona posted to both, and the transit centre's manager and three residents of
January 2025 (the report page and the reports API)."""

from __future__ import annotations

from datetime import date

import pytest
from django.db.backends.postgresql.psycopg_any import DateRange
from django.utils import timezone

from accounts.models import Organisation, Role
from shelters import services
from shelters.models import Shelter, Stay
from tests.factories import make_user, open_case

TRANSIT = "mlsw-transit-vientiane"


@pytest.fixture
def today():  # type: ignore[no-untyped-def]
    return timezone.localdate()


@pytest.fixture
def cpc(reference):  # type: ignore[no-untyped-def]
    """The LWU shelter: female and male, all ages, all categories."""
    return Shelter.objects.get(code="lwu-cpc-vientiane")


@pytest.fixture
def sengsavang(reference):  # type: ignore[no-untyped-def]
    """Female 12-30; no domestic violence cases."""
    return Shelter.objects.get(code="sengsavang-savannakhet")


@pytest.fixture
def staff(people, sengsavang, cpc):  # type: ignore[no-untyped-def]
    """people.shelter_staff (an LWU employee) posted to Sengsavang and the CPC shelter."""
    services.staff_post(actor=people.admin, shelter=sengsavang, user=people.shelter_staff)
    services.staff_post(actor=people.admin, shelter=cpc, user=people.shelter_staff)
    return people.shelter_staff


@pytest.fixture
def transit_manager(reference):  # type: ignore[no-untyped-def]
    """A manager of the transit centre's operator: its shelter is in their reporting scope."""
    return make_user("mgr-transit", Organisation.objects.get(code="mlsw-transit-centre"), Role.MANAGER)


@pytest.fixture
def transit_residents(people, transit_manager):  # type: ignore[no-untyped-def]
    """Three residents of the transit centre in January 2025: 10 + 31 + 5 nights."""
    shelter = Shelter.objects.get(code=TRANSIT)
    beds = list(shelter.beds.order_by("label")[:3])
    plan = [
        ("trafficking", "female", 16, date(2025, 1, 1), date(2025, 1, 11), "family_reunification_home_village"),
        ("risk_group", "male", 30, date(2024, 12, 1), None, ""),
        ("trafficking", "female", 22, date(2025, 1, 27), None, ""),
    ]
    for bed, (category, sex, age, start, end, destination) in zip(beds, plan, strict=True):
        values = {"given_name_latin": "Page", "family_name_latin": "Synthetic", "sex": sex, "estimated_age": age}
        case = open_case(people.social_worker, category=category, person_values=values)
        Stay.objects.create(
            shelter=shelter,
            bed=bed,
            person=case.person,
            case=case,
            during=DateRange(start, end),
            episode_started_on=start,
            age_at_admission=age,
            exit_destination=destination,
            admitted_by=transit_manager,
        )
    return Shelter.objects.filter(code=TRANSIT)
