"""Logs an operator can use: text or JSON lines with time, level and request id; one
access line per request; one line per reminder attempt and per refused upload; errors
with their traceback; never a password, a token or a session id."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Blueprint, Flask
from flask.testing import FlaskClient
from sqlalchemy import orm

from advisor.accounts import services as accounts
from advisor.accounts.models import LoginSession
from advisor.demo.bureau import DEMO_PASSWORD
from advisor.logs import HANDLER_NAME, configure_logging
from advisor.reminders import sending
from advisor.reminders.channels import DeliveryError
from advisor.reminders.models import Reminder
from config import Config
from tests.conftest import login
from tests.contracts.samples import png
from tests.contracts.uploading import Api, school_token, school_user, store_left_as_found
from tests.reminders.test_sending import OFFICE, overdue

TIME = r"2026-11-16T09:\d\d:\d\d\.\d{3}\+08:00"
TEXT_LINE = re.compile(
    rf"^(?P<time>{TIME}) (?P<level>[A-Z]+) \[req=(?P<request_id>\S+) user=(?P<user_id>\S+)\]"
    r" (?P<logger>[\w.]+): (?P<message>.*)$"
)
GENERATED = re.compile(r"[0-9a-f]{32}")


@dataclass
class Capture:
    """The lines Advisor's own handler wrote, as the operator reads them."""

    stream: io.StringIO
    format: str

    def text(self) -> str:
        return self.stream.getvalue()

    def records(self) -> list[dict[str, Any]]:
        """Each line as a dict: parsed JSON, or the fields of a text line."""
        found = []
        for line in self.stream.getvalue().splitlines():
            if self.format == "json":
                found.append(json.loads(line))
            elif match := TEXT_LINE.match(line):
                found.append(match.groupdict())
        return found

    def access(self, path: str) -> list[dict[str, Any]]:
        return [
            r
            for r in self.records()
            if r["logger"] == "advisor.requests" and f" {path} " in r["message"] + " "
        ]


@pytest.fixture()
def capture() -> Iterator[Callable[..., Capture]]:
    """Install Advisor's handler (as create_app does outside tests) on a buffer; build
    any app first, since building one replaces the handler."""
    root = logging.getLogger()
    level = root.level

    def start(app: Flask, log_format: str = "json", log_level: str = "DEBUG") -> Capture:
        config: Config = app.config["ADVISOR"]
        stream = io.StringIO()
        configure_logging(config.but(log_format=log_format, log_level=log_level), stream=stream)
        return Capture(stream, log_format)

    yield start
    for handler in [h for h in root.handlers if h.get_name() == HANDLER_NAME]:
        root.removeHandler(handler)
    root.setLevel(level)


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_every_line_has_time_level_and_request_id_and_each_request_one_access_line(
    app: Flask, client: FlaskClient, capture: Callable[..., Capture], log_format: str
) -> None:
    logs = capture(app, log_format)
    response = client.get("/login?next=/contracts", headers={"X-Request-ID": "proxy-1.a_B"})
    assert response.status_code == 200
    assert response.headers["X-Request-ID"] == "proxy-1.a_B"
    logging.getLogger("advisor.test").warning("outside any request")
    [line] = logs.access("/login")
    assert re.fullmatch(TIME, line["time"])
    assert (line["level"], line["request_id"], line["user_id"]) == ("INFO", "proxy-1.a_B", "-")
    assert "next=" not in logs.text(), "the query string is not logged"
    [outside] = [r for r in logs.records() if r["logger"] == "advisor.test"]
    assert (outside["level"], outside["request_id"], outside["message"]) == (
        "WARNING",
        "-",
        "outside any request",
    )
    if log_format == "json":
        assert {k: line[k] for k in ("method", "path", "status")} == {
            "method": "GET",
            "path": "/login",
            "status": 200,
        }
        assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    else:
        assert re.fullmatch(r"GET /login 200 \d+\.\dms", line["message"])


