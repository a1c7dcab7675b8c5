"""A copy of the test database as the session set it up (migrations and reference data), kept in
a schema of its own, to put back at the end of every transactional test.

Loading the reference data row by row (seeds.reference, with its validation and history
triggers) takes seconds; copying it back table by table takes a fraction of one, and brings back
exactly the same rows with the same ids. The schema is outside Django's search path, so flushes
and introspection never see it.
"""

from __future__ import annotations

import functools

from django.db import connection, transaction
from psycopg import sql

SCHEMA = "test_snapshot"


def _tables() -> list[str]:
    """The public tables, a partitioned table as one (its partitions' rows are in it)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY c.relname"
        )
        return [table for (table,) in cursor.fetchall()]


def take() -> None:
    """Copy every table that has rows now into the snapshot schema (replacing an older copy)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            sql.SQL("DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}")
            .format(schema=sql.Identifier(SCHEMA))
            .as_string(cursor.connection)
        )
        for table in _tables():
            cursor.execute(
                sql.SQL("CREATE TABLE {copy} AS SELECT * FROM {table}")
                .format(copy=sql.Identifier(SCHEMA, table), table=sql.Identifier("public", table))
                .as_string(cursor.connection)
            )
            cursor.execute(
                sql.SQL("SELECT EXISTS (SELECT FROM {copy})")
                .format(copy=sql.Identifier(SCHEMA, table))
                .as_string(cursor.connection)
            )
            if not cursor.fetchone()[0]:
                cursor.execute(
                    sql.SQL("DROP TABLE {copy}").format(copy=sql.Identifier(SCHEMA, table)).as_string(cursor.connection)
                )


def restore() -> None:
    """Put the database back as the session set it up: every table emptied, then the snapshot's
    rows copied in, with triggers and foreign-key checks off as a restore of a dump would. The
    end of every transactional test (tests/conftest.py), and the start of the session and of the
    world's layer. Deleting the few rows a test wrote takes milliseconds; Django's flush truncated
    all 128 tables, which makes new files for each table and index (half a second a test)."""
    deletes = [sql.SQL("DELETE FROM {table}").format(table=sql.Identifier("public", t)) for t in _tables()]
    _as_replica(sql.SQL("; ").join([*deletes, _copies_in(SCHEMA)]))


def take_layer(name: str, below: list[str]) -> None:
    """Copy the rows added since the snapshot and the layers `below` were taken (by primary key)
    into the schema `test_snapshot_<name>`, so that `put_layer` can add exactly those rows to a
    test's database in a few statements instead of building them again through the services."""
    layer = f"{SCHEMA}_{name}"
    with transaction.atomic(), connection.cursor() as cursor:
        _run(cursor, "DROP SCHEMA IF EXISTS {s} CASCADE; CREATE SCHEMA {s}", s=sql.Identifier(layer))
        for table in _tables():
            older = [s for s in [SCHEMA, *(f"{SCHEMA}_{b}" for b in below)] if _has_table(cursor, s, table)]
            unseen = sql.SQL(" AND ").join(_not_in(schema, table, _primary_key(cursor, table)) for schema in older)
            _run(
                cursor,
                "CREATE TABLE {copy} AS SELECT * FROM {table} t WHERE {unseen}",
                copy=sql.Identifier(layer, table),
                table=sql.Identifier("public", table),
                unseen=unseen if older else sql.SQL("true"),
            )
            _run(cursor, "SELECT EXISTS (SELECT FROM {copy})", copy=sql.Identifier(layer, table))
            if not cursor.fetchone()[0]:
                _run(cursor, "DROP TABLE {copy}", copy=sql.Identifier(layer, table))
    _layer_inserts.cache_clear()


def _not_in(schema: str, table: str, key: list[str]) -> sql.Composable:
    """A condition on row `t`: no row of `schema`.`table` has its primary key."""
    old = sql.Identifier(schema, table)
    same = sql.SQL(" AND ").join(
        sql.SQL("{old}.{column} = t.{column}").format(old=old, column=sql.Identifier(c)) for c in key
    )
    return sql.SQL("NOT EXISTS (SELECT FROM {old} WHERE {same})").format(old=old, same=same)


def _run(cursor, query: str, **parts: sql.Composable) -> None:  # type: ignore[no-untyped-def]
    cursor.execute(sql.SQL(query).format(**parts).as_string(cursor.connection))


def put_layer(name: str) -> None:
    """Insert a layer's rows (ids and all, triggers off as in `restore`): the test's transaction
    rolls them back with everything else. One statement per layer, built once per process: the
    layers `orgs`, `people` and `case` go in before about 1,600 tests."""
    _as_replica(_layer_inserts(name))


@functools.cache
def _layer_inserts(name: str) -> sql.Composable:
    return _copies_in(f"{SCHEMA}_{name}")


def _copies_in(schema: str) -> sql.Composable:
    """`INSERT ... SELECT` into each public table from its copy in `schema`."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY tablename", [schema])
        tables = [table for (table,) in cursor.fetchall()]
    return sql.SQL("; ").join(
        sql.SQL("INSERT INTO {table} SELECT * FROM {copy}").format(
            table=sql.Identifier("public", t), copy=sql.Identifier(schema, t)
        )
        for t in tables
    )


def _as_replica(statements: sql.Composable) -> None:
    """Run `statements` (several, as one) with triggers and foreign-key checks off. They are
    switched back on before returning: SET LOCAL in a savepoint would otherwise last until the
    outermost transaction (the test's) ends."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        if text := statements.as_string(cursor.connection):
            cursor.execute(text)
        cursor.execute("SET LOCAL session_replication_role = DEFAULT")


def _has_table(cursor, schema: str, table: str) -> bool:  # type: ignore[no-untyped-def]
    cursor.execute("SELECT EXISTS (SELECT FROM pg_tables WHERE schemaname = %s AND tablename = %s)", [schema, table])
    return bool(cursor.fetchone()[0])


def _primary_key(cursor, table: str) -> list[str]:  # type: ignore[no-untyped-def]
    cursor.execute(
        """SELECT a.attname FROM pg_index i
           JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
           WHERE i.indrelid = %s::regclass AND i.indisprimary ORDER BY a.attnum""",
        [f'public."{table}"'],
    )
    return [column for (column,) in cursor.fetchall()]
