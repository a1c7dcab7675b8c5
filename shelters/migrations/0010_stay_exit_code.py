# ruff: noqa: E501 - the history triggers below are generated
"""The exit destination as a small integer on the stay, and the occupancy pass's index on it.

The occupancy pass (shelters/reports/occupancy_report.py, `_STAYS_SQL`) costs in proportion to the
pages of `stay_exit_length_idx`; the destination's text took about 20 of its bytes a row. An
expression over the text in the index would not do: PostgreSQL only scans an index without the
table when every column the query reads is in it as a plain column. So `exit_code` is a column,
set by a trigger on every insert and on every change of the destination, whatever writes the row
(the position in this list, as `shelters.choices.EXIT_CODES`; 0 for none yet). A new destination
needs a migration that replaces the function with the longer list. See docs/performance.md.
"""

import django.db.models.expressions
import pgtrigger.compiler
import pgtrigger.migrations
from django.conf import settings
from django.db import migrations, models

DESTINATIONS = (
    "ARRAY["
    "'family_reunification_home_village', 'independent_living_lao', 'kinship_or_foster_care', "
    "'repatriated_to_country_of_origin', 'other_shelter_lao', 'transit_centre', "
    "'hospital_or_treatment', 'detention_or_custody', 'remigrated_abroad', 'left_without_notice', "
    "'deceased', 'unknown', 'bed_move'"
    "]::text[]"
)
CODE_TRIGGER = f"""
CREATE FUNCTION shelters_stay_exit_code() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.exit_code := coalesce(array_position({DESTINATIONS}, NEW.exit_destination::text), 0);
    RETURN NEW;
END $$;
CREATE TRIGGER stay_exit_code BEFORE INSERT OR UPDATE OF exit_destination, exit_code
    ON shelters_stay FOR EACH ROW EXECUTE FUNCTION shelters_stay_exit_code();
"""
DROP_CODE_TRIGGER = "DROP TRIGGER stay_exit_code ON shelters_stay; DROP FUNCTION shelters_stay_exit_code();"


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0014_person_and_case_dates_agree"),
        ("shelters", "0009_stay_exit_length_index_without_bed"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
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
        migrations.RemoveIndex(
            model_name="stay",
            name="stay_exit_length_idx",
        ),
        migrations.AddField(
            model_name="stay",
            name="exit_code",
            field=models.SmallIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name="stayhistory",
            name="exit_code",
            field=models.SmallIntegerField(default=0, editable=False),
        ),
        migrations.RunSQL(CODE_TRIGGER, DROP_CODE_TRIGGER),
        # The code trigger fires on this update (OF exit_code) and fills every stay; a derived copy,
        # not a change anyone made: the history triggers are off here. Past history rows get theirs.
        migrations.RunSQL("UPDATE shelters_stay SET exit_code = 0", migrations.RunSQL.noop),
        migrations.RunSQL(
            "UPDATE shelters_stayhistory "  # noqa: S608 - a constant of this file
            f"SET exit_code = coalesce(array_position({DESTINATIONS}, exit_destination::text), 0)",
            migrations.RunSQL.noop,
        ),
        migrations.RunSQL(
            "DROP STATISTICS IF EXISTS stay_length_groups; CREATE STATISTICS stay_length_groups (ndistinct) "
            "ON shelter_id, exit_code, (upper(during) - episode_started_on) FROM shelters_stay; ANALYZE shelters_stay",
            "DROP STATISTICS IF EXISTS stay_length_groups; CREATE STATISTICS stay_length_groups (ndistinct) "
            "ON shelter_id, exit_destination, (upper(during) - episode_started_on) FROM shelters_stay",
        ),
        migrations.AddIndex(
            model_name="stay",
            index=models.Index(
                models.F("shelter"),
                models.F("exit_code"),
                django.db.models.expressions.CombinedExpression(
                    models.Func(models.F("during"), function="upper"),
                    "-",
                    models.F("episode_started_on"),
                    output_field=models.IntegerField(),
                ),
                include=("during", "episode_started_on"),
                name="stay_exit_length_idx",
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="stay",
            trigger=pgtrigger.compiler.Trigger(
                name="insert_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "shelters_stayhistory" ("admitted_by_id", "age_at_admission", "bed_id", "case_category", "case_id", "created_at", "discharged_by_id", "during", "episode_started_on", "exit_code", "exit_destination", "exit_reason", "id", "person_has_other_stays", "person_id", "person_sex", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "planned_discharge_on", "previous_stay_id", "shelter_id") VALUES (NEW."admitted_by_id", NEW."age_at_admission", NEW."bed_id", NEW."case_category", NEW."case_id", NEW."created_at", NEW."discharged_by_id", NEW."during", NEW."episode_started_on", NEW."exit_code", NEW."exit_destination", NEW."exit_reason", NEW."id", NEW."person_has_other_stays", NEW."person_id", NEW."person_sex", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."planned_discharge_on", NEW."previous_stay_id", NEW."shelter_id"); RETURN NULL;',
                    hash="190d6ad862ee3dd9f7aedc173c49665da61e60b1",
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
                    func='INSERT INTO "shelters_stayhistory" ("admitted_by_id", "age_at_admission", "bed_id", "case_category", "case_id", "created_at", "discharged_by_id", "during", "episode_started_on", "exit_code", "exit_destination", "exit_reason", "id", "person_has_other_stays", "person_id", "person_sex", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "planned_discharge_on", "previous_stay_id", "shelter_id") VALUES (NEW."admitted_by_id", NEW."age_at_admission", NEW."bed_id", NEW."case_category", NEW."case_id", NEW."created_at", NEW."discharged_by_id", NEW."during", NEW."episode_started_on", NEW."exit_code", NEW."exit_destination", NEW."exit_reason", NEW."id", NEW."person_has_other_stays", NEW."person_id", NEW."person_sex", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."planned_discharge_on", NEW."previous_stay_id", NEW."shelter_id"); RETURN NULL;',
                    hash="1986b9929705684c9fac76b33584a81b641b02b4",
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
                    func='INSERT INTO "shelters_stayhistory" ("admitted_by_id", "age_at_admission", "bed_id", "case_category", "case_id", "created_at", "discharged_by_id", "during", "episode_started_on", "exit_code", "exit_destination", "exit_reason", "id", "person_has_other_stays", "person_id", "person_sex", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "planned_discharge_on", "previous_stay_id", "shelter_id") VALUES (OLD."admitted_by_id", OLD."age_at_admission", OLD."bed_id", OLD."case_category", OLD."case_id", OLD."created_at", OLD."discharged_by_id", OLD."during", OLD."episode_started_on", OLD."exit_code", OLD."exit_destination", OLD."exit_reason", OLD."id", OLD."person_has_other_stays", OLD."person_id", OLD."person_sex", _pgh_attach_context(), NOW(), \'delete\', OLD."id", OLD."planned_discharge_on", OLD."previous_stay_id", OLD."shelter_id"); RETURN NULL;',
                    hash="d293f5897442658170de2287d39357f3343dea44",
                    operation="DELETE",
                    pgid="pgtrigger_delete_delete_88805",
                    table="shelters_stay",
                    when="AFTER",
                ),
            ),
        ),
    ]
