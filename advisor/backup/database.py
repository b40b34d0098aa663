"""The database half of a backup: a consistent copy, the facts read from that same copy,
and loading a copy into an empty database.

SQLite is copied with its online backup API (readers and writers go on meanwhile) and
the facts are read from the copy. PostgreSQL is dumped with ``pg_dump -Fc`` from a
snapshot exported by a REPEATABLE READ transaction, and the facts are read in that same
transaction, so the counts and the ledger head describe exactly what the dump holds.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess  # pg_dump and pg_restore, run with fixed arguments  # nosec B404
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from advisor.contracts.services import referenced_files
from advisor.ledger.models import GENESIS, LedgerHead

SQLITE, POSTGRESQL = "sqlite", "postgresql"
DUMP_NAMES = {SQLITE: "database.sqlite3", POSTGRESQL: "database.dump"}


class DatabaseError(Exception):
    """The database could not be copied or loaded; the message says why."""


@dataclass(frozen=True, slots=True)
class Facts:
    """What a snapshot holds: rows per table, the ledger head, the files rows refer to."""

    counts: dict[str, int]
    ledger_seq: int
    ledger_hash: str
    alembic_revision: str
    referenced: list[str]


def kind_of(engine: sa.Engine) -> str:
    name = engine.dialect.name
    if name not in DUMP_NAMES:
        raise DatabaseError(f"Backups support SQLite and PostgreSQL, not {name}.")
    return name


def read_facts(conn: sa.Connection) -> Facts:
    """Count every table's rows and read the ledger head, within ``conn``'s transaction."""
    names = sorted(sa.inspect(conn).get_table_names())
    if "alembic_version" not in names:
        raise DatabaseError("The database has no Advisor schema (no alembic_version table).")
    counts = {
        name: int(conn.scalar(sa.select(sa.func.count()).select_from(sa.table(name))) or 0)
        for name in names
    }
    head = conn.execute(
        sa.select(LedgerHead.seq, LedgerHead.last_hash).where(LedgerHead.id == 1)
    ).first()
    revision = conn.scalar(sa.text("SELECT version_num FROM alembic_version"))
    referenced = conn.scalars(referenced_files())
    return Facts(
        counts=counts,
        ledger_seq=head.seq if head else 0,
        ledger_hash=head.last_hash if head else GENESIS,
        alembic_revision=str(revision or ""),
        referenced=list(referenced),
    )


def dump(engine: sa.Engine, target: Path) -> Facts:
    """Write a consistent copy of the database to ``target`` and return its facts."""
    if kind_of(engine) == SQLITE:
        return _dump_sqlite(_sqlite_path(engine), target)
    return _dump_postgres(engine, target)


def _sqlite_path(engine: sa.Engine) -> Path:
    name = engine.url.database
    if not name or name == ":memory:" or name.startswith("file:"):
        raise DatabaseError("Only a SQLite database in a file can be backed up or restored.")
    return Path(name)


def _dump_sqlite(source: Path, target: Path) -> Facts:
    if not source.is_file():
        raise DatabaseError(f"There is no SQLite database at {source}.")
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)
        # One self-contained file, whatever journal mode the live database uses.
        dst.execute("PRAGMA journal_mode=DELETE")
    copy = sa.create_engine(f"sqlite:///{target}", poolclass=sa.NullPool)
    try:
        with copy.connect() as conn:
            return read_facts(conn)
    finally:
        copy.dispose()


def _dump_postgres(engine: sa.Engine, target: Path) -> Facts:
    repeatable = engine.connect().execution_options(isolation_level="REPEATABLE READ")
    with repeatable as conn, conn.begin():
        conn.exec_driver_sql("SET TRANSACTION READ ONLY")
        snapshot = str(conn.scalar(sa.text("SELECT pg_export_snapshot()")))
        facts = read_facts(conn)
        # The snapshot is valid while this transaction stays open: until pg_dump ends.
        _run(
            ["pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={target}"],
            engine.url,
        )
    return facts


def load(engine: sa.Engine, copy: Path) -> None:
    """Load a copy made by ``dump`` into ``engine``'s (empty) database, all or nothing."""
    engine.dispose()
    if kind_of(engine) == SQLITE:
        path = _sqlite_path(engine)
        path.parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(copy)) as src, closing(sqlite3.connect(path)) as dst:
            src.backup(dst)
    else:
        _run(
            [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                str(copy),
            ],
            engine.url,
        )
    engine.dispose()


def table_names(engine: sa.Engine) -> list[str]:
    """Every table (and view) in the database, in any schema but the system's."""
    with engine.connect() as conn:
        if engine.dialect.name == SQLITE:
            rows = conn.exec_driver_sql(
                "SELECT name FROM sqlite_master"
                " WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%'"
            )
        else:
            rows = conn.exec_driver_sql(
                "SELECT table_schema || '.' || table_name FROM information_schema.tables"
                " WHERE table_schema NOT IN ('pg_catalog', 'information_schema')"
            )
        return sorted(str(name) for (name,) in rows)


def count_rows(engine: sa.Engine) -> Facts:
    with engine.connect() as conn:
        return read_facts(conn)


def _libpq(url: sa.URL) -> tuple[str, dict[str, str]]:
    """The SQLAlchemy URL as a libpq URI without the password, and the password (if any)
    in the environment, where ``ps`` does not show it."""
    uri = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    return uri, env


def _run(command: list[str], url: sa.URL) -> None:
    uri, env = _libpq(url)
    try:
        done = subprocess.run(  # a fixed program, no shell  # nosec B603
            [*command, f"--dbname={uri}"], env=env, capture_output=True, text=True, check=False
        )
    except FileNotFoundError as error:
        raise DatabaseError(
            f"{command[0]} was not found: install the PostgreSQL client tools."
        ) from error
    if done.returncode != 0:
        raise DatabaseError(f"{command[0]} failed: {done.stderr.strip()[-2000:]}")
