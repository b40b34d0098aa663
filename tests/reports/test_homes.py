"""Turnaround in working days as the review service records it, and the advisor's and the
school's home pages: their own work only."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
import time_machine
from flask.testing import FlaskClient
from sqlalchemy import orm

from advisor.contracts.models import CalendarDay, Contract, ContractVersion
from advisor.evaluation.models import EvaluationResult
from advisor.ledger import queries as ledger
from advisor.ledger.services import correct_entry
from advisor.reports import homes
from advisor.reviews import services
from tests.conftest import QueryCounter, login
from tests.evaluation.helpers import rate, review, utc
from tests.factories.ledger import LEDGER_TODAY, add_ledger_entry, chain_of, entry_data
from tests.factories.people import advisor_user, holder
from tests.factories.reviews import review_data, start_review
from tests.reports.test_year import year_2025  # noqa: F401  (the fixture)


def _issue_after_national_day(session: orm.Session, issued_on: date) -> int | None:
    """Contract 1's version arrives on Tuesday 30 September 2025; the review is issued on
    ``issued_on``. Returns the working days recorded."""
    session.execute(
        sa.update(ContractVersion)
        .where(ContractVersion.contract_id == 1)
        .values(uploaded_at=datetime(2025, 9, 30, 2, tzinfo=UTC))  # 10:00 in Beijing
    )
    contract = session.get_one(Contract, 1)
    start_review(session, contract)
    issued = services.issue_review(
        session,
        actor=holder(session, contract),
        contract=contract,
        data=review_data("approve"),
        today=issued_on,
        now=datetime(issued_on.year, issued_on.month, issued_on.day, 2, tzinfo=UTC),
    )
    return issued.working_days


def test_turnaround_skips_the_national_day_holiday(session: orm.Session) -> None:
    # 1-8 October 2025 are the National Day and Mid-Autumn holiday; Thursday 9 October is
    # the first working day after 30 September. Saturday 11 October is a make-up working
    # day, so by then three working days have passed (9, 10 and 11 October).
    assert _issue_after_national_day(session, date(2025, 10, 9)) == 1


def test_turnaround_counts_the_bureau_calendar(session: orm.Session) -> None:
    # The bureau made 9 October a rest day too; 10 and 11 October remain.
    session.add(CalendarDay(day=date(2025, 10, 9), kind="rest", note="测试"))
    session.flush()
    assert _issue_after_national_day(session, date(2025, 10, 11)) == 2


def test_an_advisor_home_counts_only_their_own_year(session: orm.Session) -> None:
    # Advisor 1 holds contract 1 (submitted); advisor 2 holds contract 2.
    year = 2026
    mine_on_time = review(session, 1, utc(year, 1, 5, 2), date(year, 1, 9))
    mine_late = review(session, 1, utc(year, 1, 20, 2), date(year, 1, 9))
    mine_late.outcome = "return"
    review(session, 1, utc(year - 1, 6, 1, 2), date(year - 1, 6, 9))  # last year
    review(session, 2, utc(year, 1, 5, 2), date(year, 1, 9), contract_id=2)  # another advisor
    rate(session, mine_on_time, 4, utc(year, 1, 6, 2))
    session.flush()
    home = homes.advisor_home(session, advisor_user(session, 1), date(year, 12, 31))
    assert [c.id for c in home.queue] == [1] and home.queue_total == 1
    assert (home.opinions, home.returns, home.on_time, home.issued) == (1, 1, 1, 2)
    assert home.on_time_rate == 50.0 and home.ratings == 1 and str(home.average_rating) == "4.00"
    assert home.result is None


def test_an_advisor_homes_ledger_count_is_the_ledgers_own_total(session: orm.Session) -> None:
    # The home counts the year's current entries in its one statement of figures: the
    # same number as the ledger's totals, corrections (superseded entries) left out,
    # other advisors' entries and other years too.
    advisor = advisor_user(session, 1)
    first, second, _ = chain_of(session, 3)
    correct_entry(
        session,
        actor=advisor,
        original=first,
        data=entry_data(1, minutes=90, description="更正：咨询时长为九十分钟"),
        today=LEDGER_TODAY,
    )
    add_ledger_entry(session, advisor_user(session, 2), school_id=None)
    session.flush()
    home = homes.advisor_home(session, advisor, LEDGER_TODAY)
    this_year = ledger.Filters(date_from=date(LEDGER_TODAY.year, 1, 1), date_to=LEDGER_TODAY)
    assert home.ledger_entries == ledger.totals(session, advisor, this_year).entries == 3
    assert second.advisor_id == 1
    next_year = date(LEDGER_TODAY.year + 1, 1, 5)
    assert homes.advisor_home(session, advisor, next_year).ledger_entries == 0


def test_an_advisor_home_asks_four_statements(
    session: orm.Session, advisor1: FlaskClient, count_queries: QueryCounter
) -> None:
    # The session with the bell's count, the queue with its schools, the figures, the
    # latest evaluation: each statement is about a tenth of the page's cost under load.
    advisor1.get("/")  # the first request of a session records when it was seen
    count_queries.statements.clear()
    page = advisor1.get("/").get_data(as_text=True)
    assert 'data-testid="queue-row"' in page
    assert count_queries.count == 4, count_queries.statements


def test_a_school_home_shows_what_waits_and_who_advises(
    session: orm.Session, school1: FlaskClient
) -> None:
    session.execute(sa.update(Contract).where(Contract.id == 1).values(status="returned"))
    session.commit()
    home = homes.school_home(session, 1)
    assert [c.id for c in home.to_revise] == [1] and home.in_review == []
    assert home.serving.primary is not None and home.serving.primary.id == 1
    page = school1.get("/").get_data(as_text=True)
    assert 'data-testid="to-revise"' in page and "食堂食材采购合同" in page
    assert "校服采购合同" not in page  # school 2's contract
    assert home.serving.primary.name in page and home.serving.primary.phone in page
    assert 'data-testid="count-returned">1<' in page


def test_an_advisor_page_lists_the_queue_with_due_dates(
    session: orm.Session, advisor1: FlaskClient
) -> None:
    page = advisor1.get("/").get_data(as_text=True)
    assert page.count('data-testid="queue-row"') == 1 and "食堂食材采购合同" in page
    assert "校服采购合同" not in page
    assert 'data-testid="my-evaluation"' in page


def test_an_advisor_home_reads_the_average_rating_with_its_word(
    session: orm.Session, client: FlaskClient
) -> None:
    first = review(session, 1, utc(2026, 1, 5, 2), date(2026, 1, 9))
    second = review(session, 1, utc(2026, 2, 5, 2), date(2026, 2, 9))
    rate(session, first, 4, utc(2026, 1, 6, 2))
    rate(session, second, 5, utc(2026, 2, 6, 2))
    session.commit()
    with time_machine.travel(utc(2026, 6, 1, 2), tick=False):
        page = login(client, "advisor01@demo.local").get("/").get_data(as_text=True)
    # Halfway between 满意 and 非常满意 reads the lower word.
    assert 'data-testid="my-rating">4.5 分（满意）<' in page


def test_the_homes_stay_within_the_query_budget(
    advisor1: FlaskClient, school1: FlaskClient, count_queries: QueryCounter
) -> None:
    for client in (advisor1, school1):
        before = count_queries.count
        assert client.get("/").status_code == 200
        assert count_queries.count - before <= 20, count_queries.statements[before:]


@pytest.mark.usefixtures("year_2025")
def test_an_advisor_home_links_the_latest_published_evaluation(
    session: orm.Session, advisor1: FlaskClient
) -> None:
    session.commit()
    result = session.scalars(
        sa.select(EvaluationResult).where(EvaluationResult.advisor_id == 1)
    ).one()
    page = advisor1.get("/").get_data(as_text=True)
    assert f"/evaluations/{result.evaluation_id}/advisors/1" in page
    assert result.grade in page and f"第{result.rank}名" in page


def test_a_school_home_asks_to_record_the_signing_after_an_opinion(
    session: orm.Session, school1: FlaskClient
) -> None:
    session.execute(sa.update(Contract).where(Contract.id == 1).values(status="reviewed"))
    session.commit()
    page = school1.get("/").get_data(as_text=True)
    assert page.count('data-testid="to-close"') == 1 and "登记合同是否签订" in page
    assert 'data-testid="to-revise"' not in page
