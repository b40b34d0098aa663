"""Monthly completeness per advisor: entries per month, entries recorded more than 7 days
after the work, issued reviews without an entry; the page for an advisor and the bureau."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from unittest import mock

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import orm

from advisor.contracts.models import Contract, ContractVersion
from advisor.ledger import completeness, services
from advisor.reviews.models import Review
from advisor.workdays import today_local
from tests.factories.contracts import current_contract
from tests.factories.people import advisor_user
from tests.factories.reviews import issue_review, start_review
from tests.pages import text_of, zh

ADVISOR = 7


def record(session: orm.Session, on: date, advisor_id: int = ADVISOR) -> None:
    services.record_work(
        session,
        entry_on=on,
        advisor_id=advisor_id,
        school_id=7,
        kind="consultation",
        description=f"{on} 的咨询",
        minutes=30,
    )


def row_of(session: orm.Session, year: int, advisor_id: int = ADVISOR) -> completeness.AdvisorYear:
    rows = completeness.by_advisor_month(session, year, today=today_local(), advisor_id=advisor_id)
    assert [r.advisor_id for r in rows] == [advisor_id]
    return rows[0]


def test_entries_and_late_entries_are_counted_per_month(session: orm.Session) -> None:
    today = today_local()
    year = today.year
    # Recorded now: late when the work is more than 7 days old (offsets far from the edge).
    offsets = [0, 1, 10, 40, 41, 70, 200, 400]
    days = [today - timedelta(days=n) for n in offsets]
    for day in days:
        record(session, day)
    record(session, today - timedelta(days=5), advisor_id=ADVISOR + 1)
    session.flush()
    in_year = [(d, n) for d, n in zip(days, offsets, strict=True) if d.year == year]
    row = row_of(session, year)
    assert row.entries == dict(Counter(d.month for d, _ in in_year))
    late = Counter(d.month for d, n in in_year if n >= 10)
    assert {m: n for m, n in row.late.items() if n} == dict(late)
    months = completeness.months_so_far(year, today)
    assert months == today.month
    assert row.empty_months(months) == [
        m for m in range(1, months + 1) if m not in {d.month for d, _ in in_year}
    ]
    assert row.reviews_without_entry == 0


def test_a_past_year_has_twelve_months_and_a_future_year_none() -> None:
    today = date(2026, 5, 20)
    assert completeness.months_so_far(2025, today) == 12
    assert completeness.months_so_far(2026, today) == 5
    assert completeness.months_so_far(2027, today) == 0


def test_every_active_advisor_has_a_row(session: orm.Session) -> None:
    rows = completeness.by_advisor_month(session, 2026, today=today_local())
    assert len(rows) == 35
    assert [r.advisor_id for r in rows] == list(range(1, 36))


def test_an_entry_recorded_on_the_eighth_local_day_is_late_whatever_the_utc_date(
    session: orm.Session,
) -> None:
    # Work on 2 March; recorded on 10 March at 07:30 in Beijing, which is still 9 March
    # in UTC. Eight days after the work, so late; a day earlier is in time.
    recorded = {
        date(2026, 3, 2): datetime(2026, 3, 9, 23, 30, tzinfo=UTC),  # 10 March 07:30 local
        date(2026, 5, 4): datetime(2026, 5, 11, 15, 30, tzinfo=UTC),  # 11 May 23:30 local
    }
    for on, at in recorded.items():
        with mock.patch.object(services, "utcnow", return_value=at):
            record(session, on)
    row = row_of(session, 2026)
    assert (row.entries[3], row.entries[5]) == (1, 1)
    assert (row.late.get(3, 0), row.late.get(5, 0)) == (1, 0)


def test_an_issued_review_without_an_entry_is_counted(session: orm.Session) -> None:
    contract = session.get(Contract, 2)
    assert contract is not None
    version = session.scalar(
        sa.select(ContractVersion.id).where(ContractVersion.contract_id == contract.id)
    )
    assert version is not None
    session.add(
        Review(
            contract_id=contract.id,
            version_id=version,
            advisor_id=ADVISOR,
            author_id=advisor_user(session, ADVISOR).id,
            status="issued",
            outcome="approve",
            summary="同意签订。",
            minutes_spent=40,
            issued_at=datetime(2026, 3, 4, 2, 0, tzinfo=UTC),
        )
    )
    # A review issued the normal way has its entry and is not counted.
    contract = current_contract(session, 1)
    start_review(session, contract)
    issue_review(session, contract, "approve", minutes=75)
    session.flush()
    assert row_of(session, 2026).reviews_without_entry == 1
    assert row_of(session, 2026, advisor_id=1).reviews_without_entry == 0


def test_the_page_shows_an_advisor_its_own_row_and_the_bureau_every_row(
    app: Flask,
    session: orm.Session,
    advisor1: FlaskClient,
    bureau: FlaskClient,
    school1: FlaskClient,
) -> None:
    record(session, today_local(), advisor_id=1)
    session.commit()
    title = zh(app, "Ledger completeness")
    own = advisor1.get("/ledger/completeness")
    assert own.status_code == 200
    page = text_of(own)
    assert title in page
    body = page.split("<tbody>")[1].split("</tbody>")[0]
    assert body.count("<tr>") == 1
    assert "张伟" in body and "王芳" not in body
    everyone = text_of(bureau.get(f"/ledger/completeness?year={today_local().year}"))
    body = everyone.split("<tbody>")[1].split("</tbody>")[0]
    assert body.count("<tr>") == 35
    assert "张伟" in body and "王芳" in body
    assert bureau.get("/ledger/completeness?year=1999").status_code == 200
    assert school1.get("/ledger/completeness").status_code == 403
