"""The dashboard's and the yearly figures' counts read from the summary tables
(reports.summary): each statement returns the rows of its base-table counterpart in
dashboard.build or figures.year_figures, column for column, so the same code adds them up.

The narrowing is the dashboard's (contracts.queries.narrowing): the schools of a district
and level through ``school_id``, the advisors of a law firm through ``advisor_id``. Without
a filter the bureau-wide rows are read (school and advisor NULL, summary.ROLLED_UP); with
one, the rows per school and advisor (an IN never matches NULL), never both.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from advisor.directory.models import Advisor, School
from advisor.reports.summary import CONTRACTS, FINDINGS, HITS, LEDGER, REVIEWED, REVIEWS

Scope = list[sa.ColumnElement[bool]]


def bureau_wide(table: sa.Table) -> Scope:
    """The rows that sum every school and advisor."""
    return [table.c.advisor_id.is_(None)]


def scope(
    table: sa.Table,
    district: str,
    level: str,
    law_firm_id: int | None,
    *,
    per_advisor: bool = False,
) -> Scope:
    """Conditions on a summary table's rows for the dashboard's filters; ``per_advisor``
    for figures grouped by advisor, which the bureau-wide rows cannot give."""
    if not (district or level or law_firm_id):
        return [table.c.advisor_id.is_not(None)] if per_advisor else bureau_wide(table)
    conditions: Scope = []
    if district or level:
        schools = sa.select(School.id)
        if district:
            schools = schools.where(School.district == district)
        if level:
            schools = schools.where(School.level == level)
        conditions.append(table.c.school_id.in_(schools))
    if law_firm_id:
        firm = sa.select(Advisor.id).where(Advisor.law_firm_id == law_firm_id)
        conditions.append(table.c.advisor_id.in_(firm))
    return conditions


def _year(table: sa.Table, year: int) -> sa.ColumnElement[bool]:
    return table.c.month.between(f"{year}-01", f"{year}-12")


def contracts_by_month(first: str, last: str, where: Scope) -> sa.Select[*tuple[Any, ...]]:
    """(month, status, type, outcome, contracts) for the months ``first`` to ``last``."""
    c = CONTRACTS.c
    return (
        sa.select(c.month, c.status, c.contract_type, c.outcome, sa.func.sum(c.n))
        .where(c.month.between(first, last), *where)
        .group_by(c.month, c.status, c.contract_type, c.outcome)
    )


def reviews_by_month(first: str, last: str, where: Scope) -> sa.Select[*tuple[Any, ...]]:
    """(month, working days, on time, an opinion, reviews) of the issued reviews."""
    r = REVIEWS.c
    opinion = r.outcome != "return"
    return (
        sa.select(r.month, r.working_days, r.on_time, opinion, sa.func.sum(r.n))
        .where(r.month.between(first, last), *where)
        .group_by(r.month, r.working_days, r.on_time, opinion)
    )


def reviews_per_advisor(year: int, where: Scope) -> sa.Select[*tuple[Any, ...]]:
    """(advisor, opinions, minutes, reviews) of the reviews issued in ``year``."""
    r = REVIEWS.c
    return (
        sa.select(
            r.advisor_id,
            sa.func.sum(sa.case((r.outcome != "return", r.n), else_=0)),
            sa.func.sum(r.minutes),
            sa.func.sum(r.n),
        )
        .where(_year(REVIEWS, year), *where)
        .group_by(r.advisor_id)
    )


def top_rules(year: int, where: Scope, limit: int) -> sa.Select[*tuple[Any, ...]]:
    """(rule, hits) on the contracts submitted in ``year``, the most frequent first."""
    h = HITS.c
    hits = sa.func.sum(h.n)
    return (
        sa.select(h.rule, hits)
        .where(_year(HITS, year), *where)
        .group_by(h.rule)
        .order_by(hits.desc(), h.rule)
        .limit(limit)
    )


def findings(year: int, where: Scope) -> sa.Select[*tuple[Any, ...]]:
    """(dimension, severity, findings) of the reviews issued in ``year``."""
    f = FINDINGS.c
    return (
        sa.select(f.dimension, f.severity, sa.func.sum(f.n))
        .where(_year(FINDINGS, year), *where)
        .group_by(f.dimension, f.severity)
    )


def contracts_submitted(year: int) -> sa.Select[*tuple[Any, ...]]:
    return sa.select(sa.func.coalesce(sa.func.sum(CONTRACTS.c.n), 0)).where(
        _year(CONTRACTS, year), *bureau_wide(CONTRACTS)
    )


def reviews_by_outcome(year: int) -> sa.Select[*tuple[Any, ...]]:
    """(outcome, reviews) of the reviews issued in ``year``."""
    r = REVIEWS.c
    return (
        sa.select(r.outcome, sa.func.sum(r.n))
        .where(_year(REVIEWS, year), *bureau_wide(REVIEWS))
        .group_by(r.outcome)
    )


def reviewed(year: int) -> sa.Select[*tuple[Any, ...]]:
    """(contracts, their amount) reviewed in ``year`` (figures.reviewed_in)."""
    c = REVIEWED.c
    return sa.select(sa.func.coalesce(sa.func.sum(c.n), 0), sa.func.sum(c.amount)).where(
        c.year == year
    )


def ledger_by_kind(year: int) -> sa.Select[*tuple[Any, ...]]:
    """(kind, current entries, head count) dated in ``year``."""
    entries = LEDGER.c
    return (
        sa.select(entries.kind, sa.func.sum(entries.n), sa.func.sum(entries.headcount))
        .where(_year(LEDGER, year), *bureau_wide(LEDGER))
        .group_by(entries.kind)
    )
