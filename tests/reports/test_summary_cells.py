"""The summary tables refreshed cell by cell: every write marks the cells it changes (the
old and the new when a row moves) in its own transaction, and a refresh rebuilds only
those, giving exactly what a full recount gives and leaving every other row alone."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy import orm

from advisor.contracts import services as contracts
from advisor.contracts.models import Contract
from advisor.directory.models import Advisor
from advisor.ledger.models import LedgerEntry
from advisor.precheck.models import PrecheckHit
from advisor.reports import summary, summary_cells, summary_refresh
from advisor.reviews.models import Review
from tests.evaluation.helpers import entry
from tests.factories.contracts import submit_contract
from tests.factories.people import bureau_user, school_user
from tests.factories.reviews import issue_review, start_review
from tests.reports.test_summary import REFRESHED, bureau_work  # noqa: F401 (a fixture)

LATER = datetime(2026, 11, 16, 1, 5, tzinfo=UTC)


def _contract(session: orm.Session, school: int, kind: str, year: int = 0) -> Contract:
    """The school's contract of that type (of WORK, in bureau_work; submitted in ``year``
    if given, apart from the suite's sample contracts)."""
    found = sa.select(Contract).where(Contract.school_id == school, Contract.contract_type == kind)
    if year:
        found = found.where(
            Contract.submitted_at >= datetime(year, 1, 1, tzinfo=UTC),
            Contract.submitted_at < datetime(year + 1, 1, 1, tzinfo=UTC),
        )
    return session.scalars(found).one()


def _review(session: orm.Session, contract: Contract) -> Review:
    return session.scalars(sa.select(Review).where(Review.contract_id == contract.id)).one()


def _other_advisor(session: orm.Session, contract: Contract) -> Advisor:
    return session.scalars(
        sa.select(Advisor)
        .where(Advisor.is_active.is_(True), Advisor.id != contract.advisor_id)
        .order_by(Advisor.id)
    ).first()  # type: ignore[return-value]


def _tables(session: orm.Session) -> dict[str, list[tuple[Any, ...]]]:
    """Every summary table's rows, in a fixed order, amounts to the cent."""

    def plain(value: Any) -> Any:
        return (
            Decimal(value).quantize(summary.CENT) if isinstance(value, Decimal | float) else value
        )

    return {
        table.name: sorted(
            (tuple(plain(v) for v in row) for row in session.execute(sa.select(*table.columns))),
            key=repr,
        )
        for table in summary.TABLES
    }


def _identities(session: orm.Session, table: sa.Table) -> dict[str, tuple[Any, ...]]:
    """Each row of ``table`` by its physical identity (SQLite's rowid, PostgreSQL's ctid),
    which a row keeps until it is deleted."""
    dialect = session.get_bind().dialect.name
    where = sa.literal_column("rowid" if dialect == "sqlite" else "ctid")
    rows = session.execute(sa.select(sa.cast(where, sa.String), *table.columns))
    return {row[0]: tuple(row[1:]) for row in rows}


def _marked(session: orm.Session) -> set[tuple[str, int | None, int | None]]:
    rows = session.execute(sa.select(summary_cells.DIRTY).distinct())
    return {(month, school, advisor) for month, school, advisor in rows}


@pytest.mark.usefixtures("bureau_work")
def test_after_writes_of_every_kind_a_refresh_of_the_cells_is_a_full_recount(
    app: Flask, session: orm.Session
) -> None:
    summary_refresh.refresh(session, REFRESHED)
    bureau = bureau_user(session)

    # A contract submitted (the pre-check's hits with it), reviewed with findings and a
    # ledger entry; another handed to another advisor; a third withdrawn by its school.
    new = submit_contract(app, session, 30, today=date(2026, 11, 10), contract_type="lease")
    start_review(session, new, now=LATER)
    issue_review(session, new, "approve", today=date(2026, 11, 16), now=LATER)
    open_one = _contract(session, 55, "construction")
    contracts.reassign(
        session,
        actor=bureau,
        contract=open_one,
        advisor=_other_advisor(session, open_one),
        reason="回避",
        now=LATER,
    )
    waiting = _contract(session, 40, "uniform")
    contracts.withdraw(
        session, actor=school_user(session, 40), contract=waiting, reason="撤回", now=LATER
    )
    # Corrections of data: a contract reviewed the year after it came (school 9's
    # service, the only other write of school 9 being in 2025) moved to another advisor,
    # one to another school, an amount changed, a review re-dated into another month, a
    # finding made graver; and deletions in a cell nothing else writes (school 1's
    # returned catering contract of 2025-03): a finding, the pre-check's hits.
    reviewed = _contract(session, 9, "service")
    reviewed.advisor_id = _other_advisor(session, reviewed).id
    _contract(session, 1, "lease").school_id = 2
    _contract(session, 30, "procurement").amount = Decimal("5200.00")
    _review(session, _contract(session, 40, "catering")).issued_at = datetime(
        2026, 3, 4, 2, tzinfo=UTC
    )
    graver = _review(session, _contract(session, 9, "procurement")).findings[0]
    graver.severity = "high" if graver.severity != "high" else "low"
    returned = _contract(session, 1, "catering", 2025)
    review = _review(session, returned)
    review.findings.remove(review.findings[-1])
    hits = session.scalars(sa.select(PrecheckHit).where(PrecheckHit.contract_id == returned.id))
    assert [session.delete(hit) for hit in hits]
    # Ledger work: an entry, and a correction moved to another month.
    entry(session, 7, date(2026, 11, 2), "lecture", LATER)
    first = session.scalars(
        sa.select(LedgerEntry).where(LedgerEntry.advisor_id == 1, LedgerEntry.kind == "lecture")
    ).one()  # 2025-05-12
    entry(session, 1, date(2025, 3, 14), "lecture", LATER, supersedes=first)
    # A bulk statement, past the ORM.
    session.execute(
        sa.update(Contract).where(Contract.school_id == 55).values(contract_type="service")
    )
    session.flush()
    assert summary.check(session), "the writes changed nothing the summaries count"

    done = summary_refresh.refresh(session, LATER)
    assert done.cells is not None and done.cells > 0  # the cells, not every table
    assert summary_cells.pending(session) == 0
    assert summary.check(session) == []
    incremental = _tables(session)
    summary_refresh.refresh(session, LATER, full=True)
    assert _tables(session) == incremental


