"""Recount the statistics' summaries now (beat does it every STATISTICS_REFRESH_SECONDS): after
a restore, or before a benchmark. Prints the time it took, never a figure."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from national_statistics.services import refresh_summaries


class Command(BaseCommand):
    help = "Recount the national statistics' summaries from the raw rows."

    def handle(self, *args: Any, **options: Any) -> None:
        counted = refresh_summaries()
        if counted is None:
            raise CommandError("Another refresh is running; its counts will be the same.")
        self.stdout.write(
            f"Summaries of years {counted.first_year}-{counted.last_year} counted in {counted.seconds:.1f} s."
        )
