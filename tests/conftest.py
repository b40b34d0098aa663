"""Test fixtures: one migrated database per run with the demo bureau, each test in a
rolled-back transaction; clients signed in as each role; a live server for browsers."""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import sqlalchemy as sa
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import settings

from advisor import create_app
from advisor.accounts import services as accounts
from advisor.contracts import services as contracts
from advisor.contracts.extraction import Limits, inspect
from advisor.contracts.files import FileStore
from advisor.demo.bureau import DEMO_PASSWORD, load_demo
from advisor.evaluation.services import ensure_default_rule_set
from advisor.extensions import alembic, db
from advisor.model_contracts import services as model_contracts
from advisor.workdays import BEIJING
from config import PROJECT_ROOT, Config
from tests.api.answers_as_documented import _answers_as_documented
from tests.documents import TEMPLATE_LINES, make_docx, make_pdf
from tests.separate_db import separate_database

# Property tests draw the same examples on every run (derandomize): a test that passes
# today passes tomorrow on the same code, and a failure names an example that reproduces.
# Their example counts (@settings(max_examples=…)) still apply.
settings.register_profile("advisor", derandomize=True, database=None)
settings.load_profile("advisor")

SHARED = PROJECT_ROOT.parent / "shared"

# Every answer under /api/v1, in any test of the suite, is checked against the served
# OpenAPI document (an autouse fixture: tests/api/answers_as_documented.py).
__all__ = ["_answers_as_documented"]

if os.environ.get("FAKETIME"):
    # CI runs the whole suite once under libfaketime (.ci/run), which fakes the monotonic
    # clock too: a timed wait there never ends (tests/clock.py). Flask-Limiter's
    # in-memory store starts a 10 ms threading.Timer per application; as daemon threads
    # those timers cannot hold the run open when it ends.
    class _DaemonTimer(threading.Timer):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.daemon = True

    threading.Timer = _DaemonTimer  # type: ignore[misc]

# The API fuzz is a CI stage of its own (make fuzz-api), not part of the ordinary suite.
collect_ignore = [] if os.environ.get("FUZZ_API") == "1" else ["fuzz"]

# The suite's "now": a Monday, a working day of a year the national calendar knows.
# Every test runs on this clock, never the machine's; a test that needs another moment
# moves it with the time_machine fixture or passes ``now`` to the code it calls.
SUITE_NOW = datetime(2026, 11, 16, 9, 0, tzinfo=BEIJING)


@pytest.fixture(scope="session", autouse=True)
def _suite_clock() -> Iterator[None]:
    """Set the clock to SUITE_NOW for the whole run, ticking from there.

    It runs before every other fixture, so the app, the demo bureau, the live server
    and each test all see the same date whatever day the suite runs on. Subprocesses
    do not inherit it: tests that start one run it under faketime (tests/clock.py).
    """
    with time_machine.travel(SUITE_NOW, tick=True):
        yield


def _reset_postgres(url: str) -> None:
    name = sa.make_url(url).database or ""
    if "test" not in name and "ci" not in name:
        raise pytest.UsageError(
            f"TEST_DATABASE_URL points at {name!r}; its name must contain 'test' or 'ci',"
            " because the suite empties it."
        )
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP SCHEMA public CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()