def test_the_access_line_names_the_signed_in_user_and_the_api_token_owner(
    app: Flask, session: orm.Session, capture: Callable[..., Capture]
) -> None:
    school = school_user(session)
    token = school_token(session)
    browser = login(app.test_client(), "school01@demo.local")
    logs = capture(app)
    assert browser.get("/contracts").status_code == 200
    api = app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 200
    refused = app.test_client().get("/api/v1/me", headers={"Authorization": "Bearer nope"})
    assert refused.status_code == 401
    [page] = logs.access("/contracts")
    api_ok, api_refused = logs.access("/api/v1/me")
    assert (page["user_id"], page["status"]) == (str(school.id), 200)
    assert (api_ok["user_id"], api_ok["status"]) == (str(school.id), 200)
    assert (api_refused["user_id"], api_refused["status"]) == ("-", 401)
    assert len({page["request_id"], api_ok["request_id"], api_refused["request_id"]}) == 3


def test_static_files_are_logged_at_debug_only(
    app: Flask, client: FlaskClient, capture: Callable[..., Capture]
) -> None:
    logs = capture(app, log_level="INFO")
    assert client.get("/static/css/app.css").status_code == 200
    assert client.get("/login").status_code == 200
    assert logs.access("/static/css/app.css") == []
    assert len(logs.access("/login")) == 1


@pytest.mark.parametrize(
    "offered",
    ["x" * 65, "abc\ndef", "abc def", "<script>", "a/b", "请求"],
    ids=["too-long", "newline", "space", "markup", "slash", "non-ascii"],
)
def test_an_unlikely_request_id_is_replaced_not_logged(
    app: Flask, client: FlaskClient, capture: Callable[..., Capture], offered: str
) -> None:
    logs = capture(app, "text")
    environ = {"HTTP_X_REQUEST_ID": offered}  # raw, so a line break reaches the app
    response = client.get("/login", environ_base=environ)
    assert response.status_code == 200
    replaced = response.headers["X-Request-ID"]
    assert GENERATED.fullmatch(replaced)
    [line] = logs.access("/login")
    assert line["request_id"] == replaced
    assert offered not in logs.text()


def test_a_line_break_in_the_path_cannot_forge_a_text_line(
    app: Flask, client: FlaskClient, capture: Callable[..., Capture]
) -> None:
    logs = capture(app, "text")
    forged = "2026-11-16T09:00:00.000+08:00 ERROR [req=x user=1] advisor: forged"
    client.get("/nowhere%0A" + forged.replace(" ", "%20"))
    lines = logs.text().splitlines()
    assert [line for line in lines if line.startswith(forged)] == []
    [line] = [line for line in lines if "/nowhere" in line]
    assert "/nowhere\\n2026-11-16T09:00:00.000+08:00 ERROR" in line and line.endswith(
        " 404 " + line.rsplit(" ", 1)[-1]
    )


def test_an_unhandled_error_is_logged_at_error_with_traceback_and_request_id(
    app: Flask, make_app: Callable[..., Flask], capture: Callable[..., Capture]
) -> None:
    failing = make_app()
    bp = Blueprint("boom", __name__)

    @bp.get("/api/v1/test/boom")
    def boom() -> str:
        raise RuntimeError("the disk caught fire")

    failing.register_blueprint(bp)
    logs = capture(failing)
    response = failing.test_client().get("/api/v1/test/boom", headers={"X-Request-ID": "req-42"})
    assert response.status_code == 500 and response.headers["X-Request-ID"] == "req-42"
    [error] = [r for r in logs.records() if r["logger"] == "advisor.errors"]
    assert (error["level"], error["request_id"]) == ("ERROR", "req-42")
    assert error["message"] == "unhandled error on GET /api/v1/test/boom"
    assert error["traceback"].startswith("Traceback (most recent call last):")
    assert "RuntimeError: the disk caught fire" in error["traceback"]
    [access] = logs.access("/api/v1/test/boom")
    assert (access["status"], access["request_id"]) == (500, "req-42")


