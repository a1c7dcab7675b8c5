"""Follow-up policies in calendar months after reintegration instead of a day interval and
duration; an organisation's own cadence; the return home each visit counts from.

Existing policies become the months nearest to their visit days (30 days for 365 -> 1..12,
90 for 365 -> 3, 6, 9, 12); the seeds (load_reference, run after migrate) then set the new
default, 1, 3, 6, 12. Visits already planned keep their dates; each gets the day of the case's
last return home before it, when the repatriation recorded one, so a later policy change can
re-plan those still to come."""

import django.contrib.postgres.fields
import django.db.models.deletion
from django.db import migrations, models

import casework.cadence

DAYS_PER_MONTH = 365.25 / 12


def months_of(interval_days, duration_days):
    days = range(interval_days, duration_days + 1, interval_days) or [interval_days]
    return sorted({min(60, max(1, round(day / DAYS_PER_MONTH))) for day in days})


def to_months(apps, schema_editor):
    FollowUpPolicy = apps.get_model("casework", "FollowUpPolicy")
    for policy in FollowUpPolicy.objects.all():
        policy.months = months_of(policy.interval_days, policy.duration_days)
        policy.save(update_fields=["months"])


def to_days(apps, schema_editor):
    """Back: the first month as the interval, the last as the duration (nearest days)."""
    FollowUpPolicy = apps.get_model("casework", "FollowUpPolicy")
    for policy in FollowUpPolicy.objects.all():
        policy.interval_days = round(policy.months[0] * DAYS_PER_MONTH)
        policy.duration_days = round(policy.months[-1] * DAYS_PER_MONTH)
        policy.save(update_fields=["interval_days", "duration_days"])


BACKFILL_REINTEGRATED_ON = """
UPDATE casework_followupvisit AS visit SET reintegrated_on = (
    SELECT max(step.done_on)
    FROM casework_repatriationstep AS step
    JOIN casework_repatriation AS repatriation ON repatriation.id = step.repatriation_id
    WHERE repatriation.case_id = visit.case_id AND step.code = 'return_or_placement' AND step.done_on < visit.due_on
)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_audit_action_anonymise"),
        ("casework", "0009_person_anonymised_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="followuppolicy",
            name="months",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.PositiveSmallIntegerField(), null=True, size=None
            ),
        ),
        migrations.AlterField(
            model_name="followuppolicy",
            name="interval_days",
            field=models.PositiveSmallIntegerField(null=True),
        ),
        migrations.AlterField(
            model_name="followuppolicy",
            name="duration_days",
            field=models.PositiveSmallIntegerField(null=True),
        ),
        migrations.RunPython(to_months, to_days),
        migrations.RemoveConstraint(model_name="followuppolicy", name="follow_up_interval_positive"),
        migrations.RemoveField(model_name="followuppolicy", name="interval_days"),
        migrations.RemoveField(model_name="followuppolicy", name="duration_days"),
        migrations.AlterField(
            model_name="followuppolicy",
            name="months",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.PositiveSmallIntegerField(),
                help_text="Months after reintegration, e.g. 1, 3, 6, 12",
                size=None,
                validators=[casework.cadence.validate_months],
            ),
        ),
        migrations.AddField(
            model_name="followuppolicy",
            name="organisation",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="follow_up_policy",
                to="accounts.organisation",
            ),
        ),
        migrations.AddConstraint(
            model_name="followuppolicy",
            constraint=models.CheckConstraint(
                condition=models.Q(("months__len__gte", 1), ("months__len__lte", 60)),
                name="follow_up_months_listed",
            ),
        ),
        migrations.AddConstraint(
            model_name="followuppolicy",
            constraint=models.CheckConstraint(
                condition=models.Q(("organisation__isnull", True), ("is_default", False), _connector="OR"),
                name="follow_up_default_is_shared",
            ),
        ),
        migrations.AddField(
            model_name="followupvisit",
            name="reintegrated_on",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.RunSQL(BACKFILL_REINTEGRATED_ON, migrations.RunSQL.noop),
    ]
