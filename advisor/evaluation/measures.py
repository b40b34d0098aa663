"""The measures the evaluation computes per advisor and period from reviews, school feedback
and the ledger, in a fixed number of GROUP BY queries however many advisors there are.

Days are Beijing days: a timestamp (stored in UTC) falls on the date it had in Beijing, so
a review issued at 2025-12-31 17:00 UTC (2026-01-01 01:00 in Beijing) counts in 2026. A
period is a calendar year or quarter, its first and last day included. A ledger entry is
current when no later entry supersedes it (a corrected entry counts once, as corrected).

- reviews_issued: the advisor's issued reviews whose issued_at falls in the period, whatever
  their outcome (a review returning the contract for changes counts too).
- on_time_rate: of those, the share issued by their due date (the contract's due date when
  the review was issued): the Beijing date of issued_at is on or before due_on. A review
  with no due date counts as on time. None when no review was issued.
- overdue_reviews: of those, the number issued after their due date.
- matters_handled: current ledger entries whose entry_on falls in the period, of the kinds
  contract_review, consultation, dispute_mediation and document_drafting.
- lectures_given: current ledger entries in the period of the kind lecture.
- average_rating: the mean of the ratings (1..5) schools gave the advisor in feedback
  created in the period; None when there is none. ratings_count: the number of ratings.
- months_with_entries_rate: the months of the period that have begun by ``today`` (all of
  them once the period is over; the current month counts), and the share of them with at
  least one current entry of any kind dated no later than today. None before the period
  begins; 0 for an advisor with no entry in a period that has begun.
- timely_entries_rate: of the current entries in the period (any kind), the share recorded
  within 7 days of the work: the Beijing date of created_at is no later than entry_on + 7
  days. None when there is no entry.
- redone_reviews: of the reviews issued in the period, those the bureau marked as needing
  to be redone (reviews.services.mark_for_redo).

Each advisor's records say which records lie behind the figures: the reviews issued late
(review and contract id, contract title, due date and the Beijing date issued) and the
months of the period begun so far that have no current entry ("2025-03").

Values as rules.py describes them: rates are fractions 0..1 and the average is 1..5, both
rounded to 4 places, half up; counts are whole numbers. All are Decimal, never float: the
average is the database's sum of ratings divided by their count in Decimal.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import orm

from advisor.contracts.models import Contract
from advisor.db import beijing_date
from advisor.directory.models import Advisor
from advisor.i18n import fmt_period
from advisor.ledger.completeness import LATE_AFTER_DAYS
from advisor.ledger.models import Kind, LedgerEntry
from advisor.reviews.models import Feedback, Review
from advisor.workdays import Period, utc_bounds

PLACES = Decimal("0.0001")
MATTER_KINDS = (
    Kind.CONTRACT_REVIEW.value,
    Kind.CONSULTATION.value,
    Kind.DISPUTE_MEDIATION.value,
    Kind.DOCUMENT_DRAFTING.value,
)


@dataclass(frozen=True, slots=True)
class Measured:
    """One advisor's values for every computed measure, and how each was arrived at."""

    values: dict[str, Decimal | None]
    figures: dict[str, Any]  # the counts behind the values, kept with the result
    records: dict[str, list[Any]]

    @property
    def details(self) -> dict[str, str]:
        """How each value was arrived at, in the current language."""
        return describe(self.figures)


def _days_after(
    column: orm.QueryableAttribute[Any], days: int, dialect: str
) -> sa.ColumnElement[Any]:
    if dialect == "sqlite":
        return sa.func.date(column, f"+{days} days")
    return column + sa.text(f"{days}")  # date + integer is a date in PostgreSQL


def issued_on_time(dialect: str) -> sa.ColumnElement[bool]:
    """An issued review was on time: its Beijing issue date is on or before the due date
    it had then (or it had none)."""
    return sa.or_(Review.due_on.is_(None), beijing_date(Review.issued_at, dialect) <= Review.due_on)


