"""The security log hears every signal of the accounts domain: each leaves one event, a
thing done in the sender's transaction and a thing refused committed on its own.

(test_accounts.py checks the same events through the pages that send the signals.)"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from blinker import NamedSignal
from flask import Flask
from sqlalchemy import orm

from advisor.accounts import services as accounts
from advisor.accounts import signals
from advisor.accounts.models import ApiToken
from advisor.extensions import db
from tests.factories.people import user
from tests.security_log.helpers import events_since, mark

NOW = datetime(2026, 11, 16, 2, 30, tzinfo=UTC)
EMAIL = "advisor01@demo.local"

# (signal, what else it is sent with, the event: kind, outcome, subject, detail)
Sent = Callable[[orm.Session], dict[str, object]]
DONE: list[tuple[NamedSignal, Sent, tuple[str, str, str, str]]] = [
    (signals.signed_in, lambda s: {}, ("login", "success", "", "")),
    (signals.signed_out, lambda s: {}, ("logout", "success", "", "")),
    (signals.password_changed, lambda s: {}, ("password_change", "success", "", "")),
    (
        signals.token_created,
        lambda s: {"token": accounts.create_token(s, user(s, EMAIL), "同步", now=NOW)[0]},
        ("token_create", "success", "token:*", "name=同步 expires=2027-02-14"),
    ),
    (signals.token_revoked, lambda s: {"token_id": 7}, ("token_revoke", "success", "token:7", "")),
]
REFUSED: list[tuple[NamedSignal, Sent, tuple[str, str, str, str]]] = [
    (
        signals.password_change_refused,
        lambda s: {"fields": ("current_password",)},
        ("password_change", "failure", "", "fields=current_password"),
    ),
    (
        signals.token_creation_refused,
        lambda s: {"fields": ("password", "days")},
        ("token_create", "failure", "", "fields=password,days"),
    ),
]
# Sent with the e-mail typed, never with a user: tested one by one below.
BY_ACCOUNT = {signals.sign_in_failed, signals.sign_in_locked_out}


def every_signal() -> set[NamedSignal]:
    return {value for value in vars(signals).values() if isinstance(value, NamedSignal)}


def test_every_accounts_signal_is_in_these_tests_and_received_by_the_security_log(
    app: Flask,
) -> None:
    assert every_signal() == {s for s, _, _ in DONE + REFUSED} | BY_ACCOUNT
    for signal in every_signal():
        receivers = [r.__module__ for r in signal.receivers_for(None)]
        assert receivers == ["advisor.security_log.receivers"], signal.name


def _shown(session: orm.Session, since: int) -> list[tuple[str, str, int | None, str, str, str]]:
    return [
        (e.kind, e.outcome, e.user_id, e.account, e.subject, e.detail)
        for e in events_since(session, since)
    ]


@pytest.mark.parametrize(("signal", "more", "event"), DONE, ids=lambda v: getattr(v, "name", ""))
def test_a_thing_done_is_recorded_in_the_senders_transaction(
    session: orm.Session,
    signal: NamedSignal,
    more: Sent,
    event: tuple[str, str, str, str],
) -> None:
    me = user(session, EMAIL)
    extra = more(session)
    since = mark(session)
    signal.send(None, session=session, user=me, now=NOW, **extra)
    kind, outcome, subject, detail = event
    if subject == "token:*":
        token = extra["token"]
        assert isinstance(token, ApiToken)
        subject = f"token:{token.id}"
    assert _shown(session, since) == [(kind, outcome, me.id, "", subject, detail)]
    assert events_since(session, since)[0].at == NOW
    session.rollback()
    assert events_since(session, since) == []


@pytest.mark.parametrize(("signal", "more", "event"), REFUSED, ids=lambda v: getattr(v, "name", ""))
def test_a_thing_refused_is_committed_on_its_own_after_the_rollback(
    app: Flask,
    session: orm.Session,
    signal: NamedSignal,
    more: Sent,
    event: tuple[str, str, str, str],
) -> None:
    me_id = user(session, EMAIL).id
    since = mark(session)
    with app.test_request_context("/account", method="POST"):
        me = user(db.session, EMAIL)
        signal.send(None, session=db.session, user=me, now=NOW, **more(db.session))
        db.session.rollback()
    kind, outcome, subject, detail = event
    assert _shown(session, since) == [(kind, outcome, me_id, "", subject, detail)]
    assert events_since(session, since)[0].at == NOW


def test_a_failed_sign_in_is_recorded_in_the_senders_transaction(session: orm.Session) -> None:
    since = mark(session)
    signals.sign_in_failed.send(None, session=session, account=EMAIL, now=NOW)
    assert _shown(session, since) == [("login", "failure", None, EMAIL, "", "")]
    session.rollback()
    assert events_since(session, since) == []


def test_a_sign_in_locked_out_is_committed_on_its_own_after_the_rollback(
    app: Flask, session: orm.Session
) -> None:
    since = mark(session)
    with app.test_request_context("/login", method="POST"):
        signals.sign_in_locked_out.send(None, session=db.session, account=EMAIL, now=NOW)
        db.session.rollback()
    assert _shown(session, since) == [("lockout", "denied", None, EMAIL, "", "")]
    assert events_since(session, since)[0].at == NOW
