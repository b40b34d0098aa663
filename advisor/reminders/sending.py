"""Sending the reminders that are due, each exactly once whoever else is sending.

A sender claims a row by moving it from ``pending`` to ``sending`` in its own committed
UPDATE ... WHERE status = 'pending': of two senders only one changes the row, the other
sees no row changed and leaves it. Then it delivers and records the outcome. An in-app
reminder is written in the same transaction that marks the row sent, so it exists once.
Only one sender runs per database (advisor.reminders.exclusive), and one asked to stop
finishes the message in flight and records it first (``stopping``). A sender killed
outright between claiming and recording leaves the row ``sending``; CLAIM_TIMEOUT after
the claim, by the wall clock (never the ``now`` a command acts as of), it is pending
again. Such an e-mail may then go twice, carrying the same Message-ID both times, so
that mail clients can tell the copy for what it is; nothing is lost.

A failed delivery is recorded on the row (attempts, last_error) and retried after 5, 10,
20, 40 minutes; after MAX_ATTEMPTS, or at once when retrying cannot help, the row is
``failed`` and shown to the bureau, who may send it again by hand.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm

from advisor.accounts import services as accounts
from advisor.accounts.models import User
from advisor.db import immediate_writes
from advisor.reminders import channels
from advisor.reminders.channels import DeliveryError, Message, SmtpSettings
from advisor.reminders.kinds import render
from advisor.reminders.models import Reminder

MAX_ATTEMPTS = 5
CLAIM_TIMEOUT = timedelta(minutes=10)
BATCH = 500

log = logging.getLogger(__name__)
# SMTP refusals name the address; the log names the user by id instead.
_ADDRESS = re.compile(r"[^\s'\"<>:;,]+@[^\s'\"<>:;,]+")


@dataclass(slots=True)
class Outcome:
    sent: int = 0
    failed: int = 0
    retrying: int = 0
    skipped: int = 0  # claimed by another sender first

    def __str__(self) -> str:
        return (
            f"sent {self.sent}, retrying {self.retrying}, failed {self.failed},"
            f" taken by another sender {self.skipped}"
        )


def backoff(attempts: int) -> timedelta:
    return timedelta(minutes=5 * 2 ** (attempts - 1))


def smtp_settings(config: Any) -> SmtpSettings:
    return SmtpSettings(
        host=config.smtp_host,
        port=config.smtp_port,
        username=config.smtp_username,
        password=config.smtp_password,
        sender=config.smtp_sender or f"advisor@{config.smtp_host}",
        security=config.smtp_security,
        timeout=config.smtp_timeout,
    )


def message_for(reminder: Reminder, locale: str) -> Message:
    subject, text = render(reminder.kind, reminder.params, locale)
    return Message(subject=subject, text=text, message_id=message_id(reminder))


def message_id(reminder: Reminder) -> str:
    """The Message-ID's left part, the same whenever this reminder is sent: a copy sent
    again after a crash is recognisable as the same message."""
    digest = hashlib.sha256(reminder.key.encode()).hexdigest()[:16]
    return f"advisor.reminder.{reminder.id}.{digest}"


def deliver(session: orm.Session, reminder: Reminder, config: Any, now: datetime) -> None:
    """Put one reminder through its channel; raises DeliveryError when it did not go.

    An in-app reminder is written in the caller's transaction. For e-mail and robots,
    everything needed is read first and the transaction ended before the network is
    touched: jobs take SQLite's write lock with their first statement, and a mail server
    that answers slowly must not hold every writer of the database (sign-ins, uploads,
    the scheduler's own job store) for as long as it takes."""
    if reminder.channel == "app":
        accounts.notify(
            session,
            [reminder.user_id] if reminder.user_id else [],
            "reminder",
            link=reminder.link,
            reminder=reminder.kind,
            params=reminder.params,
        )
        return
    if reminder.channel == "email":
        user = session.get(User, reminder.user_id) if reminder.user_id else None
        if user is None or not user.email:
            raise DeliveryError("the user has no e-mail address", permanent=True)
        if not config.smtp_host:
            raise DeliveryError("SMTP is not configured (SMTP_HOST)", permanent=True)
        address, message = user.email, message_for(reminder, user.locale or "zh")
        session.commit()  # nothing written: ends the transaction (and the write lock)
        channels.send_email(smtp_settings(config), address, message)
        return
    robot = reminder.webhook
    if robot is None or not robot.is_active:
        raise DeliveryError("the group robot was removed or switched off", permanent=True)
    message = message_for(reminder, "zh")
    hosts = config.webhook_hosts
    kind, url, secret = robot.kind, robot.url, robot.secret
    session.commit()  # as above: no transaction while the robot answers
    if kind == "wecom":
        channels.send_wecom(url, message, allowed_hosts=hosts)
    else:
        channels.send_dingtalk(url, message, allowed_hosts=hosts, secret=secret, now=now)


Deliver = Callable[[orm.Session, Reminder, Any, datetime], None]


def send_due(
    session: orm.Session,
    *,
    now: datetime,
    config: Any,
    deliver: Deliver = deliver,
    stopping: Callable[[], bool] = lambda: False,
) -> Outcome:
    """Send every reminder due at ``now``; commits after each one. Stops before the next
    one once ``stopping()`` says so."""
    with immediate_writes():
        return _send_due(session, now=now, config=config, deliver=deliver, stopping=stopping)


def _send_due(
    session: orm.Session,
    *,
    now: datetime,
    config: Any,
    deliver: Deliver,
    stopping: Callable[[], bool],
) -> Outcome:
    outcome = Outcome()
    # Claims are timed by the wall clock: a command run "as of" a later --now must not
    # take a live sender's claims for abandoned ones.
    clock = datetime.now(UTC)
    session.execute(
        sa.update(Reminder)
        .where(Reminder.status == "sending", Reminder.claimed_at < clock - CLAIM_TIMEOUT)
        .values(status="pending")
    )
    session.commit()
    due = session.scalars(
        sa.select(Reminder.id)
        .where(Reminder.status == "pending", Reminder.next_attempt_at <= now)
        .order_by(Reminder.due_at, Reminder.id)
        .limit(BATCH)
    ).all()
    for reminder_id in due:
        if stopping():
            break
        claimed = session.execute(
            sa.update(Reminder)
            .where(Reminder.id == reminder_id, Reminder.status == "pending")
            .values(status="sending", claimed_at=datetime.now(UTC))
        )
        session.commit()
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            outcome.skipped += 1
            continue
        reminder = session.get_one(Reminder, reminder_id)
        session.refresh(reminder)
        try:
            deliver(session, reminder, config, now)
        except DeliveryError as error:
            session.rollback()  # nothing half-done stays, e.g. a notice
            reminder.attempts += 1
            reminder.last_error = str(error)[:2000]
            if error.permanent or reminder.attempts >= MAX_ATTEMPTS:
                reminder.status = "failed"
                outcome.failed += 1
            else:
                reminder.status = "pending"
                reminder.next_attempt_at = now + backoff(reminder.attempts)
                outcome.retrying += 1
        else:
            reminder.attempts += 1
            reminder.status = "sent"
            reminder.sent_at = now
            reminder.last_error = None
            outcome.sent += 1
        line = _delivery_line(reminder)
        session.commit()
        _log_delivery(line)
    return outcome


def _delivery_line(reminder: Reminder) -> dict[str, Any]:
    """What the log says of one attempt: ids, never an e-mail address or a webhook URL
    (it holds the robot's key)."""
    robot = reminder.channel in ("wecom", "dingtalk")
    return {
        "reminder_id": reminder.id,
        "kind": reminder.kind,
        "channel": reminder.channel,
        "recipient": "webhook" if robot else "user",
        "recipient_id": reminder.webhook_id if robot else reminder.user_id,
        "attempt": reminder.attempts,
        "outcome": reminder.status if reminder.status != "pending" else "retrying",
        "error": _ADDRESS.sub("<address>", reminder.last_error or "") or None,
    }


def _log_delivery(line: dict[str, Any]) -> None:
    """One line per delivery attempt, once its outcome is committed: INFO when it went,
    WARNING when it did not (retrying later, or failed for good)."""
    words = (
        "reminder %(reminder_id)s %(outcome)s: kind=%(kind)s channel=%(channel)s"
        " recipient=%(recipient)s:%(recipient_id)s attempt=%(attempt)s"
    )
    if line["outcome"] == "sent":
        log.info(words, line, extra={"fields": line})
    else:
        log.warning(words + " error=%(error)s", line, extra={"fields": line})


def resend(session: orm.Session, reminder: Reminder, *, now: datetime) -> None:
    """The bureau sends a reminder again by hand: it is due now, whatever happened to it."""
    reminder.status = "pending"
    reminder.next_attempt_at = now
    reminder.claimed_at = None
    session.flush()
