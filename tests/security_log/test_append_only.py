"""The security log is append-only: the application has no way to change or remove an
event, and the database itself refuses UPDATE and DELETE (SQLite and PostgreSQL)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import orm

import advisor
from advisor.security_log.models import SecurityEvent
from advisor.security_log.services import Origin, record

EVENTS = SecurityEvent.__table__


def _one(session: orm.Session) -> SecurityEvent:
    event = record(
        session,
        "login",
        outcome="failure",
        account="someone@example.cn",
        now=datetime(2026, 3, 4, 2, 0, tzinfo=UTC),
        origin=Origin("10.0.0.1", "POST", "/login"),
    )
    assert event is not None
    session.flush()
    return event


def test_the_database_refuses_to_change_an_event(session: orm.Session) -> None:
    event = _one(session)
    with pytest.raises(sa.exc.DatabaseError, match="append-only"), session.begin_nested():
        session.execute(sa.update(EVENTS).where(EVENTS.c.id == event.id).values(outcome="success"))
    with pytest.raises(sa.exc.DatabaseError, match="append-only"), session.begin_nested():
        event.account = "someone.else@example.cn"
        session.flush()
    session.expire_all()
    assert session.get(SecurityEvent, event.id).account == "someone@example.cn"  # type: ignore[union-attr]


def test_the_database_refuses_to_remove_an_event(session: orm.Session) -> None:
    event = _one(session)
    with pytest.raises(sa.exc.DatabaseError, match="append-only"), session.begin_nested():
        session.execute(sa.delete(EVENTS).where(EVENTS.c.id == event.id))
    with pytest.raises(sa.exc.DatabaseError, match="append-only"), session.begin_nested():
        session.delete(event)
        session.flush()
    session.expire_all()
    assert session.get(SecurityEvent, event.id) is not None


def test_the_migration_made_the_dialects_guards(session: orm.Session) -> None:
    if session.get_bind().dialect.name == "sqlite":
        names = set(
            session.scalars(
                sa.text("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :t"),
                {"t": "security_event"},
            )
        )
        assert names == {"security_event_no_update", "security_event_no_delete"}
    else:
        names = set(
            session.scalars(
                sa.text(
                    "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
                    " AND tgrelid = 'security_event'::regclass"
                )
            )
        )
        assert names == {"security_event_append_only", "security_event_no_truncate"}
        _one(session)
        with pytest.raises(sa.exc.DatabaseError, match="append-only"), session.begin_nested():
            session.execute(sa.text("TRUNCATE security_event"))


def test_no_application_code_changes_or_removes_events() -> None:
    package = Path(advisor.__file__).parent
    pattern = re.compile(
        r"(update|delete)\(\s*(SecurityEvent|EVENTS)\b|SecurityEvent\.__table__|"
        r"(UPDATE|DELETE FROM)\s+security_event",
    )
    offenders = [
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
