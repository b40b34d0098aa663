"""The bureau's dashboard: the pipeline, what is overdue, turnaround, workload and risks,
for one calendar year of Beijing days and optionally one district, school level or law firm.

Every figure is counted in SQL (a dozen grouped queries whatever the size of the bureau);
Python only sums the few grouped rows and reads percentiles off the turnaround histogram.

- contracts by status, type and outcome: contracts submitted in the year, as they stand now.
- overdue: open contracts (submitted or in review; a returned one has its clock stopped)
  due before today, whatever the year; days overdue in working days.
- received and reviewed per month: contracts submitted, and opinions issued (returns not
  counted), by Beijing month: the twelve months up to this one for the current year, the
  calendar year's months for an earlier one.
- turnaround: working days from the arrival of the version reviewed to the issue of the
  review (``Review.working_days``), over the reviews issued in the year, returns included
  (a return is the advisor's answer too). Median and 90th percentile are the nearest-rank
  values; on time means issued on or before the due date of the time.
- workload per advisor: open contracts now, opinions issued in the year and the average
  minutes recorded per issued review; per law firm the sums of its advisors.
- risks: pre-check hits on the contracts submitted in the year by rule, and the findings
  of the reviews issued in the year by dimension and severity.
- schools without submissions: active schools that submitted nothing in the year.

Once the scheduler has refreshed the summary tables (reports.summary), the counts of the
year and its months are read from them and the page says when they were refreshed; what
must be live is still counted here: the overdue list, open contracts per advisor, the
schools without submissions and the filter lists. ``build(..., live=True)`` counts
everything from the base rows, as before the first refresh (and as the check does).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy import orm

from advisor.contracts.models import Contract
from advisor.contracts.queries import ACTIVE, narrowing
from advisor.contracts.workflow import OPEN
from advisor.db import beijing_month, month_key
from advisor.directory.models import (
    Advisor,
    Assignment,
    AssignmentKind,
    LawFirm,
    School,
    SchoolLevel,
)
from advisor.evaluation.measures import issued_on_time
from advisor.forms import small_int
from advisor.model_contracts.models import TemplateFill
from advisor.precheck.models import PrecheckHit
from advisor.reports import summary, summary_reads
from advisor.reviews.models import Finding, Review
from advisor.workdays import BEIJING, BureauCalendar, Period, utc_bounds, working_days_between

LIST_LIMIT = 50  # schools without submissions listed on the page
OVERDUE_SHOWN = 15  # the longest overdue; the link lists them all
TOP_RULES = 10
FIRST_YEAR = 2000


@dataclass(frozen=True, slots=True)
class Filters:
    year: int
    district: str = ""
    level: str = ""
    law_firm_id: int | None = None

    @property
    def narrowed(self) -> bool:
        return bool(self.district or self.level or self.law_firm_id)

    def query(self) -> dict[str, Any]:
        """The filters as URL arguments, for links to the records behind a figure."""
        args: dict[str, Any] = {}
        if self.district:
            args["district"] = self.district
        if self.level:
            args["level"] = self.level
        if self.law_firm_id:
            args["law_firm_id"] = self.law_firm_id
        return args


def parse_filters(args: Any, today: date) -> tuple[Filters, list[str]]:
    """Filters from the query string, and a message for each value that was ignored."""
    problems: list[str] = []
    year = today.year
    raw_year = args.get("year", "").strip()
    if raw_year:
        chosen = small_int(raw_year, upper=9998)
        if chosen is not None and FIRST_YEAR <= chosen <= today.year:
            year = chosen
        else:
            problems.append(
                str(
                    _l(
                        "The year must be between %(first)s and %(last)s; showing %(year)s.",
                        first=FIRST_YEAR,
                        last=today.year,
                        year=today.year,
                    )
                )
            )
    level = args.get("level", "").strip()
    if level and level not in SchoolLevel.__members__.values():
        problems.append(str(_l("Unknown school level; showing every level.")))
        level = ""
    raw_firm = args.get("law_firm_id", "").strip()
    law_firm_id = small_int(raw_firm) or None
    if raw_firm and law_firm_id is None:
        problems.append(str(_l("Unknown law firm; showing every firm.")))
    district = args.get("district", "").strip()[:50]
    return Filters(year, district, level, law_firm_id), problems


@dataclass(slots=True)
class Overdue:
    contract_id: int
    title: str
    school: str
    advisor: str
    due_on: date
    days: int = 0


@dataclass(slots=True)
class Workload:
    advisor_id: int
    name: str
    law_firm: str
    open: int = 0
    reviewed: int = 0
    minutes: int = 0
    issued: int = 0

    @property
    def average_minutes(self) -> int | None:
        return round(self.minutes / self.issued) if self.issued else None


@dataclass(slots=True)
class Dashboard:
    filters: Filters
    today: date
    computed_at: datetime = field(default_factory=lambda: datetime.now(BEIJING))
    refreshed_at: datetime | None = None  # of the summary tables read; None: counted live
    by_status: Counter[str] = field(default_factory=Counter)
    by_type: Counter[str] = field(default_factory=Counter)
    by_outcome: Counter[str] = field(default_factory=Counter)
    overdue: list[Overdue] = field(default_factory=list)
    overdue_total: int = 0
    months: list[str] = field(default_factory=list)
    received: dict[str, int] = field(default_factory=dict)
    reviewed: dict[str, int] = field(default_factory=dict)
    turnaround: Counter[int] = field(default_factory=Counter)  # working days -> reviews
    on_time: int = 0
    workload: list[Workload] = field(default_factory=list)
    rules: list[tuple[str, int]] = field(default_factory=list)
    findings_by_dimension: Counter[str] = field(default_factory=Counter)
    findings_by_severity: Counter[str] = field(default_factory=Counter)
    idle_schools: list[tuple[int, str, str]] = field(default_factory=list)
    idle_total: int = 0
    districts: list[str] = field(default_factory=list)
    law_firms: list[tuple[int, str]] = field(default_factory=list)
    # Reviews issued in the year as (started from a model contract?, working days,
    # without a finding?, number): empty until a contract started from one is reviewed.
    origins: list[tuple[bool, int, bool, int]] = field(default_factory=list)

    def by_origin(self, templated: bool) -> Origin:
        """The reviews of contracts started from a model contract (or of the others)."""
        found = Origin()
        for started, days, clean, n in self.origins:
            if started == templated:
                found.turnaround[days] += n
                found.clean += n if clean else 0
        return found

    @property
    def submitted(self) -> int:
        return sum(self.by_status.values())

    @property
    def issued(self) -> int:
        return sum(self.turnaround.values())

    @property
    def median(self) -> int | None:
        return percentile(self.turnaround, 50)

    @property
    def p90(self) -> int | None:
        return percentile(self.turnaround, 90)

    @property
    def on_time_rate(self) -> float | None:
        return round(100 * self.on_time / self.issued, 1) if self.issued else None

    @property
    def firms(self) -> list[Workload]:
        """The workload summed per law firm, the busiest first."""
        sums: dict[str, Workload] = {}
        for row in self.workload:
            firm = sums.setdefault(row.law_firm, Workload(0, row.law_firm, row.law_firm))
            firm.open += row.open
            firm.reviewed += row.reviewed
            firm.minutes += row.minutes
            firm.issued += row.issued
        return sorted(sums.values(), key=lambda w: (-w.reviewed, -w.open, w.name))


@dataclass
class Origin:
    """Turnaround and reviews without a finding, of one kind of contract (model_contracts:
    what a model contract saves the advisors)."""

    turnaround: Counter[int] = field(default_factory=Counter)
    clean: int = 0

    @property
    def reviews(self) -> int:
        return sum(self.turnaround.values())

    @property
    def median(self) -> int | None:
        return percentile(self.turnaround, 50)

    @property
    def clean_rate(self) -> float | None:
        return round(100 * self.clean / self.reviews, 1) if self.reviews else None


def percentile(histogram: Counter[int], p: int) -> int | None:
    """The nearest-rank p-th percentile of the values counted in ``histogram``."""
    total = sum(histogram.values())
    if not total:
        return None
    rank = max(1, math.ceil(p * total / 100))
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        if seen >= rank:
            return value
    raise AssertionError("unreachable: the ranks add up to the total")


def months_shown(year: int, today: date) -> list[str]:
    """'YYYY-MM' of the months the monthly chart shows, oldest first: the twelve up to
    this month for the current year, January to December for an earlier one."""
    last = today.year * 12 + today.month - 1 if year == today.year else year * 12 + 11
    return [f"{m // 12}-{m % 12 + 1:02d}" for m in range(last - 11, last + 1)]


def school_scope(filters: Filters) -> sa.ColumnElement[bool] | None:
    """Schools in the chosen district and level, as a condition on School."""
    conditions = []
    if filters.district:
        conditions.append(School.district == filters.district)
    if filters.level:
        conditions.append(School.level == filters.level)
    return sa.and_(*conditions) if conditions else None


def contract_scope(filters: Filters) -> list[sa.ColumnElement[bool]]:
    """Conditions on Contract for the district, level and law firm filters."""
    return narrowing(filters.district, filters.level, filters.law_firm_id)


def _origins(
    session: orm.Session, found: Dashboard, utc_from: datetime, utc_to: datetime, filters: Filters
) -> None:
    """The reviews issued in the year, those of contracts started from a model contract
    apart: their turnaround and how many found nothing. Counted only once such a contract
    was reviewed in the year: until then one indexed look-up, not a pass over the year's
    reviews (at a province's scale that pass, with its look-up of findings, takes 0.1 s)."""
    started = sa.select(TemplateFill.contract_id).where(TemplateFill.contract_id.is_not(None))
    issued = [
        Review.status == "issued",
        Review.issued_at >= utc_from,
        Review.issued_at < utc_to,
        Review.working_days.is_not(None),
        *_review_scope(filters),
    ]
    if (
        session.scalar(
            sa.select(Review.id).where(*issued, Review.contract_id.in_(started)).limit(1)
        )
        is None
    ):
        return
    from_template = Review.contract_id.in_(started)
    clean = ~sa.exists().where(Finding.review_id == Review.id)
    found.origins = [
        (bool(templated), int(days or 0), bool(without), int(n))
        for templated, days, without, n in session.execute(
            sa.select(from_template, Review.working_days, clean, sa.func.count())
            .where(*issued)
            .group_by(from_template, Review.working_days, clean)
        )
    ]


def _review_scope(filters: Filters) -> list[sa.ColumnElement[bool]]:
    conditions: list[sa.ColumnElement[bool]] = []
    schools = narrowing(filters.district, filters.level, None)
    if schools:
        conditions.append(Review.contract_id.in_(sa.select(Contract.id).where(*schools)))
    if filters.law_firm_id:
        conditions.append(
            Review.advisor_id.in_(
                sa.select(Advisor.id).where(Advisor.law_firm_id == filters.law_firm_id)
            )
        )
    return conditions


def build(
    session: orm.Session,
    filters: Filters,
    today: date,
    calendar: BureauCalendar,
    *,
    live: bool = False,
) -> Dashboard:
    """Every figure of the dashboard for ``filters`` as of ``today``: the year's counts
    from the summary tables once refreshed (unless ``live``), else from the base rows."""
    dialect = session.get_bind().dialect.name
    found = Dashboard(filters, today)
    found.refreshed_at = None if live else summary.last_refresh(session)
    kept = found.refreshed_at is not None
    where = {
        table: summary_reads.scope(table, filters.district, filters.level, filters.law_firm_id)
        for table in (summary.CONTRACTS, summary.REVIEWS, summary.HITS, summary.FINDINGS)
    }
    utc_from, utc_to = utc_bounds(Period("year", filters.year))
    in_scope = contract_scope(filters)
    submitted_in_year = [Contract.submitted_at >= utc_from, Contract.submitted_at < utc_to]

    # One pass over the contracts submitted in the year or in the monthly chart's
    # months, and one over the reviews issued then: each figure takes its months.
    found.months = months_shown(filters.year, today)
    scan_from, scan_to = (
        min(utc_from, _month_start(found.months[0])),
        max(utc_to, _month_start(found.months[-1], after=True)),
    )
    year_prefix = f"{filters.year}-"
    found.received = dict.fromkeys(found.months, 0)
    first_month = min(found.months[0], f"{filters.year}-01")
    last_month = max(found.months[-1], f"{filters.year}-12")
    month = beijing_month(Contract.submitted_at, dialect)
    for value, status, kind, outcome, n in session.execute(
        summary_reads.contracts_by_month(first_month, last_month, where[summary.CONTRACTS])
        if kept
        else sa.select(
            month, Contract.status, Contract.contract_type, Contract.outcome, sa.func.count()
        )
        .where(Contract.submitted_at >= scan_from, Contract.submitted_at < scan_to, *in_scope)
        .group_by(month, Contract.status, Contract.contract_type, Contract.outcome)
    ):
        m = month_key(value)
        if m in found.received:
            found.received[m] += n
        if m.startswith(year_prefix):
            found.by_status[status] += n
            found.by_type[kind] += n
            if outcome:
                found.by_outcome[outcome] += n

    _overdue(session, found, in_scope, calendar)
    _origins(session, found, utc_from, utc_to, filters)

    issued_in_year = [
        Review.status == "issued",
        Review.issued_at >= utc_from,
        Review.issued_at < utc_to,
        *_review_scope(filters),
    ]
    on_time = issued_on_time(dialect)
    opinion = Review.outcome != "return"
    found.reviewed = dict.fromkeys(found.months, 0)
    month = beijing_month(Review.issued_at, dialect)
    for value, days, timely, is_opinion, n in session.execute(
        summary_reads.reviews_by_month(first_month, last_month, where[summary.REVIEWS])
        if kept
        else sa.select(month, Review.working_days, on_time, opinion, sa.func.count())
        .where(
            Review.status == "issued",
            Review.issued_at >= scan_from,
            Review.issued_at < scan_to,
            *_review_scope(filters),
        )
        .group_by(month, Review.working_days, on_time, opinion)
    ):
        m = month_key(value)
        if is_opinion and m in found.reviewed:
            found.reviewed[m] += n
        if m.startswith(year_prefix) and days is not None:
            found.turnaround[days] += n
            if timely:
                found.on_time += n

    _workload(
        session,
        found,
        in_scope,
        summary_reads.reviews_per_advisor(
            filters.year,
            summary_reads.scope(
                summary.REVIEWS,
                filters.district,
                filters.level,
                filters.law_firm_id,
                per_advisor=True,
            ),
        )
        if kept
        else _reviews_per_advisor(issued_in_year),
    )

    found.rules = [
        (rule, int(n))
        for rule, n in session.execute(
            summary_reads.top_rules(filters.year, where[summary.HITS], TOP_RULES)
            if kept
            else sa.select(PrecheckHit.rule, sa.func.count())
            .join(Contract, Contract.id == PrecheckHit.contract_id)
            .where(*submitted_in_year, *in_scope)
            .group_by(PrecheckHit.rule)
            .order_by(sa.func.count().desc(), PrecheckHit.rule)
            .limit(TOP_RULES)
        )
    ]
    for dimension, severity, n in session.execute(
        summary_reads.findings(filters.year, where[summary.FINDINGS])
        if kept
        else sa.select(Finding.dimension, Finding.severity, sa.func.count())
        .join(Review, Review.id == Finding.review_id)
        .where(*issued_in_year)
        .group_by(Finding.dimension, Finding.severity)
    ):
        found.findings_by_dimension[dimension] += n
        found.findings_by_severity[severity] += n

    _idle_schools(session, found, submitted_in_year)

    found.districts = list(
        session.scalars(
            sa.select(School.district)
            .where(School.district != "")
            .distinct()
            .order_by(School.district)
        )
    )
    found.law_firms = [
        (row.id, row.name)
        for row in session.execute(sa.select(LawFirm.id, LawFirm.name).order_by(LawFirm.name))
    ]
    return found


def _overdue(
    session: orm.Session,
    found: Dashboard,
    in_scope: list[sa.ColumnElement[bool]],
    calendar: BureauCalendar,
) -> None:
    late = [Contract.status.in_(ACTIVE), Contract.due_on < found.today, *in_scope]
    rows = session.execute(
        sa.select(
            Contract.id,
            Contract.title,
            School.name,
            Advisor.name,
            Contract.due_on,
            sa.func.count().over(),
        )
        .join(School, School.id == Contract.school_id)
        .join(Advisor, Advisor.id == Contract.advisor_id)
        .where(*late)
        .order_by(Contract.due_on, Contract.id)
        .limit(OVERDUE_SHOWN)
    ).all()
    found.overdue = [
        Overdue(cid, title, school, advisor, due, working_days_between(due, found.today, calendar))
        for cid, title, school, advisor, due, _ in rows
        if due is not None  # always: the query asks for due_on < today
    ]
    found.overdue_total = rows[0][-1] if rows else 0


def _month_start(month: str, *, after: bool = False) -> datetime:
    """The instant a Beijing month 'YYYY-MM' starts (or the next one, ``after``)."""
    number = int(month[:4]) * 12 + int(month[5:]) - 1 + after  # months since year 0
    return datetime.combine(date(number // 12, number % 12 + 1, 1), time(), BEIJING)


def _reviews_per_advisor(
    issued_in_year: list[sa.ColumnElement[bool]],
) -> sa.Select[*tuple[Any, ...]]:
    """(advisor, opinions, minutes, reviews) of the reviews issued in the year."""
    opinion = sa.case((Review.outcome != "return", 1), else_=0)
    return (
        sa.select(
            Review.advisor_id,
            sa.func.sum(opinion),
            sa.func.sum(Review.minutes_spent),
            sa.func.count(),
        )
        .where(*issued_in_year)
        .group_by(Review.advisor_id)
    )


def _workload(
    session: orm.Session,
    found: Dashboard,
    in_scope: list[sa.ColumnElement[bool]],
    per_advisor: sa.Select[*tuple[Any, ...]],
) -> None:
    advisors = sa.select(Advisor.id, Advisor.name, LawFirm.name, Advisor.is_active).join(
        LawFirm, LawFirm.id == Advisor.law_firm_id
    )
    if found.filters.law_firm_id:
        advisors = advisors.where(Advisor.law_firm_id == found.filters.law_firm_id)
    rows: dict[int, Workload] = {}
    inactive: set[int] = set()  # listed only for work done: open contracts or reviews
    for aid, name, firm, active in session.execute(advisors):
        rows[aid] = Workload(aid, name, firm)
        if not active:
            inactive.add(aid)
    for aid, n in session.execute(
        sa.select(Contract.advisor_id, sa.func.count())
        .where(Contract.status.in_(OPEN), *in_scope)
        .group_by(Contract.advisor_id)
    ):
        if aid in rows:
            rows[aid].open = n
    for aid, reviewed, minutes, issued in session.execute(per_advisor):
        if aid in rows:
            rows[aid].reviewed, rows[aid].minutes, rows[aid].issued = (
                int(reviewed or 0),
                int(minutes or 0),
                int(issued),
            )
    found.workload = sorted(
        (w for w in rows.values() if w.advisor_id not in inactive or w.open or w.issued),
        key=lambda w: (-w.open, -w.reviewed, w.name),
    )


def _idle_schools(
    session: orm.Session, found: Dashboard, submitted_in_year: list[sa.ColumnElement[bool]]
) -> None:
    conditions: list[sa.ColumnElement[bool]] = [
        School.is_active.is_(True),
        ~sa.exists().where(Contract.school_id == School.id, *submitted_in_year),
    ]
    schools = school_scope(found.filters)
    if schools is not None:
        conditions.append(schools)
    if found.filters.law_firm_id:
        conditions.append(
            sa.exists().where(
                Assignment.school_id == School.id,
                Assignment.kind == AssignmentKind.PRIMARY.value,
                Assignment.ends_on.is_(None),
                Assignment.advisor_id.in_(
                    sa.select(Advisor.id).where(Advisor.law_firm_id == found.filters.law_firm_id)
                ),
            )
        )
    rows = session.execute(
        sa.select(School.id, School.name, School.district, sa.func.count().over())
        .where(*conditions)
        .order_by(School.district, School.name, School.id)
        .limit(LIST_LIMIT)
    ).all()
    found.idle_schools = [(sid, name, district) for sid, name, district, _ in rows]
    found.idle_total = rows[0][-1] if rows else 0
