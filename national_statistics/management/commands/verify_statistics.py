"""Check the statistics' summaries against the raw rows (summary.drift): every kept grid, the
yearly totals and the CTDC-style histogram, for every case and, with --managers, for each
organisation's subtree. Names what differs (never a figure); exits 1 when anything does."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import Organisation
from accounts.selectors import organisation_subtree_ids
from national_statistics.queries import Scope
from national_statistics.summary import drift


class Command(BaseCommand):
    help = "Compare the national statistics' summaries with the same counts from the raw rows."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--managers", action="store_true", help="Also every organisation's subtree (slow)")

    def handle(self, *args: Any, **options: Any) -> None:
        scopes = [Scope(owners=None)]
        if options["managers"]:
            pks = Organisation.objects.order_by("code").values_list("pk", flat=True)
            scopes += [Scope(owners=organisation_subtree_ids(pk)) for pk in pks]
        differences = drift(scopes)
        for difference in differences:
            self.stdout.write(f"differs: {difference}")
        if differences:
            raise CommandError(f"{len(differences)} summaries differ from the raw rows.")
        self.stdout.write(f"The summaries equal the raw rows ({len(scopes)} scopes).")
