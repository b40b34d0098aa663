"""The dashboard's recent figures in Redis, shared by every worker (issue 16, item 11)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import date

import pytest
import redis
from flask import Flask
from sqlalchemy import orm

from advisor.contracts import calendar as bureau_calendar
from advisor.reports import dashboard, shared_figures
from advisor.reports.dashboard import Filters
from advisor.reports.shared_figures import SharedFigures
from tests.conftest import login

REDIS_URL = "redis://127.0.0.1:6379/0"
TODAY = date(2026, 11, 16)


@pytest.fixture()
def prefix() -> Iterator[str]:
    """A key prefix of this test's own in the machine's Redis, removed afterwards."""
    name = f"advisor-test-{uuid.uuid4().hex}"
    yield name
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"{name}:*"):
        client.delete(key)


def _real_board(session: orm.Session) -> dashboard.Dashboard:
    """The demo bureau's dashboard of this year: every kind of figure filled in."""
    return dashboard.build(
        session,
        Filters(TODAY.year),
        TODAY,
        bureau_calendar.load(session),  # type: ignore[arg-type]
    )


def test_a_dashboard_survives_the_trip_through_json(session: orm.Session) -> None:
    board = _real_board(session)
    assert board.submitted and board.workload and board.by_type  # a board worth checking
    again = shared_figures.load(shared_figures.dump(board))
    assert again == board
    assert again.turnaround == board.turnaround and all(
        isinstance(days, int) for days in again.turnaround
    )
    assert again.median == board.median and again.firms == board.firms


def test_two_workers_count_once(session: orm.Session, prefix: str) -> None:
    counted: list[int] = []

    def compute() -> dashboard.Dashboard:
        counted.append(1)
        return _real_board(session)

    first = SharedFigures(redis.Redis.from_url(REDIS_URL), 60, prefix)
    second = SharedFigures(redis.Redis.from_url(REDIS_URL), 60, prefix)
    one = first.get(Filters(TODAY.year), TODAY, compute, fresh=False)
    two = second.get(Filters(TODAY.year), TODAY, compute, fresh=False)
    assert counted == [1] and two == one and two.computed_at == one.computed_at
    # Other filters, another day, or asking afresh: counted again.
    second.get(Filters(TODAY.year, district="东城区"), TODAY, compute, fresh=False)
    second.get(Filters(TODAY.year), date(2026, 11, 17), compute, fresh=False)
    second.get(Filters(TODAY.year), TODAY, compute, fresh=True)
    assert len(counted) == 4
    ttl = redis.Redis.from_url(REDIS_URL).ttl(first.key(Filters(TODAY.year), TODAY))
    assert 0 < ttl <= 60


def test_redis_down_or_a_bad_value_means_counting_here(
    session: orm.Session, prefix: str, caplog: pytest.LogCaptureFixture
) -> None:
    board = _real_board(session)
    down = SharedFigures(redis.Redis.from_url("redis://127.0.0.1:1/0"), 60, prefix)
    assert down.get(Filters(TODAY.year), TODAY, lambda: board, fresh=False) is board
    assert "Redis did not answer" in caplog.text
    shared = SharedFigures(redis.Redis.from_url(REDIS_URL), 60, prefix)
    redis.Redis.from_url(REDIS_URL).set(shared.key(Filters(TODAY.year), TODAY), b"\x80garbage")
    assert shared.get(Filters(TODAY.year), TODAY, lambda: board, fresh=False) is board
    assert "unreadable" in caplog.text


def test_with_redis_url_the_dashboard_page_reads_shared_figures(
    make_app: Callable[..., Flask], session: orm.Session, prefix: str
) -> None:
    workers = [
        make_app(redis_url=REDIS_URL, redis_prefix=prefix, dashboard_cache_seconds=60)
        for _ in range(2)
    ]
    pages = [login(w.test_client(), "bureau@demo.local").get("/") for w in workers]
    assert [p.status_code for p in pages] == [200, 200]
    assert all(isinstance(w.extensions["dashboard_figures"], SharedFigures) for w in workers)
    keys = list(redis.Redis.from_url(REDIS_URL).scan_iter(f"{prefix}:dashboard:*"))
    assert len(keys) == 1, "the second worker read what the first counted"
