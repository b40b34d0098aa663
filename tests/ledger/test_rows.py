"""The plain rows verification reads (advisor.ledger.rows) give, on each database, the bytes
that the entries read through the model give: for what the application writes, and for
dates and times stored in other forms."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm

from advisor.ledger.chain import FIELDS, ROW, canonical, canonical_values
from advisor.ledger.models import GENESIS, LedgerEntry
from advisor.ledger.rows import entry_rows
from tests.factories.ledger import chain_of, head

ENTRIES = LedgerEntry.__table__


def _read(session: orm.Session, after: int, upto: int, batch: int = 3) -> list[Any]:
    with entry_rows(session, after_seq=after, head_seq=upto, batch=batch) as rows:
        return list(rows)


def _through_the_model(session: orm.Session, seqs: list[int]) -> list[LedgerEntry]:
    session.expire_all()
    return list(
        session.scalars(
            sa.select(LedgerEntry).where(LedgerEntry.seq.in_(seqs)).order_by(LedgerEntry.seq)
        )
    )


def _same_bytes(session: orm.Session, after: int, upto: int) -> int:
    rows = _read(session, after, upto)
    entries = _through_the_model(session, [row[ROW.index("seq")] for row in rows])
    assert len(rows) == len(entries) == upto - after
    for row, entry in zip(rows, entries, strict=True):
        assert tuple(row[:3]) == (entry.id, entry.prev_hash, entry.hash)
        assert canonical_values(row[3:], entry.prev_hash) == canonical(entry, entry.prev_hash)
    return len(rows)


def test_rows_of_appended_entries_give_the_models_bytes(session: orm.Session) -> None:
    before = head(session).seq
    chain_of(session, 7)
    assert _same_bytes(session, before, before + 7) == 7


def test_rows_come_in_order_between_the_two_sequence_numbers(session: orm.Session) -> None:
    before = head(session).seq
    chain_of(session, 6)
    rows = _read(session, before + 2, before + 5, batch=2)
    assert [row[ROW.index("seq")] for row in rows] == [before + 3, before + 4, before + 5]


def _insert(session: orm.Session, seq: int, *, entry_on: str, created_at: str, flag: bool) -> None:
    """An entry whose date and time are given as text, as a database client might write
    them: SQLite keeps the text, PostgreSQL parses it."""
    session.execute(
        sa.text(
            "INSERT INTO ledger_entry (seq, entry_on, advisor_id, school_id, kind, description,"
            " service_mode, minutes, outcome, audience, headcount, on_behalf, created_at,"
            " created_by_id, prev_hash, hash) VALUES (:seq, :entry_on, 1, NULL, 'other',"
            " :description, NULL, 5, '', '', NULL, :flag, :created_at, NULL, :prev, :hash)"
        ),
        {
            "seq": seq,
            "entry_on": entry_on,
            "description": f'写入的"记录"\\{seq}',
            "flag": flag,
            "created_at": created_at,
            "prev": GENESIS,
            "hash": f"{seq:064x}",
        },
    )


STORED_TIMES = [
    "2026-03-02 02:00:00.000000",  # as SQLAlchemy writes on SQLite
    "2026-03-02 02:00:00.123456",
    "2026-03-02 23:59:59.999999",
    "2026-03-02T02:00:00",
    "2026-03-02 10:00:00+08:00",
    "2026-03-02 02:00:00.5",
    "2026-03-02 02:00:00.1+0800",  # as long as SQLAlchemy's layout
    "0999-12-31 23:59:59.000001",
    "9999-12-31 23:59:59.999999",
]
# Forms Python reads that PostgreSQL refuses: SQLite alone can hold them.
SQLITE_TIMES = [
    "2026-03-02X02:00:00.000001",
    "2026-W10-1 02:00:00.000000",
    "2026-03-02 02:00:00,000005",
]
STORED_DAYS = ["2026-03-02", "2024-02-29", "0999-01-01", "9999-12-31"]


def test_times_and_dates_stored_in_any_form_give_the_models_bytes(session: orm.Session) -> None:
    sqlite = session.get_bind().dialect.name == "sqlite"
    start = head(session).seq + 1000
    seq = start
    for created_at in STORED_TIMES + (SQLITE_TIMES if sqlite else []):
        for n, day in enumerate(STORED_DAYS):
            _insert(session, seq, entry_on=day, created_at=created_at, flag=n % 2 == 0)
            seq += 1
    assert _same_bytes(session, start - 1, seq - 1) == seq - start


def test_the_model_reads_utc_whatever_the_session_time_zone(session: orm.Session) -> None:
    """On PostgreSQL the rendering is in UTC, not in the connection's time zone."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("SET LOCAL TIME ZONE 'Asia/Shanghai'"))
    before = head(session).seq
    chain_of(session, 2)
    row = _read(session, before, before + 1)[0]
    entry = _through_the_model(session, [before + 1])[0]
    text = row[ROW.index("created_at")]
    assert text == entry.created_at.astimezone(UTC).isoformat(timespec="microseconds")
    assert text.endswith("+00:00")
    assert row[ROW.index("entry_on")] == entry.entry_on.isoformat()


def test_rows_carry_every_field(session: orm.Session) -> None:
    assert ROW[3:] == FIELDS
    assert {*ROW} <= {column.name for column in ENTRIES.columns}


def test_the_samples_cover_what_the_application_does_not_write() -> None:
    """Guard on the samples themselves: several are in no layout SQLAlchemy writes."""
    assert datetime.fromisoformat(STORED_TIMES[4]).tzinfo == timezone(timedelta(hours=8))
    assert [len(text) for text in STORED_TIMES].count(26) < len(STORED_TIMES) - 2
    assert all(len(text) == 26 for text in SQLITE_TIMES)
