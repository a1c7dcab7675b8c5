"""PostgreSQL extensions the project relies on: btree_gist lets exclusion constraints mix
equality on a bed or person with overlap of date ranges (shelters)."""

from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [BtreeGistExtension()]
