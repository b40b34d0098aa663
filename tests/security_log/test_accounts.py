"""Sign-ins, lock-outs, passwords, accounts and API tokens each leave one security event
saying who, what, when, from where and how it ended."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from click.testing import Result
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import orm

from advisor.accounts import services as accounts
from advisor.demo.bureau import DEMO_PASSWORD
from tests.conftest import login
from tests.factories.people import user
from tests.security_log.helpers import events_since, mark, only_event

ADDRESS = "10.20.30.40"


def from_address(client: FlaskClient, address: str = ADDRESS) -> FlaskClient:
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_sign_in_success_names_the_user_the_address_and_the_time(
    app: Flask, session: orm.Session
) -> None:
    since = mark(session)
    moment = datetime(2026, 11, 16, 2, 30, tzinfo=UTC)
    with time_machine.travel(moment, tick=False):
        login(from_address(app.test_client()), "school01@demo.local")
    event = only_event(session, since, "login")
    assert event.outcome == "success"
    assert event.user_id == user(session, "school01@demo.local").id
    assert (event.address, event.method, event.path) == (ADDRESS, "POST", "/login")
    assert event.at == moment


def test_a_failed_sign_in_names_the_account_typed_and_no_user(
    app: Flask, session: orm.Session
) -> None:
    since = mark(session)
    client = from_address(app.test_client())
    response = client.post("/login", data={"email": " School01@Demo.local ", "password": "wrong"})
    assert response.status_code == 401
    event = only_event(session, since, "login")
    assert (event.outcome, event.user_id) == ("failure", None)
    assert (event.account, event.address) == ("school01@demo.local", ADDRESS)
    assert "wrong" not in event.detail


def test_a_sign_in_refused_during_a_lock_out_is_recorded_although_its_work_is_rolled_back(
    app: Flask, session: orm.Session
) -> None:
    since = mark(session)
    client = from_address(app.test_client())
    limit = app.config["ADVISOR"].login_max_failures
    for _ in range(limit):
        assert (
            client.post(
                "/login", data={"email": "advisor03@demo.local", "password": "x"}
            ).status_code
            == 401
        )
    refused = client.post(
        "/login", data={"email": "advisor03@demo.local", "password": DEMO_PASSWORD}
    )
    assert refused.status_code == 429
    failures = events_since(session, since, "login")
    assert [(e.outcome, e.account) for e in failures] == [
        ("failure", "advisor03@demo.local")
    ] * limit
    event = only_event(session, since, "lockout")
    assert (event.outcome, event.account, event.address) == (
        "denied",
        "advisor03@demo.local",
        ADDRESS,
    )


def test_sign_out(app: Flask, session: orm.Session, advisor1: FlaskClient) -> None:
    since = mark(session)
    assert advisor1.post("/logout").status_code == 302
    event = only_event(session, since, "logout")
    assert (event.outcome, event.user_id) == ("success", user(session, "advisor01@demo.local").id)


def test_own_password_change_and_a_wrong_current_password(
    session: orm.Session, school1: FlaskClient
) -> None:
    since = mark(session)
    wrong = school1.post(
        "/account/password",
        data={
            "pw-current_password": "not-it-at-all",
            "pw-new_password": "new-pass-123",
            "pw-confirm": "new-pass-123",
        },
    )
    assert wrong.status_code == 422
    right = school1.post(
        "/account/password",
        data={
            "pw-current_password": DEMO_PASSWORD,
            "pw-new_password": "new-pass-123",
            "pw-confirm": "new-pass-123",
        },
    )
    assert right.status_code == 302
    me = user(session, "school01@demo.local").id
    changes = events_since(session, since, "password_change")
    assert [(e.outcome, e.user_id) for e in changes] == [("failure", me), ("success", me)]
    assert changes[0].detail == "fields=current_password"
    for event in changes:
        assert "new-pass-123" not in event.detail and DEMO_PASSWORD not in event.detail


def test_password_reset_by_the_bureau_names_the_bureau_and_the_account(
    session: orm.Session, bureau: FlaskClient
) -> None:
    target = user(session, "advisor02@demo.local")
    since = mark(session)
    response = bureau.post(f"/users/{target.id}/password", data={"new_password": "new-pass-123"})
    assert response.status_code == 302
    event = only_event(session, since, "password_reset")
    assert event.outcome == "success"
    assert event.user_id == user(session, "bureau@demo.local").id
    assert event.subject == f"user:{target.id}"
    assert "advisor02@demo.local" in event.detail and "new-pass-123" not in event.detail


def test_account_creation_role_edit_deactivation_and_activation(
    session: orm.Session, bureau: FlaskClient
) -> None:
    bureau_id = user(session, "bureau@demo.local").id
    since = mark(session)
    created = bureau.post(
        "/users/new",
        data={
            "email": "new.staff@example.cn",
            "name": "新同事",
            "role": "school",
            "school_id": "1",
            "advisor_id": "0",
            "password": "initial-pass-1",
        },
    )
    assert created.status_code == 302
    new = user(session, "new.staff@example.cn")
    edited = bureau.post(
        f"/users/{new.id}/edit",
        data={
            "email": "new.staff@example.cn",
            "name": "新同事",
            "role": "bureau",
            "school_id": "0",
            "advisor_id": "0",
        },
    )
    assert edited.status_code == 302
    assert bureau.post(f"/users/{new.id}/active", data={"active": "0"}).status_code == 302
    assert bureau.post(f"/users/{new.id}/active", data={"active": "1"}).status_code == 302

    found = events_since(session, since)
    assert [(e.kind, e.outcome, e.user_id, e.subject) for e in found] == [
        ("user_create", "success", bureau_id, f"user:{new.id}"),
        ("user_update", "success", bureau_id, f"user:{new.id}"),
        ("user_deactivate", "success", bureau_id, f"user:{new.id}"),
        ("user_activate", "success", bureau_id, f"user:{new.id}"),
    ]
    assert found[0].detail == "email=new.staff@example.cn role=school"
    assert found[1].detail == "role=school→bureau school_id=1→—"
    assert "initial-pass-1" not in " ".join(e.detail for e in found)


def test_token_creation_refusal_and_revocation_never_store_the_token(
    session: orm.Session, advisor1: FlaskClient
) -> None:
    me = user(session, "advisor01@demo.local").id
    since = mark(session)
    refused = advisor1.post(
        "/account/tokens", data={"tk-name": "脚本", "tk-days": "90", "tk-password": "wrong"}
    )
    assert refused.status_code == 422
    made = advisor1.post(
        "/account/tokens", data={"tk-name": "脚本", "tk-days": "90", "tk-password": DEMO_PASSWORD}
    )
    assert made.status_code == 201
    created = [e for e in events_since(session, since, "token_create") if e.outcome == "success"]
    token_id = int(created[0].subject.removeprefix("token:"))
    assert advisor1.post(f"/account/tokens/{token_id}/revoke").status_code == 302

    found = events_since(session, since)
    assert [(e.kind, e.outcome, e.user_id) for e in found] == [
        ("token_create", "failure", me),
        ("token_create", "success", me),
        ("token_revoke", "success", me),
    ]
    assert found[1].detail == "name=脚本 expires=2027-02-14"
    assert found[2].subject == f"token:{token_id}"
    page = made.get_data(as_text=True)
    clear = page[page.index("adv_") :].split("<")[0].split('"')[0]
    assert len(clear) > 20
    for event in found:
        assert clear not in event.detail and clear[:10] not in event.detail


def test_a_token_made_at_the_console_names_its_account(app: Flask, session: orm.Session) -> None:
    since = mark(session)
    result: Result = app.test_cli_runner().invoke(
        args=["tokens", "create", "advisor02@demo.local", "--name", "sync"]
    )
    assert result.exit_code == 0, result.output
    event = only_event(session, since, "token_create")
    assert (event.outcome, event.user_id, event.account) == (
        "success",
        None,
        "advisor02@demo.local",
    )
    assert (event.method, event.path, event.address) == ("CLI", "flask tokens create", "")
    assert result.output.strip().splitlines()[-1] not in event.detail


@pytest.mark.parametrize(
    ("client_name", "path"),
    [("school1", "/users"), ("advisor1", "/settings/security-events")],
)
def test_a_refused_page_is_recorded_as_a_denial_by_its_user(
    request: pytest.FixtureRequest, session: orm.Session, client_name: str, path: str
) -> None:
    client: FlaskClient = request.getfixturevalue(client_name)
    email = {"school1": "school01@demo.local", "advisor1": "advisor01@demo.local"}[client_name]
    since = mark(session)
    assert from_address(client).get(path).status_code == 403
    event = only_event(session, since, "forbidden")
    assert (event.outcome, event.user_id) == ("denied", user(session, email).id)
    assert (event.address, event.method, event.path) == (ADDRESS, "GET", path)


def test_a_refused_api_call_is_recorded_with_the_token_owner(
    app: Flask, session: orm.Session
) -> None:
    school = user(session, "school01@demo.local")
    _token, clear = accounts.create_token(session, school, "t")
    session.commit()
    since = mark(session)
    response = app.test_client().post(
        "/api/v1/contracts/1/reassign",
        json={"advisor_id": 2, "reason": "x"},
        headers={"Authorization": f"Bearer {clear}"},
    )
    assert response.status_code == 403 and response.is_json
    event = only_event(session, since, "forbidden")
    assert (event.outcome, event.user_id, event.method, event.path) == (
        "denied",
        school.id,
        "POST",
        "/api/v1/contracts/1/reassign",
    )


def test_no_event_for_a_request_that_is_not_refused(
    session: orm.Session, bureau: FlaskClient
) -> None:
    since = mark(session)
    assert bureau.get("/users").status_code == 200
    assert events_since(session, since) == []
