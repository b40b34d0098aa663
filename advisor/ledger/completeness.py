"""How well each advisor keeps the ledger, per month: entries, late entries, missing ones.

"Late" means recorded more than 7 days after the work (DOMAIN.md: the ledger is
kept within days of the work). Counted in SQL, one query per figure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy import orm

from advisor.directory.models import Advisor
from advisor.ledger.models import LedgerEntry
from advisor.reviews.models import Review

LATE_AFTER_DAYS = 7


@dataclass
class AdvisorYear:
    advisor_id: int
    name: str
    entries: dict[int, int] = field(default_factory=dict)  # month -> entries
    late: dict[int, int] = field(default_factory=dict)  # month -> late entries
    reviews_without_entry: int = 0

    def empty_months(self, months: int) -> list[int]:
        return [m for m in range(1, months + 1) if not self.entries.get(m)]


def _late(dialect: str) -> sa.ColumnElement[bool]:
    """Recorded on the 8th Beijing day after the work or later (created_at is UTC)."""
    if dialect == "sqlite":
        recorded = sa.func.date(LedgerEntry.created_at, "+8 hours")
        cutoff = sa.func.date(LedgerEntry.entry_on, f"+{LATE_AFTER_DAYS + 1} days")
        return recorded >= cutoff
    recorded_pg = sa.cast(sa.func.timezone("Asia/Shanghai", LedgerEntry.created_at), sa.Date)
    return recorded_pg >= LedgerEntry.entry_on + sa.text(f"{LATE_AFTER_DAYS + 1}")


def by_advisor_month(
    session: orm.Session, year: int, *, today: date, advisor_id: int | None = None
) -> list[AdvisorYear]:
    """Every active advisor (or one), with counts per month of ``year``."""
    advisors = sa.select(Advisor.id, Advisor.name).where(Advisor.is_active.is_(True))
    if advisor_id is not None:
        advisors = advisors.where(Advisor.id == advisor_id)
    rows = {i: AdvisorYear(i, name) for i, name in session.execute(advisors.order_by(Advisor.id))}
    dialect = session.get_bind().dialect.name
    month = sa.extract("month", LedgerEntry.entry_on)
    in_year = sa.and_(
        LedgerEntry.entry_on >= date(year, 1, 1), LedgerEntry.entry_on <= date(year, 12, 31)
    )
    counts = session.execute(
        sa.select(
            LedgerEntry.advisor_id,
            month,
            sa.func.count(LedgerEntry.id),
            sa.func.sum(sa.case((_late(dialect), 1), else_=0)),
        )
        .where(in_year, LedgerEntry.advisor_id.in_(list(rows)))
        .group_by(LedgerEntry.advisor_id, month)
    )
    for advisor, m, count, late in counts:
        rows[advisor].entries[int(m)] = int(count)
        rows[advisor].late[int(m)] = int(late or 0)
    missing = session.execute(
        sa.select(Review.advisor_id, sa.func.count(Review.id))
        .outerjoin(LedgerEntry, LedgerEntry.review_id == Review.id)
        .where(
            Review.status == "issued", LedgerEntry.id.is_(None), Review.advisor_id.in_(list(rows))
        )
        .group_by(Review.advisor_id)
    )
    for advisor, count in missing:
        rows[advisor].reviews_without_entry = int(count)
    return list(rows.values())


def months_so_far(year: int, today: date) -> int:
    if year < today.year:
        return 12
    if year > today.year:
        return 0
    return today.month
