"""Stays say whether their person has other stays, so the tables count most persons without a grouping.

The shelters' and by-year tables count distinct persons; grouping a million stays by person costs
seconds, yet most persons have one stay. A trigger sets the flag on a person's stays when a second
stay arrives (or a stay is moved to them by a merge), holding the person's row so that two
concurrent admissions of one person cannot both miss each other. False is a promise; true only
means "group me". The statistics on the grouping key let the planner aggregate in parallel.
"""

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations, models

MARK = """
CREATE FUNCTION shelters_stay_mark_other_stays() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.person_id = NEW.person_id THEN
        RETURN NEW;
    END IF;
    PERFORM 1 FROM casework_person WHERE id = NEW.person_id FOR NO KEY UPDATE;
    UPDATE shelters_stay SET person_has_other_stays = true
     WHERE person_id = NEW.person_id AND id <> NEW.id AND NOT person_has_other_stays;
    NEW.person_has_other_stays := EXISTS (SELECT 1 FROM shelters_stay WHERE person_id = NEW.person_id AND id <> NEW.id);
    RETURN NEW;
END $$;
CREATE TRIGGER stay_mark_other_stays BEFORE INSERT OR UPDATE OF person_id ON shelters_stay
    FOR EACH ROW EXECUTE FUNCTION shelters_stay_mark_other_stays();
UPDATE shelters_stay s SET person_has_other_stays = true
 WHERE EXISTS (SELECT 1 FROM shelters_stay o WHERE o.person_id = s.person_id AND o.id <> s.id);
CREATE STATISTICS IF NOT EXISTS stay_person_groups (ndistinct)
    ON (CASE WHEN person_has_other_stays THEN person_id END), case_category, person_sex FROM shelters_stay;
CREATE STATISTICS IF NOT EXISTS stay_year_groups (ndistinct)
    ON (CASE WHEN person_has_other_stays THEN person_id END), case_category,
       (EXTRACT(year FROM lower(during))), (EXTRACT(year FROM upper(during) - 1)) FROM shelters_stay;
ANALYZE shelters_stay;
"""

UNMARK = """
DROP STATISTICS IF EXISTS stay_year_groups;
DROP STATISTICS IF EXISTS stay_person_groups;
DROP TRIGGER stay_mark_other_stays ON shelters_stay;
DROP FUNCTION shelters_stay_mark_other_stays();
"""


class Migration(migrations.Migration):

    dependencies = [
        ('shelters', '0005_stay_length_statistics'),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(
            model_name='stay',
            name='insert_insert',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='stay',
            name='update_update',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='stay',
            name='delete_delete',
        ),
        migrations.AddField(
            model_name='stay',
            name='person_has_other_stays',
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.AddField(
            model_name='stayhistory',
            name='person_has_other_stays',
            field=models.BooleanField(default=False, editable=False),
        ),
        # Before the history triggers return: the back-fill is derived, nobody's change.
        migrations.RunSQL(MARK, UNMARK),
        pgtrigger.migrations.AddTrigger(
            model_name='stay',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "shelters_stayhistory" ("admitted_by_id", "age_at_admission", "bed_id", "case_category", "case_id", "created_at", "discharged_by_id", "during", "episode_started_on", "exit_destination", "exit_reason", "id", "person_has_other_stays", "person_id", "person_sex", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "planned_discharge_on", "previous_stay_id", "shelter_id") VALUES (NEW."admitted_by_id", NEW."age_at_admission", NEW."bed_id", NEW."case_category", NEW."case_id", NEW."created_at", NEW."discharged_by_id", NEW."during", NEW."episode_started_on", NEW."exit_destination", NEW."exit_reason", NEW."id", NEW."person_has_other_stays", NEW."person_id", NEW."person_sex", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."planned_discharge_on", NEW."previous_stay_id", NEW."shelter_id"); RETURN NULL;', hash='078678f36f04fc6b06275b1d340c18cff7984ac8', operation='INSERT', pgid='pgtrigger_insert_insert_d7b9b', table='shelters_stay', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='stay',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD.* IS DISTINCT FROM NEW.*)', func='INSERT INTO "shelters_stayhistory" ("admitted_by_id", "age_at_admission", "bed_id", "case_category", "case_id", "created_at", "discharged_by_id", "during", "episode_started_on", "exit_destination", "exit_reason", "id", "person_has_other_stays", "person_id", "person_sex", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "planned_discharge_on", "previous_stay_id", "shelter_id") VALUES (NEW."admitted_by_id", NEW."age_at_admission", NEW."bed_id", NEW."case_category", NEW."case_id", NEW."created_at", NEW."discharged_by_id", NEW."during", NEW."episode_started_on", NEW."exit_destination", NEW."exit_reason", NEW."id", NEW."person_has_other_stays", NEW."person_id", NEW."person_sex", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."planned_discharge_on", NEW."previous_stay_id", NEW."shelter_id"); RETURN NULL;', hash='e6e8f70378e4a0f645134fe25dadde3b96f23c67', operation='UPDATE', pgid='pgtrigger_update_update_392f8', table='shelters_stay', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='stay',
            trigger=pgtrigger.compiler.Trigger(name='delete_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "shelters_stayhistory" ("admitted_by_id", "age_at_admission", "bed_id", "case_category", "case_id", "created_at", "discharged_by_id", "during", "episode_started_on", "exit_destination", "exit_reason", "id", "person_has_other_stays", "person_id", "person_sex", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "planned_discharge_on", "previous_stay_id", "shelter_id") VALUES (OLD."admitted_by_id", OLD."age_at_admission", OLD."bed_id", OLD."case_category", OLD."case_id", OLD."created_at", OLD."discharged_by_id", OLD."during", OLD."episode_started_on", OLD."exit_destination", OLD."exit_reason", OLD."id", OLD."person_has_other_stays", OLD."person_id", OLD."person_sex", _pgh_attach_context(), NOW(), \'delete\', OLD."id", OLD."planned_discharge_on", OLD."previous_stay_id", OLD."shelter_id"); RETURN NULL;', hash='46bd45c6f893dfc8d1173ef20dc7ba1826b5ea18', operation='DELETE', pgid='pgtrigger_delete_delete_88805', table='shelters_stay', when='AFTER')),
        ),
    ]
