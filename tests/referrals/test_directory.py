"""The directory of services: a manager keeps their organisation's entry (an admin any), every
member of staff reads it, and the referral form lists the providers of the chosen services in the
person's province, with a link back to every organisation."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import AuditEvent, Province
from casework.models import ServiceType
from core.errors import ApplicationError, PermissionDenied
from referrals import selectors, services
from referrals.models import DirectoryEntry
from tests.clients import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def counselling():
    return ServiceType.objects.get(code="counselling")


@pytest.fixture
def vientiane():
    return Province.objects.get(code="VT")


@pytest.fixture
def lwu_entry(people, orgs, counselling, vientiane):
    return services.directory_entry_save(
        actor=people.admin,
        organisation=orgs.lwu,
        service_types=[counselling],
        provinces=[vientiane],
        capacity=12,
        accepting=True,
        phone="021 000 000",
        email="office@lwu.example",
    )


def test_a_manager_keeps_their_own_entry_and_the_change_is_audited(people, orgs, counselling, vientiane):
    entry = services.directory_entry_save(
        actor=people.manager,
        organisation=orgs.mlsw_vt,
        service_types=[counselling],
        provinces=[vientiane],
        capacity=5,
        accepting=False,
    )
    assert (entry.capacity, entry.accepting, entry.updated_by) == (5, False, people.manager)
    audit = AuditEvent.objects.get(object_type="referrals.directoryentry", object_id=str(orgs.mlsw_vt.pk))
    assert audit.action == "create"


def test_only_the_organisations_managers_or_an_admin_keep_an_entry(people, orgs, counselling):
    for actor in (people.manager, people.social_worker):
        with pytest.raises(PermissionDenied):
            services.directory_entry_save(
                actor=actor,
                organisation=orgs.lwu,
                service_types=[counselling],
                provinces=[],
                capacity=None,
                accepting=True,
            )
    assert not DirectoryEntry.objects.exists()


def test_provinces_without_services_are_refused(people, orgs, vientiane):
    with pytest.raises(ApplicationError) as refused:
        services.directory_entry_save(
            actor=people.manager,
            organisation=orgs.mlsw_vt,
            service_types=[],
            provinces=[vientiane],
            capacity=None,
            accepting=True,
        )
    assert "service_types" in refused.value.fields


def test_providers_offer_the_service_in_the_province(people, orgs, lwu_entry, counselling, vientiane):
    savannakhet = Province.objects.get(code="SV")
    found = selectors.providers(
        user=people.social_worker, service_types=[counselling], province=vientiane, exclude=orgs.mlsw_vt.pk
    )
    assert list(found) == [orgs.lwu]
    elsewhere = selectors.providers(
        user=people.social_worker, service_types=[counselling], province=savannakhet, exclude=orgs.mlsw_vt.pk
    )
    assert list(elsewhere) == []
    assert list(selectors.directory(user=people.partner)) == []


def test_the_referral_form_lists_the_providers_with_capacity(people, orgs, case, lwu_entry, counselling, vientiane):
    client = client_for(people.social_worker)
    url = reverse("referrals:create", args=[case.pk])
    narrowed = client.post(url, {"service_types": [counselling.pk], "province": vientiane.pk, "action": "find"})
    body = narrowed.content.decode()
    assert orgs.lwu.name_en in body and "12 a month" in body
    assert orgs.ngo.name_en not in body
    assert "show_all=1" in body
    found = client.post(
        url, {"service_types": [counselling.pk], "province": vientiane.pk, "reason": "kept", "action": "find"}
    )
    assert found.status_code == 200 and "12 a month" in found.content.decode()
    assert "errorlist" not in found.content.decode() and "kept" in found.content.decode()
    everyone = client.get(url, {"service_types": [counselling.pk], "province": vientiane.pk, "show_all": "1"})
    assert orgs.ngo.name_en in everyone.content.decode()
    # Sent to an organisation from the full list, the narrowing never refuses it.
    sent = client.post(
        url,
        {
            "service_types": [counselling.pk],
            "province": vientiane.pk,
            "to_organisation": orgs.ngo.pk,
            "urgency": "routine",
            "action": "check",
        },
    )
    assert sent.status_code == 200 and "errorlist" not in sent.content.decode()


def test_the_our_services_page_saves_the_managers_entry(people, orgs, counselling, vientiane):
    client = client_for(people.manager)
    page = client.get(reverse("referrals:our-services"), follow=True)
    assert page.status_code == 200
    url = reverse("referrals:directory-edit", args=[orgs.mlsw_vt.pk])
    bad = client.post(url, {"provinces": [vientiane.pk], "email": "not an e-mail"})
    assert bad.status_code == 400 and not DirectoryEntry.objects.exists()
    done = client.post(
        url, {"service_types": [counselling.pk], "provinces": [vientiane.pk], "capacity": "8", "accepting": "on"}
    )
    assert done.status_code == 302
    assert DirectoryEntry.objects.get(organisation=orgs.mlsw_vt).capacity == 8
    other = client.get(reverse("referrals:directory-edit", args=[orgs.lwu.pk]))
    assert other.status_code == 404


def test_the_directory_page_and_api_list_the_entry(people, orgs, lwu_entry, api):
    page = client_for(people.police).get(reverse("referrals:directory"), {"service": "counselling", "province": ""})
    assert orgs.lwu.name_en in page.content.decode()
    api.force_authenticate(people.social_worker)
    listed = api.get("/api/v1/directory/", {"service": "counselling", "province": "VT"})
    assert listed.status_code == 200
    assert [row["organisation"] for row in listed.json()["results"]] == [orgs.lwu.code]
    assert api.get("/api/v1/directory/", {"province": "SV"}).json()["results"] == []


def test_the_demo_organisations_get_entries_once(reference):
    from seeds.demo_directory import DEMO_ENTRIES, demo_directory

    assert demo_directory() == len(DEMO_ENTRIES)
    assert demo_directory() == 0
    entry = DirectoryEntry.objects.get(organisation__code="sengsavang")
    assert entry.provinces.get().code == "SV" and entry.email.endswith(".example.org")


def test_the_directory_costs_the_same_for_any_number_of_entries(people, api, django_assert_max_num_queries):
    from seeds.demo_directory import demo_directory

    demo_directory()
    client = client_for(people.social_worker)
    client.get(reverse("referrals:directory"))  # the session and the translations, once
    # 14: one of them asks for the partner countries' directories (crossborder: none here)
    with django_assert_max_num_queries(14):
        page = client.get(reverse("referrals:directory"))
    assert page.content.decode().count('class="card"') == DirectoryEntry.objects.count() > 1
    DirectoryEntry.objects.exclude(pk=DirectoryEntry.objects.first().pk).delete()
    with CaptureQueriesContext(connection) as one_entry:
        client.get(reverse("referrals:directory"))
    assert len(one_entry) == 14
    api.force_authenticate(people.social_worker)
    with django_assert_max_num_queries(10):
        listed = api.get("/api/v1/directory/")
    assert listed.json()["count"] == DirectoryEntry.objects.count()
