from django.core.management.base import BaseCommand

from seeds.demo import DEMO_LOGINS, DEMO_PASSWORD


class Command(BaseCommand):
    help = "Print the demo logins (one per role; a provincial and a national manager)."

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for login in DEMO_LOGINS:
            self.stdout.write(f"  {login.username:<17} {', '.join(login.roles):<28} {login.organisation}")
