"""Ledger entries as plain rows for verification, read straight through the database driver.

Verifying millions of entries is mostly reading them: model objects cost half the time,
and even SQLAlchemy's rows with their type conversions take twice the driver's own time.
So the rows come from a cursor on the session's own connection, streamed, laid out as
``chain.ROW``, each value exactly as reading it through the model would give it or, for
the entry's date and time, as the canonical text of that value, which
``chain.canonical_values`` writes as it writes any string:

- PostgreSQL renders both: ``to_char`` gives the date as YYYY-MM-DD and the time in UTC
  with microseconds and "+00:00", as ``chain.canonical`` writes the values psycopg reads;
- SQLite stores them as text, which SQLAlchemy reads with ``fromisoformat`` (and
  advisor.db.UTCDateTime makes UTC); here the same parse checks the text, and text in the
  layout SQLAlchemy writes is rearranged rather than parsed and written back. A stored
  value that cannot be read so is passed on as it is: it cannot hash as an entry did.

tests/ledger/test_rows.py holds both to the model's values on each database.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import orm

from advisor.ledger.chain import ROW

# How each database renders a column where the driver's own value is not what is hashed.
_RENDERED = {
    "postgresql": {
        "entry_on": "to_char(entry_on, 'YYYY-MM-DD')",
        "created_at": "to_char(created_at AT TIME ZONE 'UTC',"
        """ 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"')""",
    },
    "sqlite": {},
}
# libpq 17 sends rows in chunks; an older one row by row (slower, still streamed).
CHUNKED_LIBPQ = 170000
_PARAMETERS = {"postgresql": ("%(after)s", "%(head)s"), "sqlite": (":after", ":head")}
_ENTRY_ON, _ON_BEHALF, _CREATED_AT = (
    ROW.index(name) for name in ("entry_on", "on_behalf", "created_at")
)


def _select(dialect: str) -> str:
    """The entries after one sequence number up to another, in order, laid out as ROW."""
    rendered = _RENDERED[dialect]
    columns = ", ".join(rendered.get(name, name) for name in ROW)
    after, head = _PARAMETERS[dialect]
    return (
        f"SELECT {columns} FROM ledger_entry"  # fixed columns, driver params  # nosec B608
        f" WHERE seq > {after} AND seq <= {head} ORDER BY seq"
    )


@contextmanager
def entry_rows(
    session: orm.Session, *, after_seq: int, head_seq: int, batch: int
) -> Iterator[Iterator[Sequence[Any]]]:
    """The entries after ``after_seq`` up to ``head_seq`` as plain rows (see the module
    docstring), in the session's transaction, streamed: memory stays flat.

    PostgreSQL sends them ``batch`` at a time without waiting to be asked (psycopg's
    ``stream``, libpq's chunked rows), so that it reads the next rows while these are
    hashed: twice as fast as a server-side cursor fetched batch by batch. SQLite's cursor
    steps through the table as it is read."""
    connection = session.connection()
    dialect = connection.dialect.name
    driver: Any = connection.connection.driver_connection
    parameters = {"after": after_seq, "head": head_seq}
    cursor = driver.cursor()
    if dialect != "postgresql":
        try:
            yield map(_from_sqlite, cursor.execute(_select(dialect), parameters))
        finally:
            cursor.close()
        return
    import psycopg  # here: SQLite's processes need not import it (0.1 s)

    chunk = batch if psycopg.pq.version() >= CHUNKED_LIBPQ else 1
    rows = cursor.stream(_select(dialect), parameters, size=chunk)
    try:
        yield rows
    finally:
        # Read what is left when verification stopped early: cancelling the query would
        # abort the session's transaction, and the caller goes on to read the bad entry.
        for _ in rows:
            pass
        cursor.close()


def _from_sqlite(row: tuple[Any, ...]) -> list[Any]:
    """A row as SQLite stores it, with the date, the flag and the time as the model reads
    them (the date and time as their canonical text)."""
    values = list(row)
    values[_ENTRY_ON] = _stored_day(row[_ENTRY_ON])
    flag = row[_ON_BEHALF]
    values[_ON_BEHALF] = None if flag is None else bool(flag)  # SQLAlchemy's int_to_boolean
    values[_CREATED_AT] = _stored_instant(row[_CREATED_AT])
    return values


def _stored_day(stored: Any) -> Any:
    try:
        day = date.fromisoformat(stored)
    except (TypeError, ValueError):
        return stored
    # SQLAlchemy's layout, 'YYYY-MM-DD', is the canonical text once the parse has passed.
    return stored if len(stored) == 10 and stored[4] == stored[7] == "-" else day.isoformat()


def _stored_instant(stored: Any) -> Any:
    try:
        moment = datetime.fromisoformat(stored)
    except (TypeError, ValueError):
        return stored
    # SQLAlchemy's layout, 'YYYY-MM-DD HH:MM:SS.ffffff', naive UTC; the parse above has
    # checked every digit, so the text rearranged is the text written back.
    if (
        moment.tzinfo is None
        and len(stored) == 26
        and stored[4] == stored[7] == "-"
        and stored[10] == " "
        and stored[13] == stored[16] == ":"
        and stored[19] == "."
    ):
        return f"{stored[:10]}T{stored[11:]}+00:00"
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return moment.isoformat(timespec="microseconds")
