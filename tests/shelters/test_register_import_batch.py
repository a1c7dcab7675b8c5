"""The register import as one batch (core.batch, shelters.imports.batched): few statements a
row, the same rules (a bed taken twice in one file is refused on the later row, as the
admission form would refuse it), the undo's one-day window, and the purge of uploads never
confirmed. The batch against the rows one by one: test_register_import_equivalence.py."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import AuditAction, AuditEvent
from accounts.services import audit_record
from casework.models import Case, CaseEvent, Person
from casework.privacy import history_models
from casework.services.people import allocate_case_codes
from config.celery import app
from core import batch
from core.errors import Conflict, PermissionDenied
from shelters.imports import services
from shelters.imports.models import ImportStatus, RegisterImport, RegisterImportRow
from shelters.models import Stay
from shelters.tasks import register_imports_purge
from tests.factories import BedFactory, ShelterFactory
from tests.registers import as_csv, assistance_row, stay_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def shelter(reference, orgs):  # type: ignore[no-untyped-def]
    return ShelterFactory(operator=orgs.mlsw_vt)


def checked(manager, shelter, rows):  # type: ignore[no-untyped-def]
    register_import = services.import_upload(actor=manager, shelter=shelter, filename="r.csv", content=as_csv(rows))
    services.import_check(register_import=register_import)
    register_import.refresh_from_db()  # the results as stored (JSON)
    return register_import


def imported(manager, shelter, rows):  # type: ignore[no-untyped-def]
    register_import = checked(manager, shelter, rows)
    services.import_start(actor=manager, register_import=register_import)
    return services.import_run(register_import=register_import)


def test_an_import_costs_a_few_statements_a_row_and_writes_every_audit_and_timeline_row(
    people, shelter, django_assert_max_num_queries
):
    rows = [assistance_row(n) if n % 5 == 0 else stay_row(n) for n in range(20)]
    register_import = checked(people.manager, shelter, rows)
    services.import_start(actor=people.manager, register_import=register_import)
    audits, events = AuditEvent.objects.count(), CaseEvent.objects.count()
    # Row by row, each service validating against the database, it was about 60 a row.
    with django_assert_max_num_queries(8 * len(rows) + 25):
        services.import_run(register_import=register_import)
    assert register_import.status == ImportStatus.IMPORTED
    # case opened, person and case created; a stay admitted and discharged or assistance recorded
    assert CaseEvent.objects.count() - events == 16 * 3 + 4 * 2
    assert AuditEvent.objects.count() - audits == 16 * 4 + 4 * 3 + 1
    assert not CaseEvent.objects.filter(at__gt=register_import.imported_at).exists()  # the undo's test holds


def test_a_bed_taken_twice_in_a_file_is_refused_on_the_later_row_and_nothing_is_written(people, shelter):
    BedFactory(shelter=shelter, label="B1")
    rows = [
        stay_row(1, year=2021, bed="B1"),
        stay_row(2, year=2021, bed="B1"),  # the same bed on the same dates: the exclusion constraint
        stay_row(3, year=2021),
    ]
    register_import = checked(people.manager, shelter, rows)
    assert register_import.error_count == 1
    by_line = {row["line"]: row for row in register_import.results}
    assert by_line[2]["status"] == by_line[4]["status"] == "ok"
    assert by_line[3]["errors"] == [["", "This bed is already taken for these dates."]]
    assert not Stay.objects.filter(shelter=shelter).exists()
    assert not connection.needs_rollback and connection.features.uses_savepoints


def test_a_batch_writes_its_rows_at_the_end_and_a_refusal_then_undoes_all(people, orgs):
    before = AuditEvent.objects.count()
    with transaction.atomic(), batch.batch():
        audit_record(actor=people.manager, action=AuditAction.VIEW, obj=orgs.lwu)
        assert AuditEvent.objects.count() == before  # kept for the batch's one INSERT
    assert AuditEvent.objects.count() == before + 1

    def refuse(keys: list[object]) -> None:
        raise PermissionDenied("no")

    with pytest.raises(PermissionDenied), transaction.atomic(), batch.batch():
        audit_record(actor=people.manager, action=AuditAction.VIEW, obj=orgs.lwu)
        batch.check_later("group", 1, refuse)
    assert AuditEvent.objects.count() == before + 1
    with pytest.raises(RuntimeError), transaction.atomic(), batch.batch(), batch.batch():
        pass  # batches do not nest


def test_a_failure_inside_a_batch_marks_the_whole_transaction_for_rollback(people, orgs):
    before = AuditEvent.objects.count()
    with transaction.atomic():
        with batch.batch():
            audit_record(actor=people.manager, action=AuditAction.VIEW, obj=orgs.lwu)
            with pytest.raises(ValueError, match="refused"), transaction.atomic():  # a service's: no savepoint
                raise ValueError("refused")
            assert connection.needs_rollback
        transaction.set_rollback(True)
    assert AuditEvent.objects.count() == before
    assert connection.features.uses_savepoints  # the connection's own setting again


def test_an_import_is_undone_within_a_day_only(people, shelter):
    register_import = imported(people.manager, shelter, [stay_row(1)])
    assert services.undoable(register_import)
    RegisterImport.objects.filter(pk=register_import.pk).update(imported_at=timezone.now() - timedelta(hours=25))
    register_import.refresh_from_db()
    assert not services.undoable(register_import)
    with pytest.raises(Conflict, match="within a day"):
        services.import_undo(actor=people.manager, register_import=register_import)
    assert Stay.objects.filter(shelter=shelter).count() == 1


def test_uploads_never_confirmed_are_purged_by_the_beat_task_and_audited(people, shelter):
    old = timezone.now() - timedelta(hours=settings.REGISTER_IMPORT_PURGE_HOURS + 1)
    stale_checked = checked(people.manager, shelter, [stay_row(1)])
    stale_uploaded = services.import_upload(
        actor=people.manager, shelter=shelter, filename="r.csv", content=as_csv([stay_row(2)])
    )
    fresh = checked(people.manager, shelter, [stay_row(3)])
    done = imported(people.manager, shelter, [stay_row(4)])
    stale = [stale_checked.pk, stale_uploaded.pk]
    RegisterImport.objects.filter(pk__in=[*stale, done.pk]).update(created_at=old)

    assert register_imports_purge() == 2  # the task function itself, as the worker runs it
    assert set(RegisterImport.objects.values_list("pk", flat=True)) == {fresh.pk, done.pk}
    audits = AuditEvent.objects.filter(action=AuditAction.DELETE, object_type="shelters.registerimport")
    assert {event.object_id for event in audits} == {str(pk) for pk in stale}
    assert all(event.actor is None and "not confirmed" in event.reason for event in audits)
    assert register_imports_purge() == 0


def test_the_purge_is_in_the_beat_schedule():
    entry = settings.CELERY_BEAT_SCHEDULE["register-imports-purge"]
    assert entry["task"] == register_imports_purge.name and entry["task"] in app.tasks


def test_a_batch_takes_consecutive_case_codes_and_leaves_the_counter_at_the_last(people, shelter):
    register_import = imported(people.manager, shelter, [stay_row(n) for n in range(1, 4)])
    people_ids = RegisterImportRow.objects.filter(register_import=register_import).values_list("person_id", flat=True)
    codes = sorted(Person.objects.filter(pk__in=people_ids).values_list("case_code", flat=True))
    numbers = [int(code.rsplit("-", 1)[1]) for code in codes]
    assert numbers == list(range(numbers[0], numbers[0] + 3))
    assert {code.rsplit("-", 1)[0] for code in codes} == {f"{shelter.province.code}-2016"}
    with transaction.atomic():  # the next registration, outside any batch, follows on
        (following,) = allocate_case_codes(province=shelter.province, year=2016, count=1)
    assert following == f"{shelter.province.code}-2016-{numbers[-1] + 1:05d}"


def test_the_history_of_what_an_import_writes_and_undoes_names_the_import(people, shelter):
    """The context is also what keeps a row's cost flat through a large file (docs/performance.md)."""
    register_import = imported(people.manager, shelter, [stay_row(1), assistance_row(2)])
    rows = list(register_import.rows.all())
    services.import_undo(actor=people.manager, register_import=register_import)
    for model in (Person, Case, Stay):
        (history,) = history_models(model)
        ids = [getattr(row, f"{model._meta.model_name}_id") for row in rows]
        events = history.objects.select_related("pgh_context").filter(pgh_obj_id__in=[pk for pk in ids if pk])
        assert {"insert", "delete"} <= {event.pgh_label for event in events}, model
        assert {event.pgh_context.metadata["register_import"] for event in events} == {str(register_import.pk)}
