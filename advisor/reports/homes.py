"""What an advisor and a school see first: their own work, never bureau-wide figures.

Every query here is bound to the caller's advisor or school id; nothing else is counted.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache

import sqlalchemy as sa
from sqlalchemy import orm

from advisor.accounts.models import User
from advisor.contracts.models import Contract, Status
from advisor.contracts.workflow import OPEN
from advisor.directory.models import Advisor, LawFirm, School
from advisor.directory.queries import Serving, current_advisors
from advisor.evaluation.measures import issued_on_time
from advisor.evaluation.models import Evaluation, EvaluationResult
from advisor.ledger import queries as ledger
from advisor.reviews.models import Feedback, Review
from advisor.reviews.services import rating_average
from advisor.workdays import Period, utc_bounds

QUEUE_LIMIT = 20

# The homes are the most visited pages: their fixed statements are built once per
# process (``@cache``), with the caller's ids and dates as bound parameters, since
# building a statement anew costs SQLAlchemy more than running it (issue 19, item 3).


def _mine() -> list[sa.ColumnElement[bool]]:
    return [Contract.advisor_id == sa.bindparam("advisor_id"), Contract.status.in_(OPEN)]


@cache
def _advisor_queue() -> sa.Select[Contract, str]:
    """The open contracts of ``:advisor_id``, the school's turn last then due first
    (the first QUEUE_LIMIT), with their school's name."""
    waiting = sa.case((Contract.status == Status.RETURNED.value, 1), else_=0)
    return (
        sa.select(Contract, School.name)
        .join(School, School.id == Contract.school_id)
        .where(*_mine())
        .order_by(waiting, Contract.due_on, Contract.id)
        .limit(QUEUE_LIMIT)
    )


@cache
def _advisor_figures(dialect: str) -> sa.Select[*tuple[int | None, ...]]:
    """In one statement (each statement is about a tenth of the page's cost under load;
    issue 19, item 3): how many contracts ``:advisor_id`` has open; the opinions, returns,
    those on time and minutes of its reviews issued from ``:utc_from`` to before
    ``:utc_to``; its ratings given then (how many, their sum); its ledger entries from
    ``:day_from`` to ``:day_to``."""
    advisor: sa.BindParameter[int] = sa.bindparam("advisor_id")
    issued = [
        Review.advisor_id == advisor,
        Review.status == "issued",
        Review.issued_at >= sa.bindparam("utc_from"),
        Review.issued_at < sa.bindparam("utc_to"),
    ]
    reviews = (
        sa.select(
            sa.func.sum(sa.case((Review.outcome != "return", 1), else_=0)).label("opinions"),
            sa.func.sum(sa.case((Review.outcome == "return", 1), else_=0)).label("returns"),
            sa.func.sum(sa.case((issued_on_time(dialect), 1), else_=0)).label("on_time"),
            sa.func.sum(Review.minutes_spent).label("minutes"),
        )
        .where(*issued)
        .subquery()
    )
    rated = (
        sa.select(
            sa.func.count(Feedback.id).label("rated"), sa.func.sum(Feedback.rating).label("total")
        )
        .where(
            Feedback.advisor_id == advisor,
            Feedback.created_at >= sa.bindparam("utc_from"),
            Feedback.created_at < sa.bindparam("utc_to"),
        )
        .subquery()
    )
    return sa.select(
        sa.select(sa.func.count()).where(*_mine()).scalar_subquery(),
        reviews.c.opinions,
        reviews.c.returns,
        reviews.c.on_time,
        reviews.c.minutes,
        rated.c.rated,
        rated.c.total,
        ledger.advisor_entries_counted(),
    ).select_from(reviews.join(rated, sa.true()))


@cache
def _latest_evaluation() -> sa.Select[Evaluation, EvaluationResult]:
    """The latest published evaluation with ``:advisor_id``'s result."""
    return (
        sa.select(Evaluation, EvaluationResult)
        .join(EvaluationResult, EvaluationResult.evaluation_id == Evaluation.id)
        .where(
            Evaluation.status == "published",
            EvaluationResult.advisor_id == sa.bindparam("advisor_id"),
        )
        .order_by(Evaluation.published_at.desc(), Evaluation.id.desc())
        .limit(1)
    )


