"""The session's snapshot of the reference data (tests/snapshot.py), which every transactional
test's teardown puts back instead of loading the files again."""

from collections import Counter

import pytest
from django.db import connection

from seeds.reference import load_reference
from tests import snapshot

pytestmark = pytest.mark.django_db


def test_a_restore_brings_back_what_loading_would_and_leaves_the_triggers_on():
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE accounts_country, accounts_province, casework_indicator CASCADE")  # a flush
    snapshot.restore()
    assert load_reference() == Counter()  # nothing left to create or update
    with connection.cursor() as cursor:
        cursor.execute("SHOW session_replication_role")
        assert cursor.fetchone()[0] == "origin"  # triggers and foreign keys checked again
