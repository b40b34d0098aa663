"""The summary tables against a full recount: a small bureau's work over two years,
refreshed, must give the dashboard and the yearly figures exactly as counting the base rows
gives them, for every filter; a base row changed since the refresh is what the check
names, and a refresh puts it right. The job runs as the scheduler runs its jobs."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import orm

from advisor.contracts import calendar as bureau_calendar
from advisor.contracts.models import Contract
from advisor.directory.models import Advisor, School
from advisor.extensions import db
from advisor.reminders import scheduler
from advisor.reminders.models import JobRun
from advisor.reports import dashboard, summary, summary_refresh
from advisor.reports.dashboard import Filters
from advisor.reports.figures import year_figures
from advisor.reviews.models import Finding
from tests.evaluation.helpers import entry
from tests.factories.contracts import submit_contract
from tests.factories.reviews import issue_review, start_review

TODAY = date(2026, 11, 16)  # the suite's day
REFRESHED = datetime(2026, 11, 16, 1, 0, tzinfo=UTC)  # 09:00 in Beijing
YEARS = (2025, 2026)
# (school, Beijing day submitted, type, amount, reviews as (outcome, day issued))
WORK = [
    (1, date(2025, 3, 3), "catering", "12000.00", [("return", date(2025, 3, 5))]),
    (1, date(2025, 6, 2), "lease", "300000.00", [("approve", date(2025, 6, 6))]),
    (9, date(2025, 9, 1), "procurement", "8600.50", [("approve_with_changes", date(2025, 9, 3))]),
    (9, date(2025, 12, 29), "service", "45000.00", [("reject", date(2026, 1, 5))]),
    (9, date(2026, 6, 1), "uniform", "23000.00", [("approve_with_changes", date(2026, 6, 3))]),
    (40, date(2025, 11, 3), "uniform", "99000.00", []),
    (40, date(2026, 2, 2), "catering", "15000.00", [("approve", date(2026, 2, 4))]),
    (55, date(2026, 4, 1), "school_bus", "70000.00", [("return", date(2026, 4, 3))]),
    (55, date(2026, 9, 1), "construction", "250000.00", []),
    (30, date(2026, 10, 12), "procurement", "5000.00", [("approve", date(2026, 10, 14))]),
]


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 2, tzinfo=UTC)  # 10:00 in Beijing


@pytest.fixture()
def bureau_work(app: Flask, session: orm.Session) -> None:
    """WORK submitted and reviewed through the services (the pre-check and the reviews'
    findings as they make them), and ledger work in both years, one entry corrected."""
    for school, day, kind, amount, reviews in WORK:
        contract = submit_contract(
            app, session, school, today=day, contract_type=kind, amount=Decimal(amount)
        )
        for outcome, issued in reviews:
            start_review(session, contract, now=_at(issued))
            issue_review(session, contract, outcome, today=issued, now=_at(issued))
    for advisor, on, kind in [
        (1, date(2025, 2, 10), "consultation"),
        (1, date(2025, 5, 12), "lecture"),
        (2, date(2026, 3, 2), "consultation"),
        (5, date(2026, 8, 3), "dispute_mediation"),
    ]:
        entry(session, advisor, on, kind, _at(on))
    wrong = entry(session, 3, date(2026, 5, 6), "consultation", _at(date(2026, 5, 6)))
    entry(session, 3, date(2026, 5, 6), "lecture", _at(date(2026, 5, 7)), supersedes=wrong)
    session.flush()


def _filters(session: orm.Session, year: int) -> list[Filters]:
    """No filter, the district of school 40, the level of school 9, the law firm of school
    1's advisor; each for ``year``."""
    district = session.get_one(School, 40).district
    level = session.get_one(School, 9).level
    advisor = session.scalar(sa.select(Contract.advisor_id).where(Contract.school_id == 1))
    firm = session.get_one(Advisor, advisor).law_firm_id
    return [
        Filters(year),
        Filters(year, district=district),
        Filters(year, level=level),
        Filters(year, law_firm_id=firm),
    ]


def _board(session: orm.Session, filters: Filters, *, live: bool) -> dashboard.Dashboard:
    board = dashboard.build(session, filters, TODAY, bureau_calendar.load(session), live=live)
    return dataclasses.replace(board, computed_at=REFRESHED, refreshed_at=None)


@pytest.mark.usefixtures("bureau_work")
def test_the_dashboard_from_summaries_is_the_dashboard_counted_live(
    session: orm.Session,
) -> None:
    done = summary_refresh.refresh(session, REFRESHED)
    assert done.rows > 0 and summary.last_refresh(session) == REFRESHED
    for year in YEARS:
        for filters in _filters(session, year):
            kept = dashboard.build(session, filters, TODAY, bureau_calendar.load(session))
            assert kept.refreshed_at == REFRESHED
            live = _board(session, filters, live=True)
            assert live.submitted, filters  # something to compare
            assert live.issued or filters.narrowed
            assert _board(session, filters, live=False) == live, filters


