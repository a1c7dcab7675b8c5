"""Re-encrypting the encrypted fields with the current key, in batches (`manage.py rotate_field_keys`),
and encrypting plaintext the first time (the migration that introduced encryption).

Every model with encrypted fields (core.fields) is found by itself, with its row-history table
(django-pghistory), whose rows hold copies of the same ciphertexts: a key cannot be removed while
a history row still needs it. A model may also declare blind indexes computed from its decrypted
values (`blind_index_key_field` and `blind_indexes`, see casework.models.Person); rows indexed
with another key than the current index key are recomputed in the same pass.

- Batches: each batch of rows is its own transaction, locks only the rows it rewrites, and the
  progress line says how many rows were rewritten (never a value). A run that stops half-way
  is simply run again: rows already under the current key are skipped.
- Stable copies: a record and its history rows are rewritten in the same batch, and one old
  ciphertext always becomes the same new one, so the history's "changed fields" do not light up.
- Re-encryption is not a change of the record: the record's own history triggers are not fired.
- Envelope-encrypted files (core.envelope: casework attachments) keep their data key, wrapped, in
  an encrypted field: a rotation re-wraps those keys like any other value and never touches the
  files in the object store.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pgtrigger
from django.apps import apps
from django.db import connection, transaction

from core import crypto
from core.fields import encrypted_fields

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Table:
    """A table's encrypted columns, and what the engine must keep consistent with them."""

    label: str
    name: str
    pk: str
    columns: tuple[str, ...]
    history: tuple[Table, ...] = ()  # row-history tables, their rows pointing here by `link`
    link: str = "pgh_obj_id"
    index_key_column: str | None = None  # blind indexes, and the id of the key they were computed with
    index: Callable[[Mapping[str, str]], Mapping[str, Any]] | None = None  # plaintexts by column -> index columns
    triggers: tuple[str, ...] = ()  # pgtrigger URIs not fired by a re-encryption


def _column(field: Any) -> str:
    """A concrete field's column (django-stubs allow None, the case of fields without one)."""
    column = field.column
    assert isinstance(column, str), field
    return column


def tables() -> list[Table]:
    """Every table with encrypted fields, from the installed models."""
    found = []
    models = apps.get_models()
    for model in models:
        fields = encrypted_fields(model)
        if not fields or getattr(model, "pgh_tracked_model", None) is not None:
            continue
        history = tuple(
            Table(event._meta.label, event._meta.db_table, _column(event._meta.pk), tuple(_column(f) for f in fields))
            for event in models
            if getattr(event, "pgh_tracked_model", None) is model
        )
        found.append(
            Table(
                label=model._meta.label,
                name=model._meta.db_table,
                pk=_column(model._meta.pk),
                columns=tuple(_column(f) for f in fields),
                history=history,
                index_key_column=getattr(model, "blind_index_key_field", None),
                index=getattr(model, "blind_indexes", None),
                triggers=tuple(f"{model._meta.label}:{t.name}" for t in getattr(model._meta, "triggers", [])),
            )
        )
    return found


@dataclass
class _Pass:
    """One run over the tables: which values it rewrites, how, and the memo of old -> new values.

    Modes: "rotate" (any configured key -> the current one), "encrypt" (plaintext -> the current
    key: the migration that introduced encryption), "decrypt" (back to plaintext: that migration
    reversed)."""

    mode: str
    prefixes: list[str] = field(default_factory=list)
    known: tuple[str, ...] = ()
    index_key: str = ""
    memo: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        ring = crypto.field_keys()
        self.known = tuple(kid + crypto.SEPARATOR for kid in ring.ids)
        # rotate/encrypt: the prefixes of values that need nothing; decrypt: of values to decrypt.
        self.prefixes = [ring.prefix] if self.mode == "rotate" else list(self.known)
        self.index_key = crypto.index_keys().current

    @property
    def indexes(self) -> bool:
        return self.mode != "decrypt"

    def stale(self, columns: Iterable[str]) -> str:
        n = crypto.PREFIX_LENGTH
        if self.mode == "decrypt":
            return " OR ".join(f"left({c}, {n}) = ANY(%(prefixes)s)" for c in columns)
        return " OR ".join(f"NOT ({c} = '' OR left({c}, {n}) = ANY(%(prefixes)s))" for c in columns)

    def plain(self, stored: str) -> str:
        if stored == "" or (self.mode == "encrypt" and stored[: crypto.PREFIX_LENGTH] not in self.known):
            return stored
        return crypto.decrypt(stored)

    def rewrite(self, stored: str) -> str:
        if stored == "" or (stored[: crypto.PREFIX_LENGTH] in self.prefixes) != (self.mode == "decrypt"):
            return stored
        if stored not in self.memo:
            plain = self.plain(stored)
            self.memo[stored] = plain if self.mode == "decrypt" else crypto.encrypt(plain)
        return self.memo[stored]


