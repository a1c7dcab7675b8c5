"""Reminders end to end with real processes: Celery workers and beat as subprocesses, the real
Redis broker and the test database. A worker is killed with SIGKILL in the middle of a batch of
e-mails; after a restart every due reminder has been delivered, in the app exactly once and by
e-mail once (SMTP's one unavoidable repeat is bounded: see docs/reminders.md)."""

from __future__ import annotations

import os
import re
import signal
import uuid
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from accounts.models import EmailState, Notification, ReminderOccurrence, ReminderWatermark
from casework.models import Case
from notifications.tasks import reminders_tick, send_notification_emails
from tests.factories import open_case
from tests.processes import celery_beat, celery_worker, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

CASES = 40


def sent() -> int:
    return Notification.objects.filter(email_state=EmailState.SENT).count()


def message_ids(directory: Path) -> Counter[str]:
    found: Counter[str] = Counter()
    for path in directory.iterdir():
        found.update(re.findall(r"^Message-ID: (<notification-\d+@pathway>)$", path.read_text(), re.MULTILINE))
    return found


@pytest.fixture
def mailbox(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    """Workers write each e-mail to a file here, slowly (0.1 s each), so a batch takes seconds."""
    monkeypatch.setenv("EMAIL_BACKEND", "tests.accounts.mail_backends.SlowFileBackend")
    monkeypatch.setenv("EMAIL_FILE_PATH", str(tmp_path))
    return tmp_path


@pytest.fixture
def silent_cases(people):  # type: ignore[no-untyped-def]
    people.social_worker.email = "sw@example.org"
    people.social_worker.save(update_fields=["email"])
    cases = [open_case(people.social_worker) for _ in range(CASES)]
    return cases


def test_a_worker_killed_mid_batch_loses_nothing_and_repeats_nothing(people, silent_cases, mailbox, monkeypatch):
    now = max(case.created_at for case in silent_cases) + timedelta(days=31)
    queue = f"test-{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("REMINDER_QUEUE", queue)  # the tick, run by the worker, queues e-mails there
    with celery_worker(queue=queue) as (process, _):
        reminders_tick.apply_async(kwargs={"now": now.isoformat()}, queue=queue)
        wait_for(lambda: sent() >= 5, what="the first e-mails")
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    assert Notification.objects.count() == CASES  # every reminder is in the app already
    assert 5 <= sent() < CASES, "the kill should land in the middle of the batch"

    queue = f"test-{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("REMINDER_QUEUE", queue)
    with celery_worker(queue=queue, concurrency=2) as (process, _):
        # The next beat tick queues what is still pending; two workers also get the same batch.
        reminders_tick.apply_async(kwargs={"now": (now + timedelta(minutes=1)).isoformat()}, queue=queue)
        pending = list(Notification.objects.filter(email_state=EmailState.PENDING).values_list("pk", flat=True))
        send_notification_emails.apply_async((pending,), queue=queue)
        send_notification_emails.apply_async((pending,), queue=queue)
        wait_for(lambda: sent() == CASES, what="every e-mail")
        # Beat again, twice: nothing new is stored, told or queued.
        result = reminders_tick.apply_async(
            kwargs={"now": (now + timedelta(minutes=2)).isoformat()}, queue=queue, ignore_result=False
        ).get(timeout=60)
        assert (result["occurrences"], result["notified"], result["emails_queued"]) == (0, 0, 0)
        assert process.poll() is None

    assert ReminderOccurrence.objects.filter(rule="case_without_note").count() == CASES
    assert Notification.objects.count() == CASES  # in the app: exactly once each
    assert set(Notification.objects.values_list("email_state", flat=True)) == {EmailState.SENT}
    emailed = message_ids(mailbox)
    expected = {f"<notification-{pk}@pathway>" for pk in Notification.objects.values_list("pk", flat=True)}
    assert set(emailed) == expected  # none lost
    repeats = sum(count - 1 for count in emailed.values())
    # At most the one message the killed worker had handed over but not yet marked sent.
    assert repeats <= 1, emailed


def test_one_beat_drives_the_tick_through_a_worker(people, mailbox, monkeypatch):
    people.social_worker.email = "sw@example.org"
    people.social_worker.save(update_fields=["email"])
    case = open_case(people.social_worker)
    Case.objects.filter(pk=case.pk).update(created_at=timezone.now() - timedelta(days=31))
    monkeypatch.delenv("REMINDER_QUEUE", raising=False)
    # Make the tick due at once instead of a minute after beat starts (no waiting for the clock).
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=60, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.create(
        name="reminders-tick",
        task="accounts.tasks.reminders_tick",
        interval=every_minute,
        last_run_at=timezone.now() - timedelta(minutes=5),
    )
    with celery_worker(queue="celery") as (worker, _), celery_beat() as beat:
        wait_for(lambda: Notification.objects.filter(email_state=EmailState.SENT).exists(), what="the beat's tick")
        assert worker.poll() is None and beat.poll() is None
    [notification] = Notification.objects.all()
    assert notification.occurrence.object_id == case.pk
    assert ReminderWatermark.objects.filter(rule="case_without_note").exists()
    assert list(message_ids(mailbox).values()) == [1]
