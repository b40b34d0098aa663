"""API rate limits (issue 15, item 10): per token and per address, in memory or in Redis,
answered with 429 in API.md's format and Retry-After."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import pytest
import redis
import time_machine
from flask import Flask
from sqlalchemy import orm

from advisor.accounts import services as accounts
from advisor.accounts.models import User
from advisor.api.openapi import spec

REDIS_URL = "redis://127.0.0.1:6379/0"


def _token(session: orm.Session, email: str) -> str:
    user = session.query(User).filter_by(email=email).one()
    _, clear = accounts.create_token(session, user, "rate-limit test")
    session.flush()
    return clear


def _me(app: Flask, token: str, address: str = "10.0.0.1") -> tuple[int, dict[str, str], dict]:
    response = app.test_client().get(
        "/api/v1/me",
        headers={"Authorization": f"Bearer {token}"},
        environ_base={"REMOTE_ADDR": address},
    )
    return response.status_code, dict(response.headers), response.json or {}


@pytest.fixture()
def redis_prefix() -> Iterator[str]:
    """A key prefix of this test's own in the machine's Redis, removed afterwards."""
    prefix = f"advisor-test-{uuid.uuid4().hex}"
    yield prefix
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"*{prefix}*"):
        client.delete(key)


def test_a_token_over_its_budget_gets_429_with_retry_after(
    make_app: Callable[..., Flask], session: orm.Session
) -> None:
    app = make_app(api_rate_limit_token="3 per minute")
    token = _token(session, "advisor02@demo.local")
    assert [_me(app, token)[0] for _ in range(3)] == [200, 200, 200]
    status, headers, body = _me(app, token)
    assert status == 429
    assert body["error"]["code"] == "too_many_requests"
    assert "Retry-After" in body["error"]["message"]
    assert 1 <= int(headers["Retry-After"]) <= 60
    assert headers["X-RateLimit-Limit"] == "3"
    # An answer within the budget carries no Retry-After (it would tell clients to wait).
    fine = _me(app, _token(session, "school02@demo.local"))
    assert fine[0] == 200 and "Retry-After" not in fine[1]
    # Another person's token is on its own budget, from the same address.
    other = _token(session, "school01@demo.local")
    assert _me(app, other)[0] == 200


def test_the_budget_comes_back_after_the_window(
    make_app: Callable[..., Flask], session: orm.Session
) -> None:
    app = make_app(api_rate_limit_token="2 per minute")
    token = _token(session, "advisor02@demo.local")
    with time_machine.travel("2026-11-16 09:00:00+08:00", tick=False) as traveller:
        assert [_me(app, token)[0] for _ in range(3)] == [200, 200, 429]
        traveller.shift(61)
        assert _me(app, token)[0] == 200


def test_one_address_rotating_tokens_is_held_by_the_address_budget(
    make_app: Callable[..., Flask], session: orm.Session
) -> None:
    app = make_app(api_rate_limit_address="4 per minute")
    statuses = [_me(app, f"adv_made-up-{i}")[0] for i in range(4)]
    assert statuses == [401] * 4  # counted although refused: guessing costs budget
    assert _me(app, _token(session, "advisor02@demo.local"))[0] == 429
    # Another address is not held.
    assert _me(app, "adv_made-up", address="10.0.0.2")[0] == 401


def test_pages_are_not_api_limited(make_app: Callable[..., Flask], session: orm.Session) -> None:
    app = make_app(api_rate_limit_address="1 per minute")
    client = app.test_client()
    statuses = [client.get("/login").status_code for _ in range(3)]
    assert statuses == [200, 200, 200]


def test_redis_counts_for_every_worker(
    make_app: Callable[..., Flask], session: orm.Session, redis_prefix: str
) -> None:
    """Two apps (two gunicorn workers) on one Redis share one budget."""
    settings = {
        "redis_url": REDIS_URL,
        "api_rate_limit_token": "3 per minute",
        "redis_prefix": redis_prefix,
    }
    first, second = make_app(**settings), make_app(**settings)
    token = _token(session, "advisor02@demo.local")
    statuses = [_me(app, token)[0] for app in (first, second, first, second)]
    assert statuses == [200, 200, 200, 429]
    keys = list(redis.Redis.from_url(REDIS_URL).scan_iter(f"*{redis_prefix}*"))
    assert keys, "the counters live in Redis"
    assert all(token.encode() not in key for key in keys), "only a digest of the token"


def test_without_redis_each_process_counts_alone(
    make_app: Callable[..., Flask], session: orm.Session
) -> None:
    first = make_app(api_rate_limit_token="2 per minute")
    second = make_app(api_rate_limit_token="2 per minute")
    token = _token(session, "advisor02@demo.local")
    assert [_me(first, token)[0] for _ in range(3)] == [200, 200, 429]
    assert _me(second, token)[0] == 200


def test_redis_down_falls_back_to_memory(
    make_app: Callable[..., Flask], session: orm.Session, caplog: pytest.LogCaptureFixture
) -> None:
    app = make_app(redis_url="redis://127.0.0.1:1/0", api_rate_limit_token="2 per minute")
    token = _token(session, "advisor02@demo.local")
    assert [_me(app, token)[0] for _ in range(3)] == [200, 200, 429]
    assert "falling back to in-memory" in caplog.text


def test_every_documented_operation_lists_429_and_503() -> None:
    document = spec()
    missing = [
        f"{method.upper()} {path} {code}"
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        for code in ("429", "503")
        if code not in operation["responses"]
    ]
    assert missing == []
    assert "507" in document["paths"]["/contracts"]["post"]["responses"]
    assert "Retry-After" in document["paths"]["/me"]["get"]["responses"]["503"]["headers"]
