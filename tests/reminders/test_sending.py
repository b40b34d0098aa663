"""Sending planned reminders: once each whoever sends, in the app, to a real SMTP server and to
a local robot; a failing server leads to a recorded retry, never a lost reminder."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy import orm

from advisor import create_app
from advisor.accounts import services as accounts
from advisor.accounts.models import Notification, User
from advisor.contracts.models import Contract
from advisor.extensions import alembic, db
from advisor.reminders import planning, sending
from advisor.reminders.models import Reminder, Webhook
from advisor.workdays import BEIJING
from config import Config
from tests.conftest import SUITE_NOW, make_config
from tests.reminders.test_channels import Mailbox, Robot, free_port
from tests.separate_db import separate_database

PLANNED = datetime(2026, 4, 29, 9, tzinfo=BEIJING).astimezone(UTC)
OFFICE = datetime(2026, 4, 29, 10, 30, tzinfo=BEIJING).astimezone(UTC)


def overdue(session: orm.Session, config: Config) -> list[Reminder]:
    """advisor02's contract 2 overdue on 29 April 2026, planned at 09:00 Beijing time (the
    bureau's digest in the app only)."""
    session.execute(
        sa.update(User).where(User.email == "bureau@demo.local").values(email_reminders=[])
    )
    session.execute(sa.update(Contract).where(Contract.id == 1).values(status="withdrawn"))
    session.execute(
        sa.update(Contract)
        .where(Contract.id == 2)
        .values(status="submitted", due_on=date(2026, 4, 27))
    )
    planning.plan(session, now=PLANNED, config=config)
    session.commit()
    return list(
        session.scalars(sa.select(Reminder).where(Reminder.kind == "overdue").order_by(Reminder.id))
    )


def reminder_notices(session: orm.Session) -> list[Notification]:
    return list(session.scalars(sa.select(Notification).where(Notification.kind == "reminder")))


@pytest.fixture()
def base(app: Flask) -> Config:
    config: Config = app.config["ADVISOR"]
    return config.but(smtp_host="")


def test_in_app_reminders_go_out_at_office_time_once(
    app: Flask, session: orm.Session, base: Config
) -> None:
    (row,) = overdue(session, base)
    with app.app_context():
        early = sending.send_due(session, now=OFFICE - timedelta(minutes=1), config=base)
        assert early.sent == 0 and reminder_notices(session) == []
        done = sending.send_due(session, now=OFFICE, config=base)
        again = sending.send_due(session, now=OFFICE + timedelta(minutes=1), config=base)
    session.refresh(row)
    notices = [n for n in reminder_notices(session) if n.params["reminder"] == "overdue"]
    assert (done.sent >= 1, again.sent, row.status, row.sent_at) == (True, 0, "sent", OFFICE)
    assert [(n.user_id, n.link) for n in notices] == [(row.user_id, "/contracts/2")]


def test_email_reaches_a_real_smtp_server_in_the_readers_language(
    app: Flask, session: orm.Session, base: Config, smtp_server: Callable[..., Any]
) -> None:
    mailbox, settings = smtp_server()
    config = base.but(smtp_host="127.0.0.1", smtp_port=settings.port, smtp_sender=settings.sender)
    rows = overdue(session, config)
    assert {r.channel for r in rows} == {"app", "email"}
    with app.app_context():
        sending.send_due(session, now=OFFICE, config=config)
    message = mailbox.received()
    assert message["To"] == "advisor02@demo.local"
    assert message["Subject"].startswith("已超期：")  # 逾期 in Chinese, decoded from RFC 2047
    assert "应于 2026年4月27日 出具" in message.get_body(preferencelist=("plain",)).get_content()

    # The same reminder in English for a reader who chose English.
    user = session.scalar(sa.select(User).where(User.email == "advisor02@demo.local"))
    assert user is not None
    user.locale = "en"
    mailbox.envelopes.clear()
    row = next(r for r in rows if r.channel == "email")
    sending.resend(session, session.get(Reminder, row.id), now=OFFICE)  # type: ignore[arg-type]
    session.commit()
    with app.app_context():
        sending.send_due(session, now=OFFICE + timedelta(minutes=2), config=config)
    english = mailbox.received()
    assert english["Subject"].startswith("Overdue: ")
    assert "was due on 27 Apr 2026 and" in english.get_body(preferencelist=("plain",)).get_content()


