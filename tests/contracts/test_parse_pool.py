"""The parser pool: a bounded number of files read at once, a short bounded line, a
per-user limit, 503/429 with Retry-After when there is no room, places always given back."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from multiprocessing import forkserver
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import orm

from advisor.contracts.extraction import Extracted, Limits, Refused, inspect
from advisor.contracts.models import Contract, Status
from advisor.contracts.parse_pool import ParsePool, ParserBusy, TooManyUploads
from advisor.extensions import db
from tests.conftest import login
from tests.contracts.uploading import (
    TITLE,
    Api,
    Snapshot,
    created,
    files_dir,
    form,
    school_token,
    school_user,
    store_left_as_found,
    unique_pdf,
)
from tests.deploy.processes import readers
from tests.documents import make_pdf

PDF = make_pdf()
LIMITS = Limits()
WAIT = 30  # seconds a test waits for a thread it started; never reached when all is well


class HeldParser:
    """A parser that reports each file it starts and finishes only when released."""

    def __init__(self) -> None:
        self.started = threading.Semaphore(0)
        self.release = threading.Event()
        self.running = 0
        self.most = 0
        self.lock = threading.Lock()

    def __call__(self, data: bytes, limits: Limits) -> Extracted:
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
        self.started.release()
        try:
            assert self.release.wait(WAIT)
            return Extracted("pdf", ["合同"], "held")
        finally:
            with self.lock:
                self.running -= 1


class Call(threading.Thread):
    """``pool.inspect`` for one owner in its own thread; keeps the answer or the error."""

    def __init__(self, pool: ParsePool, owner: int) -> None:
        super().__init__(daemon=True)
        self.pool, self.owner = pool, owner
        self.result: Extracted | None = None
        self.error: BaseException | None = None
        self.start()

    def run(self) -> None:
        try:
            self.result = self.pool.inspect(self.owner, PDF, LIMITS)
        except BaseException as error:  # kept for the test to look at
            self.error = error

    def outcome(self) -> Extracted | BaseException | None:
        self.join(WAIT)
        assert not self.is_alive()
        return self.error or self.result


def make_pool(parse: Callable[[bytes, Limits], Extracted], **changes: Any) -> ParsePool:
    settings: dict[str, Any] = {
        "size": 1,
        "queue_seconds": WAIT,
        "per_user": 5,
        "retry_after": 20,
        **changes,
    }
    return ParsePool(parse=parse, **settings)


def until(pool: ParsePool, condition: Callable[[ParsePool], bool]) -> None:
    with pool.changed:
        assert pool.changed.wait_for(lambda: condition(pool), WAIT)


def idle(pool: ParsePool) -> bool:
    return pool.parsing == 0 and pool.waiting == 0 and not pool._in_flight


def test_no_more_files_are_read_at_once_than_the_pool_holds() -> None:
    parser = HeldParser()
    pool = make_pool(parser, size=2)
    calls = [Call(pool, owner) for owner in (1, 2, 3, 4)]
    for _ in range(2):
        assert parser.started.acquire(timeout=WAIT)
    until(pool, lambda p: p.parsing == 2 and p.waiting == 2)
    parser.release.set()
    assert all(isinstance(call.outcome(), Extracted) for call in calls)
    assert parser.most == 2
    assert idle(pool)


def test_an_upload_waits_for_a_place_and_is_refused_503_when_none_frees_in_time() -> None:
    parser = HeldParser()
    pool = make_pool(parser, queue_seconds=0)
    first = Call(pool, 1)
    assert parser.started.acquire(timeout=WAIT)
    with pytest.raises(ParserBusy) as refused:
        pool.inspect(2, PDF, LIMITS)
    assert refused.value.status == 503
    assert refused.value.code == "service_unavailable"
    assert refused.value.retry_after == 20
    assert "file" in refused.value.fields
    assert pool.in_flight(2) == 0 and pool.waiting == 0
    parser.release.set()
    assert isinstance(first.outcome(), Extracted)
    assert idle(pool)


def test_when_the_line_is_full_too_an_upload_is_refused_without_waiting() -> None:
    parser = HeldParser()
    pool = make_pool(parser)  # one place, one in line, and a long wait
    first = Call(pool, 1)
    assert parser.started.acquire(timeout=WAIT)
    second = Call(pool, 2)
    until(pool, lambda p: p.waiting == 1)
    with pytest.raises(ParserBusy):
        pool.inspect(3, PDF, LIMITS)  # answers at once: a 30 s wait would fail the join
    parser.release.set()
    assert isinstance(first.outcome(), Extracted)
    assert isinstance(second.outcome(), Extracted)  # the one in line got the freed place
    assert idle(pool)


def test_one_user_has_at_most_uploads_per_user_in_flight_others_go_on() -> None:
    parser = HeldParser()
    pool = make_pool(parser, size=3, per_user=2)
    mine = [Call(pool, 7), Call(pool, 7)]
    for _ in range(2):
        assert parser.started.acquire(timeout=WAIT)
    with pytest.raises(TooManyUploads) as refused:
        pool.inspect(7, PDF, LIMITS)
    assert refused.value.status == 429
    assert refused.value.code == "too_many_requests"
    assert refused.value.retry_after == 20
    assert pool.in_flight(7) == 2
    other = Call(pool, 8)
    assert parser.started.acquire(timeout=WAIT)  # another user still gets the third place
    parser.release.set()
    assert all(isinstance(call.outcome(), Extracted) for call in [*mine, other])
    assert isinstance(pool.inspect(7, PDF, LIMITS), Extracted)  # the user may upload again
    assert idle(pool)


@pytest.mark.parametrize(
    "failure", [Refused("timeout", limit=20), RuntimeError("parser crashed"), KeyboardInterrupt()]
)
def test_a_failed_parse_gives_its_place_back(failure: BaseException) -> None:
    def failing(data: bytes, limits: Limits) -> Extracted:
        raise failure

    pool = make_pool(failing, per_user=1)
    for _ in range(3):  # would be refused from the second on if a place or count leaked
        with pytest.raises(type(failure)):
            pool.inspect(1, PDF, LIMITS)
        assert idle(pool)


def test_a_refusal_for_want_of_room_keeps_no_count() -> None:
    parser = HeldParser()
    pool = make_pool(parser, queue_seconds=0, per_user=1)
    first = Call(pool, 1)
    assert parser.started.acquire(timeout=WAIT)
    for _ in range(3):
        with pytest.raises(ParserBusy):
            pool.inspect(2, PDF, LIMITS)
    with pytest.raises(TooManyUploads):
        pool.inspect(1, PDF, LIMITS)
    assert pool.in_flight(1) == 1 and pool.in_flight(2) == 0 and pool.waiting == 0
    parser.release.set()
    first.outcome()
    assert idle(pool)


def test_a_file_that_is_not_pdf_or_word_is_refused_without_a_place() -> None:
    parser = HeldParser()
    pool = make_pool(parser, queue_seconds=0)
    first = Call(pool, 1)
    assert parser.started.acquire(timeout=WAIT)
    with pytest.raises(Refused) as refused:
        pool.inspect(2, b"just text", LIMITS)
    assert refused.value.code == "not_supported"
    parser.release.set()
    first.outcome()


@pytest.mark.usefixtures("app")  # the test's transaction, for make_app
def test_the_app_pool_follows_the_settings(make_app: Callable[..., Flask]) -> None:
    app = make_app(parse_workers=3, parse_queue_seconds=2.5, uploads_per_user=4, parse_seconds=7.2)
    pool = ParsePool.for_app(app)
    assert (pool.size, pool.queue_seconds, pool.per_user, pool.retry_after) == (3, 2.5, 4, 8)
    assert ParsePool.for_app(app) is pool


# --- through the application, with the real parser -----------------------------------


@pytest.fixture()
def busy_app(make_app: Callable[..., Flask]) -> Iterator[Flask]:
    app = make_app(parse_workers=1, parse_queue_seconds=0, uploads_per_user=2)
    with contextmanager(store_left_as_found)(app):
        yield app
    assert idle(ParsePool.for_app(app))


def test_api_upload_while_the_parsers_are_busy_is_503_with_retry_after_and_leaves_nothing(
    busy_app: Flask, session: orm.Session
) -> None:
    api = Api(busy_app.test_client(), school_token(session))
    pool = ParsePool.for_app(busy_app)
    data = unique_pdf("忙")
    before = Snapshot.take(session, files_dir(busy_app))
    with pool.place(owner=0):  # another upload is being read
        response = api.upload(data)
    assert response.status_code == 503
    assert response.json["error"]["code"] == "service_unavailable"
    assert "20" in response.json["error"]["message"]
    assert response.headers["Retry-After"] == "20"
    assert Snapshot.take(session, files_dir(busy_app)) == before
    # Once the place is free, the same file goes through the real parser.
    version = created(session, api.upload(data))
    assert version.pages == 1 and version.has_text


@pytest.mark.usefixtures("app")  # the test's transaction, for make_app
def test_api_upload_beyond_the_users_uploads_in_flight_is_429_with_retry_after(
    make_app: Callable[..., Flask], session: orm.Session
) -> None:
    app = make_app(parse_workers=3, uploads_per_user=2)
    api = Api(app.test_client(), school_token(session))
    me = school_user(session).id
    pool = ParsePool.for_app(app)
    before = Snapshot.take(session, files_dir(app))
    with pool.place(owner=me), pool.place(owner=me):
        response = api.upload(unique_pdf("多"))
    assert response.status_code == 429
    assert response.json["error"]["code"] == "too_many_requests"
    assert "2" in response.json["error"]["fields"]["file"]
    assert response.headers["Retry-After"] == "20"
    assert Snapshot.take(session, files_dir(app)) == before
    assert idle(pool)


def test_page_upload_while_the_parsers_are_busy_keeps_the_form_and_says_why(
    busy_app: Flask, session: orm.Session
) -> None:
    client: FlaskClient = login(busy_app.test_client(), "school01@demo.local")
    before = Snapshot.take(session, files_dir(busy_app))
    with ParsePool.for_app(busy_app).place(owner=0):
        response = client.post("/contracts/new", data=form(unique_pdf("页"), "合同.pdf"))
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "20"
    html = response.get_data(as_text=True)
    assert "服务器正忙" in html and "20" in html
    assert TITLE in html  # what was typed is kept
    assert Snapshot.take(session, files_dir(busy_app)) == before


def test_a_revision_while_the_parsers_are_busy_is_a_503_page(
    busy_app: Flask, session: orm.Session
) -> None:
    client: FlaskClient = login(busy_app.test_client(), "school01@demo.local")
    response = client.post("/contracts/new", data=form(unique_pdf("初稿"), "合同.pdf"))
    assert response.status_code == 302
    contract_id = int(response.headers["Location"].rsplit("/", 1)[-1])
    contract = session.get_one(Contract, contract_id)
    contract.status = Status.RETURNED  # as after an advisor's return; revisions are allowed
    session.commit()
    before = Snapshot.take(session, files_dir(busy_app))
    with ParsePool.for_app(busy_app).place(owner=0):
        answer = client.post(
            f"/contracts/{contract_id}/versions",
            data={"file": form(unique_pdf("修订"), "修订.pdf")["file"], "note": "改"},
        )
    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == "20"
    assert "服务器正忙" in answer.get_data(as_text=True)
    assert Snapshot.take(session, files_dir(busy_app)) == before


@pytest.mark.usefixtures("app")  # the test's transaction, for make_app
def test_no_database_transaction_is_open_while_a_file_is_read(
    make_app: Callable[..., Flask], session: orm.Session
) -> None:
    """On SQLite an open transaction holds the write lock (BEGIN IMMEDIATE): one slow
    file kept every other upload and sign-in waiting, then failing with 409."""
    app = make_app()
    pool = ParsePool.for_app(app)
    seen: list[bool] = []

    def parse(data: bytes, limits: Limits) -> Extracted:
        seen.append(db.session.in_transaction())
        return inspect(data, limits)

    pool._parse = parse
    api = Api(app.test_client(), school_token(session))
    with contextmanager(store_left_as_found)(app):
        created(session, api.upload(unique_pdf("事务")))
    assert seen == [False]


# --- the reader process, started with the app ----------------------------------------


def _reader_once_running() -> list[int]:
    """This process's reader, once it has replaced the forked copy of this process with
    the fork server (exec): the child exists at once, its command line a moment later."""
    deadline = time.monotonic() + 10
    while not (found := readers(os.getpid())) and time.monotonic() < deadline:
        os.sched_yield()
    return found


@pytest.mark.usefixtures("app")  # the test's transaction, for make_app
def test_the_reader_process_runs_as_soon_as_the_app_is_built(
    make_app: Callable[..., Flask], session: orm.Session
) -> None:
    """PARSE_WARM_START: the reader is running before any upload, and uploads are read
    by it; without it the first upload after a start waited 1.4 s for the reader."""
    forkserver._forkserver._stop()  # the reader an earlier test of this process started
    make_app()
    assert readers(os.getpid()) == []  # off by default: the CLI and the tests read nothing

    app = make_app(parse_warm_start=True)
    started = _reader_once_running()
    assert len(started) == 1

    api = Api(app.test_client(), school_token(session))
    with contextmanager(store_left_as_found)(app):
        created(session, api.upload(unique_pdf("预热")))
    assert readers(os.getpid()) == started
