"""Checking, importing and undoing a register (docs/import.md).

One function applies the rows, through the services a form uses, each row in a savepoint: a
refused row's messages are kept and its writes rolled back. A check (dry run) rolls the whole
transaction back; an import keeps it only when no row was refused, so nothing is written until
the whole file is valid, and what is written is written at once.

Undo (within UNDO_WINDOW) deletes what the import created: the stays, the assistance records,
the cases (their timeline rows go with them) and the people. Each deletion has its own audit row,
and the audit log, which is append-only, keeps the creation rows too: the history says both that
the records were imported and that they were removed. A record worked on since the import (a
screening added to an imported case, say) holds its case: then nothing is undone and the answer
says why."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import Model, ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _
from pghistory import context as history_context

from accounts.actors import Staff
from accounts.models import AuditAction
from accounts.services import audit_record, audit_record_many
from casework.models import Case, CaseEvent, Person
from casework.services.cases import case_open
from core import batch
from core.actors import SYSTEM
from core.errors import ApplicationError, Conflict
from shelters import permissions, services
from shelters.imports.batched import apply_rows
from shelters.imports.models import ImportStatus, RegisterImport, RegisterImportRow
from shelters.imports.reading import SourceRow, read_register
from shelters.imports.rows import Lookups, RowResult, intake, read_row
from shelters.models import NonResidentialAssistance, Shelter, Stay

UNDO_WINDOW = dt.timedelta(days=1)
UNDO_REASON = "register import undone"
# What an import created, in an order that deletes each record before what it refers to.
UNDO_ORDER: tuple[tuple[type[Model], str], ...] = (
    (NonResidentialAssistance, "non_residential_id"),
    (Stay, "stay_id"),
    (Case, "case_id"),
    (Person, "person_id"),
)
RUNNING = (ImportStatus.CHECKING, ImportStatus.IMPORTING)
NEVER_CONFIRMED = (ImportStatus.CHECKING, ImportStatus.CHECKED)
PURGE_REASON = "register upload not confirmed within %(hours)s hours"
PROGRESS_EVERY = 50
INLINE_ROWS = 300  # larger files are checked and imported by the Celery worker
Progress = Callable[[int, int], None]


# --- The public surface ---------------------------------------------------------------------------
def import_upload(*, actor: Staff, shelter: Shelter, filename: str, content: bytes) -> RegisterImport:
    """Keep the file for its check; refuses a shelter the actor may not import into and a file
    that cannot be read (the rows' own problems are the check's)."""
    permissions.import_register.require(actor, shelter, _("Only the operator's managers import its registers."))
    rows = read_register(content, filename)
    register_import = RegisterImport.objects.create(
        shelter=shelter,
        uploaded_by=actor,
        filename=filename[-200:],
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
        row_count=len(rows),
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=register_import, fields=["file"])
    return register_import


def import_check(
    *, register_import: RegisterImport, progress: Progress | None = None, batched: bool = True
) -> RegisterImport:
    """The dry run: every row through the services' rules and writes, then everything rolled
    back. `batched=False`: row by row (see _apply)."""
    results = _apply(register_import, keep=False, progress=progress, batched=batched)
    _finish(register_import, results, ImportStatus.CHECKED)
    return register_import


def import_start(*, actor: Staff, register_import: RegisterImport) -> RegisterImport:
    """The manager accepts a checked file; refused unless its check found nothing wrong."""
    _require(actor, register_import)
    if register_import.status != ImportStatus.CHECKED or register_import.error_count:
        raise Conflict(_("Only a checked file without errors can be imported."))
    if (
        RegisterImport.objects.filter(pk=register_import.pk, status=ImportStatus.CHECKED).update(
            status=ImportStatus.IMPORTING
        )
        != 1
    ):
        raise Conflict(_("This file is already being imported."))
    register_import.status = ImportStatus.IMPORTING
    return register_import


def import_run(
    *, register_import: RegisterImport, progress: Progress | None = None, batched: bool = True
) -> RegisterImport:
    """Apply the rows for good, in one transaction: all of them, or (if a row is refused now,
    because something changed since the check) none, with the messages shown as after a check."""
    results = _apply(register_import, keep=True, progress=progress, batched=batched)
    if any(result.status == "error" for result in results):
        _finish(register_import, results, ImportStatus.FAILED)
    return register_import


@transaction.atomic
def import_undo(*, actor: Staff, register_import: RegisterImport) -> RegisterImport:
    """Remove what the import created, all of it or nothing (see the module's docstring)."""
    _require(actor, register_import)
    register_import = RegisterImport.objects.select_for_update().get(pk=register_import.pk)
    if register_import.status != ImportStatus.IMPORTED:
        raise Conflict(_("Only an import that wrote records can be undone."))
    assert register_import.imported_at is not None  # set with the status
    if timezone.now() - register_import.imported_at > UNDO_WINDOW:
        raise Conflict(_("An import can be undone only within a day."))
    worked_on_message = _(
        "Records of this import have been worked on since it was imported: it can no longer be undone."
    )
    rows = list(register_import.rows.filter(active=True))
    # Every service writes a timeline row: one dated after the import is work done since, which
    # the deletion of the case would take with it (screenings, notes and services cascade).
    worked_on = CaseEvent.objects.filter(
        case_id__in=[row.case_id for row in rows if row.case_id], at__gt=register_import.imported_at
    )
    if worked_on.exists():
        raise Conflict(worked_on_message)
    try:
        with _transaction(register_import):
            for model, key in UNDO_ORDER:
                ids = [getattr(row, key) for row in rows if getattr(row, key)]
                objects = list(model._default_manager.filter(pk__in=ids))
                audit_record_many(actor=actor, action=AuditAction.DELETE, objects=objects, reason=UNDO_REASON)
                model._default_manager.filter(pk__in=ids).delete()
    except (ProtectedError, IntegrityError) as error:
        raise Conflict(worked_on_message) from error
    register_import.rows.update(active=False)
    register_import.status = ImportStatus.UNDONE
    register_import.undone_at = timezone.now()
    register_import.undone_by = actor
    register_import.save(update_fields=["status", "undone_at", "undone_by"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=register_import, fields=["status"])
    return register_import


def import_purge(*, now: dt.datetime | None = None) -> int:
    """Delete the uploads nobody confirmed (checking or checked) once they are older than
    settings.REGISTER_IMPORT_PURGE_HOURS: the file (names and all) and its rows' results go, with
    one audit row each by Pathway itself. Run by the beat task shelters.tasks.register_imports_purge;
    returns how many were deleted. An import that wrote records is kept (its undo and history)."""
    cutoff = (now or timezone.now()) - dt.timedelta(hours=settings.REGISTER_IMPORT_PURGE_HOURS)
    with transaction.atomic():
        stale = list(
            RegisterImport.objects.select_for_update(skip_locked=True)
            .filter(status__in=NEVER_CONFIRMED, created_at__lt=cutoff)
            .only("pk")
        )
        if stale:
            reason = PURGE_REASON % {"hours": settings.REGISTER_IMPORT_PURGE_HOURS}
            audit_record_many(actor=SYSTEM, action=AuditAction.DELETE, objects=stale, fields=["file"], reason=reason)
            RegisterImport.objects.filter(pk__in=[stale_import.pk for stale_import in stale]).delete()
    return len(stale)


def import_process(*, register_import: RegisterImport) -> RegisterImport:
    """The next step of an upload, as the worker (or the page, for a small file) runs it: the
    check of an uploaded file, the import of an accepted one; anything else was done already
    (a redelivered task does nothing)."""
    progress = _progress_writer(register_import)
    if register_import.status == ImportStatus.CHECKING:
        return import_check(register_import=register_import, progress=progress)
    if register_import.status == ImportStatus.IMPORTING:
        return import_run(register_import=register_import, progress=progress)
    return register_import


def import_dispatch(register_import: RegisterImport) -> None:
    """Run the next step now for a file of up to INLINE_ROWS rows (the page or the API answers
    when it is done); hand a larger one to the worker once the caller's transaction commits."""
    from shelters.tasks import register_import_process

    if register_import.row_count <= INLINE_ROWS:
        import_process(register_import=register_import)
    else:
        transaction.on_commit(lambda: register_import_process.delay(str(register_import.pk)))


def progress_of(register_import: RegisterImport) -> int:
    """Rows done so far by a running check or import (kept in the cache: the rows themselves are
    in a transaction nobody else sees until it ends)."""
    if register_import.status not in RUNNING:
        return register_import.row_count
    return int(cache.get(_progress_key(register_import)) or 0)


def _progress_writer(register_import: RegisterImport) -> Progress:
    key = _progress_key(register_import)
    cache.delete(key)
    return lambda done, total: cache.set(key, done, timeout=3600)


def _progress_key(register_import: RegisterImport) -> str:
    return f"register-import:{register_import.pk}:{register_import.status}"


def undoable(register_import: RegisterImport) -> bool:
    return (
        register_import.status == ImportStatus.IMPORTED
        and register_import.imported_at is not None
        and timezone.now() - register_import.imported_at <= UNDO_WINDOW
    )


# --- Applying the rows ----------------------------------------------------------------------------
def _require(actor: Staff, register_import: RegisterImport) -> None:
    permissions.import_register.require(
        actor, register_import.shelter, _("Only the operator's managers import its registers.")
    )


@contextlib.contextmanager
def _transaction(register_import: RegisterImport) -> Iterator[None]:
    """A transaction whose history rows (pghistory) name the import, and in which no trigger is
    ignored (pgtrigger), both said at its start. Needed for speed too: pghistory's and pgtrigger's
    trigger functions read a setting inside a PL/pgSQL exception block, and a setting never set
    raises; each caught error ends a subtransaction, whose abort makes PostgreSQL scan every
    foreign-key check deferred so far, so a row cost more the more rows came before it
    (docs/performance.md)."""
    with history_context(register_import=str(register_import.pk)), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('pgtrigger.ignore', '{}', true)")
        yield


def _apply(
    register_import: RegisterImport, *, keep: bool, progress: Progress | None, batched: bool = True
) -> list[RowResult]:
    """Each row through the rules of the services. With `keep`, also the rows' records and the
    import's status, in the caller's transaction; without, everything is rolled back.

    First as one batch (shelters.imports.batched: each table written in a few statements); if
    the batch fails as a whole (the database refuses an INSERT, the actor is refused), the rows
    run again one by one through the services, each in a savepoint, to tell every refused row
    and why. `batched=False` runs them one by one at once (the batch's reference, in tests)."""
    shelter = Shelter.objects.select_related("operator", "province").get(pk=register_import.shelter_id)
    rows = read_register(bytes(register_import.content), register_import.filename)
    run = _Run(register_import, shelter, rows, progress)
    results = None
    if batched:
        with contextlib.suppress(ApplicationError, DatabaseError):
            results = run.all(keep=keep, batched=True)
    if results is None:
        results = run.all(keep=keep, batched=False)
    if progress:
        progress(len(rows), len(rows))
    return results


class _Run:
    """The rows of one file, with what is read once for all of them."""

    def __init__(
        self, register_import: RegisterImport, shelter: Shelter, rows: list[SourceRow], progress: Progress | None
    ) -> None:
        self.register_import, self.shelter, self.rows, self.progress = register_import, shelter, rows, progress
        self.actor = register_import.uploaded_by
        self.lookups = Lookups(shelter)
        refs = [row.values.get("register_ref", "") for row in rows]
        self.done_before = set(
            RegisterImportRow.objects.filter(shelter=shelter, active=True, register_ref__in=refs).values_list(
                "register_ref", flat=True
            )
        )

    def all(self, *, keep: bool, batched: bool) -> list[RowResult]:
        with _transaction(self.register_import):
            if batched:
                with batch.batch():
                    results = apply_rows(
                        self.actor, self.shelter, self.rows, self.lookups, self.done_before, self.progress
                    )
            else:
                results = self.one_by_one()
            if not keep or any(result.status == "error" for result in results):
                transaction.set_rollback(True)
            else:
                _record_rows(self.register_import, self.shelter, results)
        return results

    def one_by_one(self) -> list[RowResult]:
        results: list[RowResult] = []
        seen: set[str] = set()
        for number, row in enumerate(self.rows, start=1):
            result, parsed = read_row(row, self.lookups, self.done_before, seen)
            if parsed is not None:
                try:
                    with transaction.atomic():
                        result.created = _create(self.actor, self.shelter, parsed)
                except ApplicationError as error:
                    result.refuse(error)
            results.append(result)
            if self.progress and number % PROGRESS_EVERY == 0:
                self.progress(number, len(self.rows))
        return results


def _create(actor: Staff, shelter: Shelter, parsed: dict[str, Any]) -> dict[str, Any]:
    """The row's records, through the services a form uses, one after another."""
    case = case_open(actor=actor, owner=shelter.operator, registration_province=shelter.province, **intake(parsed))
    created: dict[str, Any] = {"person": case.person_id, "case": case.pk}
    if parsed["admitted_on"] is not None:
        admitted_on = parsed["admitted_on"]
        stay = services.stay_admit(actor=actor, shelter=shelter, case=case, admitted_on=admitted_on, bed=parsed["bed"])
        if parsed["discharged_on"] is not None:
            services.stay_discharge(
                actor=actor,
                stay=stay,
                discharged_on=parsed["discharged_on"],
                destination=parsed["exit_destination"],
                reason=parsed["exit_reason"],
            )
        created["stay"] = stay.pk
    else:
        assistance = services.non_residential_record(
            actor=actor,
            shelter=shelter,
            case=case,
            assisted_on=parsed["assisted_on"],
            service_types=parsed["services"],
            notes=parsed["notes"],
            kind=parsed["assistance_kind"],
        )
        created["non_residential"] = assistance.pk
    return created


def _record_rows(register_import: RegisterImport, shelter: Shelter, results: list[RowResult]) -> None:
    RegisterImportRow.objects.bulk_create(
        RegisterImportRow(
            register_import=register_import,
            shelter=shelter,
            register_ref=result.ref,
            line=result.line,
            person_id=result.created["person"],
            case_id=result.created["case"],
            stay_id=result.created.get("stay"),
            non_residential_id=result.created.get("non_residential"),
        )
        for result in results
        if result.status == "ok"
    )
    imported = sum(result.status == "ok" for result in results)
    status = ImportStatus.IMPORTED if imported else ImportStatus.UNCHANGED
    register_import.imported_at = timezone.now()
    _finish(register_import, results, status)
    audit_record(actor=register_import.uploaded_by, action=AuditAction.UPDATE, obj=register_import, fields=["status"])


def _finish(register_import: RegisterImport, results: list[RowResult], status: str) -> None:
    register_import.status = status
    register_import.results = [result.as_json() for result in results]
    register_import.error_count = sum(result.status == "error" for result in results)
    register_import.skipped_count = sum(result.status == "skipped" for result in results)
    if status != ImportStatus.CHECKED:
        register_import.content = b""  # the file's names are in the records now, or nowhere
    register_import.save()
