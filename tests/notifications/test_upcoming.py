"""Reminders seen before they fall due, and the header's count of due ones (issue 17.4)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import ReminderSetting
from casework.models import Case
from casework.services import assistance
from notifications.upcoming import upcoming
from tests.factories import open_case
from tests.notifications.reminders import days, tick_at

pytestmark = pytest.mark.django_db


def test_a_silent_case_is_upcoming_in_the_last_14_days_before_its_reminder(people):
    case = open_case(people.social_worker)  # case_without_note: due 30 days after opening
    assert upcoming(recipient=people.social_worker, now=case.created_at + days(10)) == []
    [soon] = upcoming(recipient=people.social_worker, now=case.created_at + days(20))
    assert soon.rule.code == "case_without_note" and soon.case_code == case.person.case_code
    assert soon.due_at == case.created_at + days(30)
    assert [row.case_id for row in upcoming(case_id=case.pk, now=case.created_at + days(20))] == [case.pk]
    assert upcoming(recipient=people.manager, now=case.created_at + days(20)) == []
    # Past due it is a reminder, no longer upcoming.
    assert upcoming(recipient=people.social_worker, now=case.created_at + days(31)) == []


def test_upcoming_follows_the_organisations_settings(people):
    case = open_case(people.social_worker)
    ReminderSetting.objects.create(
        organisation=case.owner, rule="case_without_note", enabled=True, days=60, escalate_after_days=3
    )
    assert upcoming(recipient=people.social_worker, now=case.created_at + days(20)) == []
    assert len(upcoming(recipient=people.social_worker, now=case.created_at + days(50))) == 1


def test_the_reminders_page_lists_the_upcoming_and_the_header_counts_the_due(
    client, people, django_assert_max_num_queries
):
    soon, late = open_case(people.social_worker), open_case(people.social_worker)
    Case.objects.filter(pk=soon.pk).update(created_at=timezone.now() - days(25))  # due in 5 days
    Case.objects.filter(pk=late.pk).update(created_at=timezone.now() - days(40))  # due 10 days ago
    tick_at(timezone.now())
    client.force_login(people.social_worker)
    with django_assert_max_num_queries(30):
        html = client.get(reverse("notifications:list")).content.decode()
    assert 'class="notifications"' in html and '<span class="visually-hidden">1 reminder due</span>' in html
    upcoming_part = html[html.index('id="upcoming-title"') :]
    assert soon.person.case_code in upcoming_part and late.person.case_code not in upcoming_part
    assert reverse("casework:case-detail", args=[soon.pk]) in upcoming_part


def test_a_reminder_whose_item_is_done_no_longer_counts_in_the_header(client, people):
    case = open_case(people.social_worker)
    Case.objects.filter(pk=case.pk).update(created_at=timezone.now() - days(31))
    tick_at(timezone.now())
    client.force_login(people.social_worker)
    assert '<span class="visually-hidden">1 reminder due</span>' in client.get(reverse("home")).content.decode()
    assistance.note_add(actor=people.social_worker, case=case, text="Visited")
    tick_at(timezone.now())
    assert 'class="badge"' not in client.get(reverse("home")).content.decode()


def test_the_case_page_shows_its_due_and_upcoming_reminders(client, people):
    case = open_case(people.social_worker)
    tick_at(case.created_at + days(31))
    client.force_login(people.social_worker)
    html = client.get(reverse("casework:case-detail", args=[case.pk])).content.decode()
    assert "Reminders of this case" in html
    assert "Nothing has been noted on this open case for a long time." in html


def test_the_reminders_page_shows_only_the_soonest_upcoming_and_says_more_fall_due(client, people, monkeypatch):
    sooner, later = open_case(people.social_worker), open_case(people.social_worker)
    Case.objects.filter(pk=sooner.pk).update(created_at=timezone.now() - days(25))  # due in 5 days
    Case.objects.filter(pk=later.pk).update(created_at=timezone.now() - days(20))  # due in 10 days
    client.force_login(people.social_worker)
    html = client.get(reverse("notifications:list")).content.decode()
    assert sooner.person.case_code in html and later.person.case_code in html
    assert "more fall due in these days" not in html
    monkeypatch.setattr("notifications.views.UPCOMING_SHOWN", 1)
    html = client.get(reverse("notifications:list")).content.decode()
    upcoming_part = html[html.index('id="upcoming-title"') :]
    assert sooner.person.case_code in upcoming_part and later.person.case_code not in upcoming_part
    assert "Only the soonest 1 is shown: more fall due in these days." in upcoming_part
    assert [row.case_id for row in upcoming(recipient=people.social_worker, limit=1)] == [sooner.pk]


def test_a_limited_list_is_the_head_of_the_whole_fortnight_whether_or_not_the_first_days_fill_it(people):
    """The first look (FIRST_LOOK_DAYS) answers alone only when it fills the limit."""
    now = timezone.now()
    due_in = {}
    for day in (1, 2, 10, 13):  # two inside the first look, two after it
        case = open_case(people.social_worker)
        Case.objects.filter(pk=case.pk).update(created_at=now - days(30 - day))
        due_in[case.pk] = day
    whole = upcoming(recipient=people.social_worker, now=now)
    assert [due_in[row.case_id] for row in whole] == [1, 2, 10, 13]
    for limit in range(1, 6):
        assert upcoming(recipient=people.social_worker, now=now, limit=limit) == whole[:limit]
