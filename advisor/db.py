"""Declarative base with a stable constraint naming convention, shared column types, paging."""

from __future__ import annotations

import enum
import logging
import math
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, ClassVar, Generic, TypeVar

import sqlalchemy as sa
from flask import has_request_context, request
from sqlalchemy import orm
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

log = logging.getLogger(__name__)


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware.

    SQLite keeps no offset, so the offset is normalised on the way in and restored
    on the way out; naive values are refused rather than guessed.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use advisor.db.utcnow()")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def in_values(column: str, values: type[enum.StrEnum]) -> str:
    """SQL for a CHECK constraint: ``column`` holds one of the enum's values."""
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


class Base(orm.DeclarativeBase):
    """Base of every model."""

    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime()}


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a list, with what a pager needs. A ``capped`` total is a lower bound:
    the list has more rows than were counted."""

    items: Sequence[T]
    total: int
    page: int
    per_page: int
    capped: bool = False

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        if self.capped:
            return self.page < self.pages or len(self.items) == self.per_page
        return self.page < self.pages


MAX_PER_PAGE = 200


def paginate(
    session: orm.Session,
    stmt: sa.Select[Any],
    *,
    page: int = 1,
    per_page: int = 50,
    total: int | None = None,
    key: Any = None,
    cap: int | None = None,
) -> Page[Any]:
    """Run ``stmt`` for one page; the count runs on the same filtered statement, unless
    the caller counted it already (``total``). With ``cap`` the count stops
    there: a total above it is reported as ``cap`` and ``capped``.

    With ``key`` (the entity's primary key column) the page is found in two steps: the
    ordered keys alone, then the rows with those keys. Sorting a large table's keys
    costs a fraction of sorting its whole rows (contracts at province scale, page 200:
    275 ms -> 80 ms on PostgreSQL). The rows are loaded by key alone: ``stmt``'s
    conditions chose the keys already, and applied again they cost as much as the first
    time (a ledger search read its index anew for 50 rows: 68 ms)."""
    page = max(1, page)
    per_page = min(max(1, per_page), MAX_PER_PAGE)
    capped = False
    if total is None:
        # With a key the keys are counted, not the rows: the same number, and the database
        # neither plans nor reads their other columns (the bureau's contracts, 10,001
        # counted: 3.9 ms of PostgreSQL's time with every column, 2.1 ms with the key).
        counted = stmt if key is None else stmt.with_only_columns(key, maintain_column_froms=True)
        total, capped = count_capped(session, counted, cap)
    window = stmt.limit(per_page).offset((page - 1) * per_page)
    if key is None:
        items = session.scalars(window).all()
    else:
        keys = list(session.scalars(window.with_only_columns(key)))
        found: Iterable[Any] = (
            session.scalars(sa.select(key.class_).where(key.in_(keys))) if keys else ()
        )
        rows = {getattr(row, key.key): row for row in found}
        items = [rows[k] for k in keys if k in rows]
    return Page(items=items, total=total, page=page, per_page=per_page, capped=capped)


def _count(session: orm.Session, stmt: sa.Select[*tuple[Any, ...]]) -> int:
    """How many rows ``stmt`` gives, counted by the database."""
    return count_capped(session, stmt, None)[0]


def count_capped(
    session: orm.Session, stmt: sa.Select[*tuple[Any, ...]], cap: int | None
) -> tuple[int, bool]:
    """How many rows ``stmt`` gives, counting no further than ``cap`` (None: all), and
    whether there are more. The database stops reading at ``cap + 1`` rows."""
    inner = stmt.order_by(None)
    if cap is not None:
        inner = inner.limit(cap + 1)
    counted = session.scalar(sa.select(sa.func.count()).select_from(inner.subquery())) or 0
    if cap is not None and counted > cap:
        return cap, True
    return counted, False


def paginate_rows(
    session: orm.Session, stmt: sa.Select[*tuple[Any, ...]], *, page: int = 1, per_page: int = 50
) -> Page[Any]:
    """``paginate`` for a statement of several columns: each item is a whole row."""
    page = max(1, page)
    per_page = min(max(1, per_page), MAX_PER_PAGE)
    total = _count(session, stmt)
    items = session.execute(stmt.limit(per_page).offset((page - 1) * per_page)).all()
    return Page(items=items, total=total, page=page, per_page=per_page)


# Objects the migrations make that the models do not describe (search indexes kept
# per dialect, an index on an expression); autogenerate and the migrations-equal-models
# test leave them alone.
UNMODELLED = (
    "contract_fts",
    "ix_contract_search_trgm",
    "ix_contract_list_order",
    "apscheduler_jobs",
)


def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    """Alembic filter: compare everything but the unmodelled search objects."""
    return not (name or "").startswith(UNMODELLED)


_WRITING: ContextVar[bool] = ContextVar("writing", default=False)


@contextmanager
def immediate_writes() -> Iterator[None]:
    """Outside a request (jobs, commands), make every SQLite transaction in this context
    take the write lock at once, as writing requests do; no effect on PostgreSQL."""
    token = _WRITING.set(True)
    try:
        yield
    finally:
        _WRITING.reset(token)


@contextmanager
def deferred_reads() -> Iterator[None]:
    """Inside ``immediate_writes``, let the transactions begun in this context read
    without taking SQLite's write lock: a long read (verifying the ledger) would hold
    up every writer. No effect on PostgreSQL."""
    token = _WRITING.set(False)
    try:
        yield
    finally:
        _WRITING.reset(token)


def lost_write_race(error: sa.exc.OperationalError) -> bool:
    """Whether ``error`` is SQLite refusing a write: another connection wrote after this
    transaction began reading (WAL then answers "database is locked" at once, whatever
    the busy timeout), or held the lock past it. A read that writes only in passing
    (a session's last-seen time) may give that write up."""
    return isinstance(error.orig, sqlite3.OperationalError) and "locked" in str(error.orig)


SQLITE_MAP_BYTES = 1 << 30  # how much of a SQLite file a connection maps into memory


@contextmanager
def file_not_mapped(session: orm.Session) -> Iterator[None]:
    """On SQLite, let the rest of ``session``'s transaction read through its page cache
    rather than the file mapped into memory, then map it again. A read of
    the whole ledger would otherwise bring up to 1 GB of the file into this process's
    resident memory (the export job peaked at 1,143 MB; issue 19, item 6). The mapping
    is the connection's: it is put back before the connection returns to the pool."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        yield
        return
    connection.exec_driver_sql("PRAGMA mmap_size=0")
    try:
        yield
    finally:
        try:
            connection.exec_driver_sql(f"PRAGMA mmap_size={SQLITE_MAP_BYTES}")
        except sa.exc.DBAPIError:  # never in place of what stopped the read
            log.warning("could not map the SQLite file again; this connection reads unmapped")


def configure_sqlite(engine: sa.Engine) -> None:
    """WAL, foreign keys, a busy timeout, and SAVEPOINT-capable transactions.

    pysqlite's own transaction handling defers BEGIN and breaks SAVEPOINT, so the
    driver's is switched off and SQLAlchemy emits BEGIN itself (SQLAlchemy docs,
    "Serializable isolation / Savepoints / Transactional DDL").
    """

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA journal_mode=WAL")
        # Reports read hundreds of thousands of index entries: let them come from memory
        # (64 MB of page cache per connection, the file mapped) rather than 2 MB.
        cursor.execute("PRAGMA cache_size=-65536")
        cursor.execute(f"PRAGMA mmap_size={SQLITE_MAP_BYTES}")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        # A request that may write takes the write lock at once: concurrent writers then
        # wait their turn (busy timeout) instead of failing when one upgrades a read
        # snapshot that another has made stale. Reads keep WAL's concurrency.
        writing = _WRITING.get() or (
            has_request_context() and request.method not in ("GET", "HEAD", "OPTIONS")
        )
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")


def _whole_seconds(column: Any) -> sa.ColumnElement[Any]:
    """A SQLite timestamp ('YYYY-MM-DD HH:MM:SS.ffffff') without its fraction."""
    return sa.func.substr(column, 1, 19)


def beijing_date(column: Any, dialect: str) -> sa.ColumnElement[Any]:
    """The Beijing date of a UTC timestamp column, computed by the database."""
    if dialect == "sqlite":
        # Beijing has kept UTC+8 without daylight saving since 1991. The fraction of a
        # second is cut off first: SQLite's date functions round it to milliseconds,
        # which would put 15:59:59.9997 UTC into the next Beijing day.
        return sa.func.date(_whole_seconds(column), "+8 hours")
    return sa.cast(sa.func.timezone("Asia/Shanghai", column), sa.Date)


def beijing_month(column: Any, dialect: str) -> sa.ColumnElement[Any]:
    """The Beijing month of a UTC timestamp column, computed by the database, to group
    by: 'YYYY-MM' on SQLite, the month's first moment on PostgreSQL (date_trunc costs a
    third of to_char over a province's year). ``month_key`` reads either."""
    if dialect == "sqlite":
        return sa.func.strftime("%Y-%m", _whole_seconds(column), "+8 hours")
    return sa.func.date_trunc("month", sa.func.timezone("Asia/Shanghai", column))


def month_key(value: str | datetime) -> str:
    """'YYYY-MM' of a ``beijing_month`` value."""
    if isinstance(value, datetime):
        return f"{value.year}-{value.month:02d}"
    return value[:7]
