"""The bureau's reminder pages and each user's e-mail choices."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from flask.testing import FlaskClient
from sqlalchemy import orm

from advisor.accounts.models import User
from advisor.reminders.models import Reminder, Webhook

WHEN = datetime(2026, 4, 29, 2, 30, tzinfo=UTC)


def failed_reminder(session: orm.Session) -> Reminder:
    bureau = session.scalar(sa.select(User).where(User.email == "bureau@demo.local"))
    assert bureau is not None
    row = Reminder(
        key="overdue_digest|email|u1|contracts|2026-04-29",
        kind="overdue_digest",
        channel="email",
        user_id=bureau.id,
        subject="contracts",
        occasion="2026-04-29",
        params={"count": 3, "list": "…"},
        link="/contracts?overdue=true",
        due_at=WHEN,
        next_attempt_at=WHEN,
        status="failed",
        attempts=5,
        last_error="SMTP 451 try later",
    )
    session.add(row)
    session.commit()
    return row


def test_the_bureau_sees_failures_and_sends_again(
    session: orm.Session, bureau: FlaskClient
) -> None:
    row = failed_reminder(session)
    page = bureau.get("/reminders?status=failed").get_data(as_text=True)
    assert "3 件审查已超期" in page and "SMTP 451 try later" in page
    assert bureau.post(f"/reminders/{row.id}/resend").status_code == 302
    session.refresh(row)
    assert row.status == "pending" and row.attempts == 5
    assert "3 件审查已超期" not in bureau.get("/reminders?status=failed").get_data(as_text=True)


def test_robots_are_checked_added_and_switched_off(
    session: orm.Session, bureau: FlaskClient
) -> None:
    refused = bureau.post(
        "/reminders/robots",
        data={"name": "局群", "kind": "wecom", "url": "ftp://x"},
        follow_redirects=True,
    )
    assert "https://" in refused.get_data(as_text=True)
    assert session.scalar(sa.select(sa.func.count(Webhook.id))) == 0
    bureau.post(
        "/reminders/robots",
        data={
            "name": "一中群",
            "kind": "dingtalk",
            "url": "https://oapi.dingtalk.com/robot/send?access_token=t",
            "secret": "SEC1",
            "school_id": "1",
        },
    )
    robot = session.scalar(sa.select(Webhook))
    assert robot is not None and (robot.school_id, robot.secret, robot.is_active) == (
        1,
        "SEC1",
        True,
    )
    bureau.post(f"/reminders/robots/{robot.id}/switch")
    session.refresh(robot)
    assert robot.is_active is False


def test_each_user_chooses_reminders_by_email(session: orm.Session, advisor1: FlaskClient) -> None:
    page = advisor1.get("/reminders/preferences").get_data(as_text=True)
    assert "审查已超期（每天提醒，直至办结）" in page and "未配备法律顾问的学校" not in page
    advisor1.post("/reminders/preferences", data={"overdue": "1", "due_today": "1"})
    me = session.scalar(sa.select(User).where(User.email == "advisor01@demo.local"))
    assert me is not None
    session.refresh(me)
    assert sorted(me.email_reminders or []) == ["due_today", "overdue"]
