"""Helpers of the security log tests: where the log stood, and what was added since."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import orm

from advisor.security_log.models import SecurityEvent


def mark(session: orm.Session) -> int:
    """The id of the newest event so far (0 for none)."""
    return session.scalar(sa.select(sa.func.max(SecurityEvent.id))) or 0


def events_since(session: orm.Session, since: int, kind: str | None = None) -> list[SecurityEvent]:
    """Events recorded after ``mark`` gave ``since``, oldest first, read afresh."""
    session.expire_all()
    stmt = sa.select(SecurityEvent).where(SecurityEvent.id > since).order_by(SecurityEvent.id)
    if kind is not None:
        stmt = stmt.where(SecurityEvent.kind == kind)
    return list(session.scalars(stmt))


def only_event(session: orm.Session, since: int, kind: str) -> SecurityEvent:
    found = events_since(session, since, kind)
    assert len(found) == 1, [(e.kind, e.outcome, e.path) for e in events_since(session, since)]
    return found[0]
