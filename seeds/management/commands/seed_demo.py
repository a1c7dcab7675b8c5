import time

from django.core.management.base import BaseCommand

from seeds import demo


class Command(BaseCommand):
    help = "Create the demo logins and a synthetic data set of --people people (bulk inserts)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--people", type=int, default=300, help="100 to 1,000,000")
        parser.add_argument("--seed", type=int, default=2026, help="random seed, for repeatable data")
        parser.add_argument("--if-empty", action="store_true", help="do nothing if demo people exist")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        started = time.monotonic()
        demo.create_demo_logins()
        self.stdout.write(f"demo logins ready ({time.monotonic() - started:.1f} s)")
