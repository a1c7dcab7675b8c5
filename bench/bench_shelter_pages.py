"""Server time of the shelter, referral and manager pages on a large database, in-process.

Run by hand against a filled database (never in production: it writes, then rolls back):

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/pathway_bench_occupancy \\
        .venv/bin/python bench/bench_shelter_pages.py --requests 20
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/pathway_bench \\
        .venv/bin/python bench/bench_shelter_pages.py --requests 20

Each page is requested through Django's test client (the whole middleware stack and template
rendering, no network) inside one transaction that is rolled back at the end, so the audit rows
the bed board writes and the bench users it creates leave nothing behind. The users: a manager
of the operator of the shelter with the most beds, posted there as shelter staff too (so the
board and the reports are in scope). Prints median and p95 in milliseconds (the SQL
queries are bounded by the tests (django_assert_max_num_queries)). Counts and timings only, never a name.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


class Rollback(Exception):
    pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20, help="timed requests per page (after one warm-up)")
    parser.add_argument("--shelter", default="", help="shelter code (default: the one with the most beds)")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    from django.db import connection, transaction
    from django.db.models import Count
    from django.test import Client
    from django.utils import timezone

    from accounts.models import Role
    from accounts.services import user_create
    from shelters.models import Shelter, ShelterStaff

    shelters = Shelter.objects.annotate(n=Count("beds")).order_by("-n", "code")
    shelter = shelters.get(code=args.shelter) if args.shelter else shelters.first()
    if shelter is None:
        sys.exit("no shelter in this database")
    today = timezone.localdate()
    pages = [
        ("shelter list", "/shelters/"),
        (f"bed board ({shelter.n} beds)", f"/shelters/{shelter.code}/board/"),
        ("admit form", f"/shelters/{shelter.code}/admit/"),
        ("occupancy report, this year, one shelter", f"/shelters/reports/occupancy/?shelter={shelter.code}"),
        (
            "occupancy report, last 12 months, operator's shelters",
            f"/shelters/reports/occupancy/?start={today.replace(year=today.year - 1).isoformat()}"
            f"&end={today.isoformat()}",
        ),
        ("referral inbox", "/referrals/inbox/"),
        ("referrals sent", "/referrals/sent/"),
        ("team workload", "/manage/workload/"),
        ("closure approvals", "/manage/closures/"),
    ]
    try:
        with transaction.atomic():
            user = user_create(
                actor=None,
                username="bench-pages",
                organisation=shelter.operator,
                roles=[Role.MANAGER, Role.SHELTER_STAFF, Role.SOCIAL_WORKER],
                password=None,
                validate_password_strength=False,
            )
            ShelterStaff.objects.create(shelter=shelter, user=user)
            client = Client()
            client.force_login(user)
            print(f"database {connection.settings_dict['NAME']}, shelter {shelter.code}, {args.requests} requests each")
            print(f"{'page':58} {'status':>6} {'median ms':>10} {'p95 ms':>8}")
            for name, url in pages:
                status = client.get(url).status_code
                times = []
                for _ in range(args.requests):
                    start = time.perf_counter()
                    client.get(url)
                    times.append((time.perf_counter() - start) * 1000)
                times.sort()
                p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
                print(f"{name:58} {status:>6} {statistics.median(times):>10.1f} {p95:>8.1f}")
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()
