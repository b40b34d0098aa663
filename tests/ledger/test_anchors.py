"""Anchors kept outside the database catch what the chain alone cannot: the last entries
removed together with a rewound head row (issue 16, item 9)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
import time_machine
from flask import Flask
from sqlalchemy import orm

from advisor.ledger import anchors
from advisor.ledger.models import LedgerEntry, LedgerHead
from advisor.reminders import scheduler
from tests.factories.ledger import chain_of, head, lift_append_only, remove

NOW = datetime(2026, 11, 16, 2, 30, tzinfo=UTC)


def _app(make_app: Callable[..., Flask], tmp_path: Path) -> tuple[Flask, Path]:
    path = tmp_path / "anchors" / "ledger-anchors.log"
    return make_app(anchor_path=path), path


def _cli(app: Flask, *args: str) -> tuple[int, str]:
    with time_machine.travel(NOW, tick=False):
        result = app.test_cli_runner().invoke(args=list(args))
    return result.exit_code, result.output


def _truncate(session: orm.Session, count: int) -> None:
    """Remove the last ``count`` entries and rewind the head row to the new end, as an
    attacker with database access would, so that the chain itself still verifies."""
    lift_append_only(session)
    last = session.scalars(
        sa.select(LedgerEntry).order_by(LedgerEntry.seq.desc()).limit(count + 1)
    ).all()
    for entry in last[:count]:
        remove(session, entry.id)
    new_end = last[count]
    session.execute(
        sa.update(LedgerHead)
        .where(LedgerHead.id == 1)
        .values(seq=new_end.seq, last_hash=new_end.hash)
    )
    session.expire_all()


def test_anchor_appends_the_head_once(
    make_app: Callable[..., Flask], session: orm.Session, tmp_path: Path
) -> None:
    app, path = _app(make_app, tmp_path)
    chain_of(session, 3)
    session.commit()
    status, output = _cli(app, "ledger", "anchor")
    end = head(session)
    line = f"2026-11-16T02:30:00+00:00 {end.seq} {end.last_hash}"
    assert status == 0 and line in output
    assert path.read_text() == line + "\n"
    _cli(app, "ledger", "anchor")  # the same head again: nothing new
    assert path.read_text() == line + "\n"
    chain_of(session, 1)
    session.commit()
    _cli(app, "ledger", "anchor")
    assert len(path.read_text().splitlines()) == 2


def test_truncation_after_an_anchor_is_reported(
    make_app: Callable[..., Flask], session: orm.Session, tmp_path: Path
) -> None:
    app, _ = _app(make_app, tmp_path)
    chain_of(session, 6)
    session.commit()
    anchored = head(session).seq
    assert _cli(app, "ledger", "anchor")[0] == 0
    assert _cli(app, "ledger", "verify")[0] == 0
    _truncate(session, 3)
    session.commit()
    status, output = _cli(app, "ledger", "verify")
    assert status == 1, output
    assert "Ledger intact" in output  # the chain alone cannot tell...
    assert (
        f"Ledger BROKEN: the anchor of 2026-11-16T02:30:00+00:00 names entry {anchored},"
        f" but the ledger ends at entry {anchored - 3}: 3 or more entries were removed."
    ) in output  # ...the anchor can


def test_expect_checks_an_anchor_kept_elsewhere(
    make_app: Callable[..., Flask], session: orm.Session, tmp_path: Path
) -> None:
    app, path = _app(make_app, tmp_path)
    chain_of(session, 4)
    session.commit()
    end = head(session)
    status, output = _cli(app, "ledger", "verify", "--expect", f"{end.seq}:{end.last_hash}")
    assert status == 0, output
    assert "No anchor in" in output and not path.exists()
    wrong = "0" * 64
    status, output = _cli(app, "ledger", "verify", "--expect", f"{end.seq}:{wrong}")
    assert status == 1
    assert f"entry {end.seq} has hash {end.last_hash}, not the anchor's {wrong}" in output
    status, output = _cli(app, "ledger", "verify", "--expect", "12:not-a-hash")
    assert status == 2 and "SEQ:HASH" in output


def test_a_damaged_anchor_log_is_reported_not_trusted(
    make_app: Callable[..., Flask], session: orm.Session, tmp_path: Path
) -> None:
    app, path = _app(make_app, tmp_path)
    chain_of(session, 2)
    session.commit()
    path.parent.mkdir(parents=True)
    path.write_text("garbage line\n")
    status, output = _cli(app, "ledger", "verify")
    assert status == 1
    assert f"1 lines of {path} are not anchors" in output


def test_the_daily_job_writes_an_anchor(
    make_app: Callable[..., Flask], session: orm.Session, tmp_path: Path
) -> None:
    app, path = _app(make_app, tmp_path)
    chain_of(session, 2)
    session.commit()
    end = head(session)
    result = scheduler.run_anchor(session, NOW, app.config["ADVISOR"])
    assert result.endswith(f"; 2026-11-16T02:30:00+00:00 {end.seq} {end.last_hash}")
    assert anchors.read_anchors(path) == ([anchors.Anchor(NOW, end.seq, end.last_hash)], 0)
    assert scheduler.JOBS["anchor"] == {"days": 1}


def test_an_empty_ledger_has_nothing_to_anchor(tmp_path: Path, session: orm.Session) -> None:
    session.execute(sa.update(LedgerHead).values(seq=0))
    assert anchors.append_anchor(session, tmp_path / "a.log", NOW) is None
    assert not (tmp_path / "a.log").exists()