def test_text_lines_put_the_traceback_under_the_line(
    app: Flask, make_app: Callable[..., Flask], capture: Callable[..., Capture]
) -> None:
    failing = make_app()

    @failing.get("/boom")
    def boom() -> str:
        raise RuntimeError("the disk caught fire")

    logs = capture(failing, "text")
    assert failing.test_client().get("/boom", headers={"X-Request-ID": "r1"}).status_code == 500
    text = logs.text()
    assert re.search(
        rf"^{TIME} ERROR \[req=r1 user=-\] advisor.errors: unhandled error on GET /boom\n"
        r"Traceback \(most recent call last\):\n",
        text,
        re.MULTILINE,
    )
    assert "RuntimeError: the disk caught fire" in text


def test_each_reminder_attempt_is_one_line_with_ids_not_addresses(
    app: Flask, session: orm.Session, capture: Callable[..., Capture]
) -> None:
    config: Config = app.config["ADVISOR"].but(smtp_host="")
    (row,) = overdue(session, config)
    logs = capture(app)
    with app.app_context():
        sending.send_due(session, now=OFFICE, config=config)
    [sent] = [r for r in logs.records() if r.get("reminder_id") == row.id]
    assert sent["level"] == "INFO" and sent["logger"] == "advisor.reminders.sending"
    assert {k: sent[k] for k in ("kind", "channel", "recipient", "recipient_id", "attempt")} == {
        "kind": "overdue",
        "channel": "app",
        "recipient": "user",
        "recipient_id": row.user_id,
        "attempt": 1,
    }
    assert (sent["outcome"], sent["error"], sent["request_id"]) == ("sent", None, "-")

    def refused(*_args: Any) -> None:
        raise DeliveryError("recipient refused: bureau@demo.local: 450 mailbox busy")

    sending.resend(session, row, now=OFFICE)
    session.commit()
    sending.send_due(session, now=OFFICE + timedelta(minutes=1), config=config, deliver=refused)
    failed = [r for r in logs.records() if r.get("reminder_id") == row.id][1:]
    assert [(r["level"], r["outcome"], r["attempt"]) for r in failed] == [
        ("WARNING", "retrying", 2)
    ]
    assert failed[0]["error"] == "recipient refused: <address>: 450 mailbox busy"
    assert "@" not in logs.text()


def test_a_robot_reminder_names_the_webhook_by_id_never_its_url() -> None:
    reminder = Reminder(
        id=7, kind="overdue", channel="wecom", user_id=None, webhook_id=3, attempts=2
    )
    reminder.status, reminder.last_error = "failed", "WeCom: errcode 93000 invalid webhook url"
    line = sending._delivery_line(reminder)
    assert (line["recipient"], line["recipient_id"], line["outcome"]) == ("webhook", 3, "failed")


def test_a_refused_upload_logs_its_reason_and_size_not_its_content(
    app: Flask, client: FlaskClient, session: orm.Session, capture: Callable[..., Capture]
) -> None:
    cleanup = store_left_as_found(app)
    next(cleanup)
    api = Api(client, school_token(session))
    logs = capture(app)
    data = png()
    response = api.upload(data, "合同.pdf")
    assert response.status_code == 415
    [refusal] = [r for r in logs.records() if r["logger"] == "advisor.contracts.uploads"]
    assert (refusal["level"], refusal["reason"], refusal["size"]) == (
        "INFO",
        "image",
        len(data),
    )
    assert refusal["user_id"] == str(school_user(session).id)
    assert "合同" not in logs.text()
    next(cleanup, None)


def test_a_body_over_the_server_limit_is_logged_as_a_refused_upload(
    app: Flask,
    session: orm.Session,
    make_app: Callable[..., Flask],
    capture: Callable[..., Capture],
) -> None:
    token = school_token(session)
    small = make_app(max_upload_bytes=1000)
    logs = capture(small)
    body = b"x" * (2 * 1024 * 1024)
    response = small.test_client().post(
        "/api/v1/contracts",
        data=body,
        headers={
            "Content-Type": "multipart/form-data; boundary=b",
            "Authorization": f"Bearer {token}",
        },
    )
    assert response.status_code == 413
    [refusal] = [r for r in logs.records() if r.get("reason") == "too_large"]
    assert refusal["size"] == len(body)


