"""The summary cells written since the last refresh, which the next one rebuilds.

A cell is a Beijing month and a school (what the contract, review, pre-check hit and
finding tables hold of that school that month, and the reviewed_contract table its year)
or a month and an advisor (the ledger table). Database triggers (migration 1795784000)
add a row to ``summary_dirty`` for every cell a write to a base table changes, in that
write's transaction, whoever writes, the old cell and the new when a row moves.

``claim`` takes the rows with one DELETE ... RETURNING, which sees only committed rows:
every write committed before it is in what it returns, and is visible to the statements
of the refresh that follow (READ COMMITTED on PostgreSQL; SQLite's job holds the write
lock). A write still open keeps its rows for the next refresh, which rebuilds its cells
again even if this one already saw part of it. There is no key: each write appends its
own rows, so none relies on a row that a refresh is taking.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy import orm

from advisor.db import Base

DIRTY = sa.Table(
    "summary_dirty",
    Base.metadata,
    sa.Column("month", sa.String(7), nullable=False),
    sa.Column("school_id", sa.Integer),
    sa.Column("advisor_id", sa.Integer),
    sa.CheckConstraint("(school_id IS NULL) <> (advisor_id IS NULL)", name="one_cell"),
)
BEIJING = timezone(timedelta(hours=8))


@dataclass(frozen=True, slots=True)
class Only:
    """Some cells of one period: a Beijing month 'YYYY-MM' (or a year 'YYYY') and the
    schools (or advisors) whose rows of that period are rebuilt."""

    period: str
    who: tuple[int, ...]

    def _days(self) -> tuple[date, date]:
        """The period's first Beijing day and the first day after it."""
        year = int(self.period[:4])
        if len(self.period) == 4:
            return date(year, 1, 1), date(year + 1, 1, 1)
        month = int(self.period[5:7])
        after = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
        return date(year, month, 1), after

    def dated(self, period: Any, column: Any, dialect: str) -> list[sa.ColumnElement[bool]]:
        """Rows whose date ``column`` (``period`` its period) falls in the period."""
        return self._between(period, column, *self._days(), dialect)

    def timed(self, period: Any, column: Any, dialect: str) -> list[sa.ColumnElement[bool]]:
        """Rows whose UTC timestamp ``column`` (``period`` its Beijing period) falls in
        the Beijing period."""
        # The zone PostgreSQL's timezone('Asia/Shanghai', ...) reads; SQLite adds 8 hours.
        zone = BEIJING if dialect == "sqlite" else ZoneInfo("Asia/Shanghai")
        first, after = (datetime(d.year, d.month, d.day, tzinfo=zone) for d in self._days())
        return self._between(period, column, first.astimezone(UTC), after.astimezone(UTC), dialect)

    def _between(
        self, period: Any, column: Any, first: Any, after: Any, dialect: str
    ) -> list[sa.ColumnElement[bool]]:
        """The range, which lets an index find the rows. On PostgreSQL it is the period;
        on SQLite, where times and dates are text, ``period`` decides (a value written in
        another form, without the fraction of a second, would sort outside the range)."""
        within = [column >= first, column < after]
        return [period == self.period, *within] if dialect == "sqlite" else within


@dataclass(slots=True)
class Claimed:
    """The cells claimed: schools by month, and advisors by month."""

    schools: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    advisors: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))

    def __len__(self) -> int:
        return sum(map(len, self.schools.values())) + sum(map(len, self.advisors.values()))

    def of_schools(self) -> list[Only]:
        return [Only(month, tuple(sorted(who))) for month, who in sorted(self.schools.items())]

    def of_advisors(self) -> list[Only]:
        return [Only(month, tuple(sorted(who))) for month, who in sorted(self.advisors.items())]

    def of_years(self) -> list[Only]:
        """The schools' cells by year (reviewed_contract)."""
        years: dict[str, set[int]] = defaultdict(set)
        for month, who in self.schools.items():
            years[month[:4]] |= who
        return [Only(year, tuple(sorted(who))) for year, who in sorted(years.items())]


def pending(session: orm.Session) -> int:
    """How many rows are waiting (a write marks one or a few)."""
    return session.scalar(sa.select(sa.func.count()).select_from(DIRTY)) or 0


def claim(session: orm.Session) -> Claimed:
    """Remove the rows committed so far and return their cells."""
    claimed = Claimed()
    taken = session.execute(
        DIRTY.delete().returning(DIRTY.c.month, DIRTY.c.school_id, DIRTY.c.advisor_id)
    )
    for month, school_id, advisor_id in taken:
        if school_id is not None:
            claimed.schools[month].add(school_id)
        else:
            claimed.advisors[month].add(advisor_id)
    return claimed


def forget(session: orm.Session) -> None:
    """Remove the rows committed so far, before a full rebuild."""
    session.execute(DIRTY.delete())
