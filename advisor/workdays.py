"""Dates as the bureau lives them: Beijing time."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

BEIJING = ZoneInfo("Asia/Shanghai")


def today_local(now: datetime | None = None) -> date:
    """Today's date in Beijing time (official time, also for Xinjiang)."""
    return (now or datetime.now(BEIJING)).astimezone(BEIJING).date()