def test_no_password_token_or_session_id_is_ever_logged(
    app: Flask,
    session: orm.Session,
    capture: Callable[..., Capture],
    caplog: pytest.LogCaptureFixture,
) -> None:
    logs = capture(app)
    caplog.set_level(logging.DEBUG)
    new_password = "a-new-pass-Zq81"
    browser = login(app.test_client(), "advisor05@demo.local", DEMO_PASSWORD)
    cookie = browser.get_cookie("session")
    assert cookie is not None
    wrong = app.test_client().post(
        "/login", data={"email": "advisor05@demo.local", "password": "wrong-pass-Xy7"}
    )
    assert wrong.status_code == 401
    created = browser.post(
        "/account/tokens",
        data={"tk-name": "脚本", "tk-days": "90", "tk-password": DEMO_PASSWORD},
    )
    assert created.status_code == 201
    page = created.get_data(as_text=True)
    start = page.index('data-testid="new-token">') + len('data-testid="new-token">')
    token = page[start : page.index("<", start)]
    me = app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    changed = browser.post(
        "/account/password",
        data={
            "pw-current_password": DEMO_PASSWORD,
            "pw-new_password": new_password,
            "pw-confirm": new_password,
        },
    )
    assert changed.status_code == 302
    renewed = browser.get_cookie("session")
    assert browser.get("/account").status_code == 200
    user = accounts.get_user_by_email(session, "advisor05@demo.local")
    assert user is not None
    session_ids = list(
        session.scalars(sa.select(LoginSession.id).where(LoginSession.user_id == user.id))
    )
    secrets = [DEMO_PASSWORD, "wrong-pass-Xy7", new_password, token, cookie.value, *session_ids]
    if renewed is not None:
        secrets.append(renewed.value)
    assert len(session_ids) >= 2 and len(logs.access("/account/tokens")) == 1
    captured = [logs.text()]
    for record in caplog.records:
        captured += [
            record.getMessage(),
            repr(record.args),
            repr(getattr(record, "fields", "")),
            caplog.handler.format(record),
        ]
    everything = "\n".join(captured)
    assert "advisor.security" in everything and "/api/v1/me" in everything
    leaked = [s for s in secrets if s in everything]
    assert leaked == []


def test_building_an_app_leaves_pytests_capture_working(
    app: Flask, make_app: Callable[..., Flask], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    make_app()
    logging.getLogger("advisor.test").info("still captured")
    assert [r.getMessage() for r in caplog.records if r.name == "advisor.test"] == [
        "still captured"
    ]


def test_outside_tests_the_handler_writes_to_stderr_once_however_often_the_app_is_built(
    app: Flask, capsys: pytest.CaptureFixture[str]
) -> None:
    root = logging.getLogger()
    level = root.level
    config: Config = app.config["ADVISOR"].but(testing=False)
    try:
        configure_logging(config)
        configure_logging(config)
        assert [h.get_name() for h in root.handlers].count(HANDLER_NAME) == 1
        logging.getLogger("advisor.test").info("hello operator")
        logging.getLogger("advisor.test").debug("not at INFO")
    finally:
        for handler in [h for h in root.handlers if h.get_name() == HANDLER_NAME]:
            root.removeHandler(handler)
        root.setLevel(level)
    err = capsys.readouterr().err
    assert re.search(rf"^{TIME} INFO \[req=- user=-\] advisor.test: hello operator$", err, re.M)
    assert err.count("hello operator") == 1 and "not at INFO" not in err


def test_log_settings_come_from_the_environment_and_bad_ones_stop_the_process(
    app: Flask,
) -> None:
    env = {"SECRET_KEY": "k", "LOG_FORMAT": "JSON", "LOG_LEVEL": "warning"}
    config = Config.from_env(env)
    assert (config.log_format, config.log_level) == ("json", "warning")
    assert (
        Config.from_env({"SECRET_KEY": "k"}).log_format,
        Config.from_env({"SECRET_KEY": "k"}).log_level,
    ) == ("text", "INFO")
    base: Config = app.config["ADVISOR"]
    with pytest.raises(SystemExit, match="LOG_FORMAT must be text or json, not 'xml'"):
        configure_logging(base.but(log_format="xml"))
    with pytest.raises(SystemExit, match=r"LOG_LEVEL must be .* not 'LOUD'"):
        configure_logging(base.but(log_level="LOUD"))
