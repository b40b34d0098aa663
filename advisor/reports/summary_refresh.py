"""The summary tables brought up to the base tables: the cells written since the last
refresh (advisor.reports.summary_cells), or every table.

A cell's rows are deleted and counted again from the base rows (each table's source
query of advisor.reports.summary, narrowed to the cell's month and schools or advisors),
then the bureau-wide sums of the months touched are summed again from the per-school
rows. One transaction, the caller's: readers see the figures of one refresh or of the
next, never half of each; on SQLite the write lock is held for milliseconds, not for a
rebuild of every table.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm

from advisor.reports import summary_cells
from advisor.reports.summary import (
    LEDGER,
    MEASURES,
    REVIEWED,
    ROLLED_UP,
    SOURCES,
    WHO,
    SummaryRefresh,
)
from advisor.reports.summary_cells import Claimed


def _rollup(table: sa.Table, months: list[str] | None = None) -> sa.Select[*tuple[Any, ...]]:
    """The table's rows of every school and advisor summed: school and advisor NULL (of
    the given months only, if given)."""

    def summed(column: sa.Column[Any]) -> sa.ColumnElement[Any]:
        if column.name in WHO:
            return sa.cast(sa.null(), sa.Integer)
        return sa.func.sum(column) if column.name in MEASURES else column

    keys = [c for c in table.columns if c.name not in MEASURES | WHO]
    columns = [summed(c) for c in table.columns]
    found = sa.select(*columns).where(table.c.advisor_id.is_not(None)).group_by(*keys)
    return found if months is None else found.where(table.c.month.in_(months))


@dataclass(frozen=True, slots=True)
class Refreshed:
    refreshed_at: datetime
    seconds: float
    rows: int
    cells: int | None  # the cells rebuilt; None when every table was


# A refresh with more rows waiting than this (a bulk load) rebuilds everything: the cells
# then cover most months and schools anyway.
REBUILD_ALL_AT = 100_000


def refresh(session: orm.Session, now: datetime, *, full: bool = False) -> Refreshed:
    """Bring the summary tables up to the base tables as they are, and record ``now`` as
    the time of the figures: only the cells written since the last refresh
    (summary_cells), or every table when ``full``, when they were never refreshed or
    when a bulk load left too many cells. Set-based (DELETE, then INSERT ... SELECT ...
    GROUP BY) and in the session's transaction: the caller commits once, so readers see
    the old figures until then. Returns what was written."""
    dialect = session.get_bind().dialect.name
    started = time.perf_counter()
    # Refreshes one after the other: a second waits here until the first commits, so its
    # DELETE sees (and removes) every row the first inserted.
    row = session.scalar(sa.select(SummaryRefresh).where(SummaryRefresh.id == 1).with_for_update())
    cells: int | None = None
    if full or row is None or summary_cells.pending(session) > REBUILD_ALL_AT:
        summary_cells.forget(session)
        rows = _rebuild_all(session, dialect)
    else:
        claimed = summary_cells.claim(session)
        rows, cells = _rebuild(session, dialect, claimed), len(claimed)
    seconds = round(time.perf_counter() - started, 3)
    if row is None:
        row = SummaryRefresh(id=1, refreshed_at=now, seconds=seconds, rows=rows)
        session.add(row)
    row.refreshed_at, row.seconds, row.rows = now, seconds, rows
    session.flush()
    return Refreshed(now, seconds, rows, cells)


def describe(done: Refreshed) -> str:
    """What a refresh did, in a line: the cells rebuilt (or every table), rows, time."""
    what = "every table" if done.cells is None else f"{done.cells} cells"
    return f"{what}, {done.rows} rows in {done.seconds:.2f} s"


def _insert(session: orm.Session, table: sa.Table, rows: sa.Select[*tuple[Any, ...]]) -> int:
    written = session.execute(
        table.insert().from_select([c.name for c in table.columns], rows),
        execution_options={"preserve_rowcount": True},  # psycopg gives -1 otherwise
    )
    return written.rowcount  # type: ignore[attr-defined, no-any-return]


def _rebuild_all(session: orm.Session, dialect: str) -> int:
    rows = 0
    for table, source in SOURCES.items():
        session.execute(table.delete())
        rows += _insert(session, table, source(dialect, None))
        if table in ROLLED_UP:
            rows += _insert(session, table, _rollup(table))
    return rows


def _rebuild(session: orm.Session, dialect: str, claimed: Claimed) -> int:
    """Delete and count again the claimed cells of each table, then the bureau-wide sums
    of their months. One statement per table and month (a year for reviewed_contract)."""
    rows = 0
    for table, source in SOURCES.items():
        if table is REVIEWED:
            period, who, cells = table.c.year, table.c.school_id, claimed.of_years()
        elif table is LEDGER:
            period, who, cells = table.c.month, table.c.advisor_id, claimed.of_advisors()
        else:
            period, who, cells = table.c.month, table.c.school_id, claimed.of_schools()
        for only in cells:
            value = int(only.period) if table is REVIEWED else only.period
            session.execute(table.delete().where(period == value, who.in_(only.who)))
            rows += _insert(session, table, source(dialect, only))
        if table in ROLLED_UP and cells:
            months = [only.period for only in cells]
            session.execute(
                table.delete().where(table.c.advisor_id.is_(None), table.c.month.in_(months))
            )
            rows += _insert(session, table, _rollup(table, months))
    return rows
