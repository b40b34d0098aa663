"""The bureau's own calendar entries on top of the national one, and the time limits.

Entries come in three scopes (CalendarScope): the national notice, the regional
notice and single bureau days. On a day with entries in several scopes the
narrowest wins: bureau over regional over national, all over chinese_calendar.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy import orm

from advisor.contracts.models import (
    CalendarDay,
    CalendarScope,
    CalendarYear,
    ContractType,
    TimeLimit,
)
from advisor.errors import ValidationError
from advisor.workdays import BureauCalendar, years_needing_entry

DEFAULT_DAYS = 5
DEFAULT_URGENT_DAYS = 2


def working_days_for(session: orm.Session, contract_type: str, urgent: bool) -> int:
    """The working days a contract of this type gets (the bureau's setting or 5 / 2)."""
    limit = session.get(TimeLimit, contract_type)
    if limit is None:
        return DEFAULT_URGENT_DAYS if urgent else DEFAULT_DAYS
    return limit.urgent_days if urgent else limit.days


# Later in this tuple wins on a day entered in several scopes.
PRECEDENCE = (CalendarScope.NATIONAL, CalendarScope.REGIONAL, CalendarScope.BUREAU)


@dataclass(frozen=True, slots=True)
class Entry:
    """One day as a notice, a file or the form gives it."""

    day: date
    kind: str  # "rest" | "work"
    note: str = ""


def load(session: orm.Session, scopes: Iterable[str] = PRECEDENCE) -> BureauCalendar:
    """The bureau's entries (of ``scopes``) as a BureauCalendar, the narrowest scope
    winning on a day (a few dozen rows a year)."""
    wanted = [str(s) for s in scopes]
    rank = {str(scope): i for i, scope in enumerate(PRECEDENCE)}
    rows = session.execute(
        sa.select(CalendarDay.day, CalendarDay.kind, CalendarDay.scope).where(
            CalendarDay.scope.in_(wanted)
        )
    ).all()
    effective: dict[date, str] = {}
    for day, kind, _scope in sorted(rows, key=lambda row: rank.get(row.scope, 0)):
        effective[day] = kind
    rest = frozenset(d for d, kind in effective.items() if kind == "rest")
    work = frozenset(d for d, kind in effective.items() if kind == "work")
    years = frozenset(session.scalars(sa.select(CalendarYear.year)))
    return BureauCalendar(rest, work, years)


def missing_years(session: orm.Session, today: date) -> list[int]:
    """This year and next, where neither the package nor the bureau knows the holidays.
    Only the years the package does not know are looked up, and only whether the bureau
    entered them: the bureau's contract list asks on every view, and loading each
    entered day for it cost two statements."""
    unknown = years_needing_entry([today.year, today.year + 1], None)
    if not unknown:
        return []
    entered = session.scalars(sa.select(CalendarYear.year).where(CalendarYear.year.in_(unknown)))
    return years_needing_entry(unknown, BureauCalendar(entered_years=frozenset(entered)))


def set_day(
    session: orm.Session,
    day: date,
    kind: str,
    note: str = "",
    scope: str = CalendarScope.BUREAU,
) -> CalendarDay:
    """Add or change an entry of ``scope``: ``rest`` (extra holiday) or ``work``
    (working weekend). Raises ValidationError for another kind."""
    if kind not in ("rest", "work"):
        raise ValidationError(
            _l("Choose rest day or working day."), fields={"kind": _l("Required.")}
        )
    entry = session.get(CalendarDay, (day, str(scope)))
    if entry is None:
        entry = CalendarDay(day=day, scope=str(scope))
        session.add(entry)
    entry.kind, entry.note = kind, note.strip()[:100]
    session.flush()
    return entry


def remove_day(session: orm.Session, day: date, scope: str = CalendarScope.BUREAU) -> bool:
    """Remove the entry of ``scope`` on ``day``; False when there was none."""
    entry = session.get(CalendarDay, (day, str(scope)))
    if entry is None:
        return False
    session.delete(entry)
    session.flush()
    return True


def replace_year(session: orm.Session, year: int, scope: str, entries: Iterable[Entry]) -> int:
    """The entries of ``scope`` in ``year`` become exactly ``entries`` (days of the
    neighbouring years a notice names, such as 元旦 starting on 31 December, are
    added or changed, never removed); other scopes are untouched. Returns the count."""
    session.execute(
        sa.delete(CalendarDay)
        .where(
            CalendarDay.scope == str(scope),
            CalendarDay.day >= date(year, 1, 1),
            CalendarDay.day <= date(year, 12, 31),
        )
        .execution_options(synchronize_session="fetch")
    )
    return add_entries(session, scope, entries)


def add_entries(session: orm.Session, scope: str, entries: Iterable[Entry]) -> int:
    """Add or change the given days of ``scope``. Returns the count."""
    count = 0
    for entry in entries:
        set_day(session, entry.day, entry.kind, entry.note, scope)
        count += 1
    return count


def mark_year_entered(session: orm.Session, year: int) -> None:
    """The bureau declares it has entered every holiday and working weekend of ``year``."""
    if session.get(CalendarYear, year) is None:
        session.add(CalendarYear(year=year))
        session.flush()


def list_days(session: orm.Session, year: int) -> Sequence[CalendarDay]:
    return session.scalars(
        sa.select(CalendarDay)
        .where(CalendarDay.day >= date(year, 1, 1), CalendarDay.day <= date(year, 12, 31))
        .order_by(CalendarDay.day, CalendarDay.scope)
    ).all()


def time_limits(session: orm.Session) -> dict[str, tuple[int, int]]:
    """(days, urgent days) for every contract type, defaults where none is set."""
    found = {
        t.contract_type: (t.days, t.urgent_days) for t in session.scalars(sa.select(TimeLimit))
    }
    return {t.value: found.get(t.value, (DEFAULT_DAYS, DEFAULT_URGENT_DAYS)) for t in ContractType}


def set_time_limits(session: orm.Session, limits: Iterable[tuple[str, int, int]]) -> None:
    """Set the working days per contract type; each between 1 and 60, urgent not longer."""
    problems = {}
    for contract_type, days, urgent in limits:
        if contract_type not in {t.value for t in ContractType}:
            continue
        if not (1 <= days <= 60 and 1 <= urgent <= 60):
            problems[contract_type] = _l("Between 1 and 60 working days.")
        elif urgent > days:
            problems[contract_type] = _l("The urgent limit cannot be longer than the normal one.")
        else:
            row = session.get(TimeLimit, contract_type) or TimeLimit(contract_type=contract_type)
            row.days, row.urgent_days = days, urgent
            session.add(row)
    if problems:
        raise ValidationError(_l("Some values are not valid."), fields=problems)
    session.flush()
