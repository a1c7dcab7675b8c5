"""The retention rule from the command line (cron or Celery beat's host): see
casework.services.retention and docs/data-protection.md. Prints counts, never names."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from casework.services.retention import anonymise_closed_cases, retention_cutoff


class Command(BaseCommand):
    help = "Anonymise people whose cases have all been closed for longer than the retention period."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--years", type=int, default=settings.RETENTION_YEARS, help="Retention period (default RETENTION_YEARS)"
        )
        parser.add_argument("--batch-size", type=int, default=200, help="People per transaction")
        parser.add_argument("--dry-run", action="store_true", help="Count who would be anonymised; change nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        years, batch_size = options["years"], options["batch_size"]
        if years < 1:
            raise CommandError("--years must be at least 1.")
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        before = retention_cutoff(years=years)
        count = anonymise_closed_cases(before=before, batch_size=batch_size, dry_run=options["dry_run"])
        verb = "would be anonymised" if options["dry_run"] else "anonymised"
        self.stdout.write(f"{count} people {verb} (every case closed before {before.date().isoformat()}).")
