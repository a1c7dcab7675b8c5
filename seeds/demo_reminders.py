"""Reminders for the demo logins, so that a newcomer sees the reminder system work on the first
page: for each demo worker, their first open cases (or one, repeated) get a follow-up visit ten days overdue,
one due today and one due in five days, and one tick of the engine stores what is due (the
third shows under "Upcoming"). seed_demo runs it on every `pathway up`, so the dates follow
today; a second run adds nothing (one visit per case and day; the engine stores each reminder
once). Visits are written as the generator writes them; the reminders by the real engine."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import cycle

from django.utils import timezone

from accounts.models import User
from casework.models import Case, FollowUpVisit
from casework.reminders import OPEN_CASE
from notifications import engine

# The demo logins that are assigned cases, hence told about their reminders.
DEMO_WORKERS = ("social.worker", "counsellor")
# Days from today: overdue (follow_up_overdue a week after the due date), due today, upcoming.
VISIT_OFFSETS = (-10, 0, 5)


def demo_reminders(*, now: datetime | None = None) -> int:
    """Plan the visits and run the engine once; returns the visits added."""
    now = now or timezone.now()
    today = now.astimezone(UTC).date()  # a date-based reminder falls due at 00:00 UTC
    added = 0
    for user in User.objects.filter(username__in=DEMO_WORKERS):
        cases = list(Case.objects.filter(assigned_worker=user, status__in=OPEN_CASE).order_by("created_at", "id")[:3])
        for case, offset in zip(cycle(cases), VISIT_OFFSETS, strict=False):  # none without cases
            _, created = FollowUpVisit.objects.get_or_create(case=case, due_on=today + timedelta(days=offset))
            added += created
    engine.tick(now=now)
    return added
