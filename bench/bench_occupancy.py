"""Speed of the occupancy and statistics reports on 1,000,000 stays (20 shelters, 5 years).

Run by hand, against a database of its own (never the development one: it bulk-loads with
triggers off):

    psql -h 127.0.0.1 -U postgres -c "create database pathway_bench_occupancy"
    export DATABASE_URL=postgresql://postgres@127.0.0.1:5432/pathway_bench_occupancy
    .venv/bin/python manage.py migrate && .venv/bin/python manage.py load_reference
    .venv/bin/python bench/bench_occupancy.py --generate --runs 7

`--generate` fills the database once with SQL alone (`INSERT ... SELECT generate_series`):
synthetic persons and cases (no names), and per bed a run of back-to-back stays of one week to
four months with gaps of up to a week, so no bed and no person is ever in two stays at once (the
exclusion constraints check it during the load). Then it times, p50 of `--runs` runs each:
`occupancy()` and `shelter_table()` for one shelter-year and for all shelters over five years,
next to the bare occupied-nights aggregate over the same stays, the floor any report must scan.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

from accounts.models import Organisation, Province, Role  # noqa: E402
from casework.models import Person  # noqa: E402
from shelters import reports  # noqa: E402
from shelters.models import Shelter  # noqa: E402

SHELTERS = 20
TARGET_STAYS = 1_000_000
BEDS_PER_SHELTER = 1760  # about 29 back-to-back stays per bed over the five years: a little over 1M, cut at 1M
FIRST_DAY = dt.date(2021, 1, 1)
LAST_DAY = dt.date(2025, 12, 31)
TODAY = dt.date(2026, 1, 1)  # stays still running on this day are left open

GENERATE_SQL = [
    # Beds: in service since 2020; one in twenty retired on a day of 2022-2025.
    """
    INSERT INTO shelters_bed (id, shelter_id, label, in_service)
    SELECT gen_random_uuid(), s.id, 'Z' || lpad(n::text, 5, '0'),
           CASE WHEN random() < 0.05
                THEN daterange('2020-01-01', DATE '2022-01-01' + floor(random() * 1400)::int)
                ELSE daterange('2020-01-01', NULL) END
    FROM shelters_shelter s CROSS JOIN generate_series(1, %(beds)s) n
    """,
    # Back-to-back stays per bed: stay k ends where the cumulative (length + gap) says; the next
    # starts after its own gap, so stays of one bed never overlap. Cut at the bed's retirement.
    """
    CREATE UNLOGGED TABLE bench_gen AS
    WITH slot AS (
        SELECT b.id AS bed_id, b.shelter_id, upper(b.in_service) AS retired, k,
               7 + floor(random() * 110)::int AS len, floor(random() * 8)::int AS gap,
               floor(random() * 60)::int AS lead
        FROM shelters_bed b CROSS JOIN generate_series(1, 45) k
        WHERE b.label LIKE 'Z%%'
    ), placed AS (
        SELECT bed_id, shelter_id, retired, len,
               DATE '2020-11-01' + (first_value(lead) OVER w + sum(len + gap) OVER w - len)::int AS admitted
        FROM slot
        WINDOW w AS (PARTITION BY bed_id ORDER BY k)
    ), drawn AS (
        SELECT gen_random_uuid() AS stay_id, gen_random_uuid() AS person_id, gen_random_uuid() AS case_id,
               row_number() OVER () AS n, shelter_id,
               CASE WHEN random() < 0.02 THEN NULL ELSE bed_id END AS bed_id,
               admitted, CASE WHEN admitted + len >= %(today)s THEN NULL ELSE admitted + len END AS discharged,
               random() AS r1, random() AS r2, random() AS r3
        FROM placed
        WHERE admitted < %(today)s AND (retired IS NULL OR admitted + len <= retired)
        LIMIT %(target)s
    )
    -- Drawn once here: the person, case and stay rows below must agree (the stay's copies of the
    -- case category and the person's sex are written directly, the copy triggers being off).
    SELECT *,
           CASE WHEN r1 < 0.6 THEN 'female' WHEN r1 < 0.98 THEN 'male' ELSE 'other' END AS sex,
           (ARRAY['trafficking', 'trafficking', 'trafficking', 'trafficking', 'risk_group', 'risk_group',
                  'rape', 'domestic_violence', 'child_labour', 'sexual_exploitation', 'vulnerable'
                 ])[1 + floor(r2 * 11)::int] AS category
    FROM drawn
    """,
    """
    INSERT INTO casework_person (id, case_code, registered_on, given_name_lo, family_name_lo, given_name_latin,
        family_name_latin, name_index_latin, name_index_lo, name_index_key, sex, birth_date_estimated, languages,
        interpreter_needed, interpreter_language, origin_village, phone, contact_notes, identity_document, created_at,
        updated_at, nationality_id, registration_province_id)
    SELECT person_id, 'BN-' || lpad(n::text, 8, '0'), admitted, '', '', '', '',
           %(name_index_latin)s, %(name_index_lo)s, %(name_index_key)s,
           sex, false, '{}', false, '', '', '', '', '', now(), now(), 'LA', %(province)s
    FROM bench_gen
    """,
    """
    INSERT INTO casework_case (id, person_id, owner_id, category, identification_route, identified_on, status,
        closure_reason, closure_note, created_at, updated_at)
    SELECT case_id, person_id, %(owner)s, category, 'police', admitted, 'open', '', '', now(), now()
    FROM bench_gen
    """,
    """
    INSERT INTO shelters_stay (id, shelter_id, bed_id, person_id, case_id, during, episode_started_on,
        age_at_admission, exit_destination, exit_reason, admitted_by_id, created_at, case_category, person_sex,
        person_has_other_stays)
    SELECT stay_id, shelter_id, bed_id, person_id, case_id, daterange(admitted, discharged), admitted,
           CASE WHEN r3 < 0.05 THEN NULL ELSE 8 + floor(r3 * 100)::int %% 30 END,
           CASE WHEN discharged IS NULL THEN ''
                ELSE (ARRAY['family_reunification_home_village', 'independent_living_lao', 'kinship_or_foster_care',
                            'repatriated_to_country_of_origin', 'other_shelter_lao', 'transit_centre',
                            'hospital_or_treatment', 'detention_or_custody', 'remigrated_abroad',
                            'left_without_notice', 'deceased', 'unknown'])[1 + floor(r2 * 1000)::int %% 12] END,
           '', %(user)s, now(), category, sex, false
    FROM bench_gen
    """,
    # A few outages (one bed in thirty, two to six weeks in 2023) and 20,000 non-residential contacts.
    """
    INSERT INTO shelters_bedoutage (id, bed_id, during, reason, recorded_by_id)
    SELECT gen_random_uuid(), id, daterange(d, d + 14 + floor(random() * 28)::int), 'bench', %(user)s
    FROM (SELECT id, DATE '2023-01-01' + floor(random() * 300)::int AS d FROM shelters_bed
          WHERE label LIKE 'Z%%' AND random() < 0.033) b
    """,
    """
    INSERT INTO shelters_nonresidentialassistance (id, shelter_id, person_id, assisted_on, notes, recorded_by_id)
    SELECT gen_random_uuid(), shelter_id, person_id, DATE '2021-01-01' + floor(random() * 1826)::int, '', %(user)s
    FROM bench_gen WHERE n <= 20000
    """,
    "DROP TABLE bench_gen",
]

RAW_SQL = """
SELECT sum(upper(s.during * daterange(%(d0)s, %(d1)s)) - lower(s.during * daterange(%(d0)s, %(d1)s)))
FROM shelters_stay s
WHERE s.shelter_id = ANY(%(ids)s::uuid[]) AND s.during && daterange(%(d0)s, %(d1)s)
"""


def generate(stays: int = TARGET_STAYS) -> None:
    """Fill the database with `stays` stays (beds in proportion, about 29 stays a bed), once."""
    from tests.factories import make_user

    if connection.settings_dict["NAME"] in {"pathway", "postgres", "test"}:
        raise SystemExit("Refusing to bulk-load into a shared database; use pathway_bench_occupancy.")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM shelters_stay")
        if cursor.fetchone()[0] >= stays:
            print("stays already generated")
            return
    operator = Organisation.objects.get(code="mlsw-transit-centre")
    province = Province.objects.get(code="VT")
    for number in range(Shelter.objects.count() + 1, SHELTERS + 1):
        Shelter.objects.create(
            code=f"bench-{number:02d}", name_en=f"Bench shelter {number:02d}", operator=operator, province=province
        )
    user = make_user("bench-occupancy", operator, Role.MANAGER)
    params = {
        "beds": -(-BEDS_PER_SHELTER * stays // TARGET_STAYS),
        "today": TODAY,
        "target": stays,
        "province": province.pk,
        "owner": operator.pk,
        "user": user.pk,
        # No names (blank stays blank, unencrypted); the blind indexes of no name, from the model's own code.
        **Person.blind_indexes({}),
    }
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        # Bulk load: skip the history triggers and deferred FK checks (the ids come from the same
        # statement); the exclusion constraints still check every stay.
        cursor.execute("SET LOCAL session_replication_role = replica")
        for sql in GENERATE_SQL:
            cursor.execute(sql, params)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("SELECT count(*), count(*) FILTER (WHERE upper(during) IS NULL) FROM shelters_stay")
        stays, open_stays = cursor.fetchone()
    print(f"generated {stays:,} stays ({open_stays:,} open) in {time.perf_counter() - started:.0f} s")


def p50s(actions: dict[str, Callable[[], object]], runs: int) -> dict[str, float]:
    """Median wall time of each action in ms; the actions take turns, run after run, so that
    whatever else the machine does weighs on all of them alike."""
    for action in actions.values():
        action()  # warm the caches
    timings: dict[str, list[float]] = {name: [] for name in actions}
    for _ in range(runs):
        for name, action in actions.items():
            started = time.perf_counter()
            action()
            timings[name].append(time.perf_counter() - started)
    return {name: statistics.median(values) * 1000 for name, values in timings.items()}


def raw_aggregate(shelters: object, start: dt.date, end: dt.date) -> object:
    ids = list(shelters.values_list("pk", flat=True))  # type: ignore[attr-defined]
    with connection.cursor() as cursor:
        cursor.execute(RAW_SQL, {"ids": ids, "d0": start, "d1": end + dt.timedelta(days=1)})
        return cursor.fetchone()


def scenario(shelters: object, start: dt.date, end: dt.date) -> dict[str, Callable[[], object]]:
    return {
        "raw": lambda: raw_aggregate(shelters, start, end),
        "occupancy": lambda: reports.occupancy(shelters, start, end),  # type: ignore[arg-type]
        "table": lambda: reports.shelter_table(shelters, start, end),  # type: ignore[arg-type]
        "series": lambda: reports.utilisation_series(shelters, start, end),  # type: ignore[arg-type]
        "years": lambda: reports.residents_by_year(shelters, start.year, end.year),  # type: ignore[arg-type]
    }


def figures(runs: int) -> list[tuple[str, str, float, float | None]]:
    """(scenario, what, p50 ms, floor ms) of every report in both scenarios; the floor is the raw
    aggregate over the same stays (`python3 pathway bench` prints them as one table)."""
    one = Shelter.objects.filter(code="bench-10")
    scenarios = [
        ("one shelter, 2024", one, dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
        ("all shelters, 2021-2025", Shelter.objects.all(), FIRST_DAY, LAST_DAY),
    ]
    rows: list[tuple[str, str, float, float | None]] = []
    for name, shelters, start, end in scenarios:
        ms = p50s(scenario(shelters, start, end), runs)
        rows.append((name, "raw aggregate (floor)", ms["raw"], None))
        for key, label in (
            ("occupancy", "occupancy()"),
            ("table", "shelter_table()"),
            ("series", "utilisation_series()"),
            ("years", "residents_by_year()"),
        ):
            rows.append((name, label, ms[key], ms["raw"]))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--generate", action="store_true", help="fill the database first (once)")
    parser.add_argument("--stays", type=int, default=TARGET_STAYS, help="how many stays --generate writes")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    if args.generate:
        generate(args.stays)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM shelters_stay")
        print(f"{cursor.fetchone()[0]:,} stays, {Shelter.objects.count()} shelters; p50 of {args.runs} runs, ms")
    for name, what, ms, floor in figures(args.runs):
        ratio = f"{ms / floor:6.2f}x" if floor else ""
        print(f"{name:<26}{what:<24}{ms:>8.0f} {ratio}")


if __name__ == "__main__":
    main()
