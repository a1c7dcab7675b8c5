"""No page of the Django admin answers 500 (issue 18.1): for every registered model, the list,
the add page (where adding is allowed) and the change page of one real row are opened by a
superuser-level administrator. The data is the access matrix's kind of world: a case with its
person, screening-free, a shelter with a stay, a referral with its consent."""

from __future__ import annotations

import contextlib
from datetime import date

import pytest
from django.contrib import admin
from django.urls import NoReverseMatch, reverse

from accounts.models import User
from shelters import services as shelter_services
from tests.factories import BedFactory, ShelterFactory, open_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(people, orgs):
    case = open_case(people.social_worker)
    shelter = ShelterFactory(code="t-admin-shelter", operator=orgs.mlsw_vt)
    bed = BedFactory(shelter=shelter, label="A1")
    shelter_services.staff_post(actor=people.admin, shelter=shelter, user=people.shelter_staff)
    shelter_services.stay_admit(
        actor=people.shelter_staff, shelter=shelter, case=case, admitted_on=date(2026, 3, 10), bed=bed
    )
    return case


def test_every_admin_list_add_and_change_page_answers(client, people, world):
    User.objects.filter(pk=people.admin.pk).update(is_staff=True, is_superuser=True)
    client.force_login(people.admin)
    opened = 0
    for model in admin.site._registry:
        meta = model._meta
        pages = [reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")]
        with contextlib.suppress(NoReverseMatch):  # a model the admin may not add has no add page
            pages.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_add"))
        row = model._default_manager.order_by("pk").first()
        if row is not None:
            pages.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[row.pk]))
        for page in pages:
            status = client.get(page).status_code
            assert status < 500, f"{page} answered {status}"  # a hidden row's page may be a 404
            opened += 1
    assert opened > 2 * len(admin.site._registry)
