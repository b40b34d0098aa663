"""A database that comes and goes, and a files folder that refuses writes (issue 16,
item 6): pooled connections are tested before use, so a database restart costs no
request; while the database cannot be reached pages and API answer 503 with
Retry-After; a refused file write answers 507 and saves nothing.

Each test runs on the suite's backend: on PostgreSQL the server's connections are
terminated or the app points at a port where nothing listens; on SQLite the database
file's folder goes away.
"""

from __future__ import annotations

import io
import logging
import os
import resource
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import orm
from sqlalchemy.exc import OperationalError

from advisor import create_app
from advisor.accounts import services as accounts
from advisor.contracts.models import Contract, ContractVersion
from advisor.demo.bureau import load_demo
from advisor.errors import RETRY_AFTER_SECONDS, is_database_outage
from advisor.extensions import alembic, db
from config import PROJECT_ROOT
from tests.conftest import login, make_config
from tests.documents import make_pdf
from tests.separate_db import separate_database

UNREACHABLE_ZH = "暂时无法连接数据库，本次操作未保存任何内容，请几秒钟后重试。"
UNWRITABLE_ZH = "文件存储目录暂时无法写入，本次提交未保存任何内容，请告知教科局系统管理员。"
FULL_ZH = "文件存储空间已满，本次提交未保存任何内容，请告知教科局系统管理员。"
ZH = {"Accept-Language": "zh"}


def is_postgres(url: str) -> bool:
    return url.startswith("postgresql")


@pytest.fixture()
def own_app(database_url: str, tmp_path: Path) -> Iterator[tuple[Flask, str]]:
    """An app on a database of its own (real commits), migrated, with the demo bureau."""
    folder = tmp_path / "data"
    folder.mkdir()
    with separate_database(database_url, folder, "outage") as url:
        app = create_app(make_config(tmp_path / "instance", url))
        with app.app_context():
            alembic.upgrade()
            load_demo(db.session)
            db.session.commit()
        yield app, url
        with app.app_context():
            db.engine.dispose()


def token_for(app: Flask, email: str) -> dict[str, str]:
    with app.app_context():
        user = accounts.get_user_by_email(db.session, email)
        assert user is not None
        _token, clear = accounts.create_token(db.session, user, "outage")
        db.session.commit()
    return {"Authorization": f"Bearer {clear}"}


def no_500(caplog: pytest.LogCaptureFixture) -> None:
    faults = [r for r in caplog.records if r.getMessage().startswith("unhandled error")]
    assert faults == [], [r.getMessage() for r in faults]


