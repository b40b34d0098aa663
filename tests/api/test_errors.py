"""Errors under /api/ are always API.md's JSON; pages get friendly pages in both languages;
only a lost race is a conflict, a broken constraint is a fault logged with its traceback."""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Blueprint, Flask, abort, request
from flask.testing import FlaskClient
from sqlalchemy import orm
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from advisor import create_app
from advisor.accounts import services as accounts
from advisor.errors import Conflict, Forbidden, TooManyRequests, ValidationError
from advisor.extensions import db
from tests.conftest import make_config


@pytest.fixture(scope="module")
def error_app(tmp_path_factory: pytest.TempPathFactory, database_url: str) -> Iterator[Flask]:
    """A second app on the same database, with routes that fail in every documented way."""
    app = create_app(
        make_config(tmp_path_factory.mktemp("errors"), database_url, max_upload_bytes=1000)
    )
    bp = Blueprint("failing", __name__)

    @bp.route("/api/v1/test/<int:status>", methods=["GET", "POST"])
    def fail(status: int) -> str:
        if status == 409:
            raise Conflict("The contract has changed.")
        if status == 422:
            raise ValidationError("Bad values.", fields={"amount": "Must be a number."})
        if status == 403:
            raise Forbidden("Not yours.")
        if status == 429:
            raise TooManyRequests("Slow down.")
        if status == 413:
            return str(len(request.form))
        if status == 500:
            raise RuntimeError("secret internals")
        abort(status)

    @bp.get("/boom")
    def boom() -> str:
        raise RuntimeError("secret internals")

    app.register_blueprint(bp)
    yield app


CODES = {
    400: "bad_request",
    403: "forbidden",
    404: "not_found",
    409: "conflict",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "too_many_requests",
    500: "internal_error",
}


@pytest.mark.parametrize("status", sorted(CODES))
def test_api_errors_have_the_documented_shape(error_app: Flask, status: int) -> None:
    response = error_app.test_client().get(f"/api/v1/test/{status}")
    assert response.status_code == status
    assert response.mimetype == "application/json"
    body = response.json
    assert list(body) == ["error"]
    assert body["error"]["code"] == CODES[status]
    assert body["error"]["message"]
    assert "Traceback" not in response.get_data(as_text=True)
    assert "secret internals" not in response.get_data(as_text=True)
    if status == 422:
        assert body["error"]["fields"] == {"amount": "Must be a number."}


def test_api_413_is_json(error_app: Flask) -> None:
    big = {"file": (io.BytesIO(b"x" * (2 * 1024 * 1024)), "big.pdf")}
    response = error_app.test_client().post("/api/v1/test/413", data=big)
    assert response.status_code == 413
    assert response.json["error"]["code"] == "payload_too_large"


def test_api_405_and_unknown_path(client: FlaskClient) -> None:
    response = client.post("/api/v1/me")
    assert response.status_code == 405
    assert response.json["error"]["code"] == "method_not_allowed"
    assert "GET" in response.headers["Allow"]
    missing = client.get("/api/v1/no-such-thing")
    assert missing.status_code == 404 and missing.json["error"]["code"] == "not_found"


