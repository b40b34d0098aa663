"""Dates as the bureau lives them: Beijing time and working days."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import chinese_calendar

BEIJING = ZoneInfo("Asia/Shanghai")

# No real calendar goes a whole year without a working day; such a run means bad entries.
MAX_REST_RUN = 365

_DAY = timedelta(days=1)


def today_local(now: datetime | None = None) -> date:
    """Today's date in Beijing time (official time, also for Xinjiang)."""
    return (now or datetime.now(BEIJING)).astimezone(BEIJING).date()


@dataclass(frozen=True)
class BureauCalendar:
    """The bureau's own entries, which override the national calendar."""

    rest_days: frozenset[date] = frozenset()
    work_days: frozenset[date] = frozenset()
    entered_years: frozenset[int] = frozenset()


@cache
def is_year_known(year: int) -> bool:
    """Whether the installed chinese_calendar has the State Council notice for `year`."""
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


def is_working_day(day: date, calendar: BureauCalendar | None = None) -> bool:
    """Bureau rest day, then bureau work day, then the national calendar, else Monday–Friday."""
    if calendar is not None:
        if day in calendar.rest_days:
            return False
        if day in calendar.work_days:
            return True
    return _national_working_day(day)


@cache
def _national_working_day(day: date) -> bool:
    """The national calendar (Monday–Friday for a year it does not know), remembered:
    chinese_calendar's own check costs tens of microseconds a day, and reports walk
    hundreds of days per row."""
    if is_year_known(day.year):
        return bool(chinese_calendar.is_workday(day))
    return day.weekday() < 5


def add_working_days(start: date, n: int, calendar: BureauCalendar | None = None) -> date:
    """The n-th working day after `start`, which never counts itself (Civil Code art. 201).

    Raises ValueError if n < 1, or if MAX_REST_RUN days in a row have no working day.
    """
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    day, found, rest_run = start, 0, 0
    while found < n:
        day += _DAY
        if is_working_day(day, calendar):
            found += 1
            rest_run = 0
        else:
            rest_run += 1
            if rest_run >= MAX_REST_RUN:
                raise ValueError(f"no working day in the {MAX_REST_RUN} days before {day}")
    return day


def working_days_between(start: date, end: date, calendar: BureauCalendar | None = None) -> int:
    """The number of working days d with start < d <= end; the inverse of add_working_days."""
    count, day = 0, start + _DAY
    while day <= end:
        count += is_working_day(day, calendar)
        day += _DAY
    return count


def years_needing_entry(years: Iterable[int], calendar: BureauCalendar | None) -> list[int]:
    """The sorted years neither chinese_calendar knows nor the bureau has entered."""
    entered = calendar.entered_years if calendar is not None else frozenset()
    return sorted({y for y in years if not is_year_known(y) and y not in entered})