def test_the_database_goes_away_and_comes_back(
    own_app: tuple[Flask, str], database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    app, url = own_app
    school = login(app.test_client(), "school01@demo.local")
    api = token_for(app, "school01@demo.local")
    assert school.get("/contracts").status_code == 200
    assert app.test_client().get("/api/v1/me", headers=api).status_code == 200
    with caplog.at_level(logging.INFO, logger="advisor"):
        if is_postgres(url):
            # Every connection of the app's pool dies, as in a database restart.
            name = sa.make_url(url).database
            admin = sa.create_engine(database_url, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                killed = conn.execute(
                    sa.text(
                        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                        " WHERE datname = :name AND pid <> pg_backend_pid()"
                    ),
                    {"name": name},
                ).scalar_one()
            admin.dispose()
            assert killed >= 1
        else:
            # The database file's folder goes away (a lost mount); a worker that starts
            # now has no pooled connection to fall back on.
            database = Path(sa.make_url(url).database or "")
            away = database.parent.with_name("away")
            database.parent.rename(away)
            with app.app_context():
                db.engine.dispose()
            page = school.get("/contracts", headers=ZH)
            assert page.status_code == 503, page.get_data(as_text=True)[:300]
            assert page.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
            assert UNREACHABLE_ZH in page.get_data(as_text=True)
            answer = app.test_client().get("/api/v1/me", headers=api)
            assert answer.status_code == 503
            assert answer.json["error"]["code"] == "service_unavailable"
            away.rename(database.parent)
        # The next requests reconnect and answer normally, not 500.
        page = school.get("/contracts")
        assert page.status_code == 200, page.get_data(as_text=True)[:300]
        me = app.test_client().get("/api/v1/me", headers=api)
        assert me.status_code == 200 and me.json["email"] == "school01@demo.local"
    no_500(caplog)


@pytest.fixture()
def unreachable(database_url: str, tmp_path: Path) -> Flask:
    """An app whose database cannot be reached: a PostgreSQL port where nothing listens,
    or a SQLite file in a folder that does not exist."""
    if is_postgres(database_url):
        url = sa.make_url(database_url).set(host="127.0.0.1", port=1)
        dead = url.render_as_string(hide_password=False)
    else:
        dead = f"sqlite:///{tmp_path / 'missing' / 'folder' / 'advisor.db'}"
    return create_app(make_config(tmp_path / "instance", dead))


def signed_in(app: Flask) -> FlaskClient:
    """A client with a session cookie, so the user loader runs before the view."""
    client = app.test_client()
    with client.session_transaction() as cookie:
        cookie["_user_id"] = "a-session-id"
    return client


@pytest.mark.parametrize("path", ["/", "/contracts", "/account", "/login"])
def test_pages_answer_503_while_the_database_is_unreachable(
    unreachable: Flask, path: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="advisor"):
        response = signed_in(unreachable).get(path, headers=ZH)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response.headers["Cache-Control"] == "no-store"
    text = response.get_data(as_text=True)
    assert UNREACHABLE_ZH in text and "Traceback" not in text and "127.0.0.1" not in text
    no_500(caplog)
    [warning] = [r for r in caplog.records if r.getMessage().startswith("database unreachable")]
    assert warning.levelno == logging.WARNING and warning.exc_info is None


def test_a_form_posted_while_the_database_is_unreachable_is_503(unreachable: Flask) -> None:
    response = unreachable.test_client().post(
        "/login", data={"email": "bureau@demo.local", "password": "x"}, headers=ZH
    )
    assert response.status_code == 503 and UNREACHABLE_ZH in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/api/v1/me", "/api/v1/contracts"])
def test_the_api_answers_503_json_while_the_database_is_unreachable(
    unreachable: Flask, path: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="advisor"):
        response = unreachable.test_client().get(
            path, headers={"Authorization": "Bearer adv_x", **ZH}
        )
    assert response.status_code == 503 and response.is_json
    assert response.json == {"error": {"code": "service_unavailable", "message": UNREACHABLE_ZH}}
    # The rate limiter, which stamps every API answer, may only lengthen the wait.
    assert int(response.headers["Retry-After"]) >= RETRY_AFTER_SECONDS
    no_500(caplog)


def test_health_while_the_database_is_unreachable(unreachable: Flask) -> None:
    client = signed_in(unreachable)  # a session cookie must not make them load a user
    assert client.get("/healthz").json == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.json == {
        "status": "not ready",
        "checks": {
            "database": "failed",
            "migrations": "failed",
            "files": "ok",
            "scheduler": "failed",
        },
    }


def _wrapped(orig: Exception) -> OperationalError:
    return OperationalError("SELECT 1", {}, orig)


def test_what_counts_as_the_database_being_away(database_url: str, tmp_path: Path) -> None:
    assert is_database_outage(_wrapped(sqlite3.OperationalError("unable to open database file")))
    assert not is_database_outage(_wrapped(sqlite3.OperationalError("database is locked")))
    assert not is_database_outage(_wrapped(sqlite3.OperationalError("no such table: x")))
    assert not is_database_outage(RuntimeError("unable to open database file"))
    if not is_postgres(database_url):
        return
    # A statement the server cancels is a failure of that statement, not an outage.
    engine = sa.create_engine(database_url)
    with engine.connect() as conn, pytest.raises(OperationalError) as cancelled:
        conn.exec_driver_sql("SET statement_timeout = 1")
        conn.exec_driver_sql("SELECT pg_sleep(0.2)")
    engine.dispose()
    assert getattr(cancelled.value.orig, "sqlstate", None) == "57014"
    assert not is_database_outage(cancelled.value)


# --- storage ---------------------------------------------------------------------------


def contract_form() -> dict[str, object]:
    return {
        "title": "存储故障测试合同",
        "counterparty": "新疆天山建设集团",
        "contract_type": "construction",
        "amount": "12000.00",
        "start_date": "2026-12-01",
        "end_date": "2027-07-31",
        "file": (io.BytesIO(make_pdf([["存储故障测试合同", "第一条 工程内容"]])), "合同.pdf"),
    }


def counts(session: orm.Session) -> tuple[int, int]:
    return (
        session.scalar(sa.select(sa.func.count()).select_from(Contract)) or 0,
        session.scalar(sa.select(sa.func.count()).select_from(ContractVersion)) or 0,
    )


@pytest.fixture()
def unwritable(make_app: Callable[..., Flask], tmp_path: Path) -> Flask:
    """An app whose files folder cannot be made. The suite runs as root, whom a chmod
    does not stop, so the folder's parent is a regular file: mkdir fails (ENOTDIR) as
    it would on a read-only or vanished mount."""
    blocker = tmp_path / "blocker"
    blocker.write_text("a file, not a folder")
    return make_app(files_path=blocker / "files")


def test_an_upload_the_files_folder_refuses_is_507_and_saves_nothing(
    unwritable: Flask, session: orm.Session
) -> None:
    before = counts(session)
    school = login(unwritable.test_client(), "school01@demo.local")
    response = school.post(
        "/contracts/new", data=contract_form(), content_type="multipart/form-data", headers=ZH
    )
    assert response.status_code == 507
    assert UNWRITABLE_ZH in response.get_data(as_text=True)
    assert counts(session) == before


def test_an_api_upload_the_files_folder_refuses_is_507_json(
    unwritable: Flask, session: orm.Session
) -> None:
    before = counts(session)
    response = unwritable.test_client().post(
        "/api/v1/contracts",
        data=contract_form(),
        content_type="multipart/form-data",
        headers={**token_for(unwritable, "school01@demo.local"), **ZH},
    )
    assert response.status_code == 507
    assert response.json == {"error": {"code": "insufficient_storage", "message": UNWRITABLE_ZH}}
    assert counts(session) == before


CHILD = """
import sys
from pathlib import Path
from advisor.contracts.files import FileStore
from advisor.errors import InsufficientStorage
from flask import Flask
from flask_babel import Babel, force_locale
app = Flask("child")
app.config["BABEL_TRANSLATION_DIRECTORIES"] = sys.argv[2]
Babel(app)
with app.app_context(), force_locale("zh"):
    try:
        FileStore(Path(sys.argv[1])).put(b"x" * 65536)
    except InsufficientStorage as refused:
        print(refused.status, refused.code, str(refused.message))
"""


def test_a_full_disk_is_507_and_leaves_no_partial_file(tmp_path: Path) -> None:
    """A disk that refuses to grow a file, for real: the kernel stops writes beyond
    RLIMIT_FSIZE (EFBIG), set in a child process so the suite's own files are not
    limited. (A tiny tmpfs would need privileges a CI runner may not have.)"""

    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))

    root = tmp_path / "files"
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(root), str(PROJECT_ROOT / "advisor" / "translations")],
        capture_output=True,
        text=True,
        preexec_fn=limit,
        cwd=PROJECT_ROOT,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
        timeout=60,
    )
    assert child.stdout.strip() == f"507 insufficient_storage {FULL_ZH}", child.stderr
    assert [p for p in root.rglob("*") if p.is_file()] == []  # no half-written file
