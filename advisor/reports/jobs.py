"""The reports' scheduled work: the summary tables refreshed (reminders.scheduler runs it
as the "summaries" job, every few minutes)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import orm

from advisor.reports import summary_refresh


def refresh_summaries(session: orm.Session, now: datetime, config: Any) -> str:
    """Bring the summary tables up to date as of ``now`` (the cells written since the last
    refresh; everything the first time) and commit: one transaction, so the pages read
    the previous figures until it ends."""
    done = summary_refresh.refresh(session, now)
    session.commit()
    return f"summary tables refreshed: {summary_refresh.describe(done)}"
