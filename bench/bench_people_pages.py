"""The pages a social worker, shelter staff and a manager open daily, and the staff and partner
API lists, on the people data set (bench/people_data.py: 1,000,000 people), each beside its
floor. `python3 pathway bench --only people` runs it; by hand, against a built database:

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/pathway_bench_people \\
        .venv/bin/python bench/bench_people_pages.py --requests 30

Method as bench_pages.py: gunicorn (DEBUG off, 2 workers) on a free port, sessions created
directly, one request at a time after 3 warm-up requests, p50 and p95 of the client's time.
The floor of a page is the bare query of the rows it shows (ORM `.values()` of the same rows in
this process, p50 of as many runs); the floor of an API list is a bare DRF view of the same
rows (bench/partner_bench_urls.py: ListAPIView, `.values()` or a plain ModelSerializer), timed
through the same gunicorn. Never run in production: it creates sessions and a partner token.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

Row = tuple[str, str, float, float | None, float]  # user, page, p50 ms, floor ms, p95 ms


def get(base: str, path: str, headers: dict[str, str], count: int) -> list[float]:
    timings = []
    for _ in range(count):
        accept = "application/json" if path.startswith("/api/") else "text/html"
        request = urllib.request.Request(base + path, headers={"Accept": accept, **headers})
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                response.read()
        except urllib.error.HTTPError as refused:
            raise AssertionError(f"{path}: {refused.code}") from None
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def warm(base: str, path: str, headers: dict[str, str], rounds: int = 3) -> None:
    """`rounds` times, as many requests at once as gunicorn has workers: each busy worker leaves
    the next request to another, so every worker has served the page before it is timed (one
    at a time, the warm-ups could all land on one worker, and the other's first request, 200
    ms slower, was counted)."""
    from concurrent.futures import ThreadPoolExecutor

    from bench.bench_case_list import WORKERS

    with ThreadPoolExecutor(WORKERS) as pool:
        for _ in range(rounds):
            list(pool.map(lambda _n: get(base, path, headers, 1), range(WORKERS)))


def timed(call: Callable[[], object], count: int) -> float:
    samples = []
    for _ in range(count):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


@contextmanager
def server() -> Iterator[str]:
    """gunicorn with the benchmark's settings (the product plus the bare views)."""
    from bench.bench_case_list import gunicorn

    before = os.environ["DJANGO_SETTINGS_MODULE"]
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.partner_bench_settings"
    try:
        with gunicorn() as base:
            os.environ["DJANGO_SETTINGS_MODULE"] = before
            yield base
    finally:
        os.environ["DJANGO_SETTINGS_MODULE"] = before


def scenarios() -> list[tuple[str, str, str, Callable[[], object] | str | None]]:
    """(user, page, path, floor): the floor is a callable (a bare query), a path (a bare view)
    or None."""
    from django.db import connection
    from django.db.models import Count
    from django.utils import timezone

    from accounts.models import Notification, User
    from casework import permissions
    from casework.models import Case, CaseEvent, CaseNote, CasePlan, FollowUpVisit, Repatriation, Screening, Service
    from casework.names import name_filter
    from shelters.models import Bed, Shelter, Stay

    manager = User.objects.get(username="manager")
    worker = User.objects.get(username="social.worker")
    scope = permissions.view_case.scope(manager).order_by("-created_at", "id")
    fields = ("id", "person__case_code", "status", "category", "identified_on", "owner__code")
    noted = CaseNote.objects.filter(case__owner__code="mlsw-vt").values_list("case_id", flat=True).first()
    case = Case.objects.select_related("person").get(pk=noted)
    open_cases = Case.objects.filter(owner__code="mlsw-vt").exclude(status="closed")

    def case_with(model: Any) -> str:
        found = model.objects.filter(case__in=open_cases).values_list("case_id", flat=True).first()
        return str(found or case.pk)

    name = case.person.family_name_latin or case.person.given_name_latin or "a"
    shelter = Shelter.objects.filter(code="lwu-cpc-vientiane").first() or Shelter.objects.order_by("code").first()
    year = timezone.localdate().year

    def rows(queryset: Any) -> Callable[[], object]:
        return lambda: list(queryset.all())  # .all(): a fresh query each time, not the cached rows

    def bed_nights() -> object:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT sum(upper(r) - lower(r)) FROM (SELECT during * daterange(%s, %s) AS r FROM shelters_stay "
                "WHERE during && daterange(%s, %s)) s",
                [f"{year}-01-01", f"{year + 1}-01-01"] * 2,
            )
            return cursor.fetchall()

    def identified_per_year() -> object:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT extract(year FROM identified_on), count(DISTINCT person_id) FROM casework_case GROUP BY 1"
            )
            return cursor.fetchall()

    tab_floors = {
        "person": Case.objects.filter(pk=case.pk).values("person__case_code", "person__sex", "person__registered_on"),
        "screening": Screening.objects.filter(case=case).values(),
        "services": Service.objects.filter(case=case).values(),
        "notes": CaseNote.objects.filter(case=case).values(),
        "stays": Stay.objects.filter(case=case).values(),
        "history": CaseEvent.objects.filter(case=case).order_by("-at").values()[:50],
    }
    pages: list[tuple[str, str, str, Callable[[], object] | str | None]] = [
        (
            "social.worker",
            "dashboard",
            "/",
            rows(Case.objects.filter(assigned_worker=worker).exclude(status="closed").values(*fields)[:25]),
        ),
        (
            "social.worker",
            "case list, own office",
            "/cases/",
            rows(permissions.view_case.scope(worker).values(*fields)[:25]),
        ),
        ("manager", "case list, page 1", "/cases/", rows(scope.values(*fields)[:25])),
        ("manager", "case list, page 40 (the last counted)", "/cases/?page=40", rows(scope.values(*fields)[975:1000])),
        (
            "manager",
            "case list, status + category + province",
            "/cases/?status=active&category=trafficking&province=VT",
            rows(
                scope.filter(status="active", category="trafficking", person__registration_province__code="VT").values(
                    *fields
                )[:25]
            ),
        ),
        (
            "manager",
            "case list, search by case code",
            f"/cases/?search={case.person.case_code}",
            rows(scope.filter(person__case_code__startswith=case.person.case_code).values(*fields)[:25]),
        ),
        (
            "manager",
            "case list, search by a family name",
            f"/cases/?search={name}",
            rows(scope.filter(name_filter(name, "person__")).values(*fields)[:25]),
        ),
        *[
            ("manager", f"case page, {tab} tab", f"/cases/{case.pk}/?tab={tab}", rows(query))
            for tab, query in tab_floors.items()
        ],
        (
            "social.worker",
            "case page, plan tab",
            f"/cases/{case_with(CasePlan)}/?tab=plan",
            rows(CasePlan.objects.filter(case_id=case_with(CasePlan)).values("id", "goals__id", "goals__objective")),
        ),
        (
            "social.worker",
            "case page, follow-up visits tab",
            f"/cases/{case_with(FollowUpVisit)}/?tab=follow_ups",
            rows(FollowUpVisit.objects.filter(case_id=case_with(FollowUpVisit)).values()),
        ),
        (
            "social.worker",
            "case page, repatriation tab",
            f"/cases/{case_with(Repatriation)}/?tab=repatriation",
            rows(Repatriation.objects.filter(case_id=case_with(Repatriation)).values()),
        ),
        (
            "shelter.staff",
            f"bed board ({shelter.code})",
            f"/shelters/{shelter.code}/board/",
            rows(Bed.objects.filter(shelter=shelter).values("id", "label", "stays__id", "stays__during")),
        ),
        ("shelter.staff", "occupancy report, this year", "/shelters/reports/occupancy/", bed_nights),
        (
            "manager",
            "team workload",
            "/manage/workload/",
            rows(scope.exclude(status="closed").order_by().values("assigned_worker_id").annotate(n=Count("id"))),
        ),
        ("statistician", "statistics page", "/statistics/", identified_per_year),
        (
            "social.worker",
            "notifications",
            "/notifications/",
            rows(Notification.objects.filter(user=worker).order_by("-created_at").values()[:25]),
        ),
        ("manager", "staff API: case list, page 1", "/api/v1/cases/", "/api/bench/bare-cases/"),
    ]
    return pages