def rotate(*, batch_size: int = 1000, progress: Progress | None = None) -> dict[str, int]:
    """Re-encrypt every value not under the current field key and recompute every blind index not
    under the current index key. Returns the rows rewritten per table."""
    return _run(tables(), _Pass("rotate"), batch_size, progress)


def encrypt_plaintext(specs: Sequence[Table], *, batch_size: int = 1000) -> dict[str, int]:
    """Encrypt the values stored before encryption existed, and build their blind indexes."""
    return _run(specs, _Pass("encrypt"), batch_size, None)


def decrypt_to_plaintext(specs: Sequence[Table], *, batch_size: int = 1000) -> dict[str, int]:
    """The reverse: decrypt every value in place (only for reversing that migration)."""
    return _run(specs, _Pass("decrypt"), batch_size, None)


def remaining() -> dict[str, int]:
    """Rows that still need the old keys (values) or a recomputation (indexes), per table: when
    all are zero, the previous keys can be removed from the environment."""
    run = _Pass("rotate")
    counts = {}
    for table in tables():
        for each in (table, *table.history):
            counts[each.label] = _count(each, run.stale(each.columns), {"prefixes": run.prefixes})
        if table.index_key_column:
            sql = f"{table.index_key_column} <> %(key)s"
            counts[f"{table.label} (blind indexes)"] = _count(table, sql, {"key": run.index_key})
    return counts


def _run(specs: Sequence[Table], run: _Pass, batch_size: int, progress: Progress | None) -> dict[str, int]:
    rewritten: dict[str, int] = {}
    for table in specs:
        for label, count in _records(table, run, batch_size, progress).items():
            rewritten[label] = rewritten.get(label, 0) + count
        for history in table.history:
            rewritten[history.label] += _orphan_history(history, table, run, batch_size, progress)
    return rewritten


def _records(table: Table, run: _Pass, batch_size: int, progress: Progress | None) -> dict[str, int]:
    """The records in primary-key order, each batch with its history rows."""
    counts = {each.label: 0 for each in (table, *table.history)}
    last = None
    while True:
        with transaction.atomic(), pgtrigger.ignore(*table.triggers):
            after = f"WHERE {table.pk} > %(last)s" if last is not None else ""
            ids = _fetch(
                f"SELECT {table.pk} FROM {table.name} {after} ORDER BY {table.pk} LIMIT %(size)s",  # noqa: S608
                {"last": last, "size": batch_size},
            )
            if not ids:
                break
            ids = [row[0] for row in ids]
            run.memo.clear()
            stale = run.stale(table.columns)
            if table.index_key_column and run.indexes:
                stale += f" OR {table.index_key_column} IS DISTINCT FROM %(key)s"
            counts[table.label] += _rewrite(table, f"{table.pk} = ANY(%(ids)s) AND ({stale})", {"ids": ids}, run)
            for history in table.history:
                where = f"{table.link} = ANY(%(ids)s) AND ({run.stale(history.columns)})"
                counts[history.label] += _rewrite(history, where, {"ids": ids}, run)
        last = ids[-1]
        if progress:
            progress(", ".join(f"{label}: {count} rows rewritten" for label, count in counts.items()))
    return counts


