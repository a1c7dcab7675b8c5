"""Fixtures the shelter tests share: today, the two seeded shelters most tests use, and the
shelter staff persona posted to both."""

from __future__ import annotations

import pytest
from django.utils import timezone

from shelters import services
from shelters.models import Shelter


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
