"""Shelters' reminder rules: a stay past its planned discharge, and a long stay without a case
review (an approved case plan since admission). Time is the `now` given to the tick."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from casework.services import assistance
from notifications.window import day_start
from shelters import services
from tests.notifications.reminders import days, occurrences, tick_at
from tests.shelters.test_services import admit, case_person, d0  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def test_a_stay_past_its_planned_discharge_reminds_the_next_day_until_discharged(staff, sengsavang, case, d0):  # noqa: F811
    stay = admit(staff, case, sengsavang, d0, planned_discharge_on=d0 + timedelta(days=20))
    due = day_start(d0 + timedelta(days=21))
    tick_at(due - timedelta(minutes=1))
    assert occurrences("stay_past_discharge") == []
    tick_at(due + timedelta(minutes=1))
    [occurrence] = occurrences("stay_past_discharge")
    assert occurrence.object_id == stay.pk and occurrence.recipient == case.assigned_worker
    services.stay_discharge(actor=staff, stay=stay, discharged_on=timezone.localdate(), destination="unknown")
    assert tick_at(due + timedelta(minutes=2))["resolved"] == 1


def test_moving_the_planned_discharge_later_closes_the_reminder(staff, sengsavang, case, d0):  # noqa: F811
    stay = admit(staff, case, sengsavang, d0, planned_discharge_on=d0 + timedelta(days=20))
    tick_at(day_start(d0 + timedelta(days=21)) + timedelta(minutes=1))
    services.stay_set_planned_discharge(actor=staff, stay=stay, planned_discharge_on=timezone.localdate() + days(9))
    tick_at(day_start(d0 + timedelta(days=21)) + timedelta(minutes=2))
    assert occurrences("stay_past_discharge")[0].resolved_at is not None


def test_a_long_stay_without_an_approved_plan_reminds_after_90_days(people, staff, sengsavang, case, d0):  # noqa: F811
    stay = admit(staff, case, sengsavang, d0)
    due = day_start(d0 + timedelta(days=90))
    tick_at(due + timedelta(minutes=1))
    assert [o.object_id for o in occurrences("stay_without_review")] == [stay.pk]
    plan = assistance.plan_save(
        actor=people.social_worker, case=case, summary="s", goals=[{"support_type": "education", "objective": "o"}]
    )
    assistance.plan_submit(actor=people.social_worker, plan=plan)
    assistance.plan_approve(actor=people.manager, plan=plan)
    assert tick_at(due + timedelta(minutes=2))["resolved"] == 1


def test_a_stay_whose_plan_was_approved_since_admission_is_not_reminded(people, staff, sengsavang, case, d0):  # noqa: F811
    admit(staff, case, sengsavang, d0)
    plan = assistance.plan_save(
        actor=people.social_worker, case=case, summary="s", goals=[{"support_type": "education", "objective": "o"}]
    )
    assistance.plan_submit(actor=people.social_worker, plan=plan)
    assistance.plan_approve(actor=people.manager, plan=plan)
    tick_at(day_start(d0 + timedelta(days=90)) + timedelta(minutes=1))
    assert occurrences("stay_without_review") == []
