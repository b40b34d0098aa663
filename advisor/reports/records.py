"""The records behind the yearly figures that have no list of their own elsewhere: the
findings of the reviews issued in a year, and the school ratings given in it. Each list
counts exactly what ``figures.year_figures`` counts, so a figure and its list agree."""

from __future__ import annotations

import sqlalchemy as sa

from advisor.contracts.models import Contract
from advisor.directory.models import Advisor, School
from advisor.reviews.models import Dimension, Feedback, Finding, Review, Severity
from advisor.workdays import Period, utc_bounds


def year_findings(
    year: int, dimension: str = "", severity: str = ""
) -> sa.Select[Finding, Review, str, str, str]:
    """Findings of the reviews issued in ``year`` (returns included), newest first, with
    their review, contract, school and advisor."""
    utc_from, utc_to = utc_bounds(Period("year", year))
    stmt = (
        sa.select(Finding, Review, Contract.title, School.name, Advisor.name)
        .join(Review, Review.id == Finding.review_id)
        .join(Contract, Contract.id == Review.contract_id)
        .join(School, School.id == Contract.school_id)
        .join(Advisor, Advisor.id == Review.advisor_id)
        .where(Review.status == "issued", Review.issued_at >= utc_from, Review.issued_at < utc_to)
    )
    if dimension in Dimension.__members__.values():
        stmt = stmt.where(Finding.dimension == dimension)
    if severity in Severity.__members__.values():
        stmt = stmt.where(Finding.severity == severity)
    return stmt.order_by(Review.issued_at.desc(), Finding.review_id.desc(), Finding.position)


def year_ratings(year: int) -> sa.Select[Feedback, str, str, str]:
    """School ratings given in ``year``, newest first, with contract, school and advisor."""
    utc_from, utc_to = utc_bounds(Period("year", year))
    return (
        sa.select(Feedback, Contract.title, School.name, Advisor.name)
        .join(Contract, Contract.id == Feedback.contract_id)
        .join(School, School.id == Contract.school_id)
        .join(Advisor, Advisor.id == Feedback.advisor_id)
        .where(Feedback.created_at >= utc_from, Feedback.created_at < utc_to)
        .order_by(Feedback.created_at.desc(), Feedback.id.desc())
    )
