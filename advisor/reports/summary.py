"""Summary tables behind the dashboard and the yearly figures: the base rows grouped by
Beijing month, school and advisor, rebuilt together by the scheduler (issue 19, item 1).

Each table is one GROUP BY of base rows (``SOURCES``); ``refresh`` deletes them all and
inserts every one again from its query in one transaction, so a reader sees the figures
of one refresh or of the next, never half of each. ``check`` counts them again from the
base tables and names every cell that differs. The pages filter them by district and
school level through ``school_id`` and by law firm through ``advisor_id``, joining the
small directory tables, so a school or advisor moved since the refresh is counted where
it is now.

- contract: contracts by Beijing month of submission, school, advisor, type, status as
  it stands and outcome; their number and amount.
- review: issued reviews by Beijing month of issue, the contract's school, the advisor,
  outcome, working days and whether on time (evaluation.measures.issued_on_time); their
  number and minutes spent.
- precheck_hit: pre-check hits by the month their contract was submitted.
- finding: findings by the month their review was issued, dimension and severity.
- reviewed_contract: contracts with an opinion (an issued review, not a return) issued in
  a Beijing year (figures.reviewed_in), each counted once a year; number and amount.
- ledger: current ledger entries (an entry a correction replaced is not counted) by month
  of ``entry_on``, advisor and kind; number and head count.

Each table but reviewed_contract also holds its bureau-wide sums, rows with school and
advisor NULL (ROLLED_UP): at a province's scale a month, school and advisor hold one or
two contracts each, so the rows per school sum little, and the dashboard without a
filter and the yearly figures read a few hundred bureau-wide rows instead.

The tables have no key: they are rebuilt every few minutes, so a surrogate key's
sequence would only count refreshes, and several grouping columns are nullable.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm
from sqlalchemy.orm import Mapped, mapped_column

from advisor.contracts.models import Contract
from advisor.db import Base, beijing_month
from advisor.evaluation.measures import issued_on_time
from advisor.ledger.models import LedgerEntry
from advisor.precheck.models import PrecheckHit
from advisor.reviews.models import Finding, Review


def _month_column() -> sa.Column[str]:
    return sa.Column("month", sa.String(7), nullable=False)


def _by_advisor(table: str) -> sa.Index:
    """The bureau-wide rows (advisor NULL) of some months, or a law firm's advisors'."""
    return sa.Index(f"ix_{table}_advisor_id_month", "advisor_id", "month")


def _by_school(table: str) -> sa.Index:
    """The rows of a district's or a level's schools in some months."""
    return sa.Index(f"ix_{table}_school_id_month", "school_id", "month")


def _n() -> sa.Column[int]:
    return sa.Column("n", sa.Integer, nullable=False)


def _per_school(name: str, *columns: sa.Column[Any]) -> sa.Table:
    """A table of counts by Beijing month, school and advisor (both NULL in the
    bureau-wide rows), with ``columns`` grouped or summed, indexed for both filters."""
    return sa.Table(
        name,
        Base.metadata,
        _month_column(),
        sa.Column("school_id", sa.Integer),
        sa.Column("advisor_id", sa.Integer),
        *columns,
        _by_advisor(name),
        _by_school(name),
    )


CONTRACTS = _per_school(
    "summary_contract",
    sa.Column("contract_type", sa.String(16), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("outcome", sa.String(24)),
    _n(),
    sa.Column("amount", sa.Numeric(16, 2), nullable=False),
)
REVIEWS = _per_school(
    "summary_review",
    sa.Column("outcome", sa.String(24)),
    sa.Column("working_days", sa.Integer),
    sa.Column("on_time", sa.Boolean),
    _n(),
    sa.Column("minutes", sa.Integer, nullable=False),
)
HITS = _per_school("summary_precheck_hit", sa.Column("rule", sa.String(60), nullable=False), _n())
FINDINGS = _per_school(
    "summary_finding",
    sa.Column("dimension", sa.String(16), nullable=False),
    sa.Column("severity", sa.String(8), nullable=False),
    _n(),
)
REVIEWED = sa.Table(
    "summary_reviewed_contract",
    Base.metadata,
    sa.Column("year", sa.Integer, nullable=False, index=True),
    sa.Column("school_id", sa.Integer, nullable=False),
    sa.Column("advisor_id", sa.Integer, nullable=False),
    _n(),
    sa.Column("amount", sa.Numeric(16, 2), nullable=False),
)
LEDGER = sa.Table(
    "summary_ledger",
    Base.metadata,
    _month_column(),
    sa.Column("advisor_id", sa.Integer),
    sa.Column("kind", sa.String(24), nullable=False),
    _n(),
    sa.Column("headcount", sa.Integer, nullable=False),
    _by_advisor("summary_ledger"),
)
TABLES = (CONTRACTS, REVIEWS, HITS, FINDINGS, REVIEWED, LEDGER)
# Tables that also hold their bureau-wide sums, with school and advisor NULL: the
# dashboard without a filter and the yearly figures read those few rows, not thousands.
ROLLED_UP = (CONTRACTS, REVIEWS, HITS, FINDINGS, LEDGER)
WHO = {"school_id", "advisor_id"}
# The columns that are counted or summed; the others are what a row is grouped by.
MEASURES = {"n", "amount", "minutes", "headcount"}
CENT = Decimal("0.01")


class SummaryRefresh(Base):
    """The last refresh of the summary tables: one row, written in its transaction."""

    __tablename__ = "summary_refresh"

    id: Mapped[int] = mapped_column(primary_key=True)
    refreshed_at: Mapped[datetime]
    seconds: Mapped[float] = mapped_column(sa.Float)
    rows: Mapped[int]


def month_text(column: Any, dialect: str) -> sa.ColumnElement[str]:
    """'YYYY-MM' of the Beijing month of a UTC timestamp (advisor.db.beijing_month)."""
    month = beijing_month(column, dialect)
    return month if dialect == "sqlite" else sa.func.to_char(month, "YYYY-MM")


def _date_month(column: Any, dialect: str) -> sa.ColumnElement[str]:
    """'YYYY-MM' of a date column."""
    if dialect == "sqlite":
        return sa.func.strftime("%Y-%m", column)
    return sa.func.to_char(column, "YYYY-MM")


def _grouped(*columns: Any, measures: int) -> list[Any]:
    """The grouping columns of a select whose last ``measures`` columns are aggregates."""
    return list(columns[: len(columns) - measures])


def _contracts(dialect: str) -> sa.Select[*tuple[Any, ...]]:
    columns = (
        month_text(Contract.submitted_at, dialect),
        Contract.school_id,
        Contract.advisor_id,
        Contract.contract_type,
        Contract.status,
        Contract.outcome,
        sa.func.count(),
        sa.func.coalesce(sa.func.sum(Contract.amount), 0),
    )
    return sa.select(*columns).group_by(*_grouped(*columns, measures=2))


def _reviews(dialect: str) -> sa.Select[*tuple[Any, ...]]:
    columns = (
        month_text(Review.issued_at, dialect),
        Contract.school_id,
        Review.advisor_id,
        Review.outcome,
        Review.working_days,
        issued_on_time(dialect),
        sa.func.count(),
        sa.func.coalesce(sa.func.sum(Review.minutes_spent), 0),
    )
    return (
        sa.select(*columns)
        .join(Contract, Contract.id == Review.contract_id)
        .where(Review.status == "issued", Review.issued_at.is_not(None))
        .group_by(*_grouped(*columns, measures=2))
    )


def _hits(dialect: str) -> sa.Select[*tuple[Any, ...]]:
    columns = (
        month_text(Contract.submitted_at, dialect),
        Contract.school_id,
        Contract.advisor_id,
        PrecheckHit.rule,
        sa.func.count(),
    )
    return (
        sa.select(*columns)
        .join(Contract, Contract.id == PrecheckHit.contract_id)
        .group_by(*_grouped(*columns, measures=1))
    )


def _findings(dialect: str) -> sa.Select[*tuple[Any, ...]]:
    columns = (
        month_text(Review.issued_at, dialect),
        Contract.school_id,
        Review.advisor_id,
        Finding.dimension,
        Finding.severity,
        sa.func.count(),
    )
    return (
        sa.select(*columns)
        .select_from(Finding)
        .join(Review, Review.id == Finding.review_id)
        .join(Contract, Contract.id == Review.contract_id)
        .where(Review.status == "issued", Review.issued_at.is_not(None))
        .group_by(*_grouped(*columns, measures=1))
    )


def _reviewed(dialect: str) -> sa.Select[*tuple[Any, ...]]:
    year = sa.cast(sa.func.substr(month_text(Review.issued_at, dialect), 1, 4), sa.Integer)
    opinions = (
        sa.select(Review.contract_id, year.label("year"))
        .where(
            Review.status == "issued",
            Review.outcome != "return",
            Review.issued_at.is_not(None),
        )
        .distinct()
        .subquery()
    )
    columns = (
        opinions.c.year,
        Contract.school_id,
        Contract.advisor_id,
        sa.func.count(),
        sa.func.coalesce(sa.func.sum(Contract.amount), 0),
    )
    return (
        sa.select(*columns)
        .join(Contract, Contract.id == opinions.c.contract_id)
        .group_by(*_grouped(*columns, measures=2))
    )


def _ledger(dialect: str) -> sa.Select[*tuple[Any, ...]]:
    newer = orm.aliased(LedgerEntry)
    corrected = sa.select(newer.supersedes_id).where(newer.supersedes_id.is_not(None))
    columns = (
        _date_month(LedgerEntry.entry_on, dialect),
        LedgerEntry.advisor_id,
        LedgerEntry.kind,
        sa.func.count(),
        sa.func.coalesce(sa.func.sum(LedgerEntry.headcount), 0),
    )
    return (
        sa.select(*columns)
        .where(LedgerEntry.id.not_in(corrected))
        .group_by(*_grouped(*columns, measures=2))
    )


# Each table and the query of base rows it holds, column for column.
SOURCES: dict[sa.Table, Callable[[str], sa.Select[*tuple[Any, ...]]]] = {
    CONTRACTS: _contracts,
    REVIEWS: _reviews,
    HITS: _hits,
    FINDINGS: _findings,
    REVIEWED: _reviewed,
    LEDGER: _ledger,
}


def _rollup(table: sa.Table) -> sa.Select[*tuple[Any, ...]]:
    """The table's rows of every school and advisor summed: school and advisor NULL."""

    def summed(column: sa.Column[Any]) -> sa.ColumnElement[Any]:
        if column.name in WHO:
            return sa.cast(sa.null(), sa.Integer)
        return sa.func.sum(column) if column.name in MEASURES else column

    keys = [c for c in table.columns if c.name not in MEASURES | WHO]
    columns = [summed(c) for c in table.columns]
    return sa.select(*columns).where(table.c.advisor_id.is_not(None)).group_by(*keys)


