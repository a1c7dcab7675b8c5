import time

from django.core.management.base import BaseCommand, CommandError

from seeds import demo
from seeds.generator import MAX_PEOPLE

MIN_PEOPLE = 100


class Command(BaseCommand):
    help = (
        "Create the demo logins and a synthetic data set of --people people with their cases, stays, referrals "
        "and plans (bulk inserts)."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--people", type=int, default=300, help=f"{MIN_PEOPLE:,} to {MAX_PEOPLE:,}")
        parser.add_argument("--seed", type=int, default=2026, help="random seed, for repeatable data")
        parser.add_argument("--if-empty", action="store_true", help="skip the people if people exist already")
        parser.add_argument("--batch-size", type=int, default=5000, help="people per transaction")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        people = options["people"]
        if not MIN_PEOPLE <= people <= MAX_PEOPLE:
            raise CommandError(f"--people must be between {MIN_PEOPLE:,} and {MAX_PEOPLE:,}.")
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be positive.")
        started = time.monotonic()

        def progress(done, counts):  # type: ignore[no-untyped-def]
            if people > options["batch_size"]:
                self.stdout.write(f"  {done:,} / {people:,} people ({time.monotonic() - started:.1f} s)")

        # Counts and timings only: never a name, not even a synthetic one.
        counts = demo.seed_demo(
            people=people,
            seed=options["seed"],
            if_empty=options["if_empty"],
            batch_size=options["batch_size"],
            progress=progress,
        )
        elapsed = time.monotonic() - started
        if counts is None:
            self.stdout.write(f"demo logins ready; people exist already, none generated (--if-empty) ({elapsed:.1f} s)")
            return
        self.stdout.write("demo logins ready; rows written:")
        for label, count in counts.items():
            self.stdout.write(f"  {label:<40} {count:>10,}")
        self.stdout.write(f"{people:,} people in {elapsed:.1f} s")
