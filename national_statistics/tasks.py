"""Celery tasks of national statistics: the summaries' refresh (beat, docs/statistics.md)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="national_statistics.tasks.refresh_summaries", acks_late=True, ignore_result=True)
def refresh_summaries() -> float | None:
    """Recount the statistics' summaries (services.refresh_summaries); the seconds it took, or
    None when another refresh was running. Idempotent: a rerun counts the same rows again."""
    from national_statistics.services import refresh_summaries as refresh

    counted = refresh()
    return None if counted is None else counted.seconds
