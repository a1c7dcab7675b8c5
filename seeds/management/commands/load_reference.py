from django.core.management.base import BaseCommand

from seeds.reference import load_reference


class Command(BaseCommand):
    help = "Load provinces, districts, organisations and shelters from seeds/data (idempotent)."

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        counts = load_reference()
        summary = ", ".join(f"{key}={value}" for key, value in sorted(counts.items())) or "nothing changed"
        self.stdout.write(f"reference data: {summary}")