def test_api_400_on_bad_paging(client: FlaskClient, session: orm.Session) -> None:
    user = accounts.get_user_by_email(session, "bureau@demo.local")
    assert user is not None
    _, token = accounts.create_token(session, user, "t")
    session.commit()
    for query in ("page=0", "page=abc", "per_page=201", "per_page=-1"):
        response = client.get(
            f"/api/v1/schools?{query}", headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 400, query
        assert response.json["error"]["code"] == "bad_request"
        assert response.json["error"]["fields"]


def test_pages_get_friendly_error_pages_in_both_languages(error_app: Flask) -> None:
    client = error_app.test_client()
    zh = client.get("/no-such-page", headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    assert zh.status_code == 404 and zh.mimetype == "text/html"
    assert "页面不存在" in zh.get_data(as_text=True) or "未找到" in zh.get_data(as_text=True)
    en = client.get("/no-such-page", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert "Not found" in en.get_data(as_text=True)
    boom = client.get("/boom", headers={"Accept-Language": "en"})
    assert boom.status_code == 500
    text = boom.get_data(as_text=True)
    assert (
        "Something went wrong" in text
        and "secret internals" not in text
        and "Traceback" not in text
    )


def test_csrf_is_enforced_on_forms(app: Flask, make_app: Callable[..., Flask]) -> None:
    app = make_app(csrf_enabled=True)
    client = app.test_client()
    response = client.post("/login", data={"email": "bureau@demo.local", "password": "demo12345"})
    # Refused, not signed in: the sign-in page again, saying why (never a bare 400).
    assert response.status_code == 302 and response.location.startswith("/login")
    page = client.get(response.location).get_data(as_text=True)
    assert "页面已过期，请重试。" in page
    assert client.get("/account").status_code == 302
    marker = 'name="csrf_token" type="hidden" value="'
    token = page[page.index(marker) + len(marker) :].split('"', 1)[0]
    ok = client.post(
        "/login", data={"email": "bureau@demo.local", "password": "demo12345", "csrf_token": token}
    )
    assert ok.status_code == 302


def test_a_database_that_cannot_be_opened_gets_a_plain_503_page(tmp_path: Path) -> None:
    """The user loader fails before any view; the page is drawn without a user (issue
    16, item 6; tests/test_database_outage.py covers the rest)."""
    broken = create_app(make_config(tmp_path, f"sqlite:///{tmp_path}/missing/dir/advisor.db"))
    client = broken.test_client()
    with client.session_transaction() as cookie:
        cookie["_user_id"] = "some-session-id"
    response = client.get("/account", headers={"Accept-Language": "zh"})
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    text = response.get_data(as_text=True)
    assert "暂时无法连接数据库" in text and "Traceback" not in text
    api = client.get("/api/v1/me", headers={"Authorization": "Bearer adv_x"})
    assert api.status_code == 503 and api.json["error"]["code"] == "service_unavailable"


@pytest.fixture()
def faulty_app(app: Flask, make_app: Callable[..., Flask]) -> Flask:
    """An app on the test's transaction whose routes break a constraint or lose a race."""
    faulty = make_app()
    bp = Blueprint("faulty", __name__)

    def break_a_constraint() -> str:
        db.session.execute(sa.text("INSERT INTO setting (key, value) VALUES ('twice', '1')"))
        db.session.execute(sa.text("INSERT INTO setting (key, value) VALUES ('twice', '2')"))
        return "not reached"

    def lose_a_race() -> str:
        raise StaleDataError("UPDATE statement on table 'contract' expected to update 1 row(s)")

    for prefix in ("", "/api/v1/test"):
        bp.add_url_rule(f"{prefix}/integrity", f"integrity{prefix}", break_a_constraint)
        bp.add_url_rule(f"{prefix}/stale", f"stale{prefix}", lose_a_race)
    faulty.register_blueprint(bp)
    return faulty


def errors_logged(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "advisor.errors"]


@pytest.mark.parametrize("path", ["/integrity", "/api/v1/test/integrity"])
def test_a_broken_constraint_is_a_500_logged_with_its_traceback(
    faulty_app: Flask, caplog: pytest.LogCaptureFixture, path: str
) -> None:
    with caplog.at_level(logging.INFO, logger="advisor"):
        response = faulty_app.test_client().get(path, headers={"Accept-Language": "en"})
    assert response.status_code == 500
    text = response.get_data(as_text=True)
    assert "Something went wrong on our side. Nothing was saved; please try again." in text
    assert "The record has changed in the meantime" not in text and "Traceback" not in text
    if path.startswith("/api/"):
        assert response.json["error"]["code"] == "internal_error"
    [record] = errors_logged(caplog)
    assert (
        record.levelno == logging.ERROR and record.getMessage() == f"unhandled error on GET {path}"
    )
    assert record.exc_info is not None and isinstance(record.exc_info[1], IntegrityError)


@pytest.mark.parametrize("path", ["/stale", "/api/v1/test/stale"])
def test_a_stale_version_counter_is_the_conflict(
    faulty_app: Flask, caplog: pytest.LogCaptureFixture, path: str
) -> None:
    with caplog.at_level(logging.INFO, logger="advisor"):
        response = faulty_app.test_client().get(path, headers={"Accept-Language": "en"})
    assert response.status_code == 409
    assert "The record has changed in the meantime. Reload and try again." in response.get_data(
        as_text=True
    )
    [record] = errors_logged(caplog)
    assert record.levelno == logging.INFO and record.exc_info is None
