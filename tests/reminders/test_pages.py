"""The bureau's reminder pages and each user's e-mail choices."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import orm

from advisor.accounts.models import User
from advisor.reminders.models import Reminder, Webhook
from tests.conftest import login

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


def test_the_due_column_shows_the_date_the_reminder_is_about(
    session: orm.Session, bureau: FlaskClient
) -> None:
    # Sent on 2026-04-29 about a review due on 2026-04-30: the due column shows the 30th,
    # the day it goes out has its own column; a reminder about no one day shows a dash.
    failed_reminder(session)
    advisor = session.scalar(sa.select(User).where(User.email == "advisor01@demo.local"))
    assert advisor is not None
    row = Reminder(
        key="due_tomorrow|app|u2|contract:1|2026-04-30",
        kind="due_tomorrow",
        channel="app",
        user_id=advisor.id,
        subject="contract:1",
        occasion="2026-04-30",
        params={"title": "食堂承包合同", "school": "一中", "due": "2026-04-30"},
        due_at=WHEN,
        next_attempt_at=WHEN,
        status="sent",
        sent_at=WHEN,
    )
    session.add(row)
    session.commit()
    page = bureau.get("/reminders").get_data(as_text=True)
    header = re.search(r"<thead>.*?</thead>", page, re.S)
    assert header is not None
    assert re.findall(r"<th>([^<]*)</th>", header.group(0))[:6] == [
        "到期日",
        "提醒内容",
        "接收人",
        "渠道",
        "发送时间",
        "状态",
    ]
    cells = re.search(rf'data-testid="reminder-{row.id}">(.*?)</tr>', page, re.S)
    assert cells is not None
    due = re.search(r'data-testid="due-on">([^<]*)<', cells.group(1))
    sent = re.search(r'data-testid="sent-at">([^<]*)<', cells.group(1))
    assert due is not None and due.group(1) == "2026年4月30日"
    assert sent is not None and sent.group(1).startswith("2026年4月29日")
    digest = re.search(
        r'data-testid="reminder-\d+">(.*?)</tr>', page.split(cells.group(0))[1], re.S
    )
    assert digest is not None and 'data-testid="due-on">—<' in digest.group(1)


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


@pytest.mark.parametrize(
    "url",
    [
        "http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",
        "https://127.0.0.1:8080/send",
        "https://127.0.0.1/cgi-bin/webhook/send?key=k",
        "https://10.0.0.5/cgi-bin/webhook/send?key=k",
        "https://169.254.169.254/latest/meta-data",
        "https://evil.example.com/cgi-bin/webhook/send?key=k",
        "https://qyapi.weixin.qq.com.evil.com/cgi-bin/webhook/send?key=k",
        "https://user:pass@qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",
        "https://qyapi.weixin.qq.com@evil.com/cgi-bin/webhook/send?key=k",
        "https://qyapi.weixin.qq.com:8080/cgi-bin/webhook/send?key=k",
    ],
)
def test_robot_addresses_off_the_public_hosts_are_refused(
    session: orm.Session, bureau: FlaskClient, url: str
) -> None:
    answer = bureau.post("/reminders/robots", data={"name": "局群", "kind": "wecom", "url": url})
    page = bureau.get("/reminders/robots").get_data(as_text=True)
    refusal = re.search(r'class="alert alert-danger"[^>]*>([^<]*)<', page)
    assert answer.status_code == 302 and refusal is not None
    assert (
        "只接受 https:// 开头、主机为以下之一的地址：qyapi.weixin.qq.com、oapi.dingtalk.com（"
        in (refusal.group(1))
    )
    assert session.scalar(sa.select(sa.func.count(Webhook.id))) == 0


def test_the_allow_list_setting_admits_an_on_premise_robot(
    session: orm.Session, make_app: Callable[..., Flask]
) -> None:
    app = make_app(webhook_hosts=("robot.bureau.local", "gateway.bureau.local:8443"))
    bureau = login(app.test_client(), "bureau@demo.local")
    for name, url in [
        ("内网群", "https://robot.bureau.local/cgi-bin/webhook/send?key=k"),
        ("网关群", "https://Gateway.Bureau.local:8443/robot/send?access_token=t"),
        ("公网群", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"),
        ("错端口", "https://gateway.bureau.local/robot/send?access_token=t"),
    ]:
        bureau.post("/reminders/robots", data={"name": name, "kind": "wecom", "url": url})
    page = bureau.get("/reminders/robots").get_data(as_text=True)
    assert list(session.scalars(sa.select(Webhook.name).order_by(Webhook.id))) == [
        "内网群",
        "网关群",
    ]
    refusals = re.findall(r'class="alert alert-danger"[^>]*>([^<]*)<', page)
    assert len(refusals) == 2
    assert all(
        "主机为以下之一的地址：robot.bureau.local、gateway.bureau.local:8443" in r for r in refusals
    )


def test_a_robot_stored_before_the_address_rule_is_flagged(
    session: orm.Session, bureau: FlaskClient
) -> None:
    session.add_all(
        [
            Webhook(name="旧局群<b>", kind="wecom", url="http://127.0.0.1:9/send?key=k"),
            Webhook(name="新局群", kind="wecom", url="https://qyapi.weixin.qq.com/x?key=k"),
        ]
    )
    session.commit()
    page = bureau.get("/reminders/robots").get_data(as_text=True)
    assert "发往它们的提醒将发送失败：旧局群&lt;b&gt;。" in page
    assert page.count("地址不被接受") == 1
    assert "127.0.0.1" not in page  # the stored address (and its key) is not shown


def test_each_user_chooses_reminders_by_email(session: orm.Session, advisor1: FlaskClient) -> None:
    page = advisor1.get("/reminders/preferences").get_data(as_text=True)
    assert "审查已超期（每天提醒，直至办结）" in page and "未配备法律顾问的学校" not in page
    advisor1.post("/reminders/preferences", data={"overdue": "1", "due_today": "1"})
    me = session.scalar(sa.select(User).where(User.email == "advisor01@demo.local"))
    assert me is not None
    session.refresh(me)
    assert sorted(me.email_reminders or []) == ["due_today", "overdue"]
