"""Signing in and out: sessions that rotate, end, and stay secret about who has an account."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import orm
from werkzeug.test import TestResponse

from advisor.accounts import services as accounts
from advisor.accounts.models import LoginSession
from advisor.db import utcnow
from tests.conftest import login
from tests.factories import create_user


def _session_id(client: FlaskClient) -> str:
    with client.session_transaction() as cookie:
        return str(cookie["_user_id"])


def test_login_with_good_password_opens_a_session(client: FlaskClient) -> None:
    response = client.post("/login", data={"email": " Bureau@Demo.Local ", "password": "demo12345"})
    assert response.status_code == 302
    assert client.get("/account").status_code == 200


def test_wrong_password_and_unknown_account_look_the_same(client: FlaskClient) -> None:
    wrong = client.post("/login", data={"email": "bureau@demo.local", "password": "wrong-pass"})
    unknown = client.post("/login", data={"email": "nobody@demo.local", "password": "wrong-pass"})
    assert wrong.status_code == unknown.status_code == 401
    assert "电子邮箱或密码错误" in wrong.get_data(as_text=True)

    def page(response: TestResponse, email: str) -> str:
        text = response.get_data(as_text=True).replace(email, "EMAIL")
        return re.sub(r'name="csrf_token"[^>]*>', "", text)  # signed with a timestamp

    assert page(wrong, "bureau@demo.local") == page(unknown, "nobody@demo.local")


def test_session_id_changes_at_every_login(app: Flask) -> None:
    first = _session_id(login(app.test_client(), "school01@demo.local"))
    second = _session_id(login(app.test_client(), "school01@demo.local"))
    assert first != second
    assert len(first) >= 40


def test_logout_ends_the_session_even_for_a_copied_cookie(app: Flask, client: FlaskClient) -> None:
    login(client, "school01@demo.local")
    with client.session_transaction() as cookie:
        stolen = dict(cookie)
    client.post("/logout")
    thief = app.test_client()
    with thief.session_transaction() as cookie:
        cookie.update(stolen)
    response = thief.get("/account")
    assert response.status_code == 302
    assert "/login" in response.location


def test_deactivation_ends_sessions(app: Flask, bureau: FlaskClient, session: orm.Session) -> None:
    school = login(app.test_client(), "school02@demo.local")
    user = accounts.get_user_by_email(session, "school02@demo.local")
    assert user is not None
    assert bureau.post(f"/users/{user.id}/active", data={"active": "0"}).status_code == 302
    assert school.get("/account").status_code == 302
    refused = app.test_client().post(
        "/login", data={"email": "school02@demo.local", "password": "demo12345"}
    )
    assert refused.status_code == 401


def test_bureau_cannot_deactivate_itself(bureau: FlaskClient, session: orm.Session) -> None:
    me = accounts.get_user_by_email(session, "bureau@demo.local")
    assert me is not None
    response = bureau.post(f"/users/{me.id}/active", data={"active": "0"})
    assert response.status_code == 409
    assert bureau.get("/account").status_code == 200


def test_password_change_ends_other_sessions_and_keeps_this_one(app: Flask) -> None:
    other = login(app.test_client(), "advisor03@demo.local")
    this = login(app.test_client(), "advisor03@demo.local")
    response = this.post(
        "/account/password",
        data={
            "pw-current_password": "demo12345",
            "pw-new_password": "a-new-pass-1",
            "pw-confirm": "a-new-pass-1",
        },
    )
    assert response.status_code == 302
    assert this.get("/account").status_code == 200
    assert other.get("/account").status_code == 302
    login(app.test_client(), "advisor03@demo.local", "a-new-pass-1")


def test_password_change_needs_the_current_password(advisor1: FlaskClient) -> None:
    response = advisor1.post(
        "/account/password",
        data={
            "pw-current_password": "nope-nope",
            "pw-new_password": "a-new-pass-1",
            "pw-confirm": "a-new-pass-1",
        },
    )
    assert response.status_code == 422
    assert "当前密码不正确" in response.get_data(as_text=True)


def test_bureau_password_reset_ends_sessions(
    app: Flask, bureau: FlaskClient, session: orm.Session
) -> None:
    user = create_user(session, role="bureau", password="first-pass-1")
    session.commit()
    victim = login(app.test_client(), user.email, "first-pass-1")
    assert (
        bureau.post(f"/users/{user.id}/password", data={"new_password": "short"}).status_code == 422
    )
    assert (
        bureau.post(
            f"/users/{user.id}/password", data={"new_password": "second-pass-2"}
        ).status_code
        == 302
    )
    assert victim.get("/account").status_code == 302
    login(app.test_client(), user.email, "second-pass-2")


def test_password_length_rules(session: orm.Session) -> None:
    for bad in ("short", "x" * 129):
        try:
            accounts.hash_password(bad)
        except accounts.ValidationError as error:
            assert "password" in error.fields
        else:
            raise AssertionError(f"{len(bad)} characters accepted")
    assert accounts.hash_password("x" * 64) != "x" * 64


def test_next_is_followed_only_within_the_site(client: FlaskClient) -> None:
    data = {"email": "bureau@demo.local", "password": "demo12345"}
    assert client.post("/login?next=/law-firms", data=data).location == "/law-firms"
    client.post("/logout")
    assert client.post("/login?next=https://evil.example/", data=data).location == "/"
    client.post("/logout")
    assert client.post("/login?next=//evil.example/", data=data).location == "/"


def test_expired_session_is_refused(session: orm.Session, school1: FlaskClient) -> None:
    sid = _session_id(school1)
    row = session.get(LoginSession, sid)
    assert row is not None
    row.expires_at = utcnow() - timedelta(seconds=1)
    session.commit()
    assert school1.get("/account").status_code == 302