@pytest.mark.usefixtures("bureau_work")
def test_the_yearly_figures_from_summaries_are_the_figures_counted_live(
    session: orm.Session,
) -> None:
    summary_refresh.refresh(session, REFRESHED)
    for year in YEARS:
        kept = year_figures(session, year)
        live = year_figures(session, year, live=True)
        assert kept.refreshed_at == REFRESHED and live.refreshed_at is None
        assert live.contracts_reviewed and live.findings and live.ledger  # something to compare
        assert dataclasses.replace(kept, refreshed_at=None) == live, year


@pytest.mark.usefixtures("bureau_work")
def test_before_the_first_refresh_the_pages_count_the_base_rows(session: orm.Session) -> None:
    for filters in _filters(session, 2025):
        board = dashboard.build(session, filters, TODAY, bureau_calendar.load(session))
        assert board.refreshed_at is None
        assert dataclasses.replace(board, computed_at=REFRESHED) == _board(
            session, filters, live=True
        )
    assert year_figures(session, 2026).refreshed_at is None


@pytest.mark.usefixtures("bureau_work")
def test_the_check_names_what_changed_since_the_refresh(app: Flask, session: orm.Session) -> None:
    runner = app.test_cli_runner()
    never = runner.invoke(args=["reports", "check-summaries"])
    assert never.exit_code == 1 and "never refreshed" in never.output
    summary_refresh.refresh(session, REFRESHED)
    session.commit()  # a savepoint: the command's session sees it
    assert summary.check(session) == []
    clean = runner.invoke(args=["reports", "check-summaries"])
    assert clean.exit_code == 0, clean.output

    finding = session.scalars(sa.select(Finding).order_by(Finding.id.desc())).first()
    assert finding is not None
    finding.severity = "high" if finding.severity != "high" else "low"
    session.commit()
    found = runner.invoke(args=["reports", "check-summaries"])
    assert found.exit_code == 1
    assert "summary_finding (" in found.output and "stored nothing, counted n=1" in found.output
    named = [line for line in found.output.splitlines() if line.startswith("summary_")]
    # The old cell and the new, of the school and advisor and of the bureau-wide sums.
    assert summary.check(session) == named and len(named) == 4

    refreshed = runner.invoke(args=["reports", "refresh-summaries"])
    assert refreshed.exit_code == 0 and "Summary tables refreshed" in refreshed.output
    again = runner.invoke(args=["reports", "check-summaries"])
    assert again.exit_code == 0, again.output


@pytest.mark.usefixtures("bureau_work")
def test_the_job_refreshes_as_the_scheduler_runs_its_jobs(app: Flask) -> None:
    assert scheduler.JOBS["summaries"] == {"minutes": 5}
    with app.app_context():
        result = scheduler.run_job("summaries", now=REFRESHED)
        assert result.startswith("summary tables refreshed: ")
        run = db.session.get_one(JobRun, "summaries")
        assert run.started_at == REFRESHED and run.result == result
        assert summary.last_refresh(db.session) == REFRESHED
        assert summary.check(db.session) == []


def test_a_refresh_replaces_the_figures_it_rebuilds(session: orm.Session) -> None:
    """Twice in a row: the same rows, not twice as many."""
    first = summary_refresh.refresh(session, REFRESHED)
    second = summary_refresh.refresh(session, REFRESHED, full=True)
    assert first.rows == second.rows
    everyone = summary.CONTRACTS.c.advisor_id.is_(None)
    for bureau_wide in (everyone, ~everyone):  # the sums, and the rows they sum
        counted = session.scalar(sa.select(sa.func.sum(summary.CONTRACTS.c.n)).where(bureau_wide))
        assert counted == session.scalar(sa.select(sa.func.count(Contract.id)))


@pytest.mark.usefixtures("bureau_work")
def test_the_pages_say_how_fresh_their_figures_are(
    bureau: FlaskClient, session: orm.Session
) -> None:
    before = bureau.get("/?year=2025").get_data(as_text=True)
    assert 'data-testid="refreshed-at"' not in before
    summary_refresh.refresh(session, REFRESHED)
    session.commit()
    for url in ("/?year=2025&fresh=1", "/reports/year/2025"):
        page = bureau.get(url, headers={"Accept-Language": "zh"}).get_data(as_text=True)
        assert 'data-testid="refreshed-at"' in page, url
        assert "数据更新于 2026年11月16日 09:00" in page and "每 5 分钟更新" in page, url
    english = bureau.get("/reports/year/2025", headers={"Accept-Language": "en"})
    text = english.get_data(as_text=True)
    assert "Figures as of" in text and "every 5 minutes" in text
