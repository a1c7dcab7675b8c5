"""A real Celery worker, a real Redis broker and the real test database: no eager mode."""

import pytest

from accounts.models import WorkerHeartbeat
from accounts.tasks import heartbeat
from tests.processes import celery_worker

pytestmark = [pytest.mark.slow, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_real_worker_runs_the_heartbeat_and_writes_to_the_database():
    assert not WorkerHeartbeat.objects.exists()
    with celery_worker() as (process, queue):
        result = heartbeat.apply_async(queue=queue).get(timeout=90)
        assert process.poll() is None
    assert result["database"].startswith("test_")
    beat = WorkerHeartbeat.objects.get(hostname=result["hostname"])
    assert beat.seen_at.isoformat() == result["at"]


def test_tasks_are_acknowledged_late_so_a_killed_worker_loses_nothing():
    from config.celery import app

    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1
    assert app.conf.beat_scheduler == "django_celery_beat.schedulers:DatabaseScheduler"
