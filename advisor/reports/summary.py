"""Summary tables behind the dashboard and the yearly figures: the base rows grouped by
Beijing month, school and advisor, kept up to date by the scheduler (issue 19, item 1).

Each table is one GROUP BY of base rows (``SOURCES``), which can be narrowed to some
cells (a month and some schools, or advisors: summary_cells.Only); summary_refresh
deletes and inserts again the cells written since its last run, or every row, in one
transaction, so a reader sees the figures of one refresh or of the next, never half of
each. ``check`` counts them again from the base tables and names every cell that
differs. The pages filter them by district and
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

The tables have no key: their rows are deleted and inserted again by cell, so a
surrogate key's sequence would only count refreshes, and several grouping columns are
nullable.
"""

from __future__ import annotations

from collections.abc import Callable
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
from advisor.reports.summary_cells import Only
from advisor.reviews.models import Finding, Review


def _month_column() -> sa.Column[str]:
    return sa.Column("month", sa.String(7), nullable=False)


def _by_advisor(table: str) -> sa.Index:
    """The bureau-wide rows (advisor NULL) of some months, or a law firm's advisors'."""
    return sa.Index(f"ix_{table}_advisor_id_month", "advisor_id", "month")


def _by_school(table: str) -> sa.Index:
    """The rows of a district's or a level's schools in some months."""
    return sa.Index(f"ix_{table}_school_id_month", "school_id", "month")


def _by_month(table: str) -> sa.Index:
    """A month's rows, which its bureau-wide sums are summed again from."""
    return sa.Index(f"ix_{table}_month", "month")


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
        _by_month(name),
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
    _by_month("summary_ledger"),
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


def _among(only: Only) -> sa.ColumnElement[bool]:
    """The contracts of the schools of ``only``."""
    return Contract.school_id.in_(only.who)


def _grouped(*columns: Any, measures: int) -> list[Any]:
    """The grouping columns of a select whose last ``measures`` columns are aggregates."""
    return list(columns[: len(columns) - measures])


def _contracts(dialect: str, only: Only | None = None) -> sa.Select[*tuple[Any, ...]]:
    month = month_text(Contract.submitted_at, dialect)
    columns = (
        month,
        Contract.school_id,
        Contract.advisor_id,
        Contract.contract_type,
        Contract.status,
        Contract.outcome,
        sa.func.count(),
        sa.func.coalesce(sa.func.sum(Contract.amount), 0),
    )
    found = sa.select(*columns).group_by(*_grouped(*columns, measures=2))
    if only is not None:
        found = found.where(*only.timed(month, Contract.submitted_at, dialect), _among(only))
    return found


def _reviews(dialect: str, only: Only | None = None) -> sa.Select[*tuple[Any, ...]]:
    month = month_text(Review.issued_at, dialect)
    columns = (
        month,
        Contract.school_id,
        Review.advisor_id,
        Review.outcome,
        Review.working_days,
        issued_on_time(dialect),
        sa.func.count(),
        sa.func.coalesce(sa.func.sum(Review.minutes_spent), 0),
    )
    found = (
        sa.select(*columns)
        .join(Contract, Contract.id == Review.contract_id)
        .where(Review.status == "issued", Review.issued_at.is_not(None))
        .group_by(*_grouped(*columns, measures=2))
    )
    if only is not None:
        found = found.where(*only.timed(month, Review.issued_at, dialect), _among(only))
    return found


def _hits(dialect: str, only: Only | None = None) -> sa.Select[*tuple[Any, ...]]:
    month = month_text(Contract.submitted_at, dialect)
    columns = (
        month,
        Contract.school_id,
        Contract.advisor_id,
        PrecheckHit.rule,
        sa.func.count(),
    )
    found = (
        sa.select(*columns)
        .join(Contract, Contract.id == PrecheckHit.contract_id)
        .group_by(*_grouped(*columns, measures=1))
    )
    if only is not None:
        found = found.where(*only.timed(month, Contract.submitted_at, dialect), _among(only))
    return found


def _findings(dialect: str, only: Only | None = None) -> sa.Select[*tuple[Any, ...]]:
    month = month_text(Review.issued_at, dialect)
    columns = (
        month,
        Contract.school_id,
        Review.advisor_id,
        Finding.dimension,
        Finding.severity,
        sa.func.count(),
    )
    found = (
        sa.select(*columns)
        .select_from(Finding)
        .join(Review, Review.id == Finding.review_id)
        .join(Contract, Contract.id == Review.contract_id)
        .where(Review.status == "issued", Review.issued_at.is_not(None))
        .group_by(*_grouped(*columns, measures=1))
    )
    if only is not None:
        found = found.where(*only.timed(month, Review.issued_at, dialect), _among(only))
    return found


def _reviewed(dialect: str, only: Only | None = None) -> sa.Select[*tuple[Any, ...]]:
    year_text = sa.func.substr(month_text(Review.issued_at, dialect), 1, 4)
    issued = sa.select(Review.contract_id, sa.cast(year_text, sa.Integer).label("year")).where(
        Review.status == "issued",
        Review.outcome != "return",
        Review.issued_at.is_not(None),
    )
    if only is not None:
        issued = issued.where(
            *only.timed(year_text, Review.issued_at, dialect),
            Review.contract_id.in_(sa.select(Contract.id).where(_among(only))),
        )
    opinions = issued.distinct().subquery()
    columns = (
        opinions.c.year,
        Contract.school_id,
        Contract.advisor_id,
        sa.func.count(),
        sa.func.coalesce(sa.func.sum(Contract.amount), 0),
    )
    found = (
        sa.select(*columns)
        .join(Contract, Contract.id == opinions.c.contract_id)
        .group_by(*_grouped(*columns, measures=2))
    )
    return found if only is None else found.where(_among(only))


def _ledger(dialect: str, only: Only | None = None) -> sa.Select[*tuple[Any, ...]]:
    newer = orm.aliased(LedgerEntry)
    corrected = sa.select(newer.supersedes_id).where(newer.supersedes_id.is_not(None))
    month = _date_month(LedgerEntry.entry_on, dialect)
    columns = (
        month,
        LedgerEntry.advisor_id,
        LedgerEntry.kind,
        sa.func.count(),
        sa.func.coalesce(sa.func.sum(LedgerEntry.headcount), 0),
    )
    found = (
        sa.select(*columns)
        .where(LedgerEntry.id.not_in(corrected))
        .group_by(*_grouped(*columns, measures=2))
    )
    if only is not None:
        found = found.where(
            *only.dated(month, LedgerEntry.entry_on, dialect), LedgerEntry.advisor_id.in_(only.who)
        )
    return found


# Each table and the query of base rows it holds, column for column.
SOURCES: dict[sa.Table, Callable[[str, Only | None], sa.Select[*tuple[Any, ...]]]] = {
    CONTRACTS: _contracts,
    REVIEWS: _reviews,
    HITS: _hits,
    FINDINGS: _findings,
    REVIEWED: _reviewed,
    LEDGER: _ledger,
}


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
        counted = _cells(session.execute(source(dialect, None)), keys)
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
