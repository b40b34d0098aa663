"""A form that arrives after its session ended, or from a page too old to send, loses
nothing: what was typed comes back in the form once its author is signed in again, to
them only; never a password, never a file (issue 20, item 3)."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import lxml.html
import pytest
import sqlalchemy as sa
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import orm

from advisor.accounts import drafts
from advisor.accounts.models import FormDraft, User
from advisor.auth import safe_path
from advisor.forms import secret_field_names
from tests.conftest import login

START = datetime(2026, 11, 16, 1, 0, tzinfo=UTC)
IDLE = timedelta(hours=2)
SITE = "http://localhost"
FROM_FORM = {"Origin": SITE, "Referer": f"{SITE}/contracts/new"}
TYPED = {
    "title": "教学楼维修合同",
    "counterparty": "乌苏市建筑公司",
    "contract_type": "construction",
    "amount": "12,000.00",
    "start_date": "2026-03-01",
    "end_date": "2026-12-31",
    "note": "请重点看付款条款",
}


def values(response: object) -> dict[str, str]:
    root = lxml.html.fromstring(response.get_data(as_text=True))  # type: ignore[attr-defined]
    found = {i.get("name"): i.get("value", "") for i in root.xpath("//input[@name]")}
    found["note"] = root.xpath('//textarea[@name="note"]')[0].text_content().strip()
    selected = root.xpath('//select[@name="contract_type"]/option[@selected]')
    found["contract_type"] = selected[0].get("value") if selected else ""
    return found


def expired_school(app: Flask, tm: time_machine.TimeMachineFixture) -> FlaskClient:
    tm.move_to(START, tick=False)
    client = login(app.test_client(), "school03@demo.local")
    tm.move_to(START + IDLE + timedelta(minutes=5), tick=False)
    return client


def test_a_form_sent_after_the_session_ended_is_put_back_after_sign_in(
    app: Flask, time_machine: time_machine.TimeMachineFixture
) -> None:
    client = expired_school(app, time_machine)
    sent = client.post(
        "/contracts/new",
        data={**TYPED, "file": (io.BytesIO(b"%PDF-1.4"), "合同.pdf")},
        headers=FROM_FORM,
    )
    assert sent.status_code == 302
    assert sent.location.startswith("/login?next=")
    next_url = parse_qs(urlsplit(sent.location).query)["next"][0]
    assert re.fullmatch(r"/contracts/new\?restore=[\w-]{43}", next_url)
    login_page = client.get(sent.location).get_data(as_text=True)
    assert "您填写的内容已保存：重新登录后将自动恢复到表单中。" in login_page
    assert "您已 120 分钟没有操作" in login_page

    signed_in = client.post(
        sent.location, data={"email": "school03@demo.local", "password": "demo12345"}
    )
    assert signed_in.location == next_url
    page = client.get(next_url)
    assert page.status_code == 200
    shown = values(page)
    assert {name: shown[name] for name in TYPED} == TYPED
    text = page.get_data(as_text=True)
    assert "您之前填写的内容已恢复到表单中" in text
    assert "请重新选择文件：登录过期时无法保留已选择的文件。" in text
    # Without the draft's id the form is empty, as ever.
    assert values(client.get("/contracts/new"))["title"] == ""


def test_only_the_user_whose_session_it_was_gets_the_draft(
    app: Flask, time_machine: time_machine.TimeMachineFixture
) -> None:
    client = expired_school(app, time_machine)
    sent = client.post("/contracts/new", data=TYPED, headers=FROM_FORM)
    next_url = parse_qs(urlsplit(sent.location).query)["next"][0]
    other = login(app.test_client(), "school01@demo.local")
    assert values(other.get(next_url))["title"] == ""


def test_nothing_is_kept_for_a_sender_no_session_names_or_another_site(
    app: Flask, session: orm.Session, time_machine: time_machine.TimeMachineFixture
) -> None:
    def count() -> int:
        return session.scalar(sa.select(sa.func.count()).select_from(FormDraft)) or 0

    stranger = app.test_client()
    anonymous = stranger.post("/contracts/new", data=TYPED, headers=FROM_FORM)
    assert anonymous.status_code == 302
    assert anonymous.location == "/login?next=%2Fcontracts%2Fnew"  # nothing to restore
    page = stranger.get(anonymous.location).get_data(as_text=True)
    assert "提交表单时您的登录已过期" in page

    client = expired_school(app, time_machine)
    forged = client.post(
        "/contracts/new",
        data=TYPED,
        headers={"Origin": "https://evil.example", "Referer": "https://evil.example/x"},
    )
    assert forged.status_code == 302
    next_url = parse_qs(urlsplit(forged.location).query)["next"][0]
    assert next_url == "/contracts/new"  # the form's own page, never the other site
    assert count() == 0


def test_a_stale_page_of_a_live_session_comes_back_filled(
    app: Flask, make_app: Callable[..., Flask]
) -> None:
    app = make_app(csrf_enabled=True)
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert token is not None
    client.post(
        "/login",
        data={"email": "school03@demo.local", "password": "demo12345", "csrf_token": token[1]},
    )
    sent = client.post("/contracts/new", data={**TYPED, "csrf_token": "stale"}, headers=FROM_FORM)
    assert sent.status_code == 302
    assert sent.location.startswith("/contracts/new?restore=")
    back = client.get(sent.location)
    assert back.status_code == 200
    assert values(back)["note"] == TYPED["note"]
    assert "该页面已过期，无法提交" in back.get_data(as_text=True)


def test_passwords_and_the_csrf_token_are_never_kept() -> None:
    secret = secret_field_names()
    assert {"password", "current_password", "new_password", "confirm"} <= secret
    posted = [
        ("csrf_token", "t"),
        ("pw-current_password", "a"),
        ("pw-confirm", "b"),
        ("tk-password", "c"),
        ("tk-name", "脚本"),
        ("tags", "1"),
        ("tags", "2"),
    ]
    assert drafts.typed_fields(posted, secret=secret) == [
        ["tk-name", "脚本"],
        ["tags", "1"],
        ["tags", "2"],
    ]


def test_a_draft_lasts_its_time_and_too_much_text_is_not_kept(session: orm.Session) -> None:
    fields = [["title", "x"]]
    draft = drafts.keep_draft(
        session, owner_id=1, page="/contracts/new", fields=fields, files=[], now=START
    )
    assert draft is not None
    owner = session.get_one(FormDraft, draft.id).user_id
    assert owner == 1
    user = session.get_one(User, 1)
    assert drafts.get_draft(session, user, draft.id, "/contracts/new", START) is draft
    assert drafts.get_draft(session, user, draft.id, "/account", START) is None
    late = START + drafts.DRAFT_FOR
    assert drafts.get_draft(session, user, draft.id, "/contracts/new", late) is None
    big = [["note", "字" * (drafts.MAX_CHARS + 1)]]
    assert (
        drafts.keep_draft(
            session, owner_id=1, page="/contracts/new", fields=big, files=[], now=START
        )
        is None
    )


def test_a_button_pressed_after_the_session_ended_says_so_and_keeps_nothing(
    app: Flask, session: orm.Session, time_machine: time_machine.TimeMachineFixture
) -> None:
    client = expired_school(app, time_machine)
    sent = client.post("/notifications/read", headers={**FROM_FORM, "Referer": f"{SITE}/"})
    assert sent.status_code == 302
    assert parse_qs(urlsplit(sent.location).query)["next"] == ["/"]
    assert "登录已过期，此操作未完成。请重新登录后再试。" in client.get(sent.location).get_data(
        as_text=True
    )
    assert session.scalar(sa.select(sa.func.count()).select_from(FormDraft)) == 0


@pytest.mark.parametrize(
    ("target", "safe"),
    [
        ("/contracts/new?restore=x", True),
        ("/", True),
        ("//evil.example/x", False),
        ("/\\evil.example/x", False),
        ("https://evil.example/x", False),
        ("contracts/new", False),
        ("", False),
        (None, False),
    ],
)
def test_only_paths_of_this_site_are_followed(target: str | None, safe: bool) -> None:
    assert safe_path(target) == (target if safe else None)


def test_a_page_of_several_forms_fills_only_the_one_that_was_sent(
    app: Flask, time_machine: time_machine.TimeMachineFixture
) -> None:
    client = expired_school(app, time_machine)
    sent = client.post(
        "/account/tokens",
        data={"tk-name": "备份脚本", "tk-days": "30", "tk-password": "demo12345"},
        headers={**FROM_FORM, "Referer": f"{SITE}/account"},
    )
    next_url = parse_qs(urlsplit(sent.location).query)["next"][0]
    assert next_url.startswith("/account?restore=")
    client.post(sent.location, data={"email": "school03@demo.local", "password": "demo12345"})
    page = client.get(next_url)
    assert page.status_code == 200
    root = lxml.html.fromstring(page.get_data(as_text=True))
    assert root.xpath('//input[@name="tk-name"]')[0].get("value") == "备份脚本"
    selected = root.xpath('//select[@name="tk-days"]/option[@selected]')
    assert [o.get("value") for o in selected] == ["30"]
    # The password is never kept, and the other form of the page is left as it was.
    assert all(not i.get("value") for i in root.xpath('//input[@type="password"]'))
    assert "demo12345" not in page.get_data(as_text=True)
    assert not root.xpath('//*[contains(@class, "is-invalid")]')


def test_signing_out_after_the_session_ended_just_says_so(
    app: Flask, time_machine: time_machine.TimeMachineFixture
) -> None:
    client = expired_school(app, time_machine)
    sent = client.post("/logout", headers={**FROM_FORM, "Referer": f"{SITE}/contracts"})
    assert sent.status_code == 302 and sent.location == "/login"
    page = client.get(sent.location).get_data(as_text=True)
    assert "您已退出登录" in page
    assert "登录已过期，此操作未完成" not in page
