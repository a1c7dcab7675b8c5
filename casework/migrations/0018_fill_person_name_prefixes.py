"""Index the beginnings of the names of the people registered before name_prefixes existed
(casework.names.prefix_indexes), 1,000 people per transaction; the names are decrypted by the
field code, the hashes use the current index key (the one their name_index_* use after the
last rotation; a later rotate_field_keys recomputes both). Not a change of the record: the
history trigger is not fired. Interrupted, migrate again: the rows done are skipped."""

import pgtrigger
from django.db import migrations, transaction

from casework.names import NAME_FIELDS, prefix_indexes

BATCH = 1000


def fill(apps, schema_editor):
    person = apps.get_model("casework", "Person")
    last = None
    while True:
        with transaction.atomic(), pgtrigger.ignore("casework.Person:update_update"):
            people = person.objects.filter(name_prefixes=[]).order_by("id").only("id", *NAME_FIELDS)
            batch = list((people.filter(id__gt=last) if last else people)[:BATCH])
            for row in batch:
                names = {field: getattr(row, field) for field in NAME_FIELDS}
                row.name_prefixes = prefix_indexes(names)["name_prefixes"]
            person.objects.bulk_update([row for row in batch if row.name_prefixes], ["name_prefixes"])
        if len(batch) < BATCH:
            return
        last = batch[-1].id


class Migration(migrations.Migration):
    atomic = False  # one transaction per batch

    dependencies = [("casework", "0017_person_name_prefixes")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
