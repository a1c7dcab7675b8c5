"""Encrypt the identity values stored before encryption existed (people, their row history,
family members) and build the people's name indexes, in batches of 1,000 records, each batch its
own transaction: an interrupted run is resumed by running migrate again (values already
encrypted are skipped). The tables and columns are frozen here; the engine is
core.field_keys, the same as `manage.py rotate_field_keys`.

Reversed, the values are decrypted in place (the old `name_key` column comes back blank)."""

from django.db import migrations

from casework.names import name_indexes
from core.field_keys import Table, decrypt_to_plaintext, encrypt_plaintext

PERSON = (
    "given_name_lo",
    "family_name_lo",
    "given_name_latin",
    "family_name_latin",
    "origin_village",
    "phone",
    "contact_notes",
    "identity_document",
)
TABLES = [
    Table(
        label="casework.Person",
        name="casework_person",
        pk="id",
        columns=PERSON,
        history=(Table("casework.PersonHistory", "casework_personhistory", "pgh_id", PERSON),),
        index_key_column="name_index_key",
        index=name_indexes,
        triggers=("casework.Person:update_update",),
    ),
    Table("casework.FamilyMember", "casework_familymember", "id", ("name", "phone", "notes")),
]


def encrypt(apps, schema_editor):
    encrypt_plaintext(TABLES)


def decrypt(apps, schema_editor):
    decrypt_to_plaintext(TABLES)


class Migration(migrations.Migration):
    atomic = False  # one transaction per batch (core.field_keys)

    dependencies = [("casework", "0011_encrypt_identity_fields")]

    operations = [migrations.RunPython(encrypt, decrypt, elidable=True)]
