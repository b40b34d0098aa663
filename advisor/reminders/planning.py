"""Planning: turn the data as it stands at ``now`` into reminder rows, each with a unique key
(kind, channel, recipient, subject, occasion), so planning twice adds nothing.

When each reminder goes out: at the bureau's office time (REMINDER_TIME, default 10:30
Beijing time) on the day it concerns, or on the next working day of the working-day
calendar when that day is a rest day. APScheduler's CronTrigger computes the time.

What is planned (``today`` is the Beijing date of ``now``; daily kinds only on working days):
- advisors: a contract submitted in the last day (e-mail only: the app told them at once);
  a review due on the next working day (due_tomorrow) or today (due_today); overdue
  reviews, every working day until issued.
- the bureau: one digest of overdue reviews each working day; the ledger's head (its
  entry count and latest hash) each working day, as an anchor kept outside the database;
  schools with no current primary advisor (weekly); appointments ending within 30 days
  (once per end date); a year with no working-day calendar, from December (weekly).
- schools: a contract returned 3 or more working days ago and not revised (once per
  return); a signed contract ending within 30 days (once per end date).
- the current rule set's calendar: each event of each period it applies to, on its day
  (or within 7 days after, for a scheduler that was down); an event on or before the
  period's last day goes to the advisors (e.g. complete the ledger), a later one to the
  bureau (e.g. run the evaluation).
- the last day of a published evaluation's objection period: its advisors.

Each user gets the reminder in the app, and by e-mail when SMTP is configured, they have
an address and they chose that kind; the bureau's and each school's group robots get
the bureau's and that school's reminders.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy import orm
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from advisor.accounts import services as accounts
from advisor.accounts.models import User
from advisor.contracts import calendar as bureau_calendar
from advisor.contracts.models import Contract, ContractEvent, Status
from advisor.directory.models import Advisor, Assignment, AssignmentKind, LawFirm, School
from advisor.evaluation import services as evaluation
from advisor.evaluation.models import Evaluation, EvaluationResult
from advisor.evaluation.rulefile import from_json, parse_when
from advisor.ledger.models import LedgerHead
from advisor.reminders.kinds import KINDS
from advisor.reminders.models import Reminder, Webhook
from advisor.workdays import (
    BureauCalendar,
    Period,
    add_working_days,
    is_working_day,
    working_days_between,
)

OPEN = (Status.SUBMITTED.value, Status.IN_REVIEW.value)
KEY_LENGTH = 255
AHEAD_DAYS = 30
RETURN_WAIT_DAYS = 3
LIST_MAX = 10


@dataclass(frozen=True, slots=True)
class Settings:
    timezone: ZoneInfo
    hour: int
    minute: int
    email: bool  # SMTP is configured

    @classmethod
    def of(cls, config: Any) -> Settings:
        hour, minute = (int(part) for part in config.reminder_time.split(":"))
        return cls(ZoneInfo(config.timezone), hour, minute, bool(config.smtp_host))


@dataclass(frozen=True, slots=True)
class Occasion:
    """One reminder to plan, before it is spread over recipients and channels."""

    kind: str
    subject: str
    occasion: str
    day: date  # the day it concerns; sent at office time on it or the next working day
    params: dict[str, Any]
    link: str = ""
    user_ids: tuple[int, ...] = ()
    school_id: int | None = None  # that school's robots get it
    bureau_robots: bool = False


def office_time(day: date, settings: Settings, calendar: BureauCalendar) -> datetime:
    """Office time on ``day``, or on the next working day when ``day`` is a rest day (UTC)."""
    from apscheduler.triggers.cron import CronTrigger  # here: the web workers do without it

    trigger = CronTrigger(hour=settings.hour, minute=settings.minute, timezone=settings.timezone)
    fire = trigger.get_next_fire_time(None, datetime.combine(day, time(), settings.timezone))
    while fire is not None and not is_working_day(fire.date(), calendar):
        fire = trigger.get_next_fire_time(fire, fire + timedelta(seconds=1))
    assert fire is not None  # a daily trigger always fires again; for mypy  # nosec B101
    when: datetime = fire.astimezone(UTC)
    return when


def plan(session: orm.Session, *, now: datetime, config: Any) -> int:
    """Add every reminder due by the data at ``now`` that is not planned yet; the number
    added. Flushes; the caller commits."""
    settings = Settings.of(config)
    calendar = bureau_calendar.load(session)
    today = now.astimezone(settings.timezone).date()
    occasions: list[Occasion] = []
    working = is_working_day(today, calendar)
    if working:
        occasions += _contracts_due(session, today, calendar)
        occasions += _overdue_digest(session, today)
        occasions += _ledger_anchor(session, today)
    occasions += _new_contracts(session, now)
    occasions += _no_advisor(session, today)
    occasions += _appointments_ending(session, today)
    occasions += _calendar_missing(session, today)
    occasions += _returned_waiting(session, today, calendar)
    occasions += _contracts_ending(session, today)
    occasions += _evaluation_calendar(session, today)
    occasions += _objections_closing(session, today)
    _drop_withdrawn_events(session, [o for o in occasions if o.kind == "evaluation_calendar"])
    return _store(session, occasions, settings, calendar, now)


def _drop_withdrawn_events(session: orm.Session, current: Sequence[Occasion]) -> None:
    """A rule-set edit that moves or removes a calendar event withdraws its reminders
    not sent yet."""
    keep = {(o.subject, o.occasion) for o in current}
    for reminder in session.scalars(
        sa.select(Reminder).where(
            Reminder.kind == "evaluation_calendar", Reminder.status == "pending"
        )
    ):
        if (reminder.subject, reminder.occasion) not in keep:
            session.delete(reminder)
    session.flush()


def _store(
    session: orm.Session,
    occasions: Sequence[Occasion],
    settings: Settings,
    calendar: BureauCalendar,
    now: datetime,
) -> int:
    user_ids = {u for o in occasions for u in o.user_ids}
    users = {
        u.id: u
        for u in session.scalars(
            sa.select(User).where(User.id.in_(user_ids), User.is_active.is_(True))
        )
    }
    robots = list(session.scalars(sa.select(Webhook).where(Webhook.is_active.is_(True))))
    rows: list[dict[str, Any]] = []
    for o in occasions:
        due = office_time(o.day, settings, calendar)
        base = {
            "kind": o.kind,
            "subject": o.subject,
            "occasion": o.occasion,
            "params": o.params,
            "link": o.link,
            "due_at": due,
            "next_attempt_at": due,
            "status": "pending",
            "attempts": 0,
            "created_at": now,
        }
        for user_id in o.user_ids:
            user = users.get(user_id)
            if user is None:
                continue
            channels = ["app"] if KINDS[o.kind].in_app else []
            wanted = user.email_reminders is None or o.kind in user.email_reminders
            if settings.email and user.email and wanted:
                channels.append("email")
            for channel in channels:
                key = f"{o.kind}|{channel}|u{user_id}|{o.subject}|{o.occasion}"
                rows.append({**base, "key": key, "channel": channel, "user_id": user_id})
        for robot in robots:
            if (o.bureau_robots and robot.school_id is None) or (
                o.school_id is not None and robot.school_id == o.school_id
            ):
                key = f"{o.kind}|{robot.kind}|w{robot.id}|{o.subject}|{o.occasion}"
                rows.append({**base, "key": key, "channel": robot.kind, "webhook_id": robot.id})
    if not rows:
        return 0
    before = session.scalar(sa.select(sa.func.count(Reminder.id))) or 0
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    for start in range(0, len(rows), 500):
        chunk = [_complete(row) for row in rows[start : start + 500]]
        session.execute(insert(Reminder).on_conflict_do_nothing(index_elements=["key"]), chunk)
    session.flush()
    return (session.scalar(sa.select(sa.func.count(Reminder.id))) or 0) - before


def _complete(row: dict[str, Any]) -> dict[str, Any]:
    """Every column for the multi-row insert (each row must name the same columns); a key
    too long for its column keeps its start and a digest of the whole."""
    key = row["key"]
    if len(key) > KEY_LENGTH:
        digest = hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()
        key = key[: KEY_LENGTH - 41] + "#" + digest
    return {"user_id": None, "webhook_id": None, **row, "key": key}


# --- what each kind finds ---------------------------------------------------------------


def _users_by_advisor(session: orm.Session, advisor_ids: Iterable[int]) -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    for user_id, advisor_id in session.execute(
        sa.select(User.id, User.advisor_id).where(
            User.advisor_id.in_(set(advisor_ids)), User.is_active.is_(True)
        )
    ):
        if advisor_id is not None:
            found.setdefault(advisor_id, []).append(user_id)
    return found


def _users_by_school(session: orm.Session, school_ids: Iterable[int]) -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    for user_id, school_id in session.execute(
        sa.select(User.id, User.school_id).where(
            User.school_id.in_(set(school_ids)), User.is_active.is_(True)
        )
    ):
        if school_id is not None:
            found.setdefault(school_id, []).append(user_id)
    return found


def _contract_rows(session: orm.Session, *conditions: Any) -> list[Any]:
    return list(
        session.execute(
            sa.select(
                Contract.id,
                Contract.title,
                Contract.due_on,
                Contract.advisor_id,
                Contract.school_id,
                School.name,
            )
            .join(School, School.id == Contract.school_id)
            .where(*conditions)
            .order_by(Contract.due_on, Contract.id)
        )
    )


def _contracts_due(session: orm.Session, today: date, calendar: BureauCalendar) -> list[Occasion]:
    tomorrow = add_working_days(today, 1, calendar)
    rows = _contract_rows(
        session,
        Contract.status.in_(OPEN),
        Contract.due_on.is_not(None),
        Contract.due_on <= tomorrow,
    )
    users = _users_by_advisor(session, [r.advisor_id for r in rows])
    found = []
    for r in rows:
        if r.due_on == tomorrow:
            kind = "due_tomorrow"
        elif r.due_on == today:
            kind = "due_today"
        elif r.due_on < today:
            kind = "overdue"
        else:
            continue
        occasion = today.isoformat() if kind == "overdue" else r.due_on.isoformat()
        found.append(
            Occasion(
                kind,
                f"contract:{r.id}",
                occasion,
                today,
                {"title": r.title, "school": r.name, "due": r.due_on.isoformat()},
                f"/contracts/{r.id}",
                tuple(users.get(r.advisor_id, ())),
            )
        )
    return found


def _overdue_digest(session: orm.Session, today: date) -> list[Occasion]:
    rows = _contract_rows(
        session, Contract.status.in_(OPEN), Contract.due_on.is_not(None), Contract.due_on < today
    )
    if not rows:
        return []
    shown = "; ".join(f"{r.title} ({r.name}, {r.due_on.isoformat()})" for r in rows[:LIST_MAX])
    if len(rows) > LIST_MAX:
        shown += f"; … (+{len(rows) - LIST_MAX})"
    return [
        Occasion(
            "overdue_digest",
            "contracts",
            today.isoformat(),
            today,
            {"count": len(rows), "list": shown},
            "/contracts?overdue=true",
            tuple(accounts.bureau_user_ids(session)),
            bureau_robots=True,
        )
    ]


def _ledger_anchor(session: orm.Session, today: date) -> list[Occasion]:
    """The chain's head each working day, sent out of the database (e-mail, robots) so
    that a rewrite of the whole chain could be told from the copies people keep."""
    head = session.get(LedgerHead, 1)
    if head is None or head.seq == 0:
        return []
    return [
        Occasion(
            "ledger_anchor",
            f"ledger:{head.seq}",
            today.isoformat(),
            today,
            {"day": today.isoformat(), "seq": head.seq, "hash": head.last_hash},
            "/ledger/verify",
            tuple(accounts.bureau_user_ids(session)),
            bureau_robots=True,
        )
    ]


def _new_contracts(session: orm.Session, now: datetime) -> list[Occasion]:
    rows = _contract_rows(
        session,
        Contract.status == Status.SUBMITTED.value,
        Contract.submitted_at >= now - timedelta(days=1),
    )
    users = _users_by_advisor(session, [r.advisor_id for r in rows])
    return [
        Occasion(
            "new_contract",
            f"contract:{r.id}",
            "new",
            now.date(),
            {"title": r.title, "school": r.name, "due": r.due_on.isoformat() if r.due_on else ""},
            f"/contracts/{r.id}",
            tuple(users.get(r.advisor_id, ())),
        )
        for r in rows
    ]


def _week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _no_advisor(session: orm.Session, today: date) -> list[Occasion]:
    covered = (
        sa.select(Assignment.school_id)
        .where(
            Assignment.kind == AssignmentKind.PRIMARY.value,
            Assignment.starts_on <= today,
            sa.or_(Assignment.ends_on.is_(None), Assignment.ends_on >= today),
        )
        .scalar_subquery()
    )
    names = list(
        session.scalars(
            sa.select(School.name)
            .where(School.is_active.is_(True), School.id.not_in(covered))
            .order_by(School.name)
        )
    )
    if not names:
        return []
    shown = "、".join(names[:LIST_MAX]) + (
        f" … (+{len(names) - LIST_MAX})" if len(names) > LIST_MAX else ""
    )
    return [
        Occasion(
            "no_advisor",
            "schools",
            _week(today),
            today,
            {"count": len(names), "list": shown},
            "/schools",
            tuple(accounts.bureau_user_ids(session)),
            bureau_robots=True,
        )
    ]


def _appointments_ending(session: orm.Session, today: date) -> list[Occasion]:
    rows = session.execute(
        sa.select(Advisor.id, Advisor.name, Advisor.appointment_ends_on, LawFirm.name)
        .join(LawFirm, LawFirm.id == Advisor.law_firm_id)
        .where(
            Advisor.is_active.is_(True),
            Advisor.appointment_ends_on >= today,
            Advisor.appointment_ends_on <= today + timedelta(days=AHEAD_DAYS),
        )
    )
    bureau = tuple(accounts.bureau_user_ids(session))
    return [
        Occasion(
            "appointment_ending",
            f"advisor:{advisor_id}",
            str(ends),
            today,
            {"advisor": name, "firm": firm, "ends": str(ends)},
            f"/advisors/{advisor_id}",
            bureau,
            bureau_robots=True,
        )
        for advisor_id, name, ends, firm in rows
    ]


def _calendar_missing(session: orm.Session, today: date) -> list[Occasion]:
    if today.month != 12:
        return []
    years = [y for y in bureau_calendar.missing_years(session, today) if y > today.year]
    return [
        Occasion(
            "calendar_missing",
            f"year:{year}",
            _week(today),
            today,
            {"year": year},
            "/settings/calendar",
            tuple(accounts.bureau_user_ids(session)),
            bureau_robots=True,
        )
        for year in years
    ]


def _returned_waiting(
    session: orm.Session, today: date, calendar: BureauCalendar
) -> list[Occasion]:
    last_return = (
        sa.select(ContractEvent.contract_id, sa.func.max(ContractEvent.id).label("event_id"))
        .where(ContractEvent.to_status == Status.RETURNED.value)
        .group_by(ContractEvent.contract_id)
        .subquery()
    )
    rows = session.execute(
        sa.select(
            Contract.id, Contract.title, Contract.school_id, ContractEvent.id, ContractEvent.at
        )
        .join(last_return, last_return.c.contract_id == Contract.id)
        .join(ContractEvent, ContractEvent.id == last_return.c.event_id)
        .where(Contract.status == Status.RETURNED.value)
    ).all()
    users = _users_by_school(session, [r[2] for r in rows])
    found = []
    for contract_id, title, school_id, event_id, at in rows:
        returned = at.astimezone(ZoneInfo("Asia/Shanghai")).date()
        if working_days_between(returned, today, calendar) < RETURN_WAIT_DAYS:
            continue
        found.append(
            Occasion(
                "returned_waiting",
                f"contract:{contract_id}",
                f"return-{event_id}",
                today,
                {"title": title, "returned": returned.isoformat()},
                f"/contracts/{contract_id}",
                tuple(users.get(school_id, ())),
                school_id=school_id,
            )
        )
    return found


def _contracts_ending(session: orm.Session, today: date) -> list[Occasion]:
    rows = session.execute(
        sa.select(
            Contract.id, Contract.title, Contract.counterparty, Contract.end_on, Contract.school_id
        ).where(
            Contract.status == Status.CLOSED.value,
            Contract.result == "signed",
            Contract.end_on >= today,
            Contract.end_on <= today + timedelta(days=AHEAD_DAYS),
        )
    ).all()
    users = _users_by_school(session, [r.school_id for r in rows])
    return [
        Occasion(
            "contract_ending",
            f"contract:{r.id}",
            r.end_on.isoformat(),
            today,
            {"title": r.title, "counterparty": r.counterparty, "ends": r.end_on.isoformat()},
            f"/contracts/{r.id}",
            tuple(users.get(r.school_id, ())),
            school_id=r.school_id,
        )
        for r in rows
    ]


def _periods_around(today: date, kinds: Sequence[str]) -> list[Period]:
    periods = []
    for year in (today.year - 1, today.year, today.year + 1):
        if "year" in kinds:
            periods.append(Period("year", year))
        if "quarter" in kinds:
            periods += [Period("quarter", year, q) for q in (1, 2, 3, 4)]
    return periods


def _evaluation_calendar(session: orm.Session, today: date) -> list[Occasion]:
    row = evaluation.get_current_rule_set(session)
    if row is None:
        return []
    rules = from_json(row.data)
    advisors = tuple(
        session.scalars(
            sa.select(User.id)
            .join(Advisor, Advisor.id == User.advisor_id)
            .where(User.is_active.is_(True), Advisor.is_active.is_(True))
        )
    )
    bureau = tuple(accounts.bureau_user_ids(session))
    found = []
    for period in _periods_around(today, rules.periods):
        for event in rules.calendar:
            anchor, days = parse_when(event.when)
            day = (period.end if anchor == "end" else period.start) + timedelta(days=days)
            if not day <= today <= day + timedelta(days=7):
                continue
            for_advisors = day <= period.end
            found.append(
                Occasion(
                    "evaluation_calendar",
                    f"period:{period}",
                    f"{event.key}@{day.isoformat()}",
                    day,
                    {
                        "event": {"zh": event.label_zh, "en": event.label_en},
                        "period": str(period),
                        "day": day.isoformat(),
                    },
                    "/ledger" if for_advisors else "/evaluations",
                    advisors if for_advisors else bureau,
                    bureau_robots=not for_advisors,
                )
            )
    return found


def _objections_closing(session: orm.Session, today: date) -> list[Occasion]:
    found = []
    for evaluation_id, period, until in session.execute(
        sa.select(Evaluation.id, Evaluation.period, Evaluation.objections_until).where(
            Evaluation.status == "published", Evaluation.objections_until == today
        )
    ):
        advisor_ids = session.scalars(
            sa.select(EvaluationResult.advisor_id).where(
                EvaluationResult.evaluation_id == evaluation_id
            )
        )
        users = _users_by_advisor(session, advisor_ids)
        found.append(
            Occasion(
                "objections_closing",
                f"evaluation:{evaluation_id}",
                str(until),
                today,
                {"period": period, "until": str(until)},
                "/evaluations",
                tuple(u for ids in users.values() for u in ids),
            )
        )
    return found