def figures(runs: int, skip: str = "") -> list[Row]:
    import django

    django.setup()
    from accounts.models import Organisation, Role, User
    from accounts.services import user_create
    from bench.bench_case_list import session_cookie
    from bench.bench_partner_list import BARE_PATH, PARTNER_PATH
    from referrals.partner.tokens import token_issue

    chosen = [scenario for scenario in scenarios() if not skip or skip not in scenario[1]]
    partner_org = Organisation.objects.get(code="vfi")  # the demo partner, the most referrals
    manager = User.objects.filter(username="bench.vfi.manager").first() or user_create(
        actor=None, username="bench.vfi.manager", organisation=partner_org, roles=[Role.MANAGER], password=None
    )
    _token, plaintext = token_issue(actor=manager, organisation=partner_org, name="bench people")
    bearer = {"Authorization": f"Bearer {plaintext}"}
    found: list[Row] = []
    with server() as base:
        cookies = {}
        for username, page, path, floor in chosen:
            if username not in cookies:
                cookies[username] = {"Cookie": session_cookie(username)}
            headers = cookies[username]
            warm(base, path, headers)
            timings = get(base, path, headers, runs)
            if isinstance(floor, str):
                warm(base, floor, headers)
                floor_ms: float | None = statistics.median(get(base, floor, headers, runs))
            elif floor is not None:
                floor()
                floor_ms = timed(floor, runs)
            else:
                floor_ms = None
            found.append((username, page, statistics.median(timings), floor_ms, _p95(timings)))
        warm(base, PARTNER_PATH, bearer)
        warm(base, BARE_PATH, bearer)
        # Taking turns, request by request: what drifts during the run (autovacuum of the audit
        # rows the partner list writes, another process) weighs on both sides alike.
        turns = [(get(base, PARTNER_PATH, bearer, 1)[0], get(base, BARE_PATH, bearer, 1)[0]) for _ in range(runs)]
        partner, bare = [p for p, _b in turns], [b for _p, b in turns]
        found.append(
            (
                "partner",
                "partner API: referral list",
                statistics.median(partner),
                statistics.median(bare),
                _p95(partner),
            )
        )
    return found


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--skip", default="", help="leave out the pages whose label contains this")
    args = parser.parse_args()
    import django

    django.setup()
    from casework.models import Case, Person

    print(f"people={Person.objects.count():,} cases={Case.objects.count():,} requests/page={args.requests}")
    print(f"{'user':<14} {'page':<44} {'p50 ms':>8} {'p95 ms':>8} {'floor ms':>9} {'ratio':>6}")
    for user, page, p50, floor, p95 in figures(args.requests, args.skip):
        ratio = f"{p50 / floor:.1f}x" if floor else ""
        shown = f"{floor:.1f}" if floor else ""
        print(f"{user:<14} {page:<44} {p50:8.1f} {p95:8.1f} {shown:>9} {ratio:>6}", flush=True)
    print(json.dumps({"load average": os.getloadavg()}))


if __name__ == "__main__":
    main()