def _how_many(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[Any]:
    return sa.func.sum(sa.case((condition, 1), else_=0))


def _ratio(part: int, whole: int) -> Decimal | None:
    """part / whole to 4 places, half up; None when whole is 0."""
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(PLACES, rounding=ROUND_HALF_UP)


def compute(
    session: orm.Session,
    period: Period,
    advisor_ids: Sequence[int] | None = None,
    *,
    today: date,
) -> dict[int, Measured]:
    """Every computed measure of the given advisors (those that exist) or, by default, of
    every active advisor, keyed by advisor id in id order; the definitions are in this
    module's docstring. ``today`` (a Beijing date) limits the months counted in a period
    still running. Six queries whatever the number of advisors; read only."""
    chosen = sa.select(Advisor.id)
    if advisor_ids is None:
        chosen = chosen.where(Advisor.is_active.is_(True))
    else:
        chosen = chosen.where(Advisor.id.in_(list(advisor_ids)))
    ids = list(session.scalars(chosen.order_by(Advisor.id)))
    if not ids:
        return {}
    dialect = session.get_bind().dialect.name
    utc_from, utc_to = utc_bounds(period)

    on_time = issued_on_time(dialect)
    reviews = {
        advisor: (int(issued), int(in_time or 0), int(redo or 0))
        for advisor, issued, in_time, redo in session.execute(
            sa.select(
                Review.advisor_id,
                sa.func.count(Review.id),
                _how_many(on_time),
                _how_many(Review.redo_marked_at.is_not(None)),
            )
            .where(
                Review.status == "issued",
                Review.issued_at >= utc_from,
                Review.issued_at < utc_to,
                Review.advisor_id.in_(chosen),
            )
            .group_by(Review.advisor_id)
        )
    }

    newer = orm.aliased(LedgerEntry)
    current = ~sa.exists().where(newer.supersedes_id == LedgerEntry.id)
    timely = beijing_date(LedgerEntry.created_at, dialect) <= _days_after(
        LedgerEntry.entry_on, LATE_AFTER_DAYS, dialect
    )
    entries = {
        advisor: tuple(int(n or 0) for n in counts)
        for advisor, *counts in session.execute(
            sa.select(
                LedgerEntry.advisor_id,
                sa.func.count(LedgerEntry.id),
                _how_many(LedgerEntry.kind.in_(MATTER_KINDS)),
                _how_many(LedgerEntry.kind == Kind.LECTURE.value),
                _how_many(timely),
            )
            .where(
                current,
                LedgerEntry.entry_on >= period.start,
                LedgerEntry.entry_on <= period.end,
                LedgerEntry.advisor_id.in_(chosen),
            )
            .group_by(LedgerEntry.advisor_id)
        )
    }

    month = sa.extract("month", LedgerEntry.entry_on)
    months: dict[int, set[int]] = {}
    for advisor, number in session.execute(
        sa.select(LedgerEntry.advisor_id, month)
        .where(
            current,
            LedgerEntry.entry_on >= period.start,
            LedgerEntry.entry_on <= min(today, period.end),
            LedgerEntry.advisor_id.in_(chosen),
        )
        .group_by(LedgerEntry.advisor_id, month)
    ):
        months.setdefault(advisor, set()).add(int(number))

    issued_on = beijing_date(Review.issued_at, dialect)
    late: dict[int, list[dict[str, Any]]] = {}
    for advisor, review_id, contract_id, title, due_on, issued in session.execute(
        sa.select(
            Review.advisor_id, Review.id, Contract.id, Contract.title, Review.due_on, issued_on
        )
        .join(Contract, Contract.id == Review.contract_id)
        .where(
            Review.status == "issued",
            Review.issued_at >= utc_from,
            Review.issued_at < utc_to,
            Review.advisor_id.in_(chosen),
            ~on_time,
        )
        .order_by(Review.advisor_id, Review.issued_at)
    ):
        late.setdefault(advisor, []).append(
            {
                "review_id": review_id,
                "contract_id": contract_id,
                "title": title,
                "due_on": str(due_on),
                "issued_on": str(issued),
            }
        )

    ratings = {
        advisor: (int(n), int(total or 0))
        for advisor, n, total in session.execute(
            sa.select(Feedback.advisor_id, sa.func.count(Feedback.id), sa.func.sum(Feedback.rating))
            .where(
                Feedback.created_at >= utc_from,
                Feedback.created_at < utc_to,
                Feedback.advisor_id.in_(chosen),
            )
            .group_by(Feedback.advisor_id)
        )
    }

    begun = period.months_begun(today)
    return {
        advisor: _measured(
            period,
            begun,
            reviews.get(advisor, (0, 0, 0)),
            entries.get(advisor, (0, 0, 0, 0)),
            months.get(advisor, set()),
            ratings.get(advisor, (0, 0)),
            late.get(advisor, []),
        )
        for advisor in ids
    }


def _measured(
    period: Period,
    begun: int,
    reviews: tuple[int, int, int],
    entries: tuple[int, ...],
    month_numbers: set[int],
    ratings: tuple[int, int],
    late: list[dict[str, Any]],
) -> Measured:
    issued, on_time, redone = reviews
    total, matters, lectures, timely = entries
    months = len(month_numbers)
    begun_months = range(period.start.month, period.start.month + begun)
    rated, rating_sum = ratings
    values: dict[str, Decimal | None] = {
        "reviews_issued": Decimal(issued),
        "on_time_rate": _ratio(on_time, issued),
        "overdue_reviews": Decimal(issued - on_time),
        "matters_handled": Decimal(matters),
        "lectures_given": Decimal(lectures),
        "average_rating": _ratio(rating_sum, rated),
        "ratings_count": Decimal(rated),
        "months_with_entries_rate": _ratio(months, begun),
        "timely_entries_rate": _ratio(timely, total),
        "redone_reviews": Decimal(redone),
    }
    figures = {
        "period": str(period),
        "months": period.months,
        "begun": begun,
        "issued": issued,
        "on_time": on_time,
        "redone": redone,
        "entries": total,
        "matters": matters,
        "lectures": lectures,
        "timely": timely,
        "entry_months": months,
        "rated": rated,
        "rating_sum": rating_sum,
    }
    records: dict[str, list[Any]] = {
        "late_reviews": late,
        "months_without_entries": [
            f"{period.year}-{m:02d}" for m in begun_months if m not in month_numbers
        ],
    }
    return Measured(values=values, figures=figures, records=records)


def describe(figures: Mapping[str, Any]) -> dict[str, str]:
    """How each measure was arrived at, in the current language and in words (no formula),
    from the counts stored with the result (``Measured.figures``)."""
    f = dict(figures)
    period, issued, on_time = fmt_period(f["period"]), f["issued"], f["on_time"]
    no_reviews = _("no reviews issued in %(period)s", period=period)
    late = issued - on_time
    return {
        "reviews_issued": ngettext(
            "%(num)d review issued in %(period)s",
            "%(num)d reviews issued in %(period)s",
            issued,
            period=period,
        ),
        "on_time_rate": (
            ngettext(
                "%(part)s of %(num)d review issued by their due date",
                "%(part)s of %(num)d reviews issued by their due date",
                issued,
                part=on_time,
            )
            if issued
            else no_reviews
        ),
        "overdue_reviews": (
            ngettext(
                "%(part)s of %(num)d review issued after their due date",
                "%(part)s of %(num)d reviews issued after their due date",
                issued,
                part=late,
            )
            if issued
            else no_reviews
        ),
        "matters_handled": ngettext(
            "%(num)d ledger entry of contract reviews, consultations, dispute mediations"
            " and document drafting",
            "%(num)d ledger entries of contract reviews, consultations, dispute mediations"
            " and document drafting",
            f["matters"],
        ),
        "lectures_given": ngettext(
            "%(num)d lecture in the ledger", "%(num)d lectures in the ledger", f["lectures"]
        ),
        "average_rating": (
            ngettext("%(num)d school rating", "%(num)d school ratings", f["rated"])
            if f["rated"]
            else _("no school ratings in %(period)s", period=period)
        ),
        "ratings_count": ngettext(
            "%(num)d school rating in %(period)s",
            "%(num)d school ratings in %(period)s",
            f["rated"],
            period=period,
        ),
        "months_with_entries_rate": (
            _("%(period)s has not begun", period=period)
            if not f["begun"]
            else ngettext(
                "%(part)s of %(num)d month with ledger entries",
                "%(part)s of %(num)d months with ledger entries",
                f["begun"],
                part=f["entry_months"],
            )
            if f["begun"] == f["months"]
            else ngettext(
                "%(part)s of %(num)d month so far with ledger entries",
                "%(part)s of %(num)d months so far with ledger entries",
                f["begun"],
                part=f["entry_months"],
            )
        ),
        "timely_entries_rate": (
            ngettext(
                "%(part)s of %(num)d ledger entry recorded within %(days)s days of the work",
                "%(part)s of %(num)d ledger entries recorded within %(days)s days of the work",
                f["entries"],
                part=f["timely"],
                days=LATE_AFTER_DAYS,
            )
            if f["entries"]
            else _("no ledger entries in %(period)s", period=period)
        ),
        "redone_reviews": ngettext(
            "%(num)d review issued in %(period)s marked by the bureau to be redone",
            "%(num)d reviews issued in %(period)s marked by the bureau to be redone",
            f.get("redone", 0),
            period=period,
        ),
    }
