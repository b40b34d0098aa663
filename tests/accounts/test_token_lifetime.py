"""API tokens end with the password: expiry, last use, revocation on password and
account changes, and the password asked again to make one (issue 15, item 3)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import orm

from advisor.accounts import services as accounts
from advisor.accounts.models import ApiToken, User
from advisor.db import utcnow
from advisor.demo.bureau import DEMO_PASSWORD
from advisor.errors import ValidationError
from tests.conftest import SUITE_NOW, login


def _user(session: orm.Session, email: str) -> User:
    found = accounts.get_user_by_email(session, email)
    assert found is not None
    return found


def _me(client: FlaskClient, token: str) -> tuple[int, str]:
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.is_json
    return response.status_code, response.json["error"][
        "message"
    ] if response.status_code >= 400 else ""


def _tokens(session: orm.Session, user: User) -> list[ApiToken]:
    session.expire_all()
    return list(session.scalars(sa.select(ApiToken).where(ApiToken.user_id == user.id)))


# --- expiry --------------------------------------------------------------------------


def test_a_token_lasts_90_days_unless_told_otherwise(session: orm.Session) -> None:
    user = _user(session, "school03@demo.local")
    now = utcnow()
    token, _ = accounts.create_token(session, user, "office", now=now)
    assert token.expires_at - now == timedelta(days=90)
    short, _ = accounts.create_token(session, user, "office", days=30, now=now)
    assert short.expires_at - now == timedelta(days=30)
    for days in (0, -1, 366):
        with pytest.raises(ValidationError):
            accounts.create_token(session, user, "office", days=days, now=now)


def test_the_api_refuses_a_token_past_its_expiry(session: orm.Session, client: FlaskClient) -> None:
    user = _user(session, "school03@demo.local")
    now = utcnow()
    _, almost = accounts.create_token(session, user, "a", days=30, now=now - timedelta(days=29))
    _, past = accounts.create_token(session, user, "b", days=30, now=now - timedelta(days=31))
    session.commit()
    assert _me(client, almost)[0] == 200
    status, message = _me(client, past)
    assert status == 401
    assert "过期" in message  # says why, in the documented error format


def test_a_token_stops_the_moment_it_expires(
    session: orm.Session, client: FlaskClient, time_machine: time_machine.TimeMachineFixture
) -> None:
    user = _user(session, "school03@demo.local")
    token, clear = accounts.create_token(session, user, "office", days=30, now=SUITE_NOW)
    session.commit()
    time_machine.move_to(token.expires_at - timedelta(seconds=5), tick=False)
    assert _me(client, clear)[0] == 200
    time_machine.move_to(token.expires_at, tick=False)
    assert _me(client, clear)[0] == 401


def test_the_cli_takes_the_number_of_days(app: Flask, session: orm.Session) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(args=["tokens", "create", "advisor02@demo.local", "--days", "30"])
    assert result.exit_code == 0, result.output
    token = session.scalars(sa.select(ApiToken).order_by(ApiToken.id.desc())).first()
    assert token is not None
    assert timedelta(days=30) - (token.expires_at - token.created_at) == timedelta(0)
    refused = runner.invoke(args=["tokens", "create", "advisor02@demo.local", "--days", "0"])
    assert refused.exit_code != 0
    assert "--days" in refused.output


# --- last use ------------------------------------------------------------------------


def test_last_use_is_written_at_most_once_a_minute(session: orm.Session) -> None:
    user = _user(session, "school03@demo.local")
    now = utcnow()
    token, _ = accounts.create_token(session, user, "office", now=now)
    assert token.last_used_at is None
    assert accounts.record_token_use(session, token, now)
    assert not accounts.record_token_use(session, token, now + timedelta(seconds=59))
    assert token.last_used_at == now
    assert accounts.record_token_use(session, token, now + timedelta(seconds=60))
    assert token.last_used_at == now + timedelta(seconds=60)


def test_a_read_through_the_api_records_the_last_use(
    session: orm.Session, client: FlaskClient
) -> None:
    user = _user(session, "school03@demo.local")
    token, clear = accounts.create_token(session, user, "office")
    session.commit()
    assert _me(client, clear)[0] == 200
    session.refresh(token)
    assert token.last_used_at is not None
    assert utcnow() - token.last_used_at < timedelta(minutes=1)


def test_the_account_page_shows_expiry_and_last_use(
    app: Flask, session: orm.Session, client: FlaskClient
) -> None:
    browser = login(app.test_client(), "school03@demo.local")
    user = _user(session, "school03@demo.local")
    token, clear = accounts.create_token(session, user, "教务系统", days=180, now=SUITE_NOW)
    session.commit()
    row = _token_row(browser.get("/account").get_data(as_text=True), token.id)
    assert "2027年5月15日" in row  # 180 days after 2026-11-16, Beijing time
    assert "从未" in row  # never used
    assert _me(client, clear)[0] == 200
    row = _token_row(browser.get("/account").get_data(as_text=True), token.id)
    assert "从未" not in row
    assert row.count("2026年11月16日") == 2  # created and last used today


def _token_row(page: str, token_id: int) -> str:
    start = page.index(f'data-testid="token-{token_id}"')
    return page[start : page.index("</tr>", start)]


def test_the_account_page_marks_expired_tokens(app: Flask, session: orm.Session) -> None:
    browser = login(app.test_client(), "school03@demo.local")
    user = _user(session, "school03@demo.local")
    old, _ = accounts.create_token(session, user, "old", days=30, now=utcnow() - timedelta(days=31))
    session.commit()
    row = _token_row(browser.get("/account").get_data(as_text=True), old.id)
    assert "已过期" in row
    assert "revoke" not in row


# --- creating one on the account page asks for the password ---------------------------


@pytest.mark.parametrize(
    ("password", "days"),
    [("", "90"), ("wrong-password", "90"), (DEMO_PASSWORD, "45"), (DEMO_PASSWORD, "abc")],
)
def test_no_token_without_the_right_password_and_a_offered_lifetime(
    app: Flask, session: orm.Session, password: str, days: str
) -> None:
    browser = login(app.test_client(), "school03@demo.local")
    user = _user(session, "school03@demo.local")
    response = browser.post(
        "/account/tokens", data={"tk-name": "x", "tk-days": days, "tk-password": password}
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'data-testid="new-token"' not in page
    if password == "wrong-password":
        assert "密码错误，未创建令牌。" in page
    assert _tokens(session, user) == []


def test_the_right_password_creates_a_token_for_the_chosen_days(
    app: Flask, session: orm.Session, client: FlaskClient
) -> None:
    browser = login(app.test_client(), "school03@demo.local")
    user = _user(session, "school03@demo.local")
    response = browser.post(
        "/account/tokens", data={"tk-name": "x", "tk-days": "365", "tk-password": DEMO_PASSWORD}
    )
    assert response.status_code == 201
    page = response.get_data(as_text=True)
    start = page.index('data-testid="new-token">') + len('data-testid="new-token">')
    clear = page[start : page.index("<", start)]
    (token,) = _tokens(session, user)
    assert token.expires_at - token.created_at == timedelta(days=365)
    assert _me(client, clear)[0] == 200


# --- the password and the account end the tokens --------------------------------------


def _live_token(session: orm.Session, email: str) -> str:
    _, clear = accounts.create_token(session, _user(session, email), "office")
    session.commit()
    return clear


def test_changing_ones_password_revokes_ones_tokens(
    app: Flask, session: orm.Session, client: FlaskClient
) -> None:
    clear = _live_token(session, "school03@demo.local")
    assert _me(client, clear)[0] == 200
    browser = login(app.test_client(), "school03@demo.local")
    response = browser.post(
        "/account/password",
        data={
            "pw-current_password": DEMO_PASSWORD,
            "pw-new_password": "new-pass-123",
            "pw-confirm": "new-pass-123",
        },
    )
    assert response.status_code == 302
    status, message = _me(client, clear)
    assert status == 401
    assert "吊销" in message
    assert all(
        t.revoked_at is not None for t in _tokens(session, _user(session, "school03@demo.local"))
    )


def test_a_password_reset_by_the_bureau_revokes_the_tokens(
    bureau: FlaskClient, session: orm.Session, client: FlaskClient
) -> None:
    clear = _live_token(session, "school03@demo.local")
    user = _user(session, "school03@demo.local")
    response = bureau.post(f"/users/{user.id}/password", data={"new_password": "new-pass-123"})
    assert response.status_code == 302
    assert _me(client, clear)[0] == 401


def test_deactivation_and_reactivation_leave_the_old_tokens_dead(
    bureau: FlaskClient, session: orm.Session, client: FlaskClient
) -> None:
    clear = _live_token(session, "school03@demo.local")
    user = _user(session, "school03@demo.local")
    assert bureau.post(f"/users/{user.id}/active", data={"active": "0"}).status_code == 302
    assert _me(client, clear)[0] == 401
    assert bureau.post(f"/users/{user.id}/active", data={"active": "1"}).status_code == 302
    assert _me(client, clear)[0] == 401
    assert all(t.revoked_at is not None for t in _tokens(session, user))


def test_reactivation_revokes_tokens_left_from_before(
    session: orm.Session, client: FlaskClient
) -> None:
    # A token of an account deactivated before tokens were revoked with it.
    user = _user(session, "school03@demo.local")
    clear = _live_token(session, "school03@demo.local")
    user.is_active = False
    session.commit()
    bureau_user = _user(session, "bureau@demo.local")
    accounts.set_active(session, user, True, actor=bureau_user, now=utcnow())
    session.commit()
    assert _me(client, clear)[0] == 401


def test_other_users_tokens_are_left_alone(
    bureau: FlaskClient, session: orm.Session, client: FlaskClient
) -> None:
    other = _live_token(session, "school04@demo.local")
    user = _user(session, "school03@demo.local")
    bureau.post(f"/users/{user.id}/password", data={"new_password": "new-pass-123"})
    bureau.post(f"/users/{user.id}/active", data={"active": "0"})
    assert _me(client, other)[0] == 200


def test_a_change_of_role_or_school_revokes_the_tokens_but_a_new_name_does_not(
    bureau: FlaskClient, session: orm.Session, client: FlaskClient
) -> None:
    user = _user(session, "school03@demo.local")
    clear = _live_token(session, "school03@demo.local")
    form = {
        "email": user.email,
        "name": "新名字",
        "role": user.role,
        "school_id": str(user.school_id),
        "advisor_id": "0",
    }
    assert bureau.post(f"/users/{user.id}/edit", data=form).status_code == 302
    assert _me(client, clear)[0] == 200  # a new name changes no rights
    other_school = session.scalars(
        sa.select(User.school_id).where(User.email == "school04@demo.local")
    ).one()
    form["school_id"] = str(other_school)
    assert bureau.post(f"/users/{user.id}/edit", data=form).status_code == 302
    status, message = _me(client, clear)
    assert status == 401 and "吊销" in message
    clear = _live_token(session, "school03@demo.local")
    form["role"] = "bureau"
    assert bureau.post(f"/users/{user.id}/edit", data=form).status_code == 302
    assert _me(client, clear)[0] == 401


def test_a_new_address_is_checked_but_the_one_an_account_has_is_kept(
    bureau: FlaskClient, session: orm.Session
) -> None:
    """The demo's accounts are under demo.local, which the e-mail validator calls
    reserved: editing such an account's name must not demand a new address, while a
    new address that is no address is refused."""
    user = _user(session, "school03@demo.local")
    form = {"email": "not-an-address", "name": "新名字", "role": "school"}
    form |= {"school_id": str(user.school_id), "advisor_id": "0"}
    refused = bureau.post(f"/users/{user.id}/edit", data=form)
    assert refused.status_code == 422
    assert "请输入有效的电子邮箱地址" in refused.get_data(as_text=True)
    form["email"] = "school03@demo.local"
    assert bureau.post(f"/users/{user.id}/edit", data=form).status_code == 302
    session.refresh(user)
    assert user.name == "新名字"
