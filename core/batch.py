"""Many records written in one transaction at the cost of few statements.

A register import (shelters.imports.batched) writes a file's records through the services'
many-at-once forms (cases_open_many, stays_admit_many, ...). Inside `batch()`:

- the audit and timeline rows the services write (accounts.services.audit_record,
  casework.timeline.write) are kept in memory and written with one INSERT per table when the
  batch ends, in the same transaction (`deferred` / `defer`);
- the nested `transaction.atomic` blocks of the services open no savepoint: the batch is all or
  nothing, so a failure anywhere marks the whole transaction for rollback (as Django's
  `atomic(savepoint=False)` does) and the caller reruns the rows one by one to tell which row
  failed and why;
- `full_clean` leaves to the database what the database checks anyway (`trusted_exclusions`):
  foreign keys, unique fields and CHECK constraints. A row that breaks one of
  them fails its INSERT, and so the batch.

Outside a batch none of this applies: each service writes its rows at once and validates fully.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Hashable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, models

Check = Callable[[list[Any]], None]


@dataclass
class _Batch:
    rows: list[models.Model] = field(default_factory=list)
    checks: dict[Hashable, tuple[Check, list[Any]]] = field(default_factory=dict)


_current: contextvars.ContextVar[_Batch | None] = contextvars.ContextVar("batch", default=None)


@contextmanager
def batch() -> Iterator[None]:
    """Run the block as one batch (see the module's docstring); must be inside a transaction."""
    if not connection.in_atomic_block:
        raise RuntimeError("a batch runs inside the transaction that keeps or drops it whole")
    if _current.get() is not None:
        raise RuntimeError("batches do not nest")
    current = _Batch()
    token = _current.set(current)
    features = connection.features
    features.uses_savepoints = False  # an instance attribute: this connection only, for now
    try:
        yield
        if connection.needs_rollback:
            return  # a failure marked the transaction for rollback: nothing of it will be kept
        for check, keys in current.checks.values():
            check(keys)
        flush(current.rows)
    finally:
        del features.uses_savepoints  # the class's value again
        _current.reset(token)


def active() -> bool:
    return _current.get() is not None


def check_later(group: Hashable, key: Any, check: Check) -> bool:
    """Inside a batch, keep `key` to be checked with the others of its `group` by one call of
    `check(keys)` when the batch ends (it raises to refuse); False outside (check it now)."""
    current = _current.get()
    if current is None:
        return False
    current.checks.setdefault(group, (check, []))[1].append(key)
    return True


def defer(row: models.Model) -> bool:
    """Keep `row` to be inserted when the batch ends; False outside a batch (save it now)."""
    current = _current.get()
    if current is None:
        return False
    current.rows.append(row)
    return True


def flush(pending: list[models.Model]) -> None:
    """One COPY per model for the rows kept so far, in the order their models first came."""
    by_model: dict[type[models.Model], list[models.Model]] = {}
    for row in pending:
        by_model.setdefault(type(row), []).append(row)
    for rows in by_model.values():
        copy_rows(rows)
    pending.clear()


def copy_rows(rows: Sequence[models.Model]) -> None:
    """Insert new rows of one model with one COPY: bulk_create's work without its SQL text (an
    INSERT of thousands of rows is a statement of as many placeholders, which the driver parses
    and Django compiles, each costing more than the rows' values). Like bulk_create, no save()
    and no signals; a primary key the database numbers is left to it (and not read back)."""
    if not rows:
        return
    meta = rows[0]._meta
    fields = [
        field
        for field in meta.concrete_fields
        if not field.generated and not (field.primary_key and getattr(rows[0], field.attname) is None)
    ]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(str(field.column)) for field in fields)
    statement = f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row([field.get_db_prep_save(field.pre_save(row, True), connection) for field in fields])
    for row in rows:
        row._state.adding, row._state.db = False, connection.alias


def trusted_exclusions(instance: models.Model) -> list[str]:
    """Inside a batch, the foreign keys (the database refuses a missing one at the INSERT);
    outside, none."""
    if not active():
        return []
    return [field.name for field in instance._meta.concrete_fields if field.is_relation]
