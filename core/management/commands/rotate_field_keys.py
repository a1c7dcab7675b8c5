import time

from django.core.management.base import BaseCommand, CommandError

from core import field_keys


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted field (and its row-history copies) with the first key of PATHWAY_FIELD_KEYS "
        "(attachments' data keys included: re-wrapped, the files themselves are not rewritten) "
        "and recompute the blind indexes with the first key of PATHWAY_BLIND_INDEX_KEYS, in batches. "
        "Safe to stop and run again. With --check, only count what is left (exit status 1 if anything is)."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--batch-size", type=int, default=1000, help="records per transaction")
        parser.add_argument("--check", action="store_true", help="count the rows that still need an old key")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be positive.")
        if not options["check"]:
            started = time.monotonic()
            # Counts only: never a value.
            rewritten = field_keys.rotate(
                batch_size=options["batch_size"],
                progress=lambda line: self.stdout.write(f"  {line} ({time.monotonic() - started:.1f} s)"),
            )
            for label, count in rewritten.items():
                self.stdout.write(f"{label:<45} {count:>10,} rows rewritten")
        left = field_keys.remaining()
        for label, count in left.items():
            self.stdout.write(f"{label:<45} {count:>10,} rows still need an old key")
        if any(left.values()):
            if options["check"]:
                raise CommandError("Some rows still need an old key: run rotate_field_keys before removing it.")
            raise CommandError("Rows were written with an old key during the run: run rotate_field_keys again.")
        self.stdout.write("Every value is under the current keys: the previous keys can be removed.")
