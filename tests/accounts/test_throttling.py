"""Sign-in throttling: 5 failures in 15 minutes lock an account for 15 minutes; an address
is locked only after many more failures across accounts (50 by default), so one school
behind one NAT address is not locked out by a few clerks' typing mistakes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import orm

from advisor.accounts import services as accounts
from advisor.errors import TooManyRequests

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
WINDOW = timedelta(minutes=15)


def _minutes(*values: int) -> list[datetime]:
    return [T0 + timedelta(minutes=m) for m in values]


def test_locked_until_is_15_minutes_after_the_fifth_failure() -> None:
    failures = _minutes(0, 1, 2, 3, 4)
    assert accounts.locked_until(failures, T0 + timedelta(minutes=5), limit=5, window=WINDOW) == (
        T0 + timedelta(minutes=19)
    )
    assert (
        accounts.locked_until(failures, T0 + timedelta(minutes=19), limit=5, window=WINDOW) is None
    )


def test_four_failures_or_spread_out_failures_do_not_lock() -> None:
    assert (
        accounts.locked_until(
            _minutes(0, 1, 2, 3), T0 + timedelta(minutes=4), limit=5, window=WINDOW
        )
        is None
    )
    spread = _minutes(0, 5, 10, 15, 20)
    assert accounts.locked_until(spread, T0 + timedelta(minutes=21), limit=5, window=WINDOW) is None


def _fail(session: orm.Session, email: str, ip: str, at: datetime) -> None:
    assert accounts.authenticate(session, email=email, password="wrong-pass", ip=ip, now=at) is None


def test_account_lock_applies_from_any_address_and_lifts(session: orm.Session) -> None:
    for i in range(5):
        _fail(session, "school05@demo.local", f"10.0.0.{i}", T0 + timedelta(seconds=i))
    with pytest.raises(TooManyRequests):
        accounts.authenticate(
            session,
            email="school05@demo.local",
            password="demo12345",
            ip="10.9.9.9",
            now=T0 + timedelta(minutes=10),
        )
    later = T0 + timedelta(minutes=16)
    user = accounts.authenticate(
        session, email="school05@demo.local", password="demo12345", ip="10.9.9.9", now=later
    )
    assert user is not None and user.email == "school05@demo.local"


def test_unknown_accounts_are_throttled_too(session: orm.Session) -> None:
    for i in range(5):
        _fail(session, "ghost@demo.local", f"10.1.0.{i}", T0 + timedelta(seconds=i))
    with pytest.raises(TooManyRequests):
        _fail(session, "ghost@demo.local", "10.1.1.1", T0 + timedelta(minutes=1))


def test_address_lock_covers_every_account(session: orm.Session) -> None:
    for i in range(50):
        _fail(session, f"nobody{i}@demo.local", "10.2.0.1", T0 + timedelta(seconds=i))
    with pytest.raises(TooManyRequests) as refused:
        accounts.authenticate(
            session,
            email="school20@demo.local",
            password="demo12345",
            ip="10.2.0.1",
            now=T0 + timedelta(minutes=1),
        )
    assert "network address" in str(refused.value.message)
    user = accounts.authenticate(
        session,
        email="school20@demo.local",
        password="demo12345",
        ip="10.2.0.2",
        now=T0 + timedelta(minutes=1),
    )
    assert user is not None, "the account itself is not locked"


def test_a_few_mistakes_behind_one_nat_do_not_lock_the_school(session: orm.Session) -> None:
    """Five clerks each mistype once from the school's one address: the sixth signs in."""
    for i in range(5):
        _fail(session, f"school{10 + i}@demo.local", "10.2.0.9", T0 + timedelta(seconds=i))
    user = accounts.authenticate(
        session,
        email="school20@demo.local",
        password="demo12345",
        ip="10.2.0.9",
        now=T0 + timedelta(minutes=1),
    )
    assert user is not None and user.email == "school20@demo.local"


def test_the_address_threshold_is_a_setting(session: orm.Session) -> None:
    for i in range(3):
        _fail(session, f"nobody{i}@demo.local", "10.2.1.1", T0 + timedelta(seconds=i))
    with pytest.raises(TooManyRequests):
        accounts.authenticate(
            session,
            email="school20@demo.local",
            password="demo12345",
            ip="10.2.1.1",
            now=T0 + timedelta(minutes=1),
            address_limit=3,
        )


def test_success_clears_the_account_failures(session: orm.Session) -> None:
    for i in range(4):
        _fail(session, "school06@demo.local", "10.3.0.1", T0 + timedelta(seconds=i))
    assert (
        accounts.authenticate(
            session,
            email="school06@demo.local",
            password="demo12345",
            ip="10.3.0.2",
            now=T0 + timedelta(seconds=10),
        )
        is not None
    )
    _fail(session, "school06@demo.local", "10.3.0.3", T0 + timedelta(seconds=20))
    assert (
        accounts.authenticate(
            session,
            email="school06@demo.local",
            password="demo12345",
            ip="10.3.0.4",
            now=T0 + timedelta(seconds=30),
        )
        is not None
    )


def test_sixth_attempt_in_the_browser_gets_429_with_a_clear_message(client: FlaskClient) -> None:
    for _ in range(5):
        response = client.post(
            "/login", data={"email": "school07@demo.local", "password": "bad-pass-1"}
        )
        assert response.status_code == 401
    response = client.post("/login", data={"email": "school07@demo.local", "password": "demo12345"})
    assert response.status_code == 429
    text = response.get_data(as_text=True)
    assert "15 分钟" in text
    other = client.post("/login", data={"email": "school09@demo.local", "password": "demo12345"})
    assert other.status_code == 302, "another account from the same address is not locked"


def test_the_address_lock_in_the_browser_follows_the_setting(
    make_app: Callable[..., Flask], session: orm.Session
) -> None:
    client = make_app(login_address_max_failures=6).test_client()
    for i in range(6):
        response = client.post(
            "/login", data={"email": f"nobody-{i}@demo.local", "password": "bad-pass-1"}
        )
        assert response.status_code == 401
    response = client.post("/login", data={"email": "school09@demo.local", "password": "demo12345"})
    assert response.status_code == 429
    assert "网络地址" in response.get_data(as_text=True)


def test_behind_a_trusted_proxy_each_client_address_is_counted(
    app: Flask, make_app: Callable[..., Flask]
) -> None:
    behind_proxy = make_app(trust_proxy=1, login_address_max_failures=5)
    proxied = behind_proxy.test_client()
    for _ in range(5):
        response = proxied.post(
            "/login",
            data={"email": "nobody-1@demo.local", "password": "bad-pass-1"},
            headers={"X-Forwarded-For": "10.8.0.1"},
        )
        assert response.status_code == 401
    other_person = behind_proxy.test_client().post(
        "/login",
        data={"email": "school08@demo.local", "password": "demo12345"},
        headers={"X-Forwarded-For": "10.8.0.2"},
    )
    assert other_person.status_code == 302, "another client behind the same proxy is not locked"
    same_person = proxied.post(
        "/login",
        data={"email": "nobody-2@demo.local", "password": "bad-pass-1"},
        headers={"X-Forwarded-For": "10.8.0.1"},
    )
    assert same_person.status_code == 429
