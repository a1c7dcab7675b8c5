"""Identity fields encrypted at rest, found again through blind indexes, and the key rotation.

The values below are synthetic and deliberately unusual, so that finding one anywhere in the
database can only mean it was stored in clear."""

from __future__ import annotations

import importlib
from datetime import date
from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from casework.duplicates import find_duplicates
from casework.models import FamilyMember, Person
from casework.names import latin_tokens, name_filter
from casework.services.people import family_member_add, person_update
from config.keys import DEVELOPMENT_FIELD_KEY
from core import crypto, field_keys
from core.errors import ApplicationError
from tests.factories import open_case

pytestmark = pytest.mark.django_db

NAMES = {
    "given_name_latin": "Vilaykham",
    "family_name_latin": "Zyxwoodtest",
    "given_name_lo": "ວິໄລຄຳ",
    "family_name_lo": "ທົດສອບລັບ",
}
CONTACT = {
    "origin_village": "Ban Qwertyvillage",
    "phone": "+856 20 9876 5432",
    "contact_notes": "At the aunt's house near Xqzmarket",
    "identity_document": "ID-7Q4Z9X",
}
RELATIVE = {"name": "Khamphouy Zyxwoodtest", "phone": "020 5555 1212", "notes": "Works in Qwertyland"}


def register(actor, **values):
    person_values = {**NAMES, **CONTACT, "sex": "female", "date_of_birth": date(2001, 2, 3), **values}
    return open_case(actor, person_values=person_values).person


def tables_containing(text: str) -> list[str]:
    """The tables where `text` appears in any column of any row, read straight from PostgreSQL:
    the whole database as a dump would show it."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1"
        )
        tables = [name for (name,) in cursor.fetchall()]
        found = []
        for table in tables:
            cursor.execute(f'SELECT 1 FROM "{table}" AS r WHERE r::text ILIKE %s LIMIT 1', [f"%{text}%"])  # noqa: S608
            if cursor.fetchone():
                found.append(table)
    return found


def stored(table: str, columns: str, **where: object) -> list[tuple]:
    condition = " AND ".join(f"{name} = %s" for name in where) or "true"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {table} WHERE {condition}", list(where.values()))  # noqa: S608
        return cursor.fetchall()


def new_keys() -> tuple[str, str]:
    return Fernet.generate_key().decode(), Fernet.generate_key().decode()


@pytest.fixture
def person(people):
    person = register(people.social_worker)
    family_member_add(actor=people.social_worker, person=person, relationship="sibling", **RELATIVE)
    person_update(actor=people.social_worker, person=person, sex="other")  # a second history row
    return Person.objects.get(pk=person.pk)


# --- At rest ------------------------------------------------------------------------------------
def test_no_identity_value_is_stored_in_clear_anywhere(person):
    secrets = [*NAMES.values(), *CONTACT.values(), *RELATIVE.values(), *latin_tokens(*NAMES.values())]
    for secret in secrets:
        assert tables_containing(secret) == [], secret
    prefix = crypto.field_keys().prefix
    for table, columns in (
        ("casework_person", "given_name_lo, family_name_latin, phone, contact_notes, identity_document"),
        ("casework_personhistory", "given_name_latin, family_name_lo, origin_village"),
        ("casework_familymember", "name, phone, notes"),
    ):
        rows = stored(table, columns)
        assert rows and all(value.startswith(prefix) for row in rows for value in row), table


def test_the_code_reads_and_writes_plain_values(person):
    assert {name: getattr(person, name) for name in NAMES} == NAMES
    assert {name: getattr(person, name) for name in CONTACT} == CONTACT
    relative = FamilyMember.objects.get(person=person)
    assert (relative.name, relative.phone, relative.notes) == tuple(RELATIVE.values())
    assert Person.objects.filter(pk=person.pk).values_list("phone", flat=True).get() == CONTACT["phone"]


def test_a_value_saved_unchanged_keeps_its_ciphertext_so_history_shows_no_change(person):
    """Fernet ciphertexts are random: re-encrypting on every save would make every history row
    differ in every identity field, and the case's change history list them all as changed."""

    def history() -> list[tuple]:
        rows = stored("casework_personhistory", "pgh_id, given_name_lo, phone", pgh_obj_id=person.pk)
        return [row[1:] for row in sorted(rows)]

    before = stored("casework_person", "given_name_lo, phone", id=person.pk)
    person.save()
    person_update(actor=person.created_by, person=person, phone=CONTACT["phone"], given_name_lo=NAMES["given_name_lo"])
    assert stored("casework_person", "given_name_lo, phone", id=person.pk) == before
    assert set(history()) == set(before)
    person.phone = "+856 20 1111 2222"
    person.save()
    latest, previous = history()[-1], history()[-2]
    assert latest[0] == previous[0] and latest[1] != previous[1]


