"""Verification over plain rows, the verifications kept, and the incremental one: it
recomputes only what was added since the last verification that passed, catches a change
after that point, and leaves a change before it to the full verification; the daily job
uses it (issue 19, item 5)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import time_machine
from flask import Flask
from sqlalchemy import orm

from advisor.extensions import db
from advisor.ledger import anchors, services
from advisor.ledger.models import LedgerEntry, LedgerHead, LedgerVerification
from advisor.reminders import scheduler
from tests.factories.apps import separate_app
from tests.factories.ledger import chain_of, head, lift_append_only, remove, tamper

NOW = datetime(2026, 11, 16, 2, 30, tzinfo=UTC)
LATER = NOW + timedelta(days=1)


def _cli(app: Flask, *args: str, at: datetime = NOW) -> tuple[int, str]:
    with time_machine.travel(at, tick=False):
        result = app.test_cli_runner().invoke(args=["ledger", "verify", *args])
    return result.exit_code, result.output


def _app(make_app: Callable[..., Flask], tmp_path: Path) -> Flask:
    return make_app(anchor_path=tmp_path / "anchors" / "ledger-anchors.log")


def _verifications(session: orm.Session) -> list[tuple[int, str, bool, int, datetime]]:
    session.expire_all()
    rows = session.scalars(sa.select(LedgerVerification).order_by(LedgerVerification.id))
    return [(v.seq, v.hash, v.is_full, v.checked, v.verified_at) for v in rows]


def _verified_now(session: orm.Session, at: datetime = NOW) -> LedgerVerification:
    """A full verification that passed, kept as the CLI keeps it."""
    result = services.verify_chain(session)
    assert result.ok, result
    kept = services.record_verification(session, result, since=None, now=at)
    assert kept is not None
    session.commit()
    return kept


# --- plain rows ---------------------------------------------------------------------------


def test_verification_builds_no_entry_objects(session: orm.Session) -> None:
    chain_of(session, 5)
    session.commit()
    session.expunge_all()
    loaded: list[Any] = []

    def count(target: Any, _context: Any) -> None:
        loaded.append(target)

    sa.event.listen(LedgerEntry, "load", count)
    try:
        result = services.verify_chain(session, batch=2)
    finally:
        sa.event.remove(LedgerEntry, "load", count)
    assert (result.ok, result.checked) == (True, head(session).seq)
    assert loaded == []


def test_a_passing_verification_reports_the_head_it_reached(session: orm.Session) -> None:
    chain_of(session, 3)
    session.commit()
    end = head(session)
    result = services.verify_chain(session)
    assert (result.ok, result.end_seq, result.end_hash) == (True, end.seq, end.last_hash)


def test_an_entry_beyond_the_head_is_the_end_of_the_chain(session: orm.Session) -> None:
    entries = chain_of(session, 3)
    session.commit()
    # The head rewound by one entry, the entry left in place.
    session.execute(sa.update(LedgerHead).values(seq=entries[1].seq, last_hash=entries[1].hash))
    result = services.verify_chain(session)
    assert (result.ok, result.reason, result.first_bad_id) == (False, "end of chain", None)


# --- the incremental verification -------------------------------------------------------


def test_the_incremental_verification_checks_only_the_entries_added_since(
    session: orm.Session,
) -> None:
    chain_of(session, 4)
    since = _verified_now(session)
    chain_of(session, 3)
    session.commit()
    result, started_after = services.verify_since_last(session)
    end = head(session)
    assert started_after is not None and started_after.id == since.id
    assert (result.ok, result.checked) == (True, 3)
    assert (result.end_seq, result.end_hash) == (end.seq, end.last_hash)


def test_with_nothing_verified_yet_the_incremental_verification_is_a_full_one(
    session: orm.Session,
) -> None:
    session.execute(sa.delete(LedgerVerification))
    chain_of(session, 3)
    session.commit()
    result, since = services.verify_since_last(session)
    assert since is None
    assert (result.ok, result.checked) == (True, head(session).seq)


def test_a_change_after_the_verified_entry_is_caught_by_the_incremental_one(
    session: orm.Session,
) -> None:
    chain_of(session, 3)
    _verified_now(session)
    added = chain_of(session, 3)
    session.commit()
    lift_append_only(session)
    tamper(session, added[1].id, description="篡改")
    result, _ = services.verify_since_last(session)
    assert (result.ok, result.first_bad_id, result.reason) == (False, added[1].id, "content")
    assert result.checked == 2


def test_a_change_before_the_verified_entry_is_left_to_the_full_verification(
    session: orm.Session,
) -> None:
    """The documented limit: an entry at or before the verified one is not recomputed."""
    old = chain_of(session, 3)
    _verified_now(session)
    chain_of(session, 2)
    session.commit()
    lift_append_only(session)
    tamper(session, old[1].id, minutes=999)
    assert services.verify_since_last(session)[0].ok
    full = services.verify_chain(session)
    assert (full.ok, full.first_bad_id, full.reason) == (False, old[1].id, "content")


def test_a_chain_rewritten_up_to_the_verified_entry_is_caught(session: orm.Session) -> None:
    """Rewriting an earlier entry and every hash after it changes the verified entry's
    hash: the incremental verification names it."""
    old = chain_of(session, 3)
    since = _verified_now(session)
    chain_of(session, 1)
    session.commit()
    lift_append_only(session)
    tamper(session, old[-1].id, hash="f" * 64)
    result, _ = services.verify_since_last(session)
    assert (result.ok, result.reason, result.first_bad_id) == (False, "verified entry", old[-1].id)
    assert since.seq == old[-1].seq


def test_a_removed_verified_entry_is_caught(session: orm.Session) -> None:
    old = chain_of(session, 3)
    _verified_now(session)
    session.commit()
    lift_append_only(session)
    remove(session, old[-1].id)
    session.execute(sa.update(LedgerHead).values(seq=old[-2].seq, last_hash=old[-2].hash))
    result, _ = services.verify_since_last(session)
    assert (result.ok, result.reason, result.first_bad_id) == (False, "verified entry", None)


def test_only_a_passing_verification_of_a_non_empty_ledger_is_kept(session: orm.Session) -> None:
    session.execute(sa.delete(LedgerVerification))
    broken = services.Verification(False, 3, 7, "content")
    assert services.record_verification(session, broken, since=None, now=NOW) is None
    empty = services.Verification(True, 0, None)
    assert services.record_verification(session, empty, since=None, now=NOW) is None
    assert _verifications(session) == []


# --- the command --------------------------------------------------------------------------


def test_the_command_keeps_each_verification_that_passed(
    make_app: Callable[..., Flask], session: orm.Session, tmp_path: Path
) -> None:
    app = _app(make_app, tmp_path)
    session.execute(sa.delete(LedgerVerification))
    chain_of(session, 3)
    session.commit()
    status, output = _cli(app)
    assert status == 0, output
    full = (head(session).seq, head(session).last_hash)
    assert f"Ledger intact: {full[0]} entries checked." in output
    chain_of(session, 2)
    session.commit()
    status, output = _cli(app, "--since-last", at=LATER)
    assert status == 0, output
    assert (
        f"Ledger intact since entry {full[0]} (verified on 2026-11-16T02:30:00+00:00):"
        " 2 entries checked; earlier ones need a full `flask ledger verify`."
    ) in output
    end = head(session)
    assert end.last_hash in output
    assert _verifications(session) == [
        (full[0], full[1], True, full[0], NOW),
        (end.seq, end.last_hash, False, 2, LATER),
    ]


def test_the_command_since_last_with_nothing_verified_verifies_everything(
    make_app: Callable[..., Flask], session: orm.Session, tmp_path: Path
) -> None:
    app = _app(make_app, tmp_path)
    session.execute(sa.delete(LedgerVerification))
    chain_of(session, 2)
    session.commit()
    status, output = _cli(app, "--since-last")
    assert status == 0, output
    assert "No verification has passed yet: the whole chain was verified." in output
    assert f"Ledger intact: {head(session).seq} entries checked." in output
    assert [row[2] for row in _verifications(session)] == [True]


def test_the_command_catches_before_the_verified_entry_only_when_full(
    make_app: Callable[..., Flask], session: orm.Session, tmp_path: Path
) -> None:
    app = _app(make_app, tmp_path)
    old = chain_of(session, 3)
    session.commit()
    assert _cli(app)[0] == 0
    chain_of(session, 2)
    session.commit()
    lift_append_only(session)
    tamper(session, old[0].id, description="篡改")
    status, output = _cli(app)
    assert status == 1
    assert f"Ledger BROKEN at entry {old[0].id} (seq {old[0].seq}) (content)" in output
    assert _cli(app, "--since-last")[0] == 0  # the documented limit
    added = chain_of(session, 2)
    session.commit()
    tamper(session, added[1].id, minutes=1)
    status, output = _cli(app, "--since-last")
    assert status == 1
    assert f"Ledger BROKEN at entry {added[1].id} (seq {added[1].seq}) (content)" in output


def test_the_command_names_a_rewritten_verified_entry_and_keeps_nothing(
    make_app: Callable[..., Flask], session: orm.Session, tmp_path: Path
) -> None:
    app = _app(make_app, tmp_path)
    session.execute(sa.delete(LedgerVerification))
    old = chain_of(session, 3)
    session.commit()
    assert _cli(app)[0] == 0
    kept = _verifications(session)
    seq, digest = old[-1].seq, old[-1].hash
    lift_append_only(session)
    tamper(session, old[-1].id, hash="e" * 64)
    status, output = _cli(app, "--since-last", at=LATER)
    assert status == 1
    assert (
        f"Ledger BROKEN at entry {seq}, verified on 2026-11-16T02:30:00+00:00:"
        f" its hash is no longer {digest} (verified entry)"
    ) in output
    assert _verifications(session) == kept


def test_the_help_says_what_each_mode_catches(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["ledger", "verify", "--help"])
    text = " ".join(result.output.split())
    assert "--since-last" in text
    assert "A change to an entry at or before it is found only by the full verification" in text


# --- the daily job --------------------------------------------------------------------------


def test_the_daily_job_verifies_only_the_new_entries_then_anchors(
    make_app: Callable[..., Flask], session: orm.Session, tmp_path: Path
) -> None:
    app = _app(make_app, tmp_path)
    old = chain_of(session, 3)
    _verified_now(session)
    chain_of(session, 2)
    session.commit()
    # An old entry changed: the daily job does not recompute it (the full verify would).
    lift_append_only(session)
    tamper(session, old[0].id, outcome="篡改")
    result = scheduler.run_anchor(session, LATER, app.config["ADVISOR"])
    end = head(session)
    assert result == (
        f"2 new entries verified; 2026-11-17T02:30:00+00:00 {end.seq} {end.last_hash}"
    )
    assert _verifications(session)[-1] == (end.seq, end.last_hash, False, 2, LATER)


def test_the_daily_job_does_not_anchor_a_broken_ledger(
    make_app: Callable[..., Flask], session: orm.Session, tmp_path: Path
) -> None:
    app = _app(make_app, tmp_path)
    chain_of(session, 2)
    _verified_now(session)
    added = chain_of(session, 2)
    session.commit()
    kept = _verifications(session)
    lift_append_only(session)
    tamper(session, added[0].id, minutes=0)
    result = scheduler.run_anchor(session, LATER, app.config["ADVISOR"])
    assert result == f"ledger BROKEN (content at entry id {added[0].id}): not anchored"
    assert not (tmp_path / "anchors" / "ledger-anchors.log").exists()
    assert _verifications(session) == kept


def test_the_daily_job_does_not_anchor_a_ledger_cut_short_after_the_last_anchor(
    make_app: Callable[..., Flask], session: orm.Session, tmp_path: Path
) -> None:
    """Entries removed after the verified one but before the latest anchor, with the head
    rewound: what is left after the verified entry verifies, but the anchor names an
    entry that is gone; anchoring the shorter ledger would hide that from every later
    verification."""
    app = _app(make_app, tmp_path)
    path = tmp_path / "anchors" / "ledger-anchors.log"
    chain_of(session, 2)
    _verified_now(session)
    added = chain_of(session, 3)
    session.commit()
    anchors.append_anchor(session, path, NOW)  # `flask ledger anchor`, by hand
    anchored = added[-1].seq
    new_end = (added[-2].seq, added[-2].hash)
    lift_append_only(session)
    remove(session, added[-1].id)
    session.execute(sa.update(LedgerHead).values(seq=new_end[0], last_hash=new_end[1]))
    result = scheduler.run_anchor(session, LATER, app.config["ADVISOR"])
    assert result.startswith(
        f"ledger BROKEN: the anchor of 2026-11-16T02:30:00+00:00 names entry {anchored}"
    )
    assert result.endswith("; not anchored")
    assert len(path.read_text().splitlines()) == 1


def test_the_daily_job_verifies_without_taking_sqlites_write_lock(
    database_url: str, tmp_path: Path
) -> None:
    """The scheduler's jobs take SQLite's write lock as they begin (immediate_writes);
    the verification, a long read on a large ledger, must not hold the writers up."""
    begun: list[str] = []
    seen: list[tuple[str | None, str]] = []  # how the transaction began, statement

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.startswith("BEGIN"):
            begun.append(statement)
        seen.append((begun[-1] if begun else None, statement))

    with separate_app(database_url, tmp_path, "verify_lock") as (app, _url), app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", record)
        try:
            result = scheduler.run_job("anchor", now=NOW)
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", record)
    assert result.startswith("whole chain verified"), result
    reads = [began for began, statement in seen if "FROM ledger_head" in statement]
    assert reads and reads[0] != "BEGIN IMMEDIATE"