@pytest.mark.usefixtures("bureau_work")
def test_a_refresh_rebuilds_the_cells_written_and_nothing_else(session: orm.Session) -> None:
    summary_refresh.refresh(session, REFRESHED)
    before = {table: _identities(session, table) for table in summary.TABLES}
    # One school's findings of one month, one advisor's ledger of another.
    review = _review(session, _contract(session, 9, "procurement"))  # issued 2025-09
    review.findings[0].severity = "high" if review.findings[0].severity != "high" else "low"
    entry(session, 2, date(2026, 3, 20), "lecture", LATER)
    session.flush()

    done = summary_refresh.refresh(session, LATER)
    assert done.cells == 2
    assert summary.check(session) == []

    def rebuilt(table: sa.Table, row: tuple[Any, ...]) -> bool:
        values = dict(zip([c.name for c in table.columns], row, strict=True))
        if table is summary.REVIEWED:
            return values["year"] == 2025 and values["school_id"] == 9
        if table is summary.LEDGER:
            return values["month"] == "2026-03" and values["advisor_id"] in (2, None)
        return values["month"] == "2025-09" and values["school_id"] in (9, None)

    written = 0
    for table in summary.TABLES:
        after = _identities(session, table)
        kept = {k: v for k, v in before[table].items() if not rebuilt(table, v)}
        assert kept.items() <= after.items(), table.name  # untouched rows: the same rows
        new = {k: v for k, v in after.items() if k not in kept}
        assert all(rebuilt(table, v) for v in new.values()), table.name
        written += len(new)
    assert done.rows == written


@pytest.mark.usefixtures("bureau_work")
def test_a_write_marks_the_old_cell_and_the_new_in_its_transaction(
    session: orm.Session,
) -> None:
    summary_refresh.refresh(session, REFRESHED)
    assert _marked(session) == set()
    catering = _contract(session, 40, "catering")  # reviewed 2026-02
    nested = session.begin_nested()
    _review(session, catering).issued_at = datetime(2026, 3, 4, 2, tzinfo=UTC)
    session.flush()
    assert _marked(session) == {("2026-02", 40, None), ("2026-03", 40, None)}
    nested.rollback()  # the write undone: its marks with it
    assert _marked(session) == set()

    # The school changed: the contract's month and its reviews', for both schools.
    catering.school_id = 41
    session.flush()
    assert _marked(session) == {
        ("2026-02", 40, None),
        ("2026-02", 41, None),
    }
    summary_refresh.refresh(session, LATER)
    # A correction marks the month of the entry it replaces; a column no summary reads
    # marks nothing.
    wrong = entry(session, 4, date(2026, 1, 12), "consultation", LATER)
    summary_refresh.refresh(session, LATER)
    entry(session, 4, date(2026, 2, 3), "consultation", LATER, supersedes=wrong)
    catering.title = "食堂承包合同（更正）"
    session.flush()
    assert _marked(session) == {("2026-01", None, 4), ("2026-02", None, 4)}


@pytest.mark.usefixtures("bureau_work")
def test_the_command_refreshes_the_cells_or_with_full_every_table(
    app: Flask, session: orm.Session
) -> None:
    runner = app.test_cli_runner()
    first = runner.invoke(args=["reports", "refresh-summaries"])
    assert "every table" in first.output  # never refreshed: everything
    entry(session, 2, date(2026, 3, 20), "lecture", LATER)
    session.commit()
    cells = runner.invoke(args=["reports", "refresh-summaries"])
    assert cells.exit_code == 0 and "refreshed: 1 cells, " in cells.output, cells.output
    full = runner.invoke(args=["reports", "refresh-summaries", "--full"])
    assert full.exit_code == 0 and "every table" in full.output, full.output
    assert runner.invoke(args=["reports", "check-summaries"]).exit_code == 0
