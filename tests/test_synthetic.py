"""The generated bureau: reproducible from its seed, consistent with the workflow's rules,
its ledger chain intact, and added after the demo bureau's own records."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask
from sqlalchemy import orm

from advisor import create_app
from advisor.contracts import calendar as bureau_calendar
from advisor.contracts.files import FileStore
from advisor.contracts.models import Contract, ContractVersion
from advisor.demo import synthetic
from advisor.extensions import alembic, db
from advisor.ledger.models import LedgerEntry, LedgerHead
from advisor.ledger.services import verify_chain
from advisor.reviews.models import Closing, Feedback, Review
from advisor.workdays import today_local, working_days_between
from tests.conftest import make_config

SMALL = synthetic.Scale(schools=40, advisors=8, contracts=400, entries=3_000)
TODAY = date(2026, 11, 27)
NOW = datetime(
    2026, 11, 27, 6, 30, tzinfo=UTC
)  # 14:30 in Beijing: the day's afternoon is yet to come


def _fresh(tmp: Path, seed: int) -> tuple[Flask, dict[str, int]]:
    app = create_app(make_config(tmp, f"sqlite:///{tmp / 'generated.db'}"))
    with app.app_context():
        alembic.upgrade()
        counts = synthetic.generate(
            db.session, SMALL, seed=seed, now=NOW, store=FileStore(tmp / "files")
        )
    return app, counts


def _digest(app: Flask) -> tuple[Any, ...]:
    with app.app_context():
        contracts = db.session.execute(
            sa.select(
                Contract.id, Contract.status, Contract.due_on, Contract.school_id, Contract.outcome
            ).order_by(Contract.id)
        ).all()
        reviews = db.session.execute(
            sa.select(Review.id, Review.outcome, Review.working_days, Review.issued_at).order_by(
                Review.id
            )
        ).all()
        head = db.session.scalar(sa.select(LedgerHead.last_hash))
    return tuple(contracts), tuple(reviews), head


def test_the_same_seed_gives_the_same_bureau(tmp_path: Path) -> None:
    first, counts = _fresh(tmp_path / "a", seed=7)
    again, _ = _fresh(tmp_path / "b", seed=7)
    other, _ = _fresh(tmp_path / "c", seed=8)
    assert counts["contracts"] == 400 and counts["ledger entries"] == 3_000
    assert counts["schools"] == 40 and counts["advisors"] == 8
    # Directory rows carry the time of generation; the work itself does not.
    assert _digest(first) == _digest(again)
    assert _digest(first) != _digest(other)


def test_the_generated_work_follows_the_workflow(tmp_path: Path) -> None:
    app, counts = _fresh(tmp_path, seed=3)
    with app.app_context():
        session = db.session
        assert verify_chain(session).ok
        calendar = bureau_calendar.load(session)
        rows = session.execute(
            sa.select(Review, ContractVersion.uploaded_at).join(
                ContractVersion, ContractVersion.id == Review.version_id
            )
        ).all()
        assert len(rows) == counts["reviews"] > 300
        for review, uploaded_at in rows:
            assert review.issued_at is not None and uploaded_at <= review.issued_at <= NOW
            issued_on = today_local(review.issued_at)
            assert issued_on <= TODAY
            assert review.working_days == working_days_between(
                today_local(uploaded_at), issued_on, calendar
            )
        last: dict[int, Review] = {}
        for review, _ in sorted(rows, key=lambda r: r[0].id):
            last[review.contract_id] = review
        statuses = Counter[str]()
        for contract in session.scalars(sa.select(Contract)):
            statuses[contract.status] += 1
            final = last.get(contract.id)
            if contract.status in ("reviewed", "closed"):
                assert final is not None and final.outcome == contract.outcome != "return"
            elif contract.status == "returned":
                assert final is not None and final.outcome == "return"
                assert contract.days_left is not None and contract.days_left >= 1
            elif contract.status in ("submitted", "in_review"):
                assert final is None or final.outcome == "return"
                assert contract.due_on is not None
        # Three years of work: most closed, some pipeline of today, a few overdue.
        assert statuses["closed"] > statuses["reviewed"] > 0 and statuses["withdrawn"] > 0
        assert statuses["submitted"] + statuses["in_review"] > 0
        entries = session.scalar(
            sa.select(sa.func.count()).where(LedgerEntry.review_id.is_not(None))
        )
        assert entries == len(rows)
        # Nothing happened after NOW, and the ledger was appended in the order recorded.
        for column in (
            Contract.submitted_at,
            ContractVersion.uploaded_at,
            Feedback.created_at,
            Closing.closed_at,
            LedgerEntry.created_at,
        ):
            assert session.scalar(sa.select(sa.func.max(column))) <= NOW
        recorded = session.scalars(sa.select(LedgerEntry.created_at).order_by(LedgerEntry.seq))
        stamps = list(recorded)
        assert stamps == sorted(stamps)


def test_work_is_added_after_the_demo_bureau(session: orm.Session, app: Flask) -> None:
    before = session.scalar(sa.select(sa.func.max(Contract.id))) or 0
    seq = session.scalar(sa.select(LedgerHead.seq)) or 0
    counts = synthetic.generate(
        session,
        synthetic.Scale(schools=0, advisors=0, contracts=120, entries=500),
        seed=1,
        now=NOW,
        store=FileStore(app.config["ADVISOR"].files_dir),
    )
    assert "schools" not in counts  # the demo bureau's directory is used as it is
    ids = session.scalars(sa.select(Contract.id).where(Contract.id > before)).all()
    assert len(ids) == 120
    demo_schools = set(session.scalars(sa.text("SELECT id FROM school")))
    assert set(session.scalars(sa.select(Contract.school_id).where(Contract.id > before))) <= (
        demo_schools
    )
    assert session.scalar(sa.select(LedgerHead.seq)) == seq + 500
    assert verify_chain(session).ok


def test_the_command_leaves_a_database_with_contracts_alone(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["demo", "generate", "--if-empty"])
    assert result.exit_code == 0 and "already has contracts" in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Contract)) == 2


def test_the_command_generates_the_city_for_the_demo_bureau(app: Flask) -> None:
    result = app.test_cli_runner().invoke(
        args=["demo", "generate", "--seed", "2", "--now", "2026-11-27T14:30:00+08:00"]
    )
    assert result.exit_code == 0, result.output
    assert "contracts" in result.output and "900" in result.output
    assert "Model contracts: 4 published, 5 contracts started from them." in result.output
    with app.app_context():
        # the suite's 2, the city's 900 and 5 started from the demo's model contracts
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Contract)) == 907
        assert db.session.scalar(sa.select(sa.func.max(LedgerEntry.created_at))) <= NOW
        assert verify_chain(db.session).ok


def test_the_command_refuses_a_time_without_its_offset(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["demo", "generate", "--now", "2026-11-27T14:30:00"])
    assert result.exit_code == 2 and "offset" in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Contract)) == 2


def test_advisors_have_habits_in_fixed_shares() -> None:
    advisors = list(range(1, 36))
    habits = synthetic.draw_habits(advisors, random.Random(1))
    assert habits == synthetic.draw_habits(advisors, random.Random(1))
    assert habits != synthetic.draw_habits(advisors, random.Random(2))
    diligence = sorted(h.diligence for h in habits.values())
    # 15 % diligent (5 of 35) at 1.5-2 times the usual work, 20 % slack (7) at under 0.6.
    assert sum(d >= 1.5 for d in diligence) == 5 and sum(d < 0.6 for d in diligence) == 7
    assert sum(h.late_share >= 0.35 for h in habits.values()) == 2  # often late
    assert sum(h.late_records >= 0.4 for h in habits.values()) == 5  # enter work weeks late
    assert all(3.3 <= h.rating <= 4.7 for h in habits.values())
    assert synthetic.draw_habits([7], random.Random(1))[7].diligence >= 1.5  # one: diligent
