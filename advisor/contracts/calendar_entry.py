"""Entering a year's working-day calendar (a pasted notice, an imported file, a single
day) and moving the due dates of open contracts with it.

Every change goes the same way: read the calendar before, change the entries, then
``recompute_due_dates`` against the calendar before. The functions add and flush;
the caller commits once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy import orm

from advisor.accounts.models import User
from advisor.contracts import calendar as bureau_calendar
from advisor.contracts.calendar import Entry
from advisor.contracts.calendar_files import CalendarFile
from advisor.contracts.calendar_sources import Disagreement, disagreements, package_knows
from advisor.contracts.holiday_notice import Notice
from advisor.contracts.models import (
    CalendarDay,
    CalendarScope,
    Contract,
    ContractEvent,
    Status,
)
from advisor.errors import ValidationError
from advisor.workdays import (
    BEIJING,
    BureauCalendar,
    add_working_days,
    is_working_day,
    today_local,
    working_days_between,
)

# The clock runs in these; a returned contract keeps its working days left
# (days_left) and gets a due date on the new calendar when it comes back.
RUNNING = (Status.SUBMITTED, Status.IN_REVIEW)
BATCH = 500
RECOMPUTED = "due_recomputed"


@dataclass(frozen=True, slots=True)
class Entered:
    saved: int  # calendar entries written
    moved: int  # open contracts whose due date moved


def notice_entries(notice: Notice) -> list[Entry]:
    return [Entry(d.day, d.kind, d.holiday) for d in notice.days]


def regional_entries(session: orm.Session, notice: Notice) -> tuple[list[Entry], list[Entry]]:
    """A regional notice's days split into those the national calendar already has
    (its own copy of 元旦, 春节 …) and those that differ (肉孜节, 古尔邦节): only the
    latter are regional entries."""
    national = bureau_calendar.load(session, [CalendarScope.NATIONAL])
    same: list[Entry] = []
    differ: list[Entry] = []
    for entry in notice_entries(notice):
        already = is_working_day(entry.day, national) == (entry.kind == "work")
        (same if already else differ).append(entry)
    return same, differ


@dataclass(frozen=True, slots=True)
class Preview:
    """What saving a notice would do, shown before it is done."""

    notice: Notice
    scope: str
    already: frozenset[date]  # regional days the national calendar already has
    replaced: int  # entries of the scope in the year that saving replaces (national)
    disagreements: list[Disagreement]  # with the package, where it knows the year
    package_knows: bool

    @property
    def wrong_year(self) -> bool:
        return any(p.code == "year" for p in self.notice.problems)

    @property
    def can_save(self) -> bool:
        return bool(self.notice.days) and not self.wrong_year


def preview_notice(session: orm.Session, notice: Notice, scope: str) -> Preview:
    """Compare a notice with what is entered and with the package; changes nothing."""
    if scope == CalendarScope.NATIONAL:
        replaced = session.scalar(
            sa.select(sa.func.count())
            .select_from(CalendarDay)
            .where(
                CalendarDay.scope == CalendarScope.NATIONAL,
                CalendarDay.day >= date(notice.year, 1, 1),
                CalendarDay.day <= date(notice.year, 12, 31),
            )
        )
        found = disagreements(notice.year, ((d.day, d.kind) for d in notice.days))
        return Preview(notice, scope, frozenset(), replaced or 0, found, package_knows(notice.year))
    same, _differ = regional_entries(session, notice)
    return Preview(notice, scope, frozenset(e.day for e in same), 0, [], False)


def enter_notice(
    session: orm.Session,
    *,
    notice: Notice,
    scope: str,
    actor: User,
    now: datetime,
    accept_problems: bool = False,
) -> Entered:
    """Save a notice read by holiday_notice. A national notice replaces the year's
    national entries and marks the year entered; a regional one adds or changes its
    days that differ from the national calendar. Open due dates move with it.

    Raises ValidationError when the notice is for another year or gives no day, or
    has problems (unread sentences, wrong weekdays …) not accepted by the bureau.
    """
    if any(p.code == "year" for p in notice.problems):
        raise ValidationError(
            _l("This notice is for another year."), fields={"year": _l("Check the year.")}
        )
    if not notice.days:
        raise ValidationError(
            _l("No rest day or working day was found in the text."),
            fields={"text": _l("Paste the notice's text.")},
        )
    if notice.problems and not accept_problems:
        raise ValidationError(
            _l("Some of the text could not be read. Check it, then confirm again."),
            fields={"accept_problems": _l("Confirm that you have checked it.")},
        )
    if scope not in (CalendarScope.NATIONAL, CalendarScope.REGIONAL):
        raise ValidationError(_l("Choose whose notice it is."), fields={"scope": _l("Required.")})
    before = bureau_calendar.load(session)
    if scope == CalendarScope.NATIONAL:
        saved = bureau_calendar.replace_year(session, notice.year, scope, notice_entries(notice))
        bureau_calendar.mark_year_entered(session, notice.year)
    else:
        _same, differ = regional_entries(session, notice)
        saved = bureau_calendar.add_entries(session, CalendarScope.REGIONAL, differ)
    return Entered(saved, recompute_due_dates(session, before=before, actor=actor, now=now))


def import_calendar(
    session: orm.Session, *, found: CalendarFile, actor: User, now: datetime
) -> Entered:
    """Save a year read from a file: each scope the file has replaces that scope's
    entries of the year; the year is marked entered when the file says so."""
    before = bureau_calendar.load(session)
    saved = 0
    for scope in CalendarScope:
        days = [Entry(d.day, d.kind, d.note) for d in found.days if d.scope == scope]
        if days:
            saved += bureau_calendar.replace_year(session, found.year, scope, days)
    if found.entered:
        bureau_calendar.mark_year_entered(session, found.year)
    return Entered(saved, recompute_due_dates(session, before=before, actor=actor, now=now))


def enter_day(session: orm.Session, *, entry: Entry, actor: User, now: datetime) -> Entered:
    """Add or change one bureau day (ValidationError for a bad kind)."""
    before = bureau_calendar.load(session)
    bureau_calendar.set_day(session, entry.day, entry.kind, entry.note)
    return Entered(1, recompute_due_dates(session, before=before, actor=actor, now=now))


def remove_entry(
    session: orm.Session, *, day: date, scope: str, actor: User, now: datetime
) -> Entered:
    """Remove one entry of any scope (nothing when there is none)."""
    before = bureau_calendar.load(session)
    removed = bureau_calendar.remove_day(session, day, scope)
    moved = recompute_due_dates(session, before=before, actor=actor, now=now) if removed else 0
    return Entered(int(removed), moved)


def list_entries(session: orm.Session, year: int) -> Sequence[CalendarDay]:
    return bureau_calendar.list_days(session, year)


# --- due dates --------------------------------------------------------------------------


def changed_days(before: BureauCalendar, after: BureauCalendar) -> list[date]:
    """The days that are working days in one calendar and not in the other."""
    candidates = (before.rest_days ^ after.rest_days) | (before.work_days ^ after.work_days)
    return sorted(d for d in candidates if is_working_day(d, before) != is_working_day(d, after))


def recompute_due_dates(
    session: orm.Session,
    *,
    before: BureauCalendar,
    actor: User | None,
    now: datetime,
    batch: int = BATCH,
) -> int:
    """Move the due date of every running contract (submitted, in review) whose period
    crosses a day the calendar change made working or not. The period starts on the
    day of the last (re)submission; its length is what it was on the calendar
    ``before`` (so the working days left after a return are kept). Each move is one
    history event with the old and new date. Contracts are read in batches of
    ``batch`` by id; a contract changed meanwhile (another due date) is left alone.
    Returns the number moved."""
    after = bureau_calendar.load(session)
    changed = changed_days(before, after)
    if not changed:
        return 0
    first, last = changed[0], changed[-1]
    # Started on or after the last changed day: the period never reaches it.
    started_before = datetime.combine(last, time(), BEIJING)
    query = (
        sa.select(Contract.id, Contract.due_on, Contract.submitted_at)
        .where(
            Contract.status.in_([str(s) for s in RUNNING]),
            Contract.due_on >= first,
            Contract.submitted_at < started_before,
        )
        .order_by(Contract.id)
        .limit(batch)
    )
    moved, after_id = 0, 0
    while True:
        rows = session.execute(query.where(Contract.id > after_id)).all()
        if not rows:
            return moved
        after_id = rows[-1].id
        starts = _period_starts(session, [r.id for r in rows])
        events = []
        for contract_id, due_on, submitted_at in rows:
            start = starts.get(contract_id) or today_local(submitted_at)
            days = working_days_between(start, due_on, before) if due_on else 0
            if due_on is None or days < 1:
                continue
            new = add_working_days(start, days, after)
            if new == due_on or not _move(session, contract_id, due_on, new):
                continue
            moved += 1
            events.append(
                {
                    "contract_id": contract_id,
                    "actor_id": actor.id if actor else None,
                    "at": now,
                    "action": RECOMPUTED,
                    "detail": {
                        "old_due_on": due_on.isoformat(),
                        "new_due_on": new.isoformat(),
                        "working_days": days,
                    },
                }
            )
        if events:
            session.execute(sa.insert(ContractEvent), events)
        session.flush()


def _period_starts(session: orm.Session, ids: Iterable[int]) -> dict[int, date]:
    """The Beijing day of each contract's last submission or revision."""
    rows = session.execute(
        sa.select(ContractEvent.contract_id, sa.func.max(ContractEvent.at))
        .where(
            ContractEvent.contract_id.in_(list(ids)), ContractEvent.action.in_(["submit", "revise"])
        )
        .group_by(ContractEvent.contract_id)
    ).all()
    return {contract_id: today_local(_aware(at)) for contract_id, at in rows}


def _aware(at: datetime) -> datetime:
    # Stored in UTC; an aggregate may come back without its offset.
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def _move(session: orm.Session, contract_id: int, old: date, new: date) -> bool:
    """Set the new due date unless the contract moved on meanwhile. The lock version is
    left as it is: a page open on the contract stays valid, only the date changed."""
    result = session.execute(
        sa.update(Contract)
        .where(
            Contract.id == contract_id,
            Contract.due_on == old,
            Contract.status.in_([str(s) for s in RUNNING]),
        )
        .values(due_on=new)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0) == 1)
