"""Entering a year's calendar: a national notice replaces the year's national days and
leaves the regional ones, a regional notice adds only what the nation does not have,
a file goes out and comes back, and open contracts' due dates move with every
change, each move in the contract's history."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy import orm

from advisor.accounts.models import User
from advisor.contracts import calendar as bureau_calendar
from advisor.contracts import calendar_entry, services
from advisor.contracts.calendar import Entry
from advisor.contracts.calendar_files import FileDay, read, to_json
from advisor.contracts.extraction import Limits, inspect
from advisor.contracts.files import FileStore
from advisor.contracts.holiday_notice import parse_notice
from advisor.contracts.models import CalendarDay, CalendarYear, Contract, ContractEvent
from advisor.contracts.workflow import Action
from advisor.errors import ValidationError
from advisor.reminders import planning
from advisor.reminders.models import Reminder
from advisor.workdays import BEIJING
from tests.contracts import notices
from tests.documents import make_pdf
from tests.factories.contracts import submit_contract
from tests.factories.people import user

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
NEW_YEAR_2027 = "元旦：1月1日（周五）至3日（周日）放假调休，共3天。"


def bureau(session: orm.Session) -> User:
    return user(session, "bureau@demo.local")


def moment(day: date) -> datetime:
    return datetime.combine(day, time(10), BEIJING)


def enter(session: orm.Session, text: str, year: int = 2027, scope: str = "national") -> int:
    done = calendar_entry.enter_notice(
        session,
        notice=parse_notice(text, year),
        scope=scope,
        actor=bureau(session),
        now=NOW,
        accept_problems=True,
    )
    return done.moved


def moves(session: orm.Session, contract: Contract) -> list[dict[str, object]]:
    return [
        e.detail
        for e in session.scalars(
            sa.select(ContractEvent)
            .where(
                ContractEvent.contract_id == contract.id, ContractEvent.action == "due_recomputed"
            )
            .order_by(ContractEvent.id)
        )
    ]


def due(session: orm.Session, contract: Contract) -> date | None:
    session.expire(contract)
    return contract.due_on


def entries(session: orm.Session, scope: str) -> list[tuple[date, str, str]]:
    return [
        (d.day, d.kind, d.note)
        for d in session.scalars(
            sa.select(CalendarDay).where(CalendarDay.scope == scope).order_by(CalendarDay.day)
        )
    ]


# --- due dates --------------------------------------------------------------------------


def test_entering_2027_moves_an_open_due_date_and_the_history_says_so(
    app: Flask, session: orm.Session
) -> None:
    contract = submit_contract(app, session, 3, today=date(2026, 12, 28))
    # 2027 is unknown: weekends only, so New Year's Day (a Friday) counts.
    assert contract.due_on == date(2027, 1, 4)
    assert enter(session, NEW_YEAR_2027) >= 1
    assert due(session, contract) == date(2027, 1, 5)
    [moved] = moves(session, contract)
    assert moved == {"old_due_on": "2027-01-04", "new_due_on": "2027-01-05", "working_days": 5}
    event = session.scalars(
        sa.select(ContractEvent).where(ContractEvent.action == "due_recomputed")
    ).first()
    assert event is not None and event.actor_id == bureau(session).id and event.at == NOW
    # Entering the same notice again changes no day, so nothing moves twice.
    assert enter(session, NEW_YEAR_2027) == 0
    assert len(moves(session, contract)) == 1


def test_a_contract_in_review_moves_too(app: Flask, session: orm.Session) -> None:
    contract = submit_contract(app, session, 3, today=date(2026, 12, 29))
    services.start_review(
        session, actor=user(session, "advisor03@demo.local"), contract=contract, now=NOW
    )
    enter(session, NEW_YEAR_2027)
    assert due(session, contract) == date(2027, 1, 6)


def test_a_returned_contract_keeps_its_days_left(app: Flask, session: orm.Session) -> None:
    contract = submit_contract(app, session, 3, today=date(2026, 12, 28))
    services.start_review(
        session, actor=user(session, "advisor03@demo.local"), contract=contract, now=NOW
    )
    services.transition(
        session,
        actor=user(session, "advisor03@demo.local"),
        contract=contract,
        action=Action.RETURN,
        now=moment(date(2026, 12, 29)),
    )
    services.stop_clock(session, contract, date(2026, 12, 29))
    assert (contract.due_on, contract.days_left) == (date(2027, 1, 4), 4)
    enter(session, NEW_YEAR_2027)
    session.expire(contract)
    # The clock stands still: the days left apply on the new calendar when it comes back.
    assert (contract.due_on, contract.days_left) == (date(2027, 1, 4), 4)
    assert moves(session, contract) == []


def test_a_resubmitted_contract_counts_from_its_resubmission(
    app: Flask, session: orm.Session
) -> None:
    contract = submit_contract(app, session, 3, today=date(2026, 12, 10))
    advisor = user(session, "advisor03@demo.local")
    services.start_review(session, actor=advisor, contract=contract, now=NOW)
    services.transition(
        session,
        actor=advisor,
        contract=contract,
        action=Action.RETURN,
        now=moment(date(2026, 12, 14)),
    )
    services.stop_clock(session, contract, date(2026, 12, 14))
    assert contract.days_left == 3
    data = make_pdf()
    services.submit_revision(
        session,
        actor=user(session, "school03@demo.local"),
        contract=contract,
        upload=services.Upload("合同（修改稿）.pdf", data, inspect(data, Limits())),
        note="",
        store=FileStore(app.config["ADVISOR"].files_dir),
        today=date(2026, 12, 30),
        now=moment(date(2026, 12, 30)),
    )
    assert contract.due_on == date(2027, 1, 4)  # 12-31, 01-01, 01-04
    enter(session, NEW_YEAR_2027)
    assert due(session, contract) == date(2027, 1, 5)  # 12-31, 01-04, 01-05
    assert moves(session, contract)[0]["working_days"] == 3


def test_contracts_are_moved_in_batches(app: Flask, session: orm.Session) -> None:
    contracts = [submit_contract(app, session, 3, today=date(2026, 12, d)) for d in (28, 29, 30)]
    before = bureau_calendar.load(session)
    bureau_calendar.replace_year(
        session,
        2027,
        "national",
        [Entry(date(2027, 1, 1), "rest", "元旦")],
    )
    moved = calendar_entry.recompute_due_dates(
        session, before=before, actor=bureau(session), now=NOW, batch=1
    )
    assert moved == 3
    assert [due(session, c) for c in contracts] == [
        date(2027, 1, 5),
        date(2027, 1, 6),
        date(2027, 1, 7),
    ]


def test_contracts_the_change_cannot_reach_stay(app: Flask, session: orm.Session) -> None:
    early = submit_contract(app, session, 3, today=date(2026, 12, 14))  # due 2026-12-21
    late = submit_contract(app, session, 3, today=date(2027, 1, 4))  # starts after New Year's Day
    late_due = late.due_on
    assert enter(session, NEW_YEAR_2027) == 0
    assert (due(session, early), due(session, late)) == (date(2026, 12, 21), late_due)


def test_a_single_day_and_its_removal_move_due_dates_both_ways(
    app: Flask, session: orm.Session
) -> None:
    contract = submit_contract(app, session, 3, today=date(2026, 12, 28))
    actor = bureau(session)
    rest = Entry(date(2026, 12, 30), "rest", "测试")
    assert calendar_entry.enter_day(session, entry=rest, actor=actor, now=NOW).moved == 1
    assert due(session, contract) == date(2027, 1, 5)
    removed = calendar_entry.remove_entry(
        session, day=date(2026, 12, 30), scope="bureau", actor=actor, now=NOW
    )
    assert (removed.saved, removed.moved) == (1, 1)
    assert due(session, contract) == date(2027, 1, 4)
    assert [m["new_due_on"] for m in moves(session, contract)] == ["2027-01-05", "2027-01-04"]


# --- national and regional entries ----------------------------------------------------


def test_a_national_notice_marks_the_year_and_stops_the_reminder(
    app: Flask, session: orm.Session
) -> None:
    config = app.config["ADVISOR"].but(smtp_host="")
    assert bureau_calendar.missing_years(session, date(2026, 12, 1)) == [2027]
    enter(session, notices.STATE_COUNCIL_2027_SAMPLE)
    assert session.get(CalendarYear, 2027) is not None
    assert bureau_calendar.missing_years(session, date(2026, 12, 1)) == []
    planning.plan(session, now=datetime(2026, 12, 7, 2, tzinfo=UTC), config=config)
    kinds = session.scalars(sa.select(Reminder.kind)).all()
    assert "calendar_missing" not in kinds
    assert len(entries(session, "national")) == 12


def test_re_entering_the_national_notice_replaces_it_and_keeps_the_regional_days(
    session: orm.Session,
) -> None:
    enter(session, notices.STATE_COUNCIL_2027_SAMPLE)
    enter(session, "肉孜节：3月10日（周三）放假1天。", scope="regional")
    enter(session, NEW_YEAR_2027)  # a corrected national notice
    assert [d for d, _kind, _note in entries(session, "national")] == [
        date(2027, 1, 1),
        date(2027, 1, 2),
        date(2027, 1, 3),
    ]
    assert entries(session, "regional") == [(date(2027, 3, 10), "rest", "肉孜节")]
    calendar = bureau_calendar.load(session)
    assert date(2027, 3, 10) in calendar.rest_days and date(2027, 2, 8) not in calendar.rest_days


def test_a_regional_notice_adds_only_what_the_nation_lacks(session: orm.Session) -> None:
    notice = parse_notice(notices.XINJIANG_2025, 2025)
    preview = calendar_entry.preview_notice(session, notice, "regional")
    assert date(2025, 1, 28) in preview.already  # 春节 is national already
    enter(session, notices.XINJIANG_2025, year=2025, scope="regional")
    # 3-29/30 and 6-7/8 are weekends: rest days nationally already.
    assert entries(session, "regional") == [
        (date(2025, 3, 31), "rest", "肉孜节"),
        (date(2025, 6, 6), "rest", "古尔邦节"),
        (date(2025, 6, 9), "rest", "古尔邦节"),
        (date(2025, 6, 10), "rest", "古尔邦节"),
    ]
    assert session.get(CalendarYear, 2025) is None  # a regional notice completes no year


def test_the_narrower_scope_wins_on_a_day(session: orm.Session) -> None:
    saturday = date(2027, 2, 20)
    bureau_calendar.set_day(session, saturday, "work", "调休上班", "national")
    bureau_calendar.set_day(session, saturday, "rest", "地方休息", "regional")
    assert saturday in bureau_calendar.load(session).rest_days
    bureau_calendar.set_day(session, saturday, "work", "本局安排", "bureau")
    assert saturday in bureau_calendar.load(session).work_days
    national_only = bureau_calendar.load(session, ["national"])
    assert saturday in national_only.work_days


@pytest.mark.parametrize(
    ("text", "year", "accept", "field"),
    [
        (notices.STATE_COUNCIL_2026, 2027, True, "year"),
        ("没有日期的文字", 2027, True, "text"),
        (notices.STATE_COUNCIL_2024, 2024, False, "accept_problems"),
    ],
)
def test_a_notice_that_cannot_be_saved(
    session: orm.Session, text: str, year: int, accept: bool, field: str
) -> None:
    with pytest.raises(ValidationError) as error:
        calendar_entry.enter_notice(
            session,
            notice=parse_notice(text, year),
            scope="national",
            actor=bureau(session),
            now=NOW,
            accept_problems=accept,
        )
    assert field in error.value.fields
    assert entries(session, "national") == []


# --- files ------------------------------------------------------------------------------


def test_a_year_exported_and_imported_elsewhere_is_the_same_year(
    app: Flask, session: orm.Session
) -> None:
    enter(session, notices.STATE_COUNCIL_2027_SAMPLE)
    enter(session, "肉孜节：3月10日（周三）放假1天。", scope="regional")
    exported = [
        FileDay(d.day, d.kind, d.scope, d.note) for d in bureau_calendar.list_days(session, 2027)
    ]
    data = to_json(2027, True, exported)
    # The next bureau has nothing for 2027, and an open contract due on weekends only.
    session.execute(sa.delete(CalendarDay))
    session.execute(sa.delete(CalendarYear))
    contract = submit_contract(app, session, 3, today=date(2026, 12, 28))
    assert contract.due_on == date(2027, 1, 4)
    done = calendar_entry.import_calendar(
        session, found=read(data, "calendar-2027.json", 2027), actor=bureau(session), now=NOW
    )
    assert done.saved == 13 and done.moved >= 1
    assert session.get(CalendarYear, 2027) is not None
    again = [(d.day, d.kind, d.scope, d.note) for d in bureau_calendar.list_days(session, 2027)]
    assert again == [(d.day, d.kind, d.scope, d.note) for d in exported]
    assert due(session, contract) == date(2027, 1, 5)
