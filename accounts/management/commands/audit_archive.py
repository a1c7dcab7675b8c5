"""Archive months of the audit log past the legal retention period (docs/audit.md): export,
verify, detach, and with --drop delete the detached partition. Prints counts, never row contents."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts import audit_partitions
from core.errors import ApplicationError


def _month(value: str) -> date:
    try:
        return date.fromisoformat(f"{value}-01")
    except ValueError as error:
        raise CommandError(f"--month wants YYYY-MM, not {value!r}.") from error


class Command(BaseCommand):
    help = "Export, verify and detach audit-log months older than AUDIT_RETENTION_MONTHS."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", help="One month (YYYY-MM); without it, every archivable month")
        parser.add_argument("--directory", required=True, help="Where the .jsonl.gz and .sha256 files go")
        parser.add_argument("--drop", action="store_true", help="Drop each partition once detached")
        parser.add_argument("--list", action="store_true", help="Only list the months and which may be archived")

    def handle(self, *args: Any, **options: Any) -> None:
        cutoff = audit_partitions.retention_cutoff()
        months = audit_partitions.partition_months()
        if options["month"]:
            months = [_month(options["month"])]
        archivable = [m for m in months if audit_partitions.month_start(m, plus=1) <= cutoff.date()]
        if options["list"]:
            for month in audit_partitions.partition_months():
                state = "archivable" if month in archivable else "within retention"
                self.stdout.write(f"{month:%Y-%m} {state}")
            return
        directory = Path(options["directory"])
        if not directory.is_dir():
            raise CommandError(f"{directory} is not a directory.")
        if options["month"] and not archivable:
            months_kept = settings.AUDIT_RETENTION_MONTHS
            raise CommandError(f"{options['month']} is within the retention period of {months_kept} months.")
        for month in archivable:
            try:
                archive = audit_partitions.archive_month(month=month, directory=directory, drop=options["drop"])
            except ApplicationError as error:
                raise CommandError(str(error)) from error
            done = "dropped" if archive.dropped else "detached (kept as a table)"
            self.stdout.write(f"{month:%Y-%m}: {archive.rows} rows to {archive.path} (sha256 {archive.sha256}), {done}")