@cache
def _school_contracts() -> tuple[sa.Select[str, int], sa.Select[Contract]]:
    """``:school_id``'s contracts counted by status, and the first of them that wait for
    someone, due first (three times QUEUE_LIMIT)."""
    ours = Contract.school_id == sa.bindparam("school_id")
    waiting = [Status.RETURNED, Status.REVIEWED, Status.SUBMITTED, Status.IN_REVIEW]
    by_status = sa.select(Contract.status, sa.func.count()).where(ours).group_by(Contract.status)
    open_ones = (
        sa.select(Contract)
        .where(ours, Contract.status.in_(waiting))
        .order_by(Contract.due_on, Contract.id.desc())
        .limit(3 * QUEUE_LIMIT)
    )
    return by_status, open_ones


@dataclass(slots=True)
class AdvisorHome:
    queue: list[Contract] = field(default_factory=list)
    queue_total: int = 0
    schools: dict[int, str] = field(default_factory=dict)  # school id -> name, for the queue
    opinions: int = 0
    returns: int = 0
    on_time: int = 0
    minutes: int = 0
    ledger_entries: int = 0
    average_rating: Decimal | None = None
    ratings: int = 0
    evaluation: Evaluation | None = None
    result: EvaluationResult | None = None

    @property
    def issued(self) -> int:
        return self.opinions + self.returns

    @property
    def on_time_rate(self) -> float | None:
        return round(100 * self.on_time / self.issued, 1) if self.issued else None


def advisor_home(session: orm.Session, user: User, today: date) -> AdvisorHome:
    """The advisor's open contracts, due first, and their figures of this year so far."""
    assert user.advisor_id is not None, "an advisor's account names its advisor"  # nosec B101
    advisor_id = user.advisor_id
    dialect = session.get_bind().dialect.name
    found = AdvisorHome()
    mine = {"advisor_id": advisor_id}
    for contract, school in session.execute(_advisor_queue(), mine):
        found.queue.append(contract)
        found.schools[contract.school_id] = school

    utc_from, utc_to = utc_bounds(Period("year", today.year))
    this_year = {"utc_from": utc_from, "utc_to": utc_to}
    days = {"day_from": date(today.year, 1, 1), "day_to": today}
    figures = session.execute(_advisor_figures(dialect), {**mine, **this_year, **days}).one()
    total, opinions, returns, timely, minutes, rated, rating_total, entries = figures
    found.queue_total = int(total or 0)
    found.opinions, found.returns = int(opinions or 0), int(returns or 0)
    found.on_time, found.minutes = int(timely or 0), int(minutes or 0)
    found.ledger_entries = int(entries or 0)
    found.average_rating, found.ratings = rating_average(rated, rating_total)
    latest = session.execute(_latest_evaluation(), mine).first()
    if latest is not None:
        found.evaluation, found.result = latest
    return found


@dataclass(slots=True)
class SchoolHome:
    by_status: Counter[str] = field(default_factory=Counter)
    to_revise: list[Contract] = field(default_factory=list)  # returned: the school's turn
    to_close: list[Contract] = field(default_factory=list)  # opinion issued: sign or abandon
    in_review: list[Contract] = field(default_factory=list)  # with the advisor, due dates
    serving: Serving = field(default_factory=Serving)
    firms: dict[int, str] = field(default_factory=dict)
    advisor_names: dict[int, str] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


def school_home(session: orm.Session, school_id: int) -> SchoolHome:
    """The school's contracts by status, what waits for the school, and who advises it."""
    found = SchoolHome()
    by_status, open_ones = _school_contracts()
    ours = {"school_id": school_id}
    found.by_status = Counter(dict(session.execute(by_status, ours).all()))
    for contract in session.scalars(open_ones, ours):
        if contract.status == Status.RETURNED:
            found.to_revise.append(contract)
        elif contract.status == Status.REVIEWED:
            found.to_close.append(contract)
        else:
            found.in_review.append(contract)
    found.serving = current_advisors(session, [school_id])[school_id]
    advisors = [a for a in (found.serving.primary, found.serving.backup) if a is not None]
    advisors_of_contracts = {c.advisor_id for c in found.in_review}
    if advisors:
        found.firms = dict(
            session.execute(
                sa.select(LawFirm.id, LawFirm.name).where(
                    LawFirm.id.in_({a.law_firm_id for a in advisors})
                )
            ).all()
        )
    if advisors_of_contracts:
        found.advisor_names = dict(
            session.execute(
                sa.select(Advisor.id, Advisor.name).where(Advisor.id.in_(advisors_of_contracts))
            ).all()
        )
    return found