@dataclass(frozen=True, slots=True)
class Refreshed:
    refreshed_at: datetime
    seconds: float
    rows: int


def refresh(session: orm.Session, now: datetime) -> Refreshed:
    """Rebuild every summary table from the base tables as they are, and record ``now`` as
    the time of the figures. Set-based (DELETE, then INSERT ... SELECT ... GROUP BY per
    table) and in the session's transaction: the caller commits once, so readers see the
    old figures until then. Returns what was written."""
    dialect = session.get_bind().dialect.name
    started = time.perf_counter()
    # Refreshes one after the other: a second waits here until the first commits, so its
    # DELETE sees (and removes) every row the first inserted.
    row = session.scalar(sa.select(SummaryRefresh).where(SummaryRefresh.id == 1).with_for_update())
    rows = 0
    for table, source in SOURCES.items():
        session.execute(table.delete())
        written = session.execute(
            table.insert().from_select([c.name for c in table.columns], source(dialect)),
            execution_options={"preserve_rowcount": True},  # psycopg gives -1 otherwise
        )
        rows += written.rowcount  # type: ignore[attr-defined]
        if table in ROLLED_UP:
            written = session.execute(
                table.insert().from_select([c.name for c in table.columns], _rollup(table)),
                execution_options={"preserve_rowcount": True},
            )
            rows += written.rowcount  # type: ignore[attr-defined]
    seconds = round(time.perf_counter() - started, 3)
    if row is None:
        row = SummaryRefresh(id=1, refreshed_at=now, seconds=seconds, rows=rows)
        session.add(row)
    row.refreshed_at, row.seconds, row.rows = now, seconds, rows
    session.flush()
    return Refreshed(now, seconds, rows)


