"""Reminders for the demo logins, so that a newcomer sees the reminder system work on the first
page: for each demo worker, their first open cases (or one, repeated) get a follow-up visit ten days overdue,
one due today and one due in five days, and one tick of the engine stores what is due (the
third shows under "Upcoming"). seed_demo runs it on every `pathway up`, so the dates follow
today; a second run adds nothing (one visit per case and day; the engine stores each reminder
once). Visits are written as the generator writes them; the reminders by the real engine.

Who can have reminders at all: the engine tells a case's assigned worker (a social worker or a
counsellor: the only roles a case can be assigned to) and, once a reminder is overdue past its
escalation delay, the managers of the case's organisation; alerts go to managers too. Police,
partner staff, shelter staff, statisticians and administrators are never told of a reminder. So
every demo login with a worker role gets visits here (`seeds.demo.reminded_logins`), and the
demo manager, a manager of the demo social worker's own office (MLSW Vientiane Capital), is told
of the overdue ones by escalation (`seeds.demo.escalated_logins`): its Reminders page lists them
and its home page counts them. The national manager (MLSW) sees them counted on its home page
only: escalations go to the managers of the case's own organisation."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from itertools import cycle

from django.utils import timezone

from accounts.models import User
from casework.models import Case, FollowUpVisit
from casework.reminders import OPEN_CASE
from notifications import engine

# The demo logins that are assigned cases, hence told about their reminders (seed_demo passes
# every demo login with a worker role).
DEMO_WORKERS = ("social.worker", "counsellor")
# Days from today: overdue (follow_up_overdue a week after the due date), due today, upcoming.
VISIT_OFFSETS = (-10, 0, 5)


def demo_reminders(*, usernames: Iterable[str] = DEMO_WORKERS, now: datetime | None = None) -> int:
    """Plan the visits of `usernames`' cases and run the engine once; returns the visits added."""
    now = now or timezone.now()
    today = now.astimezone(UTC).date()  # a date-based reminder falls due at 00:00 UTC
    added = 0
    for user in User.objects.filter(username__in=list(usernames)):
        cases = list(Case.objects.filter(assigned_worker=user, status__in=OPEN_CASE).order_by("created_at", "id")[:3])
        for case, offset in zip(cycle(cases), VISIT_OFFSETS, strict=False):  # none without cases
            _, created = FollowUpVisit.objects.get_or_create(case=case, due_on=today + timedelta(days=offset))
            added += created
    engine.tick(now=now)
    return added