def make_config(tmp: Path, database_url: str, **changes: Any) -> Config:
    return Config(
        secret_key="test-secret",
        database_url=database_url,
        instance_path=tmp,
        testing=True,
        csrf_enabled=False,
        dashboard_cache_seconds=0,  # each test counts afresh; tests/reports test the cache
        # scrypt costs ~80 ms a sign-in, and the suite signs in thousands of times.
        password_hash="pbkdf2:sha256:1",
        # The whole suite talks to one app from one address: it must not run out of
        # budget. tests/api/test_rate_limits.py builds apps with small ones.
        api_rate_limit_token="1000000 per minute",
        api_rate_limit_address="1000000 per minute",
    ).but(**changes)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The suite's database: a SQLite file of this run's, or TEST_DATABASE_URL emptied.

    Under pytest-xdist (make test runs ``-n auto``) each worker has its own: on SQLite
    its own temporary directory; on PostgreSQL ``<TEST_DATABASE_URL's database>_<worker>``,
    created beside it and dropped when the worker ends.
    """
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        return
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        _reset_postgres(url)
        yield url
        return
    with separate_database(url, tmp_path_factory.getbasetemp(), worker) as own:
        _reset_postgres(own)
        yield own


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory, database_url: str) -> Iterator[Flask]:
    """The application on a database made by the migrations and holding the demo bureau."""
    app = create_app(make_config(tmp_path_factory.mktemp("instance"), database_url))
    with app.app_context():
        alembic.upgrade()
        load_demo(db.session)
        ensure_default_rule_set(db.session)  # as `flask demo load`
        db.session.commit()
        _sample_contracts(app)
    yield app
    with app.app_context():
        db.engine.dispose()


def _sample_contracts(app: Flask) -> None:
    """Contract 1 from WS001 (advisor01) and contract 2 from WS002 (advisor02), both submitted."""
    store = FileStore(app.config["ADVISOR"].files_dir)
    for email, title in (
        ("school01@demo.local", "食堂食材采购合同"),
        ("school02@demo.local", "校服采购合同"),
    ):
        school_user = accounts.get_user_by_email(db.session, email)
        assert school_user is not None
        data = make_pdf()
        contracts.submit_contract(
            db.session,
            actor=school_user,
            store=store,
            today=date(2026, 3, 2),
            now=datetime(2026, 3, 2, 2, 0, tzinfo=UTC),
            data=contracts.ContractData(
                title=title,
                counterparty="乌苏市丰收食品有限公司",
                contract_type="catering",
                amount=Decimal("12000.00"),
                start_on=date(2026, 3, 1),
                end_on=date(2026, 12, 31),
            ),
            upload=contracts.Upload("合同.pdf", data, inspect(data, Limits())),
        )
    db.session.commit()
    _sample_model_contract(store)


def _sample_model_contract(store: FileStore) -> None:
    """Model contract 1, version 1 published, and fill 1 of WS001's (not submitted)."""
    bureau = accounts.get_user_by_email(db.session, "bureau@demo.local")
    school = accounts.get_user_by_email(db.session, "school01@demo.local")
    assert bureau is not None and school is not None
    now = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
    data = make_docx(TEMPLATE_LINES)
    version = model_contracts.create_model(
        db.session,
        actor=bureau,
        title="食堂食材采购合同（测试范本）",
        contract_type="catering",
        template=model_contracts.TemplateFile("范本.docx", data, inspect(data, Limits()).pages),
        note="",
        store=store,
        now=now,
    )
    model_contracts.publish(db.session, actor=bureau, version=version, now=now)
    model_contracts.record_fill(
        db.session,
        actor=school,
        version=version,
        raw={"学校名称": "乌苏市第一中学", "合同金额": "12000"},
        store=store,
        now=now,
    )
    db.session.commit()


@pytest.fixture(autouse=True)
def _isolation(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every test runs in a transaction that is rolled back afterwards.

    The sessions of the test and of every request share one connection whose outer
    transaction is never committed; their commits only release savepoints. No app
    context stays pushed, so each request gets its own ``g`` (and its own user).
    (Flask-SQLAlchemy-Lite's test_isolation patches engine.connect, which SQLAlchemy
    2.1 treats as a session-owned connection and really commits.)
    """
    if request.node.get_closest_marker("browser") or "app" not in request.fixturenames:
        yield
        return
    flask_app: Flask = request.getfixturevalue("app")
    with flask_app.app_context():
        engine = db.engine
    connection = engine.connect()
    outer = connection.begin()
    _connections.append(connection)
    with ExitStack() as patches:
        _bind_to(flask_app, connection, patches)
        yield
    _connections.pop()
    outer.rollback()
    connection.close()


_connections: list[sa.Connection] = []


def _bind_to(flask_app: Flask, connection: sa.Connection, patches: ExitStack) -> None:
    with flask_app.app_context():
        maker = db.sessionmaker
    options = {"bind": connection, "join_transaction_mode": "create_savepoint"}
    patches.enter_context(mock.patch.dict(maker.kw, options))


@pytest.fixture()
def make_app(tmp_path: Path, database_url: str) -> Iterator[Callable[..., Flask]]:
    """Build another app on the test database (other settings), inside the test's transaction."""
    with ExitStack() as patches:

        def build(**changes: Any) -> Flask:
            other = create_app(make_config(tmp_path, database_url, **changes))
            _bind_to(other, _connections[-1], patches)
            return other

        yield build


@pytest.fixture()
def session(app: Flask) -> Iterator[sa.orm.Session]:
    """A session on the test's connection, for service tests; no app context is held."""
    with app.app_context():
        maker = db.sessionmaker
    session = maker()
    yield session
    session.close()


def login(client: FlaskClient, email: str, password: str = DEMO_PASSWORD) -> FlaskClient:
    response = client.post("/login", data={"email": email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return client


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture()
def bureau(app: Flask) -> FlaskClient:
    return login(app.test_client(), "bureau@demo.local")


@pytest.fixture()
def school1(app: Flask) -> FlaskClient:
    """Staff of WS001 乌苏市第一中学 (primary advisor: advisor01)."""
    return login(app.test_client(), "school01@demo.local")


@pytest.fixture()
def advisor1(app: Flask) -> FlaskClient:
    """advisor01 张伟: primary for WS001 and WS036, backup for WS054."""
    return login(app.test_client(), "advisor01@demo.local")


class QueryCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    def __call__(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if not re.match(r"\s*(SAVEPOINT|RELEASE|ROLLBACK|BEGIN)", statement, re.I):
            self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture()
def count_queries(app: Flask) -> Iterator[QueryCounter]:
    """Counts the SQL statements run while the test body runs (N+1 detector)."""
    counter = QueryCounter()
    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", counter)
    yield counter
    sa.event.remove(engine, "before_cursor_execute", counter)
