"""Dates as the bureau lives them: Beijing time, working days, and the calendar years and
quarters its figures are counted over."""

from __future__ import annotations

import calendar as month_calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Literal
from zoneinfo import ZoneInfo

import chinese_calendar

BEIJING = ZoneInfo("Asia/Shanghai")

# No real calendar goes a whole year without a working day; such a run means bad entries.
MAX_REST_RUN = 365

_DAY = timedelta(days=1)

PeriodKind = Literal["year", "quarter"]
_PERIOD = re.compile(r"(\d{4})(?:-Q([1-4]))?")
_QUARTERS: dict[str, tuple[int | None, ...]] = {"year": (None,), "quarter": (1, 2, 3, 4)}


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


@dataclass(frozen=True, slots=True)
class Period:
    """A calendar year or quarter, written "2025" or "2025-Q3"."""

    kind: PeriodKind
    year: int
    quarter: int | None = None

    def __post_init__(self) -> None:
        # Four-digit years from 1900; the day after the last one must still be a date.
        if not 1900 <= self.year <= 9998:
            raise ValueError(f"year {self.year} is out of range")
        if self.quarter not in _QUARTERS.get(self.kind, ()):
            raise ValueError(f"not a period: {self.kind!r} with quarter {self.quarter!r}")

    def __str__(self) -> str:
        return str(self.year) if self.quarter is None else f"{self.year}-Q{self.quarter}"

    @property
    def months(self) -> int:
        return 12 if self.quarter is None else 3

    @property
    def start(self) -> date:
        return date(self.year, 1 if self.quarter is None else 3 * self.quarter - 2, 1)

    @property
    def end(self) -> date:
        month = 12 if self.quarter is None else 3 * self.quarter
        return date(self.year, month, month_calendar.monthrange(self.year, month)[1])

    def months_begun(self, today: date) -> int:
        """The months of the period that have begun by ``today``, the current one included."""
        if today < self.start:
            return 0
        if today > self.end:
            return self.months
        return today.month - self.start.month + 1


def parse_period(text: str) -> Period:
    """A period from its text, "2025" or "2025-Q3" (or "2025-q3"); raises ValueError for
    anything else."""
    match = _PERIOD.fullmatch(text.strip().upper())
    if match is None:
        raise ValueError(f"not a period: {text!r} (write 2025 or 2025-Q3)")
    year, quarter = int(match[1]), match[2]
    if quarter is None:
        return Period("year", year)
    return Period("quarter", year, int(quarter))


def utc_bounds(period: Period) -> tuple[datetime, datetime]:
    """The UTC instants at which the period's first Beijing day starts and its last ends."""
    start = datetime.combine(period.start, time(), BEIJING)
    end = datetime.combine(period.end + timedelta(days=1), time(), BEIJING)
    return start.astimezone(UTC), end.astimezone(UTC)
