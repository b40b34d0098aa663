"""Planning reminders from the data at an injected "now": each kind at the right working-day
time (across holidays), once however often planning runs, to the right people and robots."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy import orm

from advisor.accounts.models import User
from advisor.contracts.models import Contract, ContractEvent
from advisor.directory.models import Advisor
from advisor.evaluation import services as evaluation
from advisor.reminders import planning
from advisor.reminders.models import Reminder, Webhook
from advisor.workdays import BEIJING, BureauCalendar
from config import Config

NO_ENTRIES = BureauCalendar(frozenset(), frozenset(), frozenset())


def at(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    """A Beijing wall-clock time, as the UTC instant the jobs are given."""
    return datetime(year, month, day, hour, minute, tzinfo=BEIJING).astimezone(UTC)


@pytest.fixture()
def config(app: Flask) -> Config:
    base: Config = app.config["ADVISOR"]
    return base.but(smtp_host="")


def plan(session: orm.Session, now: datetime, config: Config) -> int:
    return planning.plan(session, now=now, config=config)


def rows(session: orm.Session, kind: str) -> list[Reminder]:
    return list(
        session.scalars(sa.select(Reminder).where(Reminder.kind == kind).order_by(Reminder.id))
    )


def set_due(session: orm.Session, contract_id: int, due: date, status: str = "submitted") -> None:
    session.execute(
        sa.update(Contract).where(Contract.id == contract_id).values(due_on=due, status=status)
    )


def user_id(session: orm.Session, email: str) -> int:
    found = session.scalar(sa.select(User.id).where(User.email == email))
    assert found is not None
    return found


def test_office_time_is_the_next_working_day_at_half_past_ten(
    session: orm.Session, config: Config
) -> None:
    settings = planning.Settings.of(config)
    # A working Wednesday: 10:30 that day.
    assert planning.office_time(date(2026, 4, 29), settings, NO_ENTRIES) == at(2026, 4, 29, 10, 30)
    # National Day: 1 to 7 October 2026 are rest days; the 8th is the next working day.
    assert planning.office_time(date(2026, 10, 1), settings, NO_ENTRIES) == at(2026, 10, 8, 10, 30)
    later = planning.Settings.of(config.but(reminder_time="16:05"))
    assert planning.office_time(date(2026, 4, 29), later, NO_ENTRIES) == at(2026, 4, 29, 16, 5)


def test_reviews_due_tomorrow_today_and_overdue(session: orm.Session, config: Config) -> None:
    set_due(session, 1, date(2026, 4, 30))  # advisor01: due tomorrow
    set_due(session, 2, date(2026, 4, 27))  # advisor02: two days overdue
    assert plan(session, at(2026, 4, 29), config) > 0
    tomorrow, overdue = rows(session, "due_tomorrow"), rows(session, "overdue")
    assert [(r.user_id, r.channel, r.occasion) for r in tomorrow] == [
        (user_id(session, "advisor01@demo.local"), "app", "2026-04-30")
    ]
    assert [(r.user_id, r.occasion) for r in overdue] == [
        (user_id(session, "advisor02@demo.local"), "2026-04-29")
    ]
    assert tomorrow[0].due_at == at(2026, 4, 29, 10, 30)
    assert tomorrow[0].params["due"] == "2026-04-30" and tomorrow[0].link == "/contracts/1"
    digest = rows(session, "overdue_digest")
    assert [r.user_id for r in digest] == [user_id(session, "bureau@demo.local")]
    assert digest[0].params["count"] == 1

    # The next working day: due today for advisor01, overdue again (a new day) for advisor02.
    plan(session, at(2026, 4, 30), config)
    assert [r.occasion for r in rows(session, "due_today")] == ["2026-04-30"]
    assert [r.occasion for r in rows(session, "overdue")] == ["2026-04-29", "2026-04-30"]


def test_due_tomorrow_looks_across_a_holiday_and_rest_days_plan_nothing_daily(
    session: orm.Session, config: Config
) -> None:
    # 1 to 5 May 2026 are the May Day holiday: after Thursday 30 April comes 6 May.
    set_due(session, 1, date(2026, 5, 6))
    set_due(session, 2, date(2026, 5, 20))
    plan(session, at(2026, 4, 30), config)
    assert [r.occasion for r in rows(session, "due_tomorrow")] == ["2026-05-06"]
    set_due(session, 2, date(2026, 4, 27))
    plan(session, at(2026, 5, 2), config)  # a rest day: no daily reminders
    assert [
        (r.kind, r.occasion) for r in rows(session, "overdue") + rows(session, "overdue_digest")
    ] == []


def test_planning_twice_adds_nothing(session: orm.Session, config: Config) -> None:
    set_due(session, 2, date(2026, 4, 27))
    first = plan(session, at(2026, 4, 29, 9), config)
    total = session.scalar(sa.select(sa.func.count(Reminder.id)))
    assert first > 0
    assert plan(session, at(2026, 4, 29, 9, 10), config) == 0  # the next run
    assert plan(session, at(2026, 4, 29, 9, 10), config) == 0  # the same run again
    assert session.scalar(sa.select(sa.func.count(Reminder.id))) == total


def test_email_follows_smtp_and_each_users_choice(session: orm.Session, config: Config) -> None:
    set_due(session, 1, date(2026, 4, 27), status="withdrawn")
    set_due(session, 2, date(2026, 4, 27))
    advisor02 = session.get(User, user_id(session, "advisor02@demo.local"))
    assert advisor02 is not None
    plan(session, at(2026, 4, 29), config)
    assert {r.channel for r in rows(session, "overdue")} == {"app"}  # no SMTP configured

    with_smtp = config.but(smtp_host="127.0.0.1")
    advisor02.email_reminders = ["due_today"]  # not "overdue"
    plan(session, at(2026, 4, 30), with_smtp)
    assert {r.channel for r in rows(session, "overdue") if r.occasion == "2026-04-30"} == {"app"}
    advisor02.email_reminders = None  # every kind
    plan(session, at(2026, 5, 6), with_smtp)
    assert {r.channel for r in rows(session, "overdue") if r.occasion == "2026-05-06"} == {
        "app",
        "email",
    }


def test_robots_get_the_bureaus_and_their_schools_reminders(
    session: orm.Session, config: Config
) -> None:
    bureau_robot = Webhook(name="局群", kind="wecom", url="http://127.0.0.1:9/a")
    school_robot = Webhook(name="一中群", kind="dingtalk", url="http://127.0.0.1:9/b", school_id=1)
    other_school = Webhook(name="二中群", kind="wecom", url="http://127.0.0.1:9/c", school_id=2)
    off = Webhook(name="停用", kind="wecom", url="http://127.0.0.1:9/d", is_active=False)
    session.add_all([bureau_robot, school_robot, other_school, off])
    set_due(session, 2, date(2026, 4, 27))
    # Contract 1 was returned on Friday 24 April: 3 working days later is Wednesday 29th.
    set_due(session, 1, date(2026, 4, 30), status="returned")
    session.add(
        ContractEvent(
            contract_id=1,
            action="return",
            from_status="in_review",
            to_status="returned",
            at=at(2026, 4, 24, 15),
        )
    )
    session.flush()
    plan(session, at(2026, 4, 28), config)
    assert rows(session, "returned_waiting") == []  # only 2 working days yet
    plan(session, at(2026, 4, 29), config)
    digest = rows(session, "overdue_digest")
    assert {(r.channel, r.webhook_id) for r in digest if r.webhook_id} == {
        ("wecom", bureau_robot.id)
    }
    waiting = rows(session, "returned_waiting")
    assert {(r.channel, r.webhook_id or r.user_id) for r in waiting} == {
        ("app", user_id(session, "school01@demo.local")),
        ("dingtalk", school_robot.id),
    }
    assert waiting[0].params["returned"] == "2026-04-24"


def test_appointments_and_contracts_ending_within_30_days(
    session: orm.Session, config: Config
) -> None:
    session.execute(
        sa.update(Advisor).where(Advisor.id == 3).values(appointment_ends_on=date(2026, 5, 20))
    )
    session.execute(
        sa.update(Advisor).where(Advisor.id == 4).values(appointment_ends_on=date(2026, 6, 30))
    )
    session.execute(
        sa.update(Contract)
        .where(Contract.id == 1)
        .values(status="closed", result="signed", end_on=date(2026, 5, 15))
    )
    plan(session, at(2026, 4, 29), config)
    assert [r.subject for r in rows(session, "appointment_ending")] == ["advisor:3"]
    ending = rows(session, "contract_ending")
    assert [(r.user_id, r.occasion) for r in ending] == [
        (user_id(session, "school01@demo.local"), "2026-05-15")
    ]


def test_the_evaluation_calendar_comes_from_the_rule_set(
    session: orm.Session, config: Config
) -> None:
    evaluation.ensure_default_rule_set(session)
    # Default: "complete the ledger" 10 days before a period ends: 2026-Q1 ends 31 March,
    # so 21 March, a Saturday; sent on Monday the 23rd, to every advisor.
    plan(session, at(2026, 3, 20), config)
    assert rows(session, "evaluation_calendar") == []
    plan(session, at(2026, 3, 23), config)
    ledger = [r for r in rows(session, "evaluation_calendar") if r.subject == "period:2026-Q1"]
    advisors = session.scalar(sa.select(sa.func.count(User.id)).where(User.advisor_id.is_not(None)))
    assert len(ledger) == advisors == 35
    assert {r.occasion for r in ledger} == {"complete_ledger@2026-03-21"}
    assert ledger[0].due_at == at(2026, 3, 23, 10, 30)
    # "Run the evaluation" the day after the period ends goes to the bureau.
    plan(session, at(2026, 4, 1), config)
    run = [r for r in rows(session, "evaluation_calendar") if r.occasion.startswith("run_")]
    assert [r.user_id for r in run] == [user_id(session, "bureau@demo.local")]


def test_a_rule_set_edit_moves_the_calendar_reminders(session: orm.Session, config: Config) -> None:
    row = evaluation.ensure_default_rule_set(session)
    plan(session, at(2026, 3, 23, 9), config)
    assert {r.occasion for r in rows(session, "evaluation_calendar")} == {
        "complete_ledger@2026-03-21"
    }
    data = dict(row.data)
    data["calendar"] = [
        {**event, "when": "period_end-7d"} if event["key"] == "complete_ledger" else event
        for event in data["calendar"]
    ]
    from advisor.evaluation.models import RuleSetVersion

    session.add(RuleSetVersion(name=row.name, version=row.version + 1, data=data))
    session.flush()
    plan(session, at(2026, 3, 24, 9), config)
    # The old date's reminders, not sent yet, are withdrawn; the new date's planned.
    assert {r.occasion for r in rows(session, "evaluation_calendar")} == {
        "complete_ledger@2026-03-24"
    }


def test_a_missing_calendar_year_from_december(session: orm.Session, config: Config) -> None:
    plan(session, at(2026, 11, 30), config)
    assert rows(session, "calendar_missing") == []
    plan(session, at(2026, 12, 1), config)
    missing = rows(session, "calendar_missing")
    # chinesecalendar does not know 2027's holidays yet, and nobody entered them.
    assert [r.subject for r in missing] == ["year:2027"]
    plan(session, at(2026, 12, 2), config)  # the same week: nothing new
    assert len(rows(session, "calendar_missing")) == 1
    plan(session, at(2026, 12, 7) + timedelta(hours=1), config)  # the next week
    assert len(rows(session, "calendar_missing")) == 2
