"""Stays carry copies of their case's category and their person's sex, kept by triggers.

The statistics tables count persons by category and sex over up to a million stays; reading both
from the stay turns two joins of a million rows into one scan. The copies are the database's job,
whatever writes the rows (services, admin, bulk loads with triggers on): set on every insert and
whenever a stay's case or person changes, and re-copied to the stays when a case's category or a
person's sex is corrected.
"""

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations, models

CATEGORIES = [
    ("trafficking", "Human trafficking"),
    ("risk_group", "Risk group"),
    ("rape", "Rape"),
    ("domestic_violence", "Domestic violence"),
    ("child_labour", "Child labour"),
    ("sexual_exploitation", "Sexual exploitation"),
    ("vulnerable", "Vulnerable / street child"),
]
SEXES = [("female", "Female"), ("male", "Male"), ("other", "Other / unknown")]
TRIGGERS = """
CREATE FUNCTION shelters_stay_copy_case_facts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.case_category := (SELECT category FROM casework_case WHERE id = NEW.case_id);
    NEW.person_sex := (SELECT sex FROM casework_person WHERE id = NEW.person_id);
    RETURN NEW;
END $$;
CREATE TRIGGER stay_copy_case_facts BEFORE INSERT OR UPDATE OF case_id, person_id, case_category, person_sex
    ON shelters_stay FOR EACH ROW EXECUTE FUNCTION shelters_stay_copy_case_facts();

CREATE FUNCTION shelters_case_category_to_stays() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE shelters_stay SET case_category = NEW.category WHERE case_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER case_category_to_stays AFTER UPDATE OF category ON casework_case
    FOR EACH ROW WHEN (OLD.category IS DISTINCT FROM NEW.category)
    EXECUTE FUNCTION shelters_case_category_to_stays();

CREATE FUNCTION shelters_person_sex_to_stays() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE shelters_stay SET person_sex = NEW.sex WHERE person_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER person_sex_to_stays AFTER UPDATE OF sex ON casework_person
    FOR EACH ROW WHEN (OLD.sex IS DISTINCT FROM NEW.sex)
    EXECUTE FUNCTION shelters_person_sex_to_stays();
"""

DROP_TRIGGERS = """
DROP TRIGGER person_sex_to_stays ON casework_person;
DROP FUNCTION shelters_person_sex_to_stays();
DROP TRIGGER case_category_to_stays ON casework_case;
DROP FUNCTION shelters_case_category_to_stays();
DROP TRIGGER stay_copy_case_facts ON shelters_stay;
DROP FUNCTION shelters_stay_copy_case_facts();
"""


def copies(name: str) -> list[migrations.AddField]:
    fields = {
        "case_category": models.CharField(choices=CATEGORIES, editable=False, max_length=30, default=""),
        "person_sex": models.CharField(choices=SEXES, editable=False, max_length=10, default=""),
    }
    return [
        migrations.AddField(model_name=name, name=field_name, field=field, preserve_default=False)
        for field_name, field in fields.items()
    ]


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0004_screening_guardian_optional_threshold_weak"),
        ("shelters", "0003_stay_episode_and_bed_moves"),
    ]

    operations = [
        # The history triggers list the columns: drop them, add the columns, fill them (a derived
        # copy, not a change anyone made: no history rows), then put the history triggers back.
        pgtrigger.migrations.RemoveTrigger(
            model_name="stay",
            name="insert_insert",
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name="stay",
            name="update_update",
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name="stay",
            name="delete_delete",
        ),
        *copies("stay"),
        *copies("stayhistory"),
        migrations.RunSQL(TRIGGERS, DROP_TRIGGERS),
        # The copy trigger fires on this update (OF case_category) and fills every stay.
        migrations.RunSQL("UPDATE shelters_stay SET case_category = ''", migrations.RunSQL.noop),
        pgtrigger.migrations.AddTrigger(
            model_name="stay",
            trigger=pgtrigger.compiler.Trigger(
                name="insert_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "shelters_stayhistory" ("admitted_by_id", "age_at_admission", "bed_id", "case_category", "case_id", "created_at", "discharged_by_id", "during", "episode_started_on", "exit_destination", "exit_reason", "id", "person_id", "person_sex", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "planned_discharge_on", "previous_stay_id", "shelter_id") VALUES (NEW."admitted_by_id", NEW."age_at_admission", NEW."bed_id", NEW."case_category", NEW."case_id", NEW."created_at", NEW."discharged_by_id", NEW."during", NEW."episode_started_on", NEW."exit_destination", NEW."exit_reason", NEW."id", NEW."person_id", NEW."person_sex", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."planned_discharge_on", NEW."previous_stay_id", NEW."shelter_id"); RETURN NULL;',
                    hash="fc125a05c48d52e2e323da4d174d23608cdf5b7a",
                    operation="INSERT",
                    pgid="pgtrigger_insert_insert_d7b9b",
                    table="shelters_stay",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="stay",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition="WHEN (OLD.* IS DISTINCT FROM NEW.*)",
                    func='INSERT INTO "shelters_stayhistory" ("admitted_by_id", "age_at_admission", "bed_id", "case_category", "case_id", "created_at", "discharged_by_id", "during", "episode_started_on", "exit_destination", "exit_reason", "id", "person_id", "person_sex", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "planned_discharge_on", "previous_stay_id", "shelter_id") VALUES (NEW."admitted_by_id", NEW."age_at_admission", NEW."bed_id", NEW."case_category", NEW."case_id", NEW."created_at", NEW."discharged_by_id", NEW."during", NEW."episode_started_on", NEW."exit_destination", NEW."exit_reason", NEW."id", NEW."person_id", NEW."person_sex", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."planned_discharge_on", NEW."previous_stay_id", NEW."shelter_id"); RETURN NULL;',
                    hash="9330ff5b020e4cd6534818af2d46e6bc3ceaae3a",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_392f8",
                    table="shelters_stay",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="stay",
            trigger=pgtrigger.compiler.Trigger(
                name="delete_delete",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "shelters_stayhistory" ("admitted_by_id", "age_at_admission", "bed_id", "case_category", "case_id", "created_at", "discharged_by_id", "during", "episode_started_on", "exit_destination", "exit_reason", "id", "person_id", "person_sex", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "planned_discharge_on", "previous_stay_id", "shelter_id") VALUES (OLD."admitted_by_id", OLD."age_at_admission", OLD."bed_id", OLD."case_category", OLD."case_id", OLD."created_at", OLD."discharged_by_id", OLD."during", OLD."episode_started_on", OLD."exit_destination", OLD."exit_reason", OLD."id", OLD."person_id", OLD."person_sex", _pgh_attach_context(), NOW(), \'delete\', OLD."id", OLD."planned_discharge_on", OLD."previous_stay_id", OLD."shelter_id"); RETURN NULL;',
                    hash="294199f3f817c7ffaeb5458a34fba8b516ca157c",
                    operation="DELETE",
                    pgid="pgtrigger_delete_delete_88805",
                    table="shelters_stay",
                    when="AFTER",
                ),
            ),
        ),
    ]
