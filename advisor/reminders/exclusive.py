"""One sender per database: the scheduler and the send-by-hand commands take one lock.

Two senders working at once could each believe a claimed row was abandoned and send
it again; a second scheduler on a fresh database also raced the first to create its job
table. So whoever plans or sends (``flask scheduler run``, the development server's
in-process scheduler, ``flask reminders send-due`` and ``plan``) first takes the
database's sender lock, and holds it until it stops:

- PostgreSQL: a session-level advisory lock (``pg_try_advisory_lock``) on a connection
  kept open for the purpose. Advisory locks belong to one database, so two installations
  on one server do not block each other. If that connection is lost (the database was
  restarted), the lock goes with it: the scheduler notices at its next job and stops,
  so that a supervisor (systemd) restarts it and it takes the lock again.
- SQLite: an exclusive ``flock`` on ``<database file>.sender.lock``, released by the
  kernel when the process ends however it ends.

A process that cannot take the lock is told who holds it (the PostgreSQL backend's or
the lock file's process id) and must not send.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import sqlalchemy as sa

# The advisory lock's key: a fixed 63-bit number derived from a name, so that it is
# recognisable in pg_locks (objid) and cannot collide with the application's other locks.
LOCK_KEY = int.from_bytes(hashlib.sha256(b"advisor.sender").digest()[:8], "big") >> 1


class AlreadyRunning(Exception):
    """Another process holds the sender lock of this database."""


class SenderLock:
    """The held lock; ``alive()`` says whether it is still held (PostgreSQL: the
    connection that holds it is still open)."""

    def __init__(self, connection: sa.Connection | None, handle: IO[str] | None) -> None:
        self._connection = connection
        self._handle = handle

    def alive(self) -> bool:
        if self._connection is None:
            return True
        try:
            held = self._connection.execute(
                sa.text(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
                    " AND pid = pg_backend_pid() AND granted"
                    " AND ((classid::bigint << 32) | objid::bigint) = :key"
                ),
                {"key": LOCK_KEY},
            ).scalar_one()
        except sa.exc.DBAPIError:
            return False
        return bool(held)

    def release(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(sa.exc.DBAPIError):  # the lock went with it
                self._connection.close()
            self._connection = None
        if self._handle is not None:
            self._handle.close()  # closing the file releases the flock
            self._handle = None


def sqlite_lock_path(database_url: str) -> Path:
    url = sa.make_url(database_url)
    if not url.database or url.database == ":memory:":
        raise ValueError("a sender lock needs a database file")
    return Path(url.database).resolve().with_name(Path(url.database).name + ".sender.lock")


def acquire(database_url: str) -> SenderLock:
    """Take the sender lock of the database at ``database_url`` or raise AlreadyRunning."""
    url = sa.make_url(database_url)
    if url.get_backend_name() == "postgresql":
        engine = sa.create_engine(url, poolclass=sa.NullPool)
        connection = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        taken = connection.execute(
            sa.text("SELECT pg_try_advisory_lock(:key)"), {"key": LOCK_KEY}
        ).scalar_one()
        if not taken:
            holder = connection.execute(
                sa.text(
                    "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted"
                    " AND ((classid::bigint << 32) | objid::bigint) = :key"
                ),
                {"key": LOCK_KEY},
            ).scalar()
            connection.close()
            raise AlreadyRunning(f"PostgreSQL backend {holder} holds the sender lock")
        return SenderLock(connection, None)
    path = sqlite_lock_path(database_url)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = path.open("a+", encoding="ascii")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError as error:
        handle.seek(0)
        holder = handle.read().strip() or "another process"
        handle.close()
        raise AlreadyRunning(f"process {holder} holds {path}") from error
    handle.seek(0)
    handle.truncate()
    handle.write(str(os.getpid()))
    handle.flush()
    return SenderLock(None, handle)


@contextmanager
def held(database_url: str) -> Iterator[SenderLock]:
    """The sender lock for the duration of the block (AlreadyRunning if taken)."""
    lock = acquire(database_url)
    try:
        yield lock
    finally:
        lock.release()