def last_refresh(session: orm.Session) -> datetime | None:
    """When the summary tables were last refreshed; None if never (count the base rows)."""
    return session.scalar(sa.select(SummaryRefresh.refreshed_at).where(SummaryRefresh.id == 1))


def _cells(rows: Any, keys: int) -> dict[tuple[Any, ...], tuple[Any, ...]]:
    """Rows as {grouping values: measures}, measures as plain numbers, summed per key."""
    cells: dict[tuple[Any, ...], tuple[Any, ...]] = {}
    for row in rows:
        key = tuple(row[:keys])
        values = tuple(
            Decimal(v).quantize(CENT) if isinstance(v, Decimal | float) else int(v)
            for v in row[keys:]
        )
        if key in cells:
            values = tuple(a + b for a, b in zip(cells[key], values, strict=True))
        cells[key] = values
    return cells


def check(session: orm.Session) -> list[str]:
    """Count every summary table again from the base tables and describe each cell that
    differs from what is stored (empty when they agree). Reads only."""
    dialect = session.get_bind().dialect.name
    differences: list[str] = []
    for table, source in SOURCES.items():
        names = [c.name for c in table.columns]
        keys = sum(name not in MEASURES for name in names)
        stored = _cells(session.execute(sa.select(*table.columns)), keys)
        counted = _cells(session.execute(source(dialect)), keys)
        if table in ROLLED_UP:
            counted |= _cells(
                (
                    (*(None if n in WHO else v for n, v in zip(names, key, strict=False)), *m)
                    for key, m in counted.items()
                ),
                keys,
            )
        for key in sorted(stored.keys() | counted.keys(), key=repr):
            if stored.get(key) != counted.get(key):
                where = ", ".join(f"{n}={v}" for n, v in zip(names[:keys], key, strict=True))
                differences.append(
                    f"{table.name} ({where}): stored {_shown(names[keys:], stored.get(key))},"
                    f" counted {_shown(names[keys:], counted.get(key))}"
                )
    return differences


def _shown(names: list[str], values: tuple[Any, ...] | None) -> str:
    if values is None:
        return "nothing"
    return " ".join(f"{n}={v}" for n, v in zip(names, values, strict=True))
