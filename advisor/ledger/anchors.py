"""Anchors: the ledger's head copied outside the database, so that truncation is caught.

The hash chain proves that no entry was changed, inserted or reordered; it cannot prove
that the last entries were not removed together with the head row that names the end of
the chain. An anchor is a copy of the head (sequence number and hash) kept where the
database's users cannot rewrite it: a plain text file, one line per anchor, appended by
``flask ledger anchor`` and by the scheduler each day::

    2026-11-16T02:30:00+00:00 1234 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08

``flask ledger verify`` then checks that the chain still holds the latest anchor's entry
with the same hash: entries deleted after it (the chain now ends before it) or rewritten
up to it (another hash) are reported. Operators should also keep copies of the file
elsewhere (the daily anchor reminder e-mails the same figures to the bureau).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import orm

from advisor.ledger.models import LedgerEntry, LedgerHead

_LINE = re.compile(r"^(\S+) (\d{1,12}) ([0-9a-f]{64})$")


@dataclass(frozen=True, slots=True)
class Anchor:
    at: datetime
    seq: int
    hash: str

    def line(self) -> str:
        return f"{self.at.astimezone(UTC).isoformat(timespec='seconds')} {self.seq} {self.hash}"


def parse_expectation(text: str) -> Anchor:
    """``SEQ:HASH`` as given to ``ledger verify --expect``; ValueError if malformed."""
    seq, _, digest = text.strip().partition(":")
    digest = digest.lower()
    if not (seq.isascii() and seq.isdigit() and re.fullmatch(r"[0-9a-f]{64}", digest)):
        raise ValueError("expected SEQ:HASH, a sequence number and a 64-digit hex hash")
    return Anchor(datetime.min.replace(tzinfo=UTC), int(seq), digest)


def read_anchors(path: Path) -> tuple[list[Anchor], int]:
    """The anchors in ``path`` (none if it does not exist) and the number of lines that
    are not anchors (a damaged file is reported, not trusted)."""
    if not path.exists():
        return [], 0
    anchors: list[Anchor] = []
    bad = 0
    for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if not raw.strip():
            continue
        match = _LINE.match(raw.strip())
        try:
            at = datetime.fromisoformat(match[1]) if match else None
        except ValueError:
            at = None
        if match is None or at is None:
            bad += 1
            continue
        anchors.append(Anchor(at, int(match[2]), match[3]))
    return anchors, bad


def append_anchor(session: orm.Session, path: Path, now: datetime) -> Anchor | None:
    """Append the current head to ``path`` (durably) and return it; None for an empty
    ledger. The same head as the latest anchor is not written twice."""
    head = session.get(LedgerHead, 1)
    if head is None or head.seq == 0:
        return None
    anchor = Anchor(now, head.seq, head.last_hash)
    anchors, _ = read_anchors(path)
    if anchors and (anchors[-1].seq, anchors[-1].hash) == (anchor.seq, anchor.hash):
        return anchors[-1]
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(anchor.line() + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return anchor


def check_anchor(session: orm.Session, anchor: Anchor) -> str | None:
    """Why the ledger does not hold ``anchor`` (one sentence), or None if it does."""
    found = session.scalar(sa.select(LedgerEntry.hash).where(LedgerEntry.seq == anchor.seq))
    when = "" if anchor.at.year == 1 else f" of {anchor.line().split()[0]}"
    if found is None:
        last = session.scalar(sa.select(sa.func.max(LedgerEntry.seq))) or 0
        return (
            f"the anchor{when} names entry {anchor.seq}, but the ledger ends at entry {last}:"
            f" {anchor.seq - last} or more entries were removed"
        )
    if found != anchor.hash:
        return (
            f"entry {anchor.seq} has hash {found}, not the anchor{when}'s {anchor.hash}:"
            " the ledger was rewritten up to it"
        )
    return None
