"""An index in the order of the occupancy report's pass over the stays.

The report folds the stays by (shelter, exit destination, length of the episode). Read from a
seq scan, that is a hash table of some ten thousand groups per worker, each stay a random lookup
in it: twice the cost of the scan. Read from this index, which is in that order and carries every
column the pass reads (an index-only scan), the stays of one group come one after another and are
folded as they come. See shelters/reports/occupancy_report.py (`_STAYS_SQL`) and docs/performance.md.
"""

import django.db.models.expressions
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shelters", "0007_reminders")]

    operations = [
        migrations.AddIndex(
            model_name="stay",
            index=models.Index(
                models.F("shelter"),
                models.F("exit_destination"),
                django.db.models.expressions.CombinedExpression(
                    models.Func(models.F("during"), function="upper"),
                    "-",
                    models.F("episode_started_on"),
                    output_field=models.IntegerField(),
                ),
                include=("during", "episode_started_on", "bed"),
                name="stay_exit_length_idx",
            ),
        ),
    ]
