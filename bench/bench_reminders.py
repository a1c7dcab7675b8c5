"""Time the reminder engine's scan over a large database, and check that a second run stores and
tells nothing new.

Run by hand against a database of your own that holds demo data (seed_demo) and the reminder
migrations; it writes occurrences and notifications and removes them again at the end (unless
--keep). It never queues a task: it calls the engine's steps directly, not `tick`.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/pathway_bench_reminders \\
        .venv/bin/python bench/bench_reminders.py

Phases, all at the same `now`:
1. first scan, with the production default (due times of the last REMINDERS_FIRST_SCAN_DAYS);
2. the same scan again (what a second beat or a redelivered tick does): must store nothing;
3. a steady-state scan one minute later (the window is the grace plus one minute), and a whole
   steady-state tick (scan, resolution of the unescalated, escalation; no e-mail is queued);
4. the full resolution pass and the escalation pass over the open occurrences;
5. with --backfill: forget the watermarks and scan from the beginning of time (every object of
   every rule that ever fell due), then once more.
Prints counts and timings only.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def timed(label: str, work: Callable[[], Any]) -> Any:
    started = time.monotonic()
    result = work()
    print(f"  {label:<52} {time.monotonic() - started:8.2f} s   {result}", flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backfill", action="store_true", help="also scan from the beginning of time")
    parser.add_argument("--keep", action="store_true", help="keep the occurrences and notifications")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.db.models import Count
    from django.utils import timezone

    from accounts.models import Notification, ReminderOccurrence, ReminderWatermark
    from casework.models import Case
    from notifications import engine
    from notifications.registry import all_rules

    def scan_all(now: Any) -> tuple[int, int]:
        results = [engine.scan(rule, now=now) or (0, 0) for rule in all_rules()]
        return sum(r[0] for r in results), sum(r[1] for r in results)

    def reset() -> None:
        Notification.objects.all().delete()
        ReminderOccurrence.objects.all().delete()
        ReminderWatermark.objects.all().delete()

    def duplicates() -> int:
        return Notification.objects.values("occurrence", "user").annotate(n=Count("id")).filter(n__gt=1).count()

    cases = Case.objects.count()
    print(f"database {connection.settings_dict['NAME']}: {cases:,} cases, {len(all_rules())} rules")
    reset()
    now = timezone.now()
    print(f"first scan starts {settings.REMINDERS_FIRST_SCAN_DAYS} days back; grace {engine.grace()}")
    first = timed("1. first scan (occurrences, notifications)", lambda: scan_all(now))
    again = timed("2. same scan again", lambda: scan_all(now))
    later = timed("3. steady-state scan one minute later", lambda: scan_all(now + timedelta(minutes=1)))

    def tick(minutes: int) -> tuple[Any, ...]:
        minute = now + timedelta(minutes=minutes)
        return (*scan_all(minute), engine.resolve(now=minute, unescalated_only=True), engine.escalate(now=minute))

    timed("3b. next tick (escalates the first scan's backlog)", lambda: tick(2))
    timed("3c. steady-state tick (scan, resolve, escalate)", lambda: tick(3))
    timed("4a. full resolution pass (closed)", lambda: engine.resolve(now=now))
    timed("4b. escalation pass 4 days later (managers told)", lambda: engine.escalate(now=now + timedelta(days=4)))
    timed("4c. escalation again (managers told)", lambda: engine.escalate(now=now + timedelta(days=4)))
    assert again == (0, 0) and later == (0, 0), "a second scan stored something"
    if args.backfill:
        reset()
        settings.REMINDERS_FIRST_SCAN_DAYS = None
        timed("5. backfill: scan from the beginning", lambda: scan_all(now))
        assert timed("5b. backfill again", lambda: scan_all(now)) == (0, 0)
        timed("5c. resolution pass over every open occurrence", lambda: engine.resolve(now=now))
    print(
        f"occurrences {ReminderOccurrence.objects.count():,}, notifications {Notification.objects.count():,}, "
        f"duplicate notifications {duplicates()}; first scan stored {first[0]:,}"
    )
    if not args.keep:
        reset()


if __name__ == "__main__":
    main()
