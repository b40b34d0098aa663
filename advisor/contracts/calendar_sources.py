"""The second source: where the installed holiday package knows a year, every day on
which it disagrees with the national notice the bureau entered.

The package is chinese_calendar (the ``chinesecalendar`` distribution), already the
national calendar for the years it knows; a newer release that knows next year
turns this check on by itself. For a year it does not know there is nothing to
compare, and nothing is shown. A national notice lists every holiday and
working weekend of its year, so a day it does not list is Monday–Friday work.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from importlib import metadata

import chinese_calendar

from advisor.workdays import is_year_known

PACKAGE = "chinesecalendar"

# The package's holiday names, as the notices write them.
HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


@dataclass(frozen=True, slots=True)
class Disagreement:
    day: date
    entered: str  # "rest" | "work": what the bureau's notice makes of the day
    package: str  # "rest" | "work": what the package says
    holiday: str  # the package's name for the day, "" for none


def package_version() -> str:
    try:
        return metadata.version(PACKAGE)
    except metadata.PackageNotFoundError:
        return ""


def package_knows(year: int) -> bool:
    """Whether the installed package has the State Council's notice for ``year``."""
    return is_year_known(year)


def disagreements(year: int, entries: Iterable[tuple[date, str]]) -> list[Disagreement]:
    """Every day of ``year`` where the notice given as (day, kind) entries and the
    package differ on working or not; [] when the package does not know the year."""
    if not package_knows(year):
        return []
    entered = {day: kind for day, kind in entries if day.year == year}
    found = []
    day, last = date(year, 1, 1), date(year, 12, 31)
    while day <= last:
        ours = entered.get(day) or ("work" if day.weekday() < 5 else "rest")
        theirs = "work" if chinese_calendar.is_workday(day) else "rest"
        if ours != theirs:
            # The name is given for a holiday and for its adjusted working day alike.
            _on_holiday, name = chinese_calendar.get_holiday_detail(day)
            found.append(Disagreement(day, ours, theirs, HOLIDAY_NAMES.get(str(name), "")))
        day += timedelta(days=1)
    return found
