"""Sessions end after two idle hours beside their twelve hours in all; the last-seen time
is written at most once a minute (issue 15, item 12)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import time_machine
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import orm

from advisor.accounts import services as accounts
from advisor.accounts.models import LoginSession
from config import Config
from tests.conftest import QueryCounter, login

# Sessions start at a fixed moment (the suite's, in UTC), never at the clock's reading.
START = datetime(2026, 11, 16, 1, 0, tzinfo=UTC)
IDLE = timedelta(hours=2)
SECOND = timedelta(seconds=1)


def _start(session: orm.Session, now: datetime) -> str:
    user = accounts.get_user_by_email(session, "school03@demo.local")
    assert user is not None
    return accounts.start_session(session, user, ip=None, now=now)


def _sid(client: FlaskClient) -> str:
    with client.session_transaction() as cookie:
        return str(cookie["_user_id"])


# --- the rule ------------------------------------------------------------------------


def test_a_session_lives_until_just_after_the_idle_limit(session: orm.Session) -> None:
    start = START
    sid = _start(session, start)
    before = accounts.check_session(session, sid, start + IDLE - SECOND, idle=IDLE)
    assert before.user is not None and not before.timed_out

    sid = _start(session, start)
    after = accounts.check_session(session, sid, start + IDLE + SECOND, idle=IDLE)
    assert after.user is None and after.timed_out and after.wrote
    row = session.get(LoginSession, sid)
    assert row is not None and row.revoked_at == start + IDLE + SECOND
    # Once ended it stays ended, and is not reported as timed out again.
    again = accounts.check_session(session, sid, start + IDLE + 2 * SECOND, idle=IDLE)
    assert again.user is None and not again.timed_out


def test_use_moves_the_idle_limit_on(session: orm.Session) -> None:
    start = START
    sid = _start(session, start)
    assert accounts.check_session(session, sid, start + timedelta(hours=1), idle=IDLE).wrote
    later = accounts.check_session(session, sid, start + IDLE + timedelta(minutes=30), idle=IDLE)
    assert later.user is not None


def test_the_last_seen_time_is_written_at_most_once_a_minute(session: orm.Session) -> None:
    start = START
    sid = _start(session, start)
    assert not accounts.check_session(session, sid, start + 59 * SECOND, idle=IDLE).wrote
    row = session.get(LoginSession, sid)
    assert row is not None and row.last_seen_at == start
    assert accounts.check_session(session, sid, start + 60 * SECOND, idle=IDLE).wrote
    assert row.last_seen_at == start + 60 * SECOND


def test_the_twelve_hours_still_hold_for_a_busy_session(session: orm.Session) -> None:
    start = START
    sid = _start(session, start)
    for minutes in range(30, 12 * 60, 30):
        moment = start + timedelta(minutes=minutes)
        assert accounts.check_session(session, sid, moment, idle=IDLE).user is not None
    end = accounts.check_session(session, sid, start + timedelta(hours=12), idle=IDLE)
    assert end.user is None and not end.timed_out


def test_the_idle_limit_is_a_setting() -> None:
    assert Config.from_env({"SECRET_KEY": "x"}).session_idle_minutes == 120
    settings = Config.from_env({"SECRET_KEY": "x", "SESSION_IDLE_MINUTES": "30"})
    assert settings.session_idle_minutes == 30


# --- in the browser ------------------------------------------------------------------


def test_an_idle_browser_is_sent_to_sign_in_with_the_reason(
    app: Flask, time_machine: time_machine.TimeMachineFixture
) -> None:
    start = START
    time_machine.move_to(start, tick=False)
    browser = login(app.test_client(), "school03@demo.local")
    time_machine.move_to(start + IDLE - timedelta(seconds=5), tick=False)
    assert browser.get("/account").status_code == 200

    time_machine.move_to(start + 2 * IDLE, tick=False)
    response = browser.get("/contracts")
    assert response.status_code == 302
    assert response.location.startswith("/login?next=")
    page = browser.get(response.location).get_data(as_text=True)
    assert "您已 120 分钟没有操作，已自动退出登录。请重新登录。" in page
    assert "请先登录" not in page
    # Said once; the next visit is an ordinary sign-in request.
    again = browser.get("/contracts")
    assert again.status_code == 302
    assert "没有操作" not in browser.get(again.location).get_data(as_text=True)


def test_the_reason_is_given_on_the_front_door_too(
    app: Flask, time_machine: time_machine.TimeMachineFixture
) -> None:
    start = START
    time_machine.move_to(start, tick=False)
    browser = login(app.test_client(), "school03@demo.local")
    time_machine.move_to(start + IDLE + timedelta(minutes=1), tick=False)
    response = browser.get("/")
    assert response.status_code == 302
    assert "没有操作" in browser.get(response.location).get_data(as_text=True)


def test_the_setting_is_obeyed(
    app: Flask, make_app: Callable[..., Flask], time_machine: time_machine.TimeMachineFixture
) -> None:
    other = make_app(session_idle_minutes=30)
    start = START
    time_machine.move_to(start, tick=False)
    browser = login(other.test_client(), "school03@demo.local")
    time_machine.move_to(start + timedelta(minutes=29), tick=False)
    assert browser.get("/account").status_code == 200
    time_machine.move_to(start + timedelta(minutes=29 + 31), tick=False)
    assert browser.get("/account").status_code == 302


def test_a_busy_page_does_not_write_on_every_request(
    app: Flask, count_queries: QueryCounter, time_machine: time_machine.TimeMachineFixture
) -> None:
    start = START
    time_machine.move_to(start, tick=False)
    browser = login(app.test_client(), "school03@demo.local")
    time_machine.move_to(start + timedelta(seconds=10), tick=False)
    before = count_queries.count
    for _ in range(3):
        assert browser.get("/account").status_code == 200
    ran = count_queries.statements[before:]
    assert not [s for s in ran if s.lstrip().upper().startswith("UPDATE LOGIN_SESSION")]

    time_machine.move_to(start + timedelta(minutes=5), tick=False)
    before = count_queries.count
    for _ in range(3):
        assert browser.get("/account").status_code == 200
    ran = count_queries.statements[before:]
    assert len([s for s in ran if s.lstrip().upper().startswith("UPDATE LOGIN_SESSION")]) == 1


def test_a_copied_cookie_ages_like_the_original(
    app: Flask, session: orm.Session, time_machine: time_machine.TimeMachineFixture
) -> None:
    start = START
    time_machine.move_to(start, tick=False)
    browser = login(app.test_client(), "school03@demo.local")
    sid = _sid(browser)
    time_machine.move_to(start + IDLE + timedelta(minutes=1), tick=False)
    thief = app.test_client()
    with thief.session_transaction() as cookie:
        cookie["_user_id"] = sid
        cookie["_fresh"] = True
    assert thief.get("/account").status_code == 302
    assert browser.get("/account").status_code == 302
