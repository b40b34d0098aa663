"""The bureau's own calendar entries on top of the national one, and the time limits."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy import orm

from advisor.contracts.models import CalendarDay, CalendarYear, ContractType, TimeLimit
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


def load(session: orm.Session) -> BureauCalendar:
    """The bureau's entries as a BureauCalendar (a few dozen rows a year)."""
    rest: set[date] = set()
    work: set[date] = set()
    for day, kind in session.execute(sa.select(CalendarDay.day, CalendarDay.kind)):
        (rest if kind == "rest" else work).add(day)
    years = frozenset(session.scalars(sa.select(CalendarYear.year)))
    return BureauCalendar(frozenset(rest), frozenset(work), years)


def missing_years(session: orm.Session, today: date) -> list[int]:
    """This year and next, where neither the package nor the bureau knows the holidays."""
    return years_needing_entry([today.year, today.year + 1], load(session))


def set_day(session: orm.Session, day: date, kind: str, note: str = "") -> CalendarDay:
    """Add or change a bureau entry: ``rest`` (extra holiday) or ``work`` (working weekend)."""
    if kind not in ("rest", "work"):
        raise ValidationError(
            _l("Choose rest day or working day."), fields={"kind": _l("Required.")}
        )
    entry = session.get(CalendarDay, day)
    if entry is None:
        entry = CalendarDay(day=day)
        session.add(entry)
    entry.kind, entry.note = kind, note.strip()[:100]
    session.flush()
    return entry


def remove_day(session: orm.Session, day: date) -> None:
    entry = session.get(CalendarDay, day)
    if entry is not None:
        session.delete(entry)
        session.flush()


def mark_year_entered(session: orm.Session, year: int) -> None:
    """The bureau declares it has entered every holiday and working weekend of ``year``."""
    if session.get(CalendarYear, year) is None:
        session.add(CalendarYear(year=year))
        session.flush()


def list_days(session: orm.Session, year: int) -> Sequence[CalendarDay]:
    return session.scalars(
        sa.select(CalendarDay)
        .where(CalendarDay.day >= date(year, 1, 1), CalendarDay.day <= date(year, 12, 31))
        .order_by(CalendarDay.day)
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
