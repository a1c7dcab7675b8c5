"""Build the partner-API benchmark's data set (seeds.generator.generate_referral_load): by
default 1,000,000 referrals over 5 years, 40 % of them addressed to one partner (`vfi`), with
their people, cases, consents and event streams, written with COPY in batches. Then print what
the database holds per receiving organisation.

Run by hand, against a database of its own (it writes real rows and is refused in production):

    createdb -h 127.0.0.1 -U postgres pathway_bench_referrals
    export DATABASE_URL=postgresql://postgres@127.0.0.1:5432/pathway_bench_referrals
    .venv/bin/python manage.py migrate && .venv/bin/python manage.py load_reference
    .venv/bin/python bench/bench_referrals_generated.py --today 2026-11-25 --parts 3

With --parts N it runs N processes side by side, each writing a run of consecutive batches
(every batch has a random stream of its own, so the rows are the same for any N).

Then time the partner API on it with bench/bench_partner_list.py. Every row goes through the
same path as the demo data (pghistory triggers and constraints apply). Prints counts and
timings only, never a name.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.load_report import print_rows_written

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

BY_RECEIVER = """
    SELECT o.code, count(*), count(*) FILTER (WHERE r.status <> 'draft'),
           count(*) FILTER (WHERE r.consent_id IS NOT NULL)
    FROM referrals_referral r JOIN accounts_organisation o ON o.id = r.to_organisation_id
    GROUP BY o.code ORDER BY 2 DESC
"""
TOTALS = {
    "referrals": "SELECT count(*) FROM referrals_referral",
    "referral events": "SELECT count(*) FROM referrals_referralevent",
    "consents": "SELECT count(*) FROM referrals_consent",
    "withdrawn consents": "SELECT count(*) FROM referrals_consent WHERE withdrawn_at IS NOT NULL",
    "cases": "SELECT count(*) FROM casework_case",
    "people": "SELECT count(*) FROM casework_person",
    # The stream's numbers are unique per referral: the partner's cursor relies on it.
    "referrals sharing a change_seq": "SELECT count(*) - count(DISTINCT change_seq) FROM referrals_referral",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--referrals", type=int, default=1_000_000)
    parser.add_argument("--partner", default="vfi", help="the organisation that gets --partner-share of them")
    parser.add_argument("--partner-share", type=float, default=0.4)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--batch-referrals", type=int, default=20_000, help="referrals per transaction")
    parser.add_argument("--today", type=date.fromisoformat, default=None, help="the last day (default: today)")
    parser.add_argument("--parts", type=int, default=1, help="processes writing side by side")
    parser.add_argument("--part", type=int, default=None, help=argparse.SUPPRESS)  # one of them
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone

    from seeds.generator import generate_referral_load

    today = args.today or timezone.localdate()
    if args.part is None:
        print(
            f"database {connection.settings_dict['NAME']}: {args.referrals:,} referrals over {args.years} years up "
            f"to {today}, {args.partner_share:.0%} to {args.partner} (seed {args.seed}, {args.batch_referrals:,} per "
            f"transaction, {args.parts} process(es))"
        )

    def progress(done: int, counts: Counter[str]) -> None:
        elapsed = time.monotonic() - started
        part = f"part {args.part}: " if args.part is not None else ""
        out = sys.stderr if args.part is not None else sys.stdout  # a part's stdout is its JSON
        rate = f"{done / elapsed:8.0f} referrals/s"
        print(f"  {part}{done:>10,} referrals  {elapsed:7.1f} s  {rate}", file=out, flush=True)

    def run_parts(parts: int) -> tuple[Counter[str], dict[str, float]]:
        """The parts in child processes, after checking once that the database has no referral
        and creating the staff accounts they all use."""
        from referrals.models import Referral
        from seeds.generator.reference import Reference
        from seeds.generator.staff import ensure_staff

        if Referral.objects.exists():
            raise SystemExit("This database has referrals already: the load needs a database of its own.")
        ensure_staff(Reference.load().organisations)
        argv = [sys.executable, __file__, *sys.argv[1:], "--today", today.isoformat()]
        children = [
            subprocess.Popen([*argv, "--part", str(n)], stdout=subprocess.PIPE, text=True) for n in range(parts)
        ]
        counts: Counter[str] = Counter()
        timings: dict[str, float] = {}
        for child in children:  # progress comes on their stderr, the result on stdout
            out, _err = child.communicate()
            if child.returncode != 0 or not out.strip():
                raise SystemExit(f"a part failed (exit {child.returncode})")
            result = json.loads(out.strip().splitlines()[-1])
            counts += Counter(result["counts"])
            for label, seconds in result["timings"].items():  # summed over the parts: CPU-ish seconds
                timings[label] = timings.get(label, 0.0) + seconds
        return counts, timings

    load = {
        "referrals": args.referrals,
        "partner": args.partner,
        "partner_share": args.partner_share,
        "years": args.years,
        "seed": args.seed,
        "today": today,
        "batch_referrals": args.batch_referrals,
    }
    timings: dict[str, float] = {}
    started = time.monotonic()
    if args.part is not None:  # one part, in a child process: counts and timings as JSON at the end
        counts = generate_referral_load(
            **load, part=args.part, parts=args.parts, check_empty=False, progress=progress, timings=timings
        )
        print(json.dumps({"counts": counts, "timings": timings}))
        return
    if args.parts == 1:
        counts = generate_referral_load(**load, progress=progress, timings=timings)
    else:
        counts, timings = run_parts(args.parts)
    elapsed = time.monotonic() - started
    print_rows_written(counts, timings, elapsed)
    print(f"\n{args.referrals:,} referrals in {elapsed:.1f} s ({args.referrals / elapsed:.0f} referrals/s)\n")
    with connection.cursor() as cursor:
        for label, sql in TOTALS.items():
            cursor.execute(sql)
            print(f"{label:<32} {cursor.fetchone()[0]:>12,}")
        cursor.execute(BY_RECEIVER)
        print(f"\n{'to organisation':<24} {'referrals':>10} {'not draft':>10} {'with consent':>13}")
        for code, count, sent, consented in cursor.fetchall():
            print(f"{code:<24} {count:>10,} {sent:>10,} {consented:>13,}")


if __name__ == "__main__":
    main()
