"""Issue 18: non-residential assistance records its kind (a seeded lookup; existing records stay
without one, shown as not recorded), and a stay's age at admission follows the person's birth
date or dated estimate whenever they change (a trigger, like the sex's in 0004), after a one-time
recompute that takes in casework's 0019 (estimates dated at the first identification).

The age is casework.ages.age_on_sql on the episode's start (the day stay_admit and the transfers
take it), inlined here: a migration does not change with the code."""

import django.db.models.deletion
from django.db import migrations, models




def age_on(row: str) -> str:
    on = "s.episode_started_on"
    return (
        f"CASE WHEN {row}.date_of_birth IS NOT NULL THEN (extract(year FROM {on}) - extract(year FROM {row}.date_of_birth)"
        f" - (to_char({on}, 'MMDD') < to_char({row}.date_of_birth, 'MMDD'))::int)::int"
        f" WHEN {row}.estimated_age IS NOT NULL AND {row}.age_estimated_on IS NOT NULL THEN greatest(0, {row}.estimated_age"
        f" + (extract(year FROM {on}) - extract(year FROM {row}.age_estimated_on)"
        f" - (to_char({on}, 'MMDD') < to_char({row}.age_estimated_on, 'MMDD'))::int)::int) END"
    )


TRIGGER = f"""
CREATE FUNCTION shelters_person_age_to_stays() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE shelters_stay s SET age_at_admission = {age_on("NEW")}
    WHERE s.person_id = NEW.id AND s.age_at_admission IS DISTINCT FROM ({age_on("NEW")});
    RETURN NULL;
END $$;
CREATE TRIGGER person_age_to_stays AFTER UPDATE OF date_of_birth, estimated_age, age_estimated_on ON casework_person
    FOR EACH ROW WHEN (
        OLD.date_of_birth IS DISTINCT FROM NEW.date_of_birth
        OR OLD.estimated_age IS DISTINCT FROM NEW.estimated_age
        OR OLD.age_estimated_on IS DISTINCT FROM NEW.age_estimated_on
    )
    EXECUTE FUNCTION shelters_person_age_to_stays();
"""  # noqa: S608 - constants only
DROP_TRIGGER = """
DROP TRIGGER person_age_to_stays ON casework_person;
DROP FUNCTION shelters_person_age_to_stays();
"""
RECOMPUTE = f"""
UPDATE shelters_stay s SET age_at_admission = {age_on("p")}
FROM casework_person p
WHERE p.id = s.person_id AND s.age_at_admission IS DISTINCT FROM ({age_on("p")});
"""  # noqa: S608 - constants only


class Migration(migrations.Migration):

    dependencies = [
        ('shelters', '0012_register_import'),
        ('casework', '0019_estimates_dated_at_identification'),
    ]

    operations = [
        migrations.CreateModel(
            name='AssistanceKind',
            fields=[
                ('code', models.SlugField(max_length=60, primary_key=True, serialize=False)),
                ('name_en', models.CharField(max_length=200)),
                ('name_lo', models.CharField(blank=True, max_length=200)),
                ('active', models.BooleanField(default=True)),
                ('position', models.PositiveSmallIntegerField(default=0)),
            ],
            options={
                'ordering': ['position', 'name_en'],
                'abstract': False,
            },
        ),
        migrations.AddField(
            model_name='nonresidentialassistance',
            name='kind',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='shelters.assistancekind'),
        ),
        migrations.RunSQL(RECOMPUTE, migrations.RunSQL.noop),
        migrations.RunSQL(TRIGGER, DROP_TRIGGER),
    ]
