"""Case.quiet_since: when the case last had a note, or was opened; kept by triggers.

The "no note for 30 days" reminder walked each open case's notes for their latest (200-250 ms
for a worker with 14,550 open cases at 1,000,000 people: docs/performance.md); the copy on the
case lets it read one index by worker and date.
"""

import pgtrigger.compiler
import pgtrigger.migrations
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0008_audit_action_index"),
        ("casework", "0026_open_case_and_visit_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(
            model_name="case",
            name="update_update",
        ),
        migrations.AddField(
            model_name="case",
            name="quiet_since",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="case",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition='WHEN (OLD."assigned_worker_id" IS DISTINCT FROM (NEW."assigned_worker_id") OR OLD."category" IS DISTINCT FROM (NEW."category") OR OLD."child_at_identification" IS DISTINCT FROM (NEW."child_at_identification") OR OLD."closed_at" IS DISTINCT FROM (NEW."closed_at") OR OLD."closure_approved_by_id" IS DISTINCT FROM (NEW."closure_approved_by_id") OR OLD."closure_note" IS DISTINCT FROM (NEW."closure_note") OR OLD."closure_reason" IS DISTINCT FROM (NEW."closure_reason") OR OLD."closure_requested_at" IS DISTINCT FROM (NEW."closure_requested_at") OR OLD."closure_requested_by_id" IS DISTINCT FROM (NEW."closure_requested_by_id") OR OLD."created_at" IS DISTINCT FROM (NEW."created_at") OR OLD."created_by_id" IS DISTINCT FROM (NEW."created_by_id") OR OLD."exploitation_country_id" IS DISTINCT FROM (NEW."exploitation_country_id") OR OLD."exploitation_ended_on" IS DISTINCT FROM (NEW."exploitation_ended_on") OR OLD."exploitation_province_id" IS DISTINCT FROM (NEW."exploitation_province_id") OR OLD."exploitation_started_on" IS DISTINCT FROM (NEW."exploitation_started_on") OR OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."identification_route" IS DISTINCT FROM (NEW."identification_route") OR OLD."identified_on" IS DISTINCT FROM (NEW."identified_on") OR OLD."owner_id" IS DISTINCT FROM (NEW."owner_id") OR OLD."person_id" IS DISTINCT FROM (NEW."person_id") OR OLD."reopen_reason" IS DISTINCT FROM (NEW."reopen_reason") OR OLD."reopen_requested_at" IS DISTINCT FROM (NEW."reopen_requested_at") OR OLD."reopen_requested_by_id" IS DISTINCT FROM (NEW."reopen_requested_by_id") OR OLD."status" IS DISTINCT FROM (NEW."status") OR OLD."updated_at" IS DISTINCT FROM (NEW."updated_at"))',
                    func='INSERT INTO "casework_casehistory" ("assigned_worker_id", "category", "child_at_identification", "closed_at", "closure_approved_by_id", "closure_note", "closure_reason", "closure_requested_at", "closure_requested_by_id", "created_at", "created_by_id", "exploitation_country_id", "exploitation_ended_on", "exploitation_province_id", "exploitation_started_on", "id", "identification_route", "identified_on", "owner_id", "person_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "reopen_reason", "reopen_requested_at", "reopen_requested_by_id", "status", "updated_at") VALUES (NEW."assigned_worker_id", NEW."category", NEW."child_at_identification", NEW."closed_at", NEW."closure_approved_by_id", NEW."closure_note", NEW."closure_reason", NEW."closure_requested_at", NEW."closure_requested_by_id", NEW."created_at", NEW."created_by_id", NEW."exploitation_country_id", NEW."exploitation_ended_on", NEW."exploitation_province_id", NEW."exploitation_started_on", NEW."id", NEW."identification_route", NEW."identified_on", NEW."owner_id", NEW."person_id", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."reopen_reason", NEW."reopen_requested_at", NEW."reopen_requested_by_id", NEW."status", NEW."updated_at"); RETURN NULL;',
                    hash="e69935ea2bb4d6dcbbdcc2b57feaa172eb285dad",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_6bba9",
                    table="casework_case",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="case",
            trigger=pgtrigger.compiler.Trigger(
                name="case_quiet_since",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="NEW.quiet_since := COALESCE((SELECT max(n.written_at) FROM casework_casenote n WHERE n.case_id = NEW.id), NEW.created_at); RETURN NEW;",
                    hash="5648c4c60260f6d2eb8c5bb92dddcb23d32f6cba",
                    operation="INSERT OR UPDATE",
                    pgid="pgtrigger_case_quiet_since_b03bd",
                    table="casework_case",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="casenote",
            trigger=pgtrigger.compiler.Trigger(
                name="note_insert_touches_case",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="UPDATE casework_case SET quiet_since = NULL WHERE id IN (SELECT case_id FROM new_notes); RETURN NULL;",
                    hash="32d9cc820985a8f6cd24d2f3f788874e8cee743a",
                    level="STATEMENT",
                    operation="INSERT",
                    pgid="pgtrigger_note_insert_touches_case_19e0b",
                    referencing="REFERENCING NEW TABLE AS new_notes ",
                    table="casework_casenote",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="casenote",
            trigger=pgtrigger.compiler.Trigger(
                name="note_update_touches_case",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="UPDATE casework_case SET quiet_since = NULL WHERE id IN (SELECT unnest(ARRAY[o.case_id, n.case_id]) FROM old_notes o JOIN new_notes n ON n.id = o.id WHERE (o.case_id, o.written_at) IS DISTINCT FROM (n.case_id, n.written_at)); RETURN NULL;",
                    hash="5418dc924634cda4dc54105c6d3c1178cd708b9d",
                    level="STATEMENT",
                    operation="UPDATE",
                    pgid="pgtrigger_note_update_touches_case_69493",
                    referencing="REFERENCING OLD TABLE AS old_notes  NEW TABLE AS new_notes ",
                    table="casework_casenote",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="casenote",
            trigger=pgtrigger.compiler.Trigger(
                name="note_delete_touches_case",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="UPDATE casework_case SET quiet_since = NULL WHERE id IN (SELECT case_id FROM old_notes); RETURN NULL;",
                    hash="77e29787ad04f31b5d8078c98a10fb0ff95fff5f",
                    level="STATEMENT",
                    operation="DELETE",
                    pgid="pgtrigger_note_delete_touches_case_6bba7",
                    referencing="REFERENCING OLD TABLE AS old_notes ",
                    table="casework_casenote",
                    when="AFTER",
                ),
            ),
        ),
        # Every case's value from its notes: touching the column runs the case's trigger (the
        # history trigger leaves the column out, so this writes no history).
        migrations.RunSQL("UPDATE casework_case SET quiet_since = NULL", migrations.RunSQL.noop),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                fields=["assigned_worker", "quiet_since"],
                include=("id", "owner", "person", "status"),
                name="case_worker_quiet_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("status", "closed"), _negated=True),
                fields=["quiet_since"],
                include=("id", "owner", "person", "assigned_worker"),
                name="case_open_quiet_idx",
            ),
        ),
    ]
