"""An estimated age refers to the identification date of the person's first case (issue 18):
until now a missing date defaulted to the day of registration, so a woman estimated at 25 when
identified in 2016 but registered in 2026 was taken as 25 in 2026, a child of 14 in 2016.

Rows whose date is their registration day while their first case was identified earlier were
dated by that default: they now refer to the first identification. The cases' child flags follow
(casework.ages.age_on_sql, inlined: a migration does not change with the code). The stays' ages
at admission are recomputed by shelters' migration 0013."""

from django.db import migrations

AGE_AT_IDENTIFICATION = (
    "CASE WHEN p.date_of_birth IS NOT NULL THEN (extract(year FROM c.identified_on) - extract(year FROM p.date_of_birth)"
    " - (to_char(c.identified_on, 'MMDD') < to_char(p.date_of_birth, 'MMDD'))::int)::int"
    " WHEN p.estimated_age IS NOT NULL AND p.age_estimated_on IS NOT NULL THEN greatest(0, p.estimated_age"
    " + (extract(year FROM c.identified_on) - extract(year FROM p.age_estimated_on)"
    " - (to_char(c.identified_on, 'MMDD') < to_char(p.age_estimated_on, 'MMDD'))::int)::int) END"
)

REDATE = """
UPDATE casework_person p SET age_estimated_on = f.identified_on
FROM (SELECT person_id, min(identified_on) AS identified_on FROM casework_case GROUP BY person_id) f
WHERE f.person_id = p.id
  AND p.date_of_birth IS NULL AND p.estimated_age IS NOT NULL
  AND p.age_estimated_on = p.registered_on AND f.identified_on < p.registered_on;
"""

CHILD_FLAGS = f"""
UPDATE casework_case c SET child_at_identification = ({AGE_AT_IDENTIFICATION}) < 18
FROM casework_person p
WHERE p.id = c.person_id AND p.date_of_birth IS NULL AND p.estimated_age IS NOT NULL
  AND c.child_at_identification IS DISTINCT FROM (({AGE_AT_IDENTIFICATION}) < 18);
"""  # noqa: S608 - constants only


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0018_fill_person_name_prefixes"),
    ]

    operations = [
        migrations.RunSQL(REDATE + CHILD_FLAGS, migrations.RunSQL.noop),
    ]