def test_a_later_now_does_not_requeue_a_live_senders_claim(
    app: Flask, session: orm.Session, base: Config
) -> None:
    """Claims are timed by the wall clock, not by ``now`` (issue 16, item 7): a run "as of" a
    day later, as ``reminders send-due --now`` makes, leaves a row a live sender claimed just
    now alone; a claim older than CLAIM_TIMEOUT by the wall clock is taken up again."""
    (live, *_) = overdue(session, base)
    live.status, live.claimed_at = "sending", SUITE_NOW.astimezone(UTC)
    session.commit()
    with app.app_context():
        sending.send_due(session, now=SUITE_NOW + timedelta(days=1), config=base)
    session.refresh(live)
    assert (live.status, live.attempts, live.sent_at) == ("sending", 0, None)
    assert [n for n in reminder_notices(session) if n.params["reminder"] == "overdue"] == []

    # The same claim, abandoned CLAIM_TIMEOUT ago by the wall clock, goes out once.
    live.claimed_at = SUITE_NOW.astimezone(UTC) - sending.CLAIM_TIMEOUT - timedelta(seconds=1)
    session.commit()
    with app.app_context():
        sending.send_due(session, now=SUITE_NOW + timedelta(days=1), config=base)
    session.refresh(live)
    assert (live.status, live.attempts) == ("sent", 1)
    notices = [n for n in reminder_notices(session) if n.params["reminder"] == "overdue"]
    assert [(n.user_id, n.link) for n in notices] == [(live.user_id, live.link)]


def test_a_failing_smtp_server_is_retried_and_the_error_kept(
    app: Flask, session: orm.Session, base: Config, smtp_server: Callable[..., Any]
) -> None:
    down = base.but(smtp_host="127.0.0.1", smtp_port=free_port(), smtp_sender="a@b.cn")
    row = next(r for r in overdue(session, down) if r.channel == "email")
    with app.app_context():
        outcome = sending.send_due(session, now=OFFICE, config=down)
    session.refresh(row)
    assert outcome.retrying == 1
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.last_error and row.next_attempt_at == OFFICE + timedelta(minutes=5)
    with app.app_context():  # not yet due again
        assert (
            sending.send_due(session, now=OFFICE + timedelta(minutes=4), config=down).retrying == 0
        )

    # The server is back: the next attempt delivers it, and the error is cleared.
    mailbox, settings = smtp_server()
    up = down.but(smtp_port=settings.port)
    with app.app_context():
        sending.send_due(session, now=OFFICE + timedelta(minutes=5), config=up)
    session.refresh(row)
    assert (row.status, row.attempts, row.last_error) == ("sent", 2, None)
    assert len(mailbox.envelopes) == 1


def test_a_refused_address_fails_for_good_and_can_be_sent_again_by_hand(
    app: Flask, session: orm.Session, base: Config, smtp_server: Callable[..., Any]
) -> None:
    _, settings = smtp_server(Mailbox(rcpt_reply="550 no such user"))
    config = base.but(smtp_host="127.0.0.1", smtp_port=settings.port, smtp_sender=settings.sender)
    row = next(r for r in overdue(session, config) if r.channel == "email")
    with app.app_context():
        assert sending.send_due(session, now=OFFICE, config=config).failed == 1
    session.refresh(row)
    assert row.status == "failed" and "550" in (row.last_error or "")
    sending.resend(session, row, now=OFFICE + timedelta(hours=1))
    session.commit()
    assert row.status == "pending"


