"""The occupancy pass's index without the bed, and the nights without a bed from a partial index.

The pass over the stays (shelters/reports/occupancy_report.py, `_STAYS_SQL`) costs in proportion
to the pages of `stay_exit_length_idx`. Grown with the rows, as in a database filled by use, the
index with the bed was 129 MB at 1,000,000 stays (leaves about 69 % full); the bed's 16 bytes a
row were read only to sum the nights of the 2 % of stays that have no bed. Those nights now come
from `stay_without_bed_idx` (an index-only scan of those few stays). See docs/performance.md.
"""

import django.db.models.expressions
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shelters", "0008_stay_exit_length_index")]

    operations = [
        migrations.RemoveIndex(model_name="stay", name="stay_exit_length_idx"),
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
                include=("during", "episode_started_on"),
                name="stay_exit_length_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="stay",
            index=models.Index(
                fields=["shelter"],
                include=("during",),
                condition=models.Q(bed__isnull=True),
                name="stay_without_bed_idx",
            ),
        ),
    ]
