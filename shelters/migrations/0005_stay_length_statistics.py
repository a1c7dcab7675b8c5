"""What the occupancy report needs to fold a million stays in one parallel pass.

- Extended statistics: the report groups stays by (shelter, destination, length); without them
  the planner multiplies the distinct values of the columns inside the length (one per stay),
  expects a group per stay and aggregates in a single process. ANALYZE (and autovacuum) keep
  them current.
- The range index also carries `episode_started_on`, so the residents of one night and their
  episodes (the census at the start and end of a period) come from the index alone.
"""

import django.contrib.postgres.indexes
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("shelters", "0004_stay_report_copies")]

    operations = [
        migrations.RemoveIndex(model_name="stay", name="stay_shelter_during_gist"),
        migrations.AddIndex(
            model_name="stay",
            index=django.contrib.postgres.indexes.GistIndex(
                fields=["shelter", "during"], include=("episode_started_on",), name="stay_census_gist"
            ),
        ),
        migrations.RunSQL(
            "CREATE STATISTICS IF NOT EXISTS stay_length_groups (ndistinct) "
            "ON shelter_id, exit_destination, (upper(during) - episode_started_on) FROM shelters_stay;"
            "ANALYZE shelters_stay",
            "DROP STATISTICS IF EXISTS stay_length_groups",
        ),
    ]
