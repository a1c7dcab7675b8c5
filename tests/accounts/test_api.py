import pytest
from django.urls import reverse

from accounts.models import Organisation

pytestmark = pytest.mark.django_db


def test_the_api_refuses_anonymous_callers(api, reference):
    response = api.get(reverse("v1:organisation-list"))
    assert response.status_code in (401, 403)
    assert set(response.json()) == {"detail", "code", "errors"}


def test_organisations_are_paginated_deterministically_in_constant_queries(api, people, django_assert_max_num_queries):
    api.force_authenticate(people.social_worker)
    with django_assert_max_num_queries(3):
        first = api.get(reverse("v1:organisation-list"), {"page_size": 10}).json()
    assert first["count"] == Organisation.objects.count()
    names = [row["name_en"] for row in first["results"]]
    assert names == sorted(names)
    with django_assert_max_num_queries(3):
        api.get(reverse("v1:organisation-list"), {"page_size": 50})


def test_organisations_filter_by_kind_and_province(api, people):
    api.force_authenticate(people.social_worker)
    rows = api.get(reverse("v1:organisation-list"), {"kind": "police", "page_size": 200}).json()["results"]
    assert rows and {row["kind"] for row in rows} == {"police"}
    rows = api.get(reverse("v1:organisation-list"), {"province": "SV", "page_size": 200}).json()["results"]
    assert rows and {row["province"] for row in rows} == {"SV"}


def test_a_bad_filter_value_is_a_400_with_the_field_named(api, people):
    api.force_authenticate(people.social_worker)
    response = api.get(reverse("v1:organisation-list"), {"kind": "church"})
    assert response.status_code == 400
    assert "kind" in response.json()["errors"]


def test_users_are_scoped_to_the_caller(api, people):
    api.force_authenticate(people.manager)
    usernames = {row["username"] for row in api.get(reverse("v1:user-list")).json()["results"]}
    assert usernames == {"mgr", "sw"}
    outsider = reverse("v1:user-detail", args=[people.outsider.pk])
    assert api.get(outsider).status_code == 404  # outside scope looks exactly like missing


def test_me_describes_the_caller(api, people):
    api.force_authenticate(people.counsellor)
    me = api.get(reverse("v1:user-me")).json()
    assert me["username"] == "counsellor"
    assert me["roles"] == ["counsellor", "social_worker"]
    assert me["organisation"] == "t-lwu"


def test_reference_geography_is_served(api, people):
    api.force_authenticate(people.social_worker)
    provinces = api.get(reverse("v1:province-list")).json()
    assert len(provinces) == 18
    assert provinces[0]["iso_code"] == "LA-VT"
    districts = api.get(reverse("v1:district-list"), {"province": "VT"}).json()
    assert districts["count"] == 9


def test_counts_are_capped_so_huge_lists_stay_fast(api, people, monkeypatch):
    from core.api import pagination

    monkeypatch.setattr(pagination, "COUNT_CAP", 5)
    api.force_authenticate(people.social_worker)
    body = api.get(reverse("v1:organisation-list"), {"page_size": 2}).json()
    assert (body["count"], body["count_capped"]) == (5, True)
    assert body["next"]
