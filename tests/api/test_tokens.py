"""API tokens: created once in clear text, stored as a hash, revocable, tied to an active user."""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import orm

from advisor.accounts import services as accounts
from advisor.accounts.models import ApiToken
from advisor.db import utcnow


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_cli_prints_the_token_alone_on_the_last_line(
    app: Flask, client: FlaskClient, session: orm.Session
) -> None:
    result = app.test_cli_runner().invoke(args=["tokens", "create", "advisor02@demo.local"])
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    assert token.startswith("adv_") and " " not in token
    stored = session.scalars(sa.select(ApiToken.token_hash)).all()
    assert hashlib.sha256(token.encode()).hexdigest() in stored
    assert token not in stored
    me = client.get("/api/v1/me", headers=_bearer(token))
    assert me.status_code == 200
    assert me.json["email"] == "advisor02@demo.local" and me.json["role"] == "advisor"
    assert me.json["advisor_id"] == 2 and "school_id" not in me.json


def test_cli_refuses_an_unknown_account(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["tokens", "create", "nobody@demo.local"])
    assert result.exit_code != 0
    assert "No active account" in result.output


def test_no_token_bad_token_wrong_scheme(client: FlaskClient) -> None:
    for headers in (
        {},
        _bearer("adv_not-a-real-token"),
        {"Authorization": "Basic abc"},
        _bearer(""),
    ):
        response = client.get("/api/v1/me", headers=headers)
        assert response.status_code == 401
        assert response.json["error"]["code"] == "unauthorized"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_browser_session_does_not_open_the_api(school1: FlaskClient) -> None:
    assert school1.get("/api/v1/me").status_code == 401


def test_revoked_token_and_deactivated_user_are_refused(
    session: orm.Session, client: FlaskClient
) -> None:
    user = accounts.get_user_by_email(session, "school03@demo.local")
    assert user is not None
    token, clear = accounts.create_token(session, user, "office")
    session.commit()
    assert client.get("/api/v1/me", headers=_bearer(clear)).status_code == 200
    accounts.revoke_token(session, user, token.id, utcnow())
    session.commit()
    assert client.get("/api/v1/me", headers=_bearer(clear)).status_code == 401

    _, second = accounts.create_token(session, user, "again")
    user.is_active = False
    session.commit()
    assert client.get("/api/v1/me", headers=_bearer(second)).status_code == 401


def test_account_page_creates_shows_once_and_revokes(
    school1: FlaskClient, session: orm.Session
) -> None:
    created = school1.post(
        "/account/tokens", data={"tk-name": "教务系统", "tk-days": "90", "tk-password": "demo12345"}
    )
    assert created.status_code == 201
    page = created.get_data(as_text=True)
    start = page.index('data-testid="new-token">') + len('data-testid="new-token">')
    clear = page[start : page.index("<", start)]
    assert clear.startswith("adv_")
    assert clear not in school1.get("/account").get_data(as_text=True), "shown only once"
    token = session.scalar(sa.select(ApiToken).where(ApiToken.name == "教务系统"))
    assert token is not None
    assert school1.post(f"/account/tokens/{token.id}/revoke").status_code == 302
    session.refresh(token)
    assert token.revoked_at is not None


def test_nobody_revokes_another_users_token(session: orm.Session, school1: FlaskClient) -> None:
    owner = accounts.get_user_by_email(session, "advisor04@demo.local")
    assert owner is not None
    token, _clear = accounts.create_token(session, owner, "mine")
    session.commit()
    assert school1.post(f"/account/tokens/{token.id}/revoke").status_code == 404
    session.refresh(token)
    assert token.revoked_at is None
