"""Computed measures against hand-counted reviews, ratings and ledger entries of two advisors,
for a year and a quarter; Beijing-date edges; the statement count; parsing periods."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from flask import Flask
from flask_babel import force_locale
from sqlalchemy import orm

from advisor.evaluation.defaults import default_rule_set
from advisor.evaluation.measures import compute
from advisor.evaluation.rules import COMPUTED_MEASURES
from advisor.evaluation.scoring import score_advisor
from advisor.workdays import Period, parse_period
from tests.conftest import QueryCounter
from tests.evaluation.helpers import entry, rate, review, utc

D = Decimal
A, B, IDLE = 11, 12, 13  # demo advisors with no work of their own
AFTER = date(2026, 3, 10)  # a "today" after 2025 is over


@pytest.fixture()
def work(session: orm.Session) -> None:
    """A's and B's reviews, ratings and ledger entries; the expected figures are in the tests."""
    # A's reviews (Beijing = UTC + 8).
    r1 = review(session, A, utc(2025, 3, 10, 2), date(2025, 3, 12))  # on time
    r2 = review(session, A, utc(2025, 5, 20, 2), date(2025, 5, 15))  # late
    r3 = review(session, A, utc(2025, 8, 1, 2), None)  # no due date: on time
    # 10 June in UTC, but 11 June 00:30 in Beijing: one day late.
    r4 = review(session, A, utc(2025, 6, 10, 16, 30), date(2025, 6, 10))
    # 2026-01-01 01:00 in Beijing: 2026, not 2025.
    review(session, A, utc(2025, 12, 31, 17), date(2026, 1, 5))
    # 2025-01-01 00:30 in Beijing: 2025 and its first quarter.
    review(session, A, utc(2024, 12, 31, 16, 30), date(2025, 1, 2))
    review(session, A, None, None, contract_id=2)  # a draft: not issued, not counted

    rate(session, r1, 5, utc(2025, 3, 15, 2))
    rate(session, r2, 4, utc(2025, 5, 25, 2))
    rate(session, r3, 4, utc(2025, 8, 5, 2))
    rate(session, r4, 1, utc(2025, 12, 31, 16, 30))  # 2026-01-01 00:30 in Beijing

    # A's ledger; "late" is recorded on the 8th Beijing day after the work or later.
    entry(session, A, date(2025, 1, 15), "consultation", utc(2025, 1, 16, 2))
    entry(session, A, date(2025, 2, 10), "contract_review", utc(2025, 2, 10, 2))
    entry(session, A, date(2025, 3, 5), "lecture", utc(2025, 3, 20, 2))  # late
    # 15 April 23:30 in Beijing: the 7th day, in time.
    entry(session, A, date(2025, 4, 8), "dispute_mediation", utc(2025, 4, 15, 15, 30))
    # 13 May in UTC, but 14 May 00:30 in Beijing: the 8th day, late.
    entry(session, A, date(2025, 5, 6), "document_drafting", utc(2025, 5, 13, 16, 30))
    entry(session, A, date(2025, 6, 3), "training", utc(2025, 6, 3, 2))
    # August's only entry has the wrong date; its correction moves it to July (recorded late).
    wrong = entry(session, A, date(2025, 8, 20), "consultation", utc(2025, 8, 20, 2))
    entry(session, A, date(2025, 7, 20), "consultation", utc(2025, 8, 21, 2), supersedes=wrong)
    entry(session, A, date(2025, 9, 9), "lecture", utc(2025, 9, 9, 2))
    entry(session, A, date(2025, 10, 10), "consultation", utc(2025, 10, 10, 2))
    # November has none.
    entry(session, A, date(2025, 12, 31), "consultation", utc(2026, 1, 2, 2))
    entry(session, A, date(2026, 1, 5), "consultation", utc(2026, 1, 5, 2))

    # B: one late review, rated 3; one entry.
    r8 = review(session, B, utc(2025, 11, 3, 2), date(2025, 11, 1), contract_id=2)
    rate(session, r8, 3, utc(2025, 11, 10, 2))
    entry(session, B, date(2025, 11, 3), "contract_review", utc(2025, 11, 3, 2))


@pytest.mark.usefixtures("work")
def test_a_year_of_two_advisors_and_one_without_work(session: orm.Session, app: Flask) -> None:
    got = compute(session, parse_period("2025"), [A, B, IDLE], today=AFTER)
    assert list(got) == [A, B, IDLE]
    assert got[A].values == {
        # Issued in 2025 (Beijing): r1, r2, r3, r4 and the one of 1 January; on time: r1, r3
        # (no due date) and 1 January's; late: r2 and r4.
        "reviews_issued": D(5),
        "on_time_rate": D("0.6000"),
        "overdue_reviews": D(2),
        # Current entries of the four kinds: Jan, Feb, Apr, May, Jul (the correction), Oct, Dec.
        "matters_handled": D(7),
        "lectures_given": D(2),
        # 5, 4, 4; the 1 was given on 1 January 2026 in Beijing.
        "average_rating": D("4.3333"),
        "ratings_count": D(3),
        # All months but August (its only entry was superseded) and November.
        "months_with_entries_rate": D("0.8333"),
        # 10 current entries; late: March's lecture, May's drafting and July's correction.
        "timely_entries_rate": D("0.7000"),
        "redone_reviews": D(0),
    }
    assert got[B].values == {
        "reviews_issued": D(1),
        "on_time_rate": D("0.0000"),
        "overdue_reviews": D(1),
        "matters_handled": D(1),
        "lectures_given": D(0),
        "average_rating": D("3.0000"),
        "ratings_count": D(1),
        "months_with_entries_rate": D("0.0833"),
        "timely_entries_rate": D("1.0000"),
        "redone_reviews": D(0),
    }
    # No data: counts 0, no rates, but months without entries in a year that has begun.
    assert got[IDLE].values == {
        "reviews_issued": D(0),
        "on_time_rate": None,
        "overdue_reviews": D(0),
        "matters_handled": D(0),
        "lectures_given": D(0),
        "average_rating": None,
        "ratings_count": D(0),
        "months_with_entries_rate": D("0.0000"),
        "timely_entries_rate": None,
        "redone_reviews": D(0),
    }
    with app.test_request_context(), force_locale("en"):
        details = got[A].details
        assert details["on_time_rate"] == "3 of 5 reviews issued by their due date"
        assert details["overdue_reviews"] == "2 of 5 reviews issued after their due date"
        assert details["average_rating"] == "3 school ratings"  # the average is the value
        assert details["months_with_entries_rate"] == "10 of 12 months with ledger entries"
        assert details["timely_entries_rate"] == (
            "7 of 10 ledger entries recorded within 7 days of the work"
        )
        assert got[IDLE].details["on_time_rate"] == "no reviews issued in 2025"
        assert got[IDLE].details["timely_entries_rate"] == "no ledger entries in 2025"


@pytest.mark.usefixtures("work")
def test_every_value_is_a_decimal_or_none_for_every_computed_measure(
    session: orm.Session,
) -> None:
    for measured in compute(session, parse_period("2025"), [A, B, IDLE], today=AFTER).values():
        assert tuple(measured.values) == COMPUTED_MEASURES
        assert set(measured.details) == set(COMPUTED_MEASURES)
        assert all(v is None or type(v) is Decimal for v in measured.values.values())


@pytest.mark.usefixtures("work")
def test_a_quarter(session: orm.Session) -> None:
    got = compute(session, parse_period("2025-Q1"), [A, B], today=AFTER)
    a = got[A].values
    # Reviews of 1 January (Beijing) and 10 March, both on time; the rating of 15 March;
    # entries in January, February and March (the lecture, late).
    assert (a["reviews_issued"], a["on_time_rate"], a["overdue_reviews"]) == (D(2), D(1), D(0))
    assert (a["average_rating"], a["ratings_count"]) == (D(5), D(1))
    assert (a["matters_handled"], a["lectures_given"]) == (D(2), D(1))
    assert a["months_with_entries_rate"] == D("1.0000")
    assert a["timely_entries_rate"] == D("0.6667")
    b = got[B].values
    assert (b["reviews_issued"], b["on_time_rate"], b["average_rating"]) == (D(0), None, None)
    assert (b["months_with_entries_rate"], b["timely_entries_rate"]) == (D(0), None)
    assert got[A].details["months_with_entries_rate"] == "3 of 3 months with ledger entries"


@pytest.mark.usefixtures("work")
def test_a_timestamp_on_the_last_utc_evening_of_2025_belongs_to_2026(
    session: orm.Session,
) -> None:
    # Issued 2025-12-31 17:00 UTC and rated 2025-12-31 16:30 UTC: both 1 January in Beijing.
    a = compute(session, parse_period("2026"), [A], today=AFTER)[A].values
    assert (a["reviews_issued"], a["on_time_rate"]) == (D(1), D(1))
    assert (a["average_rating"], a["ratings_count"]) == (D(1), D(1))


@pytest.mark.usefixtures("work")
def test_a_running_period_counts_the_months_begun_and_a_future_one_has_no_month_rate(
    session: orm.Session, app: Flask
) -> None:
    mid_february = date(2026, 2, 15)
    # Computed as of mid-February, work of March (recorded later) does not count yet.
    entry(session, A, date(2026, 3, 2), "consultation", utc(2026, 3, 2, 2))
    running = compute(session, parse_period("2026-Q1"), [A], today=mid_february)[A]
    # January has 5 January's entry; February has begun and has none; March has not begun.
    assert running.values["months_with_entries_rate"] == D("0.5000")
    assert running.details["months_with_entries_rate"] == (
        "1 of 2 months so far with ledger entries"
    )
    future = compute(session, parse_period("2026-Q2"), [A], today=mid_february)[A]
    assert future.values["months_with_entries_rate"] is None
    with app.test_request_context(), force_locale("en"):
        assert future.details["months_with_entries_rate"] == "Q2 2026 has not begun"
    with app.test_request_context(), force_locale("zh"):
        assert future.details["months_with_entries_rate"] == "2026年第二季度 尚未开始"


@pytest.mark.usefixtures("work")
def test_the_values_score_with_the_default_rule_set(session: orm.Session) -> None:
    measured = compute(session, parse_period("2025"), [A], today=AFTER)[A]
    result = score_advisor(default_rule_set(), measured.values, period="year")
    on_time = next(i for i in result.items if i.key == "on_time")
    assert on_time.working.rate == D("0.6000")
    assert on_time.points == D("15.00")  # 60% of 25


@pytest.mark.usefixtures("work")
def test_the_statement_count_does_not_grow_with_the_advisors(
    session: orm.Session, count_queries: QueryCounter
) -> None:
    period = parse_period("2025")
    session.flush()
    before = count_queries.count
    two = compute(session, period, [A, B], today=AFTER)
    for_two = count_queries.count - before
    before = count_queries.count
    everyone = compute(session, period, today=AFTER)
    for_all = count_queries.count - before
    assert (len(two), len(everyone)) == (2, 35)
    assert for_two == for_all == 6
    assert everyone[A] == two[A]


def test_only_existing_advisors_are_returned(session: orm.Session) -> None:
    assert list(compute(session, parse_period("2025"), [A, 9999], today=AFTER)) == [A]
    assert compute(session, parse_period("2025"), [], today=AFTER) == {}


@pytest.mark.parametrize(
    ("text", "period", "start", "end", "months"),
    [
        ("2025", Period("year", 2025), date(2025, 1, 1), date(2025, 12, 31), 12),
        ("2025-Q1", Period("quarter", 2025, 1), date(2025, 1, 1), date(2025, 3, 31), 3),
        ("2024-Q2", Period("quarter", 2024, 2), date(2024, 4, 1), date(2024, 6, 30), 3),
        (" 2025-q3 ", Period("quarter", 2025, 3), date(2025, 7, 1), date(2025, 9, 30), 3),
        ("2025-Q4", Period("quarter", 2025, 4), date(2025, 10, 1), date(2025, 12, 31), 3),
    ],
)
def test_parse_period(text: str, period: Period, start: date, end: date, months: int) -> None:
    parsed = parse_period(text)
    assert parsed == period
    assert (parsed.start, parsed.end, parsed.months) == (start, end, months)
    assert parse_period(str(parsed)) == parsed


@pytest.mark.parametrize(
    "text", ["", "25", "2025-Q0", "2025-Q5", "2025Q1", "2025-Q1-Q2", "2025-03", "year", "0205"]
)
def test_parse_period_refuses_bad_text(text: str) -> None:
    with pytest.raises(ValueError):
        parse_period(text)


def test_months_begun() -> None:
    q2 = Period("quarter", 2026, 2)
    assert [q2.months_begun(date(2026, m, d)) for m, d in ((3, 31), (4, 1), (5, 31), (7, 1))] == [
        0,
        1,
        2,
        3,
    ]


@pytest.mark.usefixtures("work")
def test_the_records_behind_the_figures_name_late_reviews_and_empty_months(
    session: orm.Session,
) -> None:
    got = compute(session, parse_period("2025"), [A, B], today=AFTER)
    late = got[A].records["late_reviews"]
    # r2 (due 15 May, issued 20 May) and r4 (due 10 June, issued 11 June in Beijing).
    assert [(r["due_on"], r["issued_on"]) for r in late] == [
        ("2025-05-15", "2025-05-20"),
        ("2025-06-10", "2025-06-11"),
    ]
    assert all(r["contract_id"] and r["title"] for r in late)
    assert got[A].records["months_without_entries"] == ["2025-08", "2025-11"]
    assert len(got[B].records["months_without_entries"]) == 11
    assert got[B].records["late_reviews"][0]["due_on"] == "2025-11-01"
    # In a quarter still running only the months begun so far can be empty.
    running = compute(session, parse_period("2025-Q4"), [A], today=date(2025, 11, 20))[A]
    assert running.records["months_without_entries"] == ["2025-11"]