def test_the_length_limit_is_on_the_text_typed_not_the_ciphertext(people):
    longest = register(people.social_worker, given_name_lo="ກ" * 100)
    assert Person.objects.get(pk=longest.pk).given_name_lo == "ກ" * 100
    assert len(stored("casework_person", "given_name_lo", id=longest.pk)[0][0]) > 100
    with pytest.raises(ApplicationError) as error:
        register(people.social_worker, given_name_lo="ກ" * 101)
    assert "given_name_lo" in error.value.fields


def test_an_encrypted_column_cannot_be_compared_in_sql(person):
    with pytest.raises(FieldError, match="encrypted"):
        list(Person.objects.filter(family_name_latin=NAMES["family_name_latin"]))
    with pytest.raises(FieldError):
        list(Person.objects.filter(family_name_latin__icontains="Zyx"))
    assert Person.objects.filter(pk=person.pk, phone="").count() == 0
    assert Person.objects.filter(pk=person.pk).exclude(phone="").count() == 1


def test_a_value_under_a_removed_key_fails_loudly_without_showing_it(person, settings):
    settings.FIELD_ENCRYPTION_KEYS = [new_keys()[0]]
    with pytest.raises(crypto.DecryptionError) as error:
        Person.objects.get(pk=person.pk)
    assert crypto.key_id(DEVELOPMENT_FIELD_KEY) in str(error.value)
    assert NAMES["family_name_latin"] not in str(error.value)


# --- Blind indexes and search -------------------------------------------------------------------
def test_a_blind_index_depends_on_its_key(settings):
    first = crypto.blind_index("wilaikam")
    settings.BLIND_INDEX_KEYS = [new_keys()[1]]
    assert crypto.blind_index("wilaikam") != first
    assert len(first) == crypto.INDEX_LENGTH and "wilaikam" not in first


@pytest.mark.parametrize(
    ("term", "found"),
    [
        ("zyxwoodtest", True),
        ("Zyxwoodtest Vilaykham", True),  # either order
        ("Vilaikam", True),  # another romanisation of the same name
        ("ທົດສອບລັບ", True),
        ("ວິໄລຄຳ Zyxwoodtest", True),  # both scripts
        ("Zyxw", True),  # the beginning of a word: the prefix index (issue 17.5)
        ("woodtest", False),  # the middle of a word is not its beginning
        ("Zyxwoodtest Somchai", False),  # every word must match
    ],
)
def test_names_are_found_by_words_and_beginnings_in_the_api_and_the_case_list(api, client, people, person, term, found):
    other = register(
        people.social_worker, given_name_latin="Somchai", family_name_latin="Else", given_name_lo="", family_name_lo=""
    )
    api.force_authenticate(people.social_worker)
    cases = {row["person"]["case_code"] for row in api.get(reverse("v1:case-list"), {"search": term}).json()["results"]}
    listed = {row["case_code"] for row in api.get(reverse("v1:person-list"), {"search": term}).json()["results"]}
    client.force_login(people.social_worker)
    page = client.get(reverse("casework:case-list"), {"search": term}).content.decode()
    assert (person.case_code in cases, person.case_code in listed, person.case_code in page) == (found,) * 3
    assert other.case_code not in cases | listed and other.case_code not in page
    assert tables_containing(term.split()[0]) == []  # the search term is stored nowhere either


def test_case_codes_are_still_found_by_prefix(api, people, person):
    api.force_authenticate(people.social_worker)
    for term in (person.case_code, person.case_code[:7]):
        cases = api.get(reverse("v1:case-list"), {"search": term}).json()["results"]
        assert [row["person"]["case_code"] for row in cases] == [person.case_code]


# --- Rotation -----------------------------------------------------------------------------------
def rotate(**options) -> str:
    out = StringIO()
    call_command("rotate_field_keys", stdout=out, **options)
    return out.getvalue()


