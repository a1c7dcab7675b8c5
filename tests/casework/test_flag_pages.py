"""Risk flags in the pages (issue 20.2): the Flags tab and its form (English and Lao), the
case list's marker, 'flagged' filter and bulk form, the manager's home, and the staff API."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import Notification
from casework.models import CaseFlag
from casework.services import flags
from tests.clients import client_for
from tests.factories import open_case

pytestmark = pytest.mark.django_db
REASON = "Trafficker seen near the family home"


def tab(case):  # type: ignore[no-untyped-def]
    return reverse("casework:case-detail", args=[case.pk]) + "?tab=flags"


def test_a_worker_raises_an_urgent_flag_from_the_case_page_and_the_manager_is_told(people, case):
    client = client_for(people.social_worker)
    page = client.get(tab(case)).content.decode()
    assert reverse("casework:flag-raise", args=[case.pk]) in page and "No open risk flag." in page
    response = client.post(
        reverse("casework:flag-raise", args=[case.pk]), {"level": "urgent", "reason": REASON, "review_by": ""}
    )
    assert response.status_code == 302
    assert REASON in client.get(tab(case)).content.decode()
    assert Notification.objects.filter(user=people.manager, occurrence__rule="urgent_flag").exists()
    home = client_for(people.manager).get(reverse("home")).content.decode()
    assert "Cases with an urgent risk flag" in home


def test_bad_input_shows_the_form_again_with_field_errors_and_nothing_saved(people, case):
    response = client_for(people.social_worker).post(
        reverse("casework:flag-raise", args=[case.pk]), {"level": "urgent", "reason": "", "review_by": "01/01/2001"}
    )
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"reason"}
    past = client_for(people.social_worker).post(
        reverse("casework:flag-raise", args=[case.pk]), {"level": "urgent", "reason": REASON, "review_by": "01/01/2001"}
    )
    assert past.status_code == 400
    assert past.context["form"].errors["review_by"] == ["The review date cannot be in the past."]
    assert not CaseFlag.objects.exists()


def test_the_tab_and_form_in_lao(people, case):
    flags.case_flag_raise(actor=people.social_worker, case=case, level="high", reason=REASON)
    client = client_for(people.social_worker)
    client.cookies["django_language"] = "lo"
    page = client.get(tab(case)).content.decode()
    assert "ເຄື່ອງໝາຍຄວາມສ່ຽງ" in page and "ສູງ" in page and "Risk level" not in page


def test_clearing_from_the_page_needs_a_reason(people, case):
    flag = flags.case_flag_raise(actor=people.social_worker, case=case, level="high", reason=REASON)
    url = reverse("casework:flag-clear", args=[case.pk, flag.pk])
    client = client_for(people.manager)
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "Family moved"}).status_code == 302
    flag.refresh_from_db()
    assert flag.cleared_by == people.manager
    assert client.get(url).status_code == 404  # a cleared flag cannot be cleared again


def test_the_case_list_marks_flagged_cases_and_filters_them(people, case):
    other = open_case(people.social_worker)
    flags.case_flag_raise(actor=people.social_worker, case=case, level="urgent", reason=REASON)
    client = client_for(people.social_worker)
    listing = client.get(reverse("casework:case-list")).content.decode()
    assert 'data-flag="urgent"' in listing
    flagged = client.get(reverse("casework:case-list"), {"flagged": "on"}).content.decode()
    assert case.person.case_code in flagged and other.person.case_code not in flagged


def test_the_bulk_form_flags_the_ticked_cases_and_lists_refusals(people, case):
    second = open_case(people.social_worker)
    outsiders = open_case(people.outsider)
    client = client_for(people.social_worker)
    listing = client.get(reverse("casework:case-list")).content.decode()
    assert 'id="flag-many"' in listing
    response = client.post(
        reverse("casework:flag-many"),
        {"cases": [case.pk, second.pk, outsiders.pk], "level": "high", "reason": REASON},
        follow=True,
    )
    text = response.content.decode()
    assert "Cases flagged: 2" in text and "Not flagged (not found): 1" in text
    assert set(CaseFlag.objects.values_list("case_id", flat=True)) == {case.pk, second.pk}
    response = client.post(reverse("casework:flag-many"), {"cases": [case.pk], "level": "high"}, follow=True)
    assert "Reason" in response.content.decode() and CaseFlag.objects.count() == 2
    assert client_for(people.police).post(reverse("casework:flag-many"), {}).status_code == 403


def test_the_api_raises_lists_and_clears(people, case):
    client = client_for(people.social_worker)
    created = client.post(
        reverse("v1:case-flag-list"),
        {"case": str(case.pk), "level": "medium", "reason": REASON},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    flag_id = created.json()["id"]
    bad = client.post(
        reverse("v1:case-flag-list"), {"case": str(case.pk), "level": "x"}, content_type="application/json"
    )
    assert bad.status_code == 400 and {"level", "reason"} <= set(
        bad.json()["errors"] if "errors" in bad.json() else bad.json()
    )
    listed = client.get(reverse("v1:case-flag-list"), {"case": str(case.pk), "open": "true"}).json()
    assert [row["id"] for row in listed["results"]] == [flag_id]
    cleared = client.post(
        reverse("v1:case-flag-clear", args=[flag_id]), {"reason": "Gone"}, content_type="application/json"
    )
    assert cleared.status_code == 200 and cleared.json()["cleared_by"] == "sw"
    assert client_for(people.outsider).get(reverse("v1:case-flag-detail", args=[flag_id])).status_code == 404
