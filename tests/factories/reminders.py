"""Reminders for tests: a reminder to a user that has fallen due and nothing has tried."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import orm

from advisor.accounts.models import User
from advisor.reminders.models import Reminder


def due_reminder(
    session: orm.Session,
    user: User,
    *,
    year: int,
    occasion: str,
    due_at: datetime,
    channel: str = "app",
) -> Reminder:
    """A pending 'calendar missing for ``year``' reminder to ``user`` by ``channel``, due
    (and first to be tried) at ``due_at``; its key makes it unique as planning's would."""
    reminder = Reminder(
        key=f"calendar_missing|{channel}|u{user.id}|year:{year}|{occasion}",
        kind="calendar_missing",
        channel=channel,
        user_id=user.id,
        subject=f"year:{year}",
        occasion=occasion,
        params={"year": year},
        due_at=due_at,
        next_attempt_at=due_at,
    )
    session.add(reminder)
    session.flush()
    return reminder