def test_rotation_re_encrypts_everything_and_the_old_keys_can_then_go(people, person, settings):
    orphan = Person.objects.create(
        registration_province=person.registration_province,
        registered_on=date.today(),
        case_code="VT-1999-00001",
        sex="male",
        phone="020 7777 0000",
    )
    Person.objects.filter(pk=orphan.pk).delete()  # its history rows stay, under the old key
    old_field, old_index = settings.FIELD_ENCRYPTION_KEYS[0], settings.BLIND_INDEX_KEYS[0]
    field_key, index_key = new_keys()
    settings.FIELD_ENCRYPTION_KEYS = [field_key, old_field]
    settings.BLIND_INDEX_KEYS = [index_key, old_index]
    with pytest.raises(CommandError, match="still need an old key"):
        rotate(check=True)
    # Half-way, everyone is still found: the search and the duplicate check try both index keys.
    assert list(Person.objects.filter(name_filter("Zyxwoodtest"))) == [person]
    assert find_duplicates(user=people.social_worker, **NAMES).candidates[0].person == person

    history_before = stored("casework_personhistory", "count(*)")[0][0]
    output = rotate(batch_size=1)
    assert "Vilaykham" not in output and "the previous keys can be removed" in output
    settings.FIELD_ENCRYPTION_KEYS, settings.BLIND_INDEX_KEYS = [field_key], [index_key]
    rotate(check=True)  # nothing left: no CommandError
    assert stored("casework_personhistory", "count(*)")[0][0] == history_before  # re-encrypting is no change

    prefix = crypto.field_keys().prefix
    for table, columns in (
        ("casework_person", "given_name_lo, family_name_latin, phone"),
        ("casework_personhistory", "given_name_latin, phone"),
        ("casework_familymember", "name, notes"),
    ):
        assert all(value.startswith(prefix) for row in stored(table, columns) for value in row if value), table
    # The history rows of one record still share one ciphertext per unchanged value.
    assert len(set(stored("casework_personhistory", "given_name_lo", pgh_obj_id=person.pk))) == 1
    reread = Person.objects.get(pk=person.pk)
    assert {name: getattr(reread, name) for name in NAMES} == NAMES
    assert FamilyMember.objects.get(person=person).name == RELATIVE["name"]
    assert list(Person.objects.filter(name_filter("Zyxwoodtest"))) == [person]
    assert find_duplicates(user=people.social_worker, **NAMES).candidates[0].person == person
    assert reread.name_index_key == crypto.key_id(index_key)


def test_an_interrupted_rotation_is_finished_by_running_it_again(people, settings):
    for _ in range(3):
        register(people.social_worker)
    field_key, index_key = new_keys()
    settings.FIELD_ENCRYPTION_KEYS = [field_key, *settings.FIELD_ENCRYPTION_KEYS]
    settings.BLIND_INDEX_KEYS = [index_key, *settings.BLIND_INDEX_KEYS]

    def stop_after_the_first_batch(line: str) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        field_keys.rotate(batch_size=1, progress=stop_after_the_first_batch)
    left = field_keys.remaining()
    assert left["casework.Person"] == 2 and left["casework.Person (blind indexes)"] == 2  # one batch committed
    assert field_keys.rotate(batch_size=2)["casework.Person"] == 2
    assert not any(field_keys.remaining().values())
    assert field_keys.rotate()["casework.Person"] == 0  # a third run has nothing to do


# --- The migration that introduced encryption ---------------------------------------------------
def test_the_migration_encrypts_plaintext_rows_and_indexes_them_and_reverses(person):
    migration = importlib.import_module("casework.migrations.0012_encrypt_existing_identity_values")
    with connection.cursor() as cursor:  # the rows as they were before encryption existed
        for table in ("casework_person", "casework_personhistory"):
            cursor.execute(
                f"UPDATE {table} SET given_name_latin = %s, family_name_lo = %s, phone = %s",  # noqa: S608
                [NAMES["given_name_latin"], NAMES["family_name_lo"], CONTACT["phone"]],
            )
        cursor.execute("UPDATE casework_person SET name_index_latin = '{}', name_index_key = ''")
        cursor.execute("UPDATE casework_familymember SET name = %s", [RELATIVE["name"]])
    assert tables_containing(CONTACT["phone"]) == ["casework_person", "casework_personhistory"]

    migration.encrypt(None, None)
    assert tables_containing(CONTACT["phone"]) == tables_containing(RELATIVE["name"]) == []
    reread = Person.objects.get(pk=person.pk)
    assert (reread.given_name_latin, reread.family_name_lo, reread.phone) == (
        NAMES["given_name_latin"],
        NAMES["family_name_lo"],
        CONTACT["phone"],
    )
    assert list(Person.objects.filter(name_filter("Vilaykham"))) == [person]
    assert FamilyMember.objects.get(person=person).name == RELATIVE["name"]
    assert len(set(stored("casework_personhistory", "phone", pgh_obj_id=person.pk))) == 1
    assert field_keys.encrypt_plaintext(migration.TABLES)["casework.Person"] == 0  # a re-run has nothing to do

    migration.decrypt(None, None)
    assert stored("casework_person", "phone, given_name_lo", id=person.pk) == [
        (CONTACT["phone"], NAMES["given_name_lo"])
    ]
    assert stored("casework_familymember", "name") == [(RELATIVE["name"],)]


def test_a_key_listed_twice_is_refused(settings):
    settings.FIELD_ENCRYPTION_KEYS = [settings.FIELD_ENCRYPTION_KEYS[0]] * 2
    with pytest.raises(ImproperlyConfigured, match="listed twice"):
        crypto.encrypt("x")
