"""Case.quiet_since, the database's copy of "when the case last had a note, or was opened",
which the "no note for 30 days" reminder reads: whatever writes the notes (the service, a bulk
insert, a move, a delete, a stale save of the case), the copy is what the notes say, and keeping
it writes no history."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.db.models import Max

from casework.models import Case, CaseNote
from casework.services import assistance
from tests.factories import open_case

pytestmark = pytest.mark.django_db


def quiet_since(case: Case):  # type: ignore[no-untyped-def]
    return Case.objects.values_list("quiet_since", flat=True).get(pk=case.pk)


def from_the_notes(case: Case):  # type: ignore[no-untyped-def]
    latest = CaseNote.objects.filter(case=case).aggregate(latest=Max("written_at"))["latest"]
    return latest or Case.objects.values_list("created_at", flat=True).get(pk=case.pk)


def test_the_copy_follows_every_way_notes_are_written_moved_and_removed(people, case):
    worker = people.social_worker
    assert quiet_since(case) == case.created_at  # opened, no note yet
    with time_machine.travel(case.created_at + timedelta(days=3), tick=False):
        note = assistance.note_add(actor=worker, case=case, text="home visit")
    assert quiet_since(case) == note.written_at

    # A bulk insert (seeds, imports) then a correction of the times: the latest note counts.
    bulk = CaseNote.objects.bulk_create([CaseNote(case=case, author=worker, text=text) for text in ("a", "b")])
    assert quiet_since(case) == from_the_notes(case)
    later = note.written_at + timedelta(days=5)
    CaseNote.objects.filter(pk=bulk[0].pk).update(written_at=later - timedelta(days=1))
    CaseNote.objects.filter(pk=bulk[1].pk).update(written_at=later)
    assert quiet_since(case) == later == from_the_notes(case)

    # Redacting text touches nothing; moving a note to another case re-reads both cases.
    other = open_case(worker)
    CaseNote.objects.filter(case=case).update(text="[redacted]")
    assert quiet_since(case) == later
    CaseNote.objects.filter(pk=bulk[1].pk).update(case=other)
    assert quiet_since(case) == later - timedelta(days=1) == from_the_notes(case)
    assert quiet_since(other) == later == from_the_notes(other)

    # Removing the last note goes back to the opening.
    CaseNote.objects.filter(case=case).delete()
    assert quiet_since(case) == case.created_at


def test_a_stale_save_of_the_case_cannot_put_back_an_old_value(people, case):
    stale = Case.objects.get(pk=case.pk)
    note = assistance.note_add(actor=people.social_worker, case=case, text="called her mother")
    stale.save()  # the whole row, with quiet_since as it was read
    assert quiet_since(case) == note.written_at


def test_keeping_the_copy_writes_no_history(people, case):
    before = case.history.count()
    assistance.note_add(actor=people.social_worker, case=case, text="school visit")
    assert case.history.count() == before
