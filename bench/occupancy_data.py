"""The occupancy benchmark's data: 1,000,000 stays over 20 shelters and 5 years, written with
SQL alone (`INSERT ... SELECT generate_series`), into a database that has been migrated: the
indexes grow with the rows, as in a database filled by use.

Synthetic persons and cases (no names), and per bed a run of back-to-back stays of one week to
four months with gaps of up to a week, so no bed and no person is ever in two stays at once (the
exclusion constraints check it during the load). `python3 pathway bench` builds it (the version
of this file is the data set's version); `bench/bench_occupancy.py --generate` does too.
"""

from __future__ import annotations

import datetime as dt
import time

from django.db import connection, transaction

from accounts.models import Organisation, Province, Role
from casework.models import Person
from shelters.choices import ExitDestination
from shelters.models import Shelter

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
        age_at_admission, exit_destination, exit_code, exit_reason, admitted_by_id, created_at, case_category,
        person_sex, person_has_other_stays)
    SELECT stay_id, shelter_id, bed_id, person_id, case_id, daterange(admitted, discharged), admitted,
           CASE WHEN r3 < 0.05 THEN NULL ELSE 8 + floor(r3 * 100)::int %% 30 END,
           destination, coalesce(array_position(%(destinations)s::text[], destination), 0),
           '', %(user)s, now(), category, sex, false
    FROM bench_gen,
         LATERAL (SELECT CASE WHEN discharged IS NULL THEN ''
                  ELSE (ARRAY['family_reunification_home_village', 'independent_living_lao', 'kinship_or_foster_care',
                              'repatriated_to_country_of_origin', 'other_shelter_lao', 'transit_centre',
                              'hospital_or_treatment', 'detention_or_custody', 'remigrated_abroad',
                              'left_without_notice', 'deceased', 'unknown'])[1 + floor(r2 * 1000)::int %% 12] END
                  AS destination) d
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
        # The exit code the trigger would set (it is off here): the position in ExitDestination.
        "destinations": list(ExitDestination.values),
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
