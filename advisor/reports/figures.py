"""The yearly figures the annual rule-of-law report needs (DESIGN.md "Dashboard and yearly
figures"), each counted in SQL for one calendar year of Beijing days.

- advisors engaged: advisors whose appointment overlaps the year; law firms: their firms.
- schools: schools active now; covered: those with a primary assignment overlapping the year.
- contracts submitted: submitted in the year. Opinions issued: reviews issued in the year
  other than returns, by outcome; contracts reviewed: the contracts they concern, and the
  sum of those contracts' amounts.
- findings: the findings of the reviews issued in the year (returns included), by
  dimension and by severity.
- ledger work: current entries (corrections count once) dated in the year, by kind; for
  lectures also the sum of their head counts.
- average rating: of the school ratings given in the year (None when there is none).
- grades: the grade counts of the year's published evaluation, if there is one.

Once the scheduler has refreshed the summary tables (reports.summary), the contracts,
opinions, findings and ledger work are read from them, and the page says when; the
directory figures, the ratings and the grades are counted live. ``live=True`` counts
everything from the base rows, as before the first refresh.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from sqlalchemy import orm

from advisor.contracts.models import Contract
from advisor.contracts.queries import narrowing_for
from advisor.directory.models import Advisor, Assignment, AssignmentKind, School
from advisor.evaluation.models import Evaluation, EvaluationResult
from advisor.ledger.models import LedgerEntry
from advisor.reports import summary, summary_reads
from advisor.reviews.models import Feedback, Finding, Review
from advisor.reviews.services import average_rating
from advisor.workdays import Period, utc_bounds


@dataclass(slots=True)
class YearFigures:
    year: int
    advisors: int = 0
    law_firms: int = 0
    schools: int = 0
    schools_covered: int = 0
    contracts_submitted: int = 0
    contracts_reviewed: int = 0
    value_reviewed: Decimal = Decimal("0.00")
    opinions: dict[str, int] = field(default_factory=dict)  # outcome -> opinions issued
    returns: int = 0
    findings_by_dimension: dict[str, int] = field(default_factory=dict)
    findings_by_severity: dict[str, int] = field(default_factory=dict)
    ledger: dict[str, int] = field(default_factory=dict)  # kind -> current entries
    lecture_headcount: int = 0
    average_rating: Decimal | None = None
    ratings: int = 0
    grades: dict[str, int] = field(default_factory=dict)
    evaluation_id: int | None = None
    refreshed_at: datetime | None = None  # of the summary tables read; None: counted live

    @property
    def coverage(self) -> Decimal:
        """Covered schools as a percentage, to one place."""
        if not self.schools:
            return Decimal("0.0")
        share = Decimal(self.schools_covered * 100) / Decimal(self.schools)
        return share.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def opinions_issued(self) -> int:
        return sum(self.opinions.values())

    @property
    def findings(self) -> int:
        return sum(self.findings_by_dimension.values())


@narrowing_for("reviewed_in")
def reviewed_in(year: int) -> sa.ColumnElement[bool]:
    """Contracts reviewed in ``year``: an opinion (an issued review, not a return) on them was
    issued in the year's Beijing days. The year figures count these, and the contract list
    they link to (``/contracts?reviewed_in=``) shows these."""
    utc_from, utc_to = utc_bounds(Period("year", year))
    opinions = sa.select(Review.contract_id).where(
        Review.status == "issued",
        Review.outcome != "return",
        Review.issued_at >= utc_from,
        Review.issued_at < utc_to,
    )
    return Contract.id.in_(opinions)


def year_figures(session: orm.Session, year: int, *, live: bool = False) -> YearFigures:
    """Every figure for ``year``, in a dozen queries whatever the size of the bureau: the
    counts of work from the summary tables once refreshed (unless ``live``)."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    utc_from, utc_to = utc_bounds(Period("year", year))
    found = YearFigures(year)
    found.refreshed_at = None if live else summary.last_refresh(session)
    kept = found.refreshed_at is not None

    engaged = sa.and_(
        Advisor.appointed_on <= last,
        sa.or_(Advisor.appointment_ends_on.is_(None), Advisor.appointment_ends_on >= first),
    )
    found.advisors, found.law_firms = session.execute(
        sa.select(sa.func.count(Advisor.id), sa.func.count(sa.distinct(Advisor.law_firm_id))).where(
            engaged
        )
    ).one()

    covered = (
        sa.select(Assignment.school_id)
        .where(
            Assignment.kind == AssignmentKind.PRIMARY.value,
            Assignment.starts_on <= last,
            sa.or_(Assignment.ends_on.is_(None), Assignment.ends_on >= first),
        )
        .scalar_subquery()
    )
    found.schools, found.schools_covered = session.execute(
        sa.select(
            sa.func.count(School.id),
            sa.func.sum(sa.case((School.id.in_(covered), 1), else_=0)),
        ).where(School.is_active.is_(True))
    ).one()
    found.schools_covered = int(found.schools_covered or 0)

    found.contracts_submitted = int(
        session.scalar(
            summary_reads.contracts_submitted(year)
            if kept
            else sa.select(sa.func.count(Contract.id)).where(
                Contract.submitted_at >= utc_from, Contract.submitted_at < utc_to
            )
        )
        or 0
    )

    issued = sa.and_(
        Review.status == "issued", Review.issued_at >= utc_from, Review.issued_at < utc_to
    )
    for outcome, n in session.execute(
        summary_reads.reviews_by_outcome(year)
        if kept
        else sa.select(Review.outcome, sa.func.count(Review.id))
        .where(issued)
        .group_by(Review.outcome)
    ):
        if outcome == "return":
            found.returns = int(n)
        elif outcome is not None:
            found.opinions[outcome] = int(n)
    reviewed, value = session.execute(
        summary_reads.reviewed(year)
        if kept
        else sa.select(sa.func.count(Contract.id), sa.func.sum(Contract.amount)).where(
            reviewed_in(year)
        )
    ).one()
    found.contracts_reviewed = int(reviewed)
    found.value_reviewed = Decimal(value or 0).quantize(Decimal("0.01"))

    findings = (
        sa.select(Finding.dimension, Finding.severity, sa.func.count(Finding.id))
        .join(Review, Review.id == Finding.review_id)
        .where(issued)
        .group_by(Finding.dimension, Finding.severity)
    )
    for dimension, severity, n in session.execute(
        summary_reads.findings(year, summary_reads.bureau_wide(summary.FINDINGS))
        if kept
        else findings
    ):
        found.findings_by_dimension[dimension] = found.findings_by_dimension.get(dimension, 0) + n
        found.findings_by_severity[severity] = found.findings_by_severity.get(severity, 0) + n

    # Every entry of the year by kind (from the index alone), less the superseded ones,
    # found from the few corrections rather than by asking each entry.
    newer = orm.aliased(LedgerEntry)
    corrected = sa.select(newer.supersedes_id).where(newer.supersedes_id.is_not(None))
    in_year = [LedgerEntry.entry_on >= first, LedgerEntry.entry_on <= last]
    by_kind = sa.select(
        LedgerEntry.kind, sa.func.count(), sa.func.coalesce(sa.func.sum(LedgerEntry.headcount), 0)
    ).group_by(LedgerEntry.kind)
    heads: dict[str, int] = {}
    for kind, n, people in session.execute(
        summary_reads.ledger_by_kind(year) if kept else by_kind.where(*in_year)
    ):
        found.ledger[kind], heads[kind] = int(n), int(people or 0)
    if not kept:  # the summary holds current entries only
        for kind, n, people in session.execute(
            by_kind.where(*in_year, LedgerEntry.id.in_(corrected))
        ):
            found.ledger[kind] -= n
            heads[kind] -= int(people or 0)
    found.ledger = {kind: n for kind, n in found.ledger.items() if n}
    found.lecture_headcount = heads.get("lecture", 0)

    found.average_rating, found.ratings = average_rating(
        session, Feedback.created_at >= utc_from, Feedback.created_at < utc_to
    )

    found.evaluation_id = session.scalar(
        sa.select(Evaluation.id).where(
            Evaluation.period == str(year), Evaluation.status == "published"
        )
    )
    if found.evaluation_id is not None:
        found.grades = dict(
            session.execute(
                sa.select(EvaluationResult.grade, sa.func.count(EvaluationResult.id))
                .where(EvaluationResult.evaluation_id == found.evaluation_id)
                .group_by(EvaluationResult.grade)
            ).all()
        )
    return found
