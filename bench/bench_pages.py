"""Server time of the web pages on a large synthetic data set, through a real gunicorn.

Run by hand (see docs/performance.md), against a database filled by `seed_demo`:

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/pathway_bench \\
        .venv/bin/python bench/bench_pages.py --requests 100

Same method as bench_case_list.py (gunicorn with DEBUG off and 2 workers, sessions created
directly, one request at a time, p50/p95/p99 and the page's SQL query count), for the pages a
social worker and a manager use most: the case list (first page, a deep page, filters, a search by
code and by name), the case page's tabs, the dashboard and the occupancy report; and the pages of
issue 16 (the person and case edits, assignment, sharing, the transfer inbox, the Plan,
Repatriation and Follow-up visits tabs, the manager's plan and reopening queues).
`--only WORDS` measures only the pages whose label contains WORDS (`--only "issue 16"`).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from bench.bench_case_list import gunicorn, measure, percentile, query_count, session_cookie  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--only", default="", help="only the pages whose label contains this")
    args = parser.parse_args()

    import django

    django.setup()
    from casework.models import Case, CaseNote, Person

    with gunicorn() as base:
        # A case of the demo office with notes (the busiest kind of case page).
        noted = CaseNote.objects.filter(case__owner__code="mlsw-vt").values_list("case_id", flat=True).first()
        sample = Case.objects.select_related("person").get(pk=noted)
        case = f"/cases/{sample.pk}/"
        name = sample.person.family_name_latin or sample.person.given_name_latin or "a"  # whole words only
        scenarios = [
            ("manager", "case list, page 1", "/cases/"),
            ("manager", "case list, page 100", "/cases/?page=100"),
            ("manager", "case list, filtered", "/cases/?status=active&category=trafficking&province=VT"),
            ("manager", "case list, code search", f"/cases/?search={sample.person.case_code}"),
            ("manager", "case list, name search", f"/cases/?search={name}"),
            ("manager", "case page, person", f"{case}?tab=person"),
            ("manager", "case page, screening", f"{case}?tab=screening"),
            ("manager", "case page, services", f"{case}?tab=services"),
            ("manager", "case page, notes", f"{case}?tab=notes"),
            ("manager", "case page, stays", f"{case}?tab=stays"),
            ("manager", "case page, history", f"{case}?tab=history"),
            ("social.worker", "dashboard", "/"),
            ("social.worker", "case list, own office", "/cases/"),
            ("manager", "occupancy report", "/shelters/reports/occupancy/"),
            *issue_16_pages(),
        ]
        scenarios = [scenario for scenario in scenarios if args.only in scenario[1]]
        print(f"people={Person.objects.count()} cases={Case.objects.count()} requests/scenario={args.requests}")
        print(f"{'user':<14} {'page':<40} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'queries':>8}")
        for username, label, path in scenarios:
            cookie = session_cookie(username)
            measure(base, path, cookie, 3)  # warm up connections and caches
            timings = measure(base, path, cookie, args.requests)
            print(
                f"{username:<14} {label:<40} {statistics.median(timings):8.1f} {percentile(timings, 0.95):8.1f} "
                f"{percentile(timings, 0.99):8.1f} {query_count(path, username):8d}",
                flush=True,
            )


def issue_16_pages() -> list[tuple[str, str, str]]:
    """The pages of issue 16 (GET: what a worker or a manager opens before writing), each on an
    open case of the demo office (a closed one has no edit pages) that has what the page shows:
    notes, a plan, follow-up visits, a repatriation."""
    from casework.models import Case, CaseNote, CasePlan, FollowUpVisit, Repatriation

    open_cases = Case.objects.filter(owner__code="mlsw-vt").exclude(status="closed")

    def case_with(model):  # type: ignore[no-untyped-def]
        return f"/cases/{model.objects.filter(case__in=open_cases).values_list('case_id', flat=True)[0]}/"

    case = case_with(CaseNote)
    return [
        ("social.worker", "issue 16: person edit", f"{case}person/"),
        ("social.worker", "issue 16: case edit", f"{case}edit/"),
        ("manager", "issue 16: assign a worker", f"{case}assign/"),
        ("social.worker", "issue 16: sharing", f"{case}shares/"),
        ("manager", "issue 16: transfer inbox", "/cases/transfers/"),
        ("social.worker", "issue 16: plan tab", f"{case_with(CasePlan)}?tab=plan"),
        ("manager", "issue 16: plan approvals queue", "/manage/plans/"),
        ("social.worker", "issue 16: follow-up visits tab", f"{case_with(FollowUpVisit)}?tab=follow_ups"),
        ("social.worker", "issue 16: repatriation tab", f"{case_with(Repatriation)}?tab=repatriation"),
        ("manager", "issue 16: reopening approvals queue", "/manage/reopenings/"),
    ]


if __name__ == "__main__":
    main()