def test_robots_receive_the_bureaus_digest(
    app: Flask, session: orm.Session, base: Config, robot: Robot
) -> None:
    session.add(Webhook(name="局群", kind="wecom", url=robot.url))
    session.add(Webhook(name="局钉钉", kind="dingtalk", url=robot.url, secret="SECabc"))
    session.flush()
    config = base.but(webhook_hosts=robot.hosts)
    overdue(session, config)
    with app.app_context():
        sending.send_due(session, now=OFFICE, config=config)
    contents = [payload for payload in (_json(r) for r in robot.requests)]
    assert len(contents) == 2
    assert all("1 件审查已超期" in c["text"]["content"] for c in contents)
    signed = [path for path, _, _ in robot.requests if "sign=" in path]
    assert len(signed) == 1 and "timestamp=" in signed[0]


def test_robots_stored_before_the_address_rule_fail_for_good_unsent(
    app: Flask,
    session: orm.Session,
    base: Config,
    robot: Robot,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Addresses the entry form once took (plain http, an IP literal) are refused when
    sending too, even with the robot's own host allowed: nothing reaches it."""
    port = robot.hosts[0].rpartition(":")[2]
    stored = [
        f"http://localhost:{port}/send?access_token=abc123",
        f"https://127.0.0.1:{port}/send?access_token=abc123",
        f"https://localhost:{port}@127.0.0.1:{port}/send?access_token=abc123",
    ]
    session.execute(
        sa.insert(Webhook),
        [{"name": f"旧群{n}", "kind": "wecom", "url": url} for n, url in enumerate(stored)],
    )
    config = base.but(webhook_hosts=robot.hosts)
    overdue(session, config)
    with app.app_context(), caplog.at_level("WARNING", "advisor.reminders.channels"):
        outcome = sending.send_due(session, now=OFFICE, config=config)
    rows = session.scalars(
        sa.select(Reminder).where(Reminder.webhook_id.is_not(None)).order_by(Reminder.webhook_id)
    ).all()
    assert robot.requests == []
    assert outcome.failed == 3 and outcome.retrying == 0
    assert [(r.status, r.attempts) for r in rows] == [("failed", 1)] * 3
    errors = [r.last_error or "" for r in rows]
    assert "webhook refused: scheme 'http', only https" in errors[0]
    assert "'127.0.0.1' is not in the allowed webhook hosts" in errors[1]
    assert "user name or password" in errors[2]
    assert len([r for r in caplog.records if "nothing sent" in r.getMessage()]) == 3


def _json(request: tuple[str, dict[str, str], bytes]) -> Any:
    import json

    return json.loads(request[2].decode("utf-8"))


# --- two senders at once, on their own database with real commits ------------------------


@pytest.fixture()
def shared(tmp_path: Path, database_url: str) -> Iterator[Flask]:
    with separate_database(database_url, tmp_path, "senders") as url:
        app = create_app(make_config(tmp_path, url))
        with app.app_context():
            alembic.upgrade()
            users = [
                accounts.create_user(
                    db.session,
                    email=f"b{n}@senders.local",
                    name=f"局{n}",
                    role="bureau",
                    password="secret-pass-1",
                )
                for n in range(5)
            ]
            db.session.flush()
            db.session.add_all(
                Reminder(
                    key=f"overdue_digest|app|u{u.id}|contracts|{day}",
                    kind="overdue_digest",
                    channel="app",
                    user_id=u.id,
                    subject="contracts",
                    occasion=str(day),
                    params={"count": 1, "list": "x"},
                    due_at=OFFICE,
                    next_attempt_at=OFFICE,
                )
                for u in users
                for day in range(8)
            )
            db.session.commit()
        yield app
        with app.app_context():
            db.engine.dispose()


def test_two_senders_at_once_send_each_reminder_once(shared: Flask) -> None:
    outcomes: list[sending.Outcome] = []
    start = threading.Barrier(2)

    def sender() -> None:
        with shared.app_context():
            start.wait()
            outcomes.append(
                sending.send_due(db.session, now=OFFICE, config=shared.config["ADVISOR"])
            )

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with shared.app_context():
        notices = db.session.scalar(sa.select(sa.func.count(Notification.id)))
        statuses = set(db.session.scalars(sa.select(Reminder.status)))
    assert notices == 40 and statuses == {"sent"}
    assert len(outcomes) == 2  # neither sender failed (e.g. on a locked SQLite database)
    assert sum(o.sent for o in outcomes) == 40
