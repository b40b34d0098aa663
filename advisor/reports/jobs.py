"""The reports' scheduled work: the summary tables refreshed (reminders.scheduler runs it
as the "summaries" job, every few minutes)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import orm

from advisor.reports import summary


def refresh_summaries(session: orm.Session, now: datetime, config: Any) -> str:
    """Rebuild the summary tables as of ``now`` and commit: one transaction, so the pages
    read the previous figures until it ends."""
    done = summary.refresh(session, now)
    session.commit()
    return f"summary tables refreshed: {done.rows} rows in {done.seconds:.1f} s"
