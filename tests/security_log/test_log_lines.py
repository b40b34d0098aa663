"""The same events as structured log lines on ``advisor.security``, and a log that cannot
be written never turns the user's request into an error."""

from __future__ import annotations

import json
import logging

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import orm

from advisor.demo.bureau import DEMO_PASSWORD
from advisor.security_log import edge
from tests.factories.people import user
from tests.security_log.helpers import events_since, mark


def security_lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "advisor.security"]


def test_a_failed_sign_in_is_a_warning_line_with_its_fields(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "10.3.3.3"
    with caplog.at_level(logging.INFO, logger="advisor.security"):
        client.post("/login", data={"email": "school01@demo.local", "password": "wrong-one"})
    [line] = security_lines(caplog)
    assert line.levelno == logging.WARNING
    fields = json.loads(line.getMessage().removeprefix("security_event "))
    assert fields == line.security_event  # type: ignore[attr-defined]
    assert {k: fields[k] for k in ("kind", "outcome", "user_id", "account", "address", "path")} == {
        "kind": "login",
        "outcome": "failure",
        "user_id": None,
        "account": "school01@demo.local",
        "address": "10.3.3.3",
        "path": "/login",
    }
    assert "wrong-one" not in line.getMessage()


def test_an_export_is_an_info_line_and_a_refusal_a_warning(
    session: orm.Session,
    bureau: FlaskClient,
    school1: FlaskClient,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.INFO, logger="advisor.security"):
        bureau.get("/reports/year/2026.xlsx")
        school1.get("/users")
    export, refusal = security_lines(caplog)
    assert (export.levelno, export.security_event["kind"]) == (logging.INFO, "figures_export")  # type: ignore[attr-defined]
    assert export.security_event["user_id"] == user(session, "bureau@demo.local").id  # type: ignore[attr-defined]
    assert export.security_event["subject"] == "figures:2026"  # type: ignore[attr-defined]
    assert (refusal.levelno, refusal.security_event["kind"]) == (logging.WARNING, "forbidden")  # type: ignore[attr-defined]
    assert refusal.security_event["outcome"] == "denied"  # type: ignore[attr-defined]


def test_a_sign_in_goes_on_when_its_event_cannot_be_stored(
    app: Flask,
    session: orm.Session,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(self: orm.Session, *args: object, **kwargs: object) -> None:
        raise sa.exc.OperationalError("SAVEPOINT", {}, Exception("disk I/O error"))

    since = mark(session)
    monkeypatch.setattr(orm.Session, "begin_nested", broken)
    with caplog.at_level(logging.INFO, logger="advisor.security"):
        response = app.test_client().post(
            "/login", data={"email": "school01@demo.local", "password": DEMO_PASSWORD}
        )
    monkeypatch.undo()
    assert response.status_code == 302  # signed in all the same
    assert "could not be recorded" in caplog.text
    # The line was still written, only the row is missing.
    assert any(r.name == "advisor.security" for r in caplog.records)
    assert events_since(session, since) == []


def test_a_download_goes_on_when_its_event_cannot_be_committed(
    session: orm.Session,
    bureau: FlaskClient,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("database gone")

    since = mark(session)
    monkeypatch.setattr(edge, "record", broken)
    response = bureau.get("/reports/year/2026.xlsx")
    assert response.status_code == 200 and response.data.startswith(b"PK")
    assert "could not be committed" in caplog.text
    assert events_since(session, since) == []
