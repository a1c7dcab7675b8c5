"""The people data set (bench/people_data.py): the copies it makes in SQL are rows the services
would write. On a small seed written by `seed_demo`, three times over: every copied table and its
history hold exactly three times the seed's rows, every foreign key holds (the copies are made
with the triggers off, so the foreign keys are checked here), case codes are unique, well formed
and gap-free per province and year with the counters at the last one, copied people's names are
those of other seed people of the same sex and are found by a name search (ciphertext and blind indexes agree), and the
change stream's numbers stay unique with every referral at its last event."""

from __future__ import annotations

import re
from collections import defaultdict

import pytest
from django.db import connection

from bench import people_data
from casework.models import Case, CaseCodeCounter, Person
from casework.names import name_filter
from seeds.demo import seed_demo

pytestmark = [pytest.mark.slow, pytest.mark.django_db]
TABLES = people_data.COPIED + tuple(people_data.HISTORY.values())


def count(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 (our table names)
        return cursor.fetchone()[0]


def dangling_references() -> dict[str, int]:
    """Rows of the copied tables whose foreign key points at nothing."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.conrelid::regclass::text, a.attname, c.confrelid::regclass::text, f.attname
            FROM pg_constraint c
            JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
            JOIN pg_attribute f ON f.attrelid = c.confrelid AND f.attnum = c.confkey[1]
            WHERE c.contype = 'f' AND c.conrelid::regclass::text = ANY (%s)
            """,
            [list(people_data.COPIED)],
        )
        found = {}
        for table, column, target, key in cursor.fetchall():
            cursor.execute(
                f"SELECT count(*) FROM {table} s WHERE s.{column} IS NOT NULL "  # noqa: S608
                f"AND NOT EXISTS (SELECT 1 FROM {target} t WHERE t.{key} = s.{column})"
            )
            found[f"{table}.{column}"] = cursor.fetchone()[0]
        return found


def test_the_copies_are_rows_the_services_would_write(reference):
    seed_demo(people=120)
    seed = {table: count(table) for table in TABLES}
    seed_objects = list(Person.objects.all())
    seed_people = {person.pk for person in seed_objects}
    assert seed["casework_person"] == 120 and seed["casework_caseevent"] > 0 and seed["referrals_referralevent"] > 0

    counts = people_data.multiply(3, progress=lambda message: None)

    assert counts == {table: 3 * rows for table, rows in seed.items()}
    assert {reference: n for reference, n in dangling_references().items() if n} == {}

    codes = list(Person.objects.values_list("case_code", flat=True))
    assert len(set(codes)) == len(codes) == 360
    blocks: dict[str, list[int]] = defaultdict(list)
    for code in codes:
        assert re.fullmatch(r"[A-Z]{2}-\d{4}-\d{5}", code), code
        province, year, number = code.split("-")
        blocks[f"{province}-{year}"].append(int(number))
    assert all(sorted(numbers) == list(range(1, len(numbers) + 1)) for numbers in blocks.values())
    counters = {
        f"{c.province.code}-{c.year}": c.last_number for c in CaseCodeCounter.objects.select_related("province")
    }
    assert all(counters[block] == len(numbers) for block, numbers in blocks.items())

    seed_names = {(p.sex, p.given_name_latin, p.family_name_latin, p.given_name_lo) for p in seed_objects}
    copies = Person.objects.exclude(pk__in=seed_people).order_by("case_code")[:40]
    for person in copies:
        assert person.name_index_latin and person.name_prefixes
        names = (person.sex, person.given_name_latin, person.family_name_latin, person.given_name_lo)
        assert names in seed_names  # another seed person's, of the same sex
        assert Person.objects.filter(name_filter(person.family_name_latin), pk=person.pk).exists()
        assert Case.objects.filter(person=person).exists()

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM referrals_referral r WHERE r.change_seq <> "
            "(SELECT max(seq) FROM referrals_referralevent e WHERE e.referral_id = r.id)"
        )
        assert cursor.fetchone()[0] == 0
        cursor.execute("SELECT last_value >= (SELECT max(seq) FROM referrals_referralevent) FROM referrals_change_seq")
        assert cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM information_schema.schemata WHERE schema_name = 'bench_seed'")
        assert cursor.fetchone()[0] == 0