def _orphan_history(history: Table, record: Table, run: _Pass, batch_size: int, progress: Progress | None) -> int:
    """History rows of records that no longer exist, whole records' worth per batch."""
    total, last = 0, None
    stale = run.stale(history.columns)
    while True:
        with transaction.atomic():
            after = f"AND {record.link} > %(last)s" if last is not None else ""
            objects = _fetch(
                f"SELECT DISTINCT {record.link} FROM {history.name} WHERE ({stale}) {after} "  # noqa: S608
                "ORDER BY 1 LIMIT %(size)s",
                {"prefixes": run.prefixes, "last": last, "size": batch_size},
            )
            if not objects:
                break
            run.memo.clear()
            where = f"{record.link} = ANY(%(ids)s) AND ({stale})"
            total += _rewrite(history, where, {"ids": [row[0] for row in objects]}, run)
        last = objects[-1][0]
        if progress:
            progress(f"{history.label} (records deleted since): {total} rows rewritten")
    return total


def _rewrite(table: Table, where: str, params: dict[str, Any], run: _Pass) -> int:
    """Lock the matching rows, rewrite their stale values (and indexes), write them back."""
    index_columns: list[str] = []
    selected = [table.pk, *table.columns]
    rows = _fetch(
        f"SELECT {', '.join(selected)} FROM {table.name} WHERE {where} FOR UPDATE",  # noqa: S608
        {**params, "prefixes": run.prefixes, "key": run.index_key},
    )
    updates = []
    for pk, *values in rows:
        new = [run.rewrite(value) if value is not None else None for value in values]
        if table.index is not None and run.indexes:
            indexes = dict(table.index({c: run.plain(v or "") for c, v in zip(table.columns, values, strict=True)}))
            assert table.index_key_column is not None  # a table with blind indexes names its key column
            indexes[table.index_key_column] = run.index_key
            index_columns = list(indexes)
            new += [indexes[c] for c in index_columns]
        updates.append([*new, pk])
    if not updates:
        return 0
    columns = [*table.columns, *index_columns]
    types = _types(table.name)
    assignments = ", ".join(f"{c} = new.{c}::{types[c]}" for c in columns)
    for start in range(0, len(updates), UPDATE_CHUNK):
        chunk = updates[start : start + UPDATE_CHUNK]
        row = "(" + ", ".join(["%s"] * (len(columns) + 1)) + ")"
        # One statement per chunk (pgtrigger.ignore cannot wrap executemany).
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table.name} SET {assignments} FROM (VALUES {', '.join([row] * len(chunk))}) "  # noqa: S608
                f"AS new({', '.join(columns)}, pk) WHERE {table.name}.{table.pk} = new.pk::{types[table.pk]}",
                [value for values in chunk for value in values],
            )
    return len(updates)


UPDATE_CHUNK = 500  # rows per UPDATE statement: well under PostgreSQL's 65,535 parameters


def _types(table: str) -> dict[str, str]:
    """Column types, to cast the VALUES rows (pgtrigger.ignore sends them as untyped literals)."""
    rows = _fetch(
        "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute "
        "WHERE attrelid = %(table)s::regclass AND attnum > 0 AND NOT attisdropped",
        {"table": table},
    )
    return dict(rows)  # type: ignore[arg-type]


def _count(table: Table, condition: str, params: dict[str, Any]) -> int:
    return _fetch(f"SELECT count(*) FROM {table.name} WHERE {condition}", params)[0][0]  # noqa: S608


def _fetch(sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    """Named placeholders turned positional: pgtrigger.ignore prepends a statement with one."""
    names: list[str] = []

    def positional_placeholder(match: re.Match[str]) -> str:
        names.append(match[1])
        return "%s"

    positional = _NAMED.sub(positional_placeholder, sql)
    with connection.cursor() as cursor:
        cursor.execute(positional, [params[name] for name in names])
        return cursor.fetchall()


_NAMED = re.compile(r"%\((\w+)\)s")
