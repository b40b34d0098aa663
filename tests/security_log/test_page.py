"""The bureau's security event log page: what it shows, in Chinese and Beijing time, and
how it is searched and paged."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import orm

from advisor.security_log.services import Origin, record
from tests.conftest import login
from tests.factories.people import user
from tests.pages import text_of
from tests.security_log.helpers import mark

PAGE = "/settings/security-events"


def rows(response: object) -> dict[int, str]:
    """Each shown event's id and the text of its row."""
    text = text_of(response)
    found = re.findall(r'<tr data-testid="event-(\d+)"[^>]*>(.*?)</tr>', text, re.S)
    return {int(i): re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for i, row in found}


def test_the_page_shows_a_sign_in_a_password_reset_and_an_export(
    app: Flask, session: orm.Session, bureau: FlaskClient
) -> None:
    """Done-when of issue 15, item 11, through the real routes."""
    since = mark(session)
    school = app.test_client()
    school.environ_base["REMOTE_ADDR"] = "10.9.8.7"
    login(school, "school01@demo.local")
    target = user(session, "advisor02@demo.local")
    assert (
        bureau.post(
            f"/users/{target.id}/password", data={"new_password": "reset-pass-9"}
        ).status_code
        == 302
    )
    export = bureau.get("/ledger/export.xlsx")
    assert export.status_code == 200
    export.get_data()

    page = bureau.get(PAGE)
    assert page.status_code == 200
    shown = [row for event_id, row in rows(page).items() if event_id > since]
    # Newest first: the export, the reset, the sign-in.
    assert len(shown) == 3, shown
    exported, reset, signed_in = shown
    assert "导出台账" in exported and "成功" in exported and "bureau@demo.local" in exported
    assert "format=xlsx" in exported
    assert "教科局重置密码" in reset and f"user:{target.id}" in reset
    assert "advisor02@demo.local" in reset and "reset-pass-9" not in reset
    assert "登录" in signed_in and "school01@demo.local" in signed_in and "10.9.8.7" in signed_in
    text = text_of(page)
    assert "安全事件日志" in text and "<caption>" in text


def _event(
    session: orm.Session, kind: str, outcome: str, at: datetime, address: str, **more: object
) -> int:
    event = record(
        session,
        kind,
        outcome=outcome,
        now=at,
        origin=Origin(address=address, method="POST", path="/login"),
        **more,  # type: ignore[arg-type]
    )
    assert event is not None
    session.flush()
    return event.id


def test_filters_by_kind_outcome_person_address_and_beijing_dates(
    session: orm.Session, bureau: FlaskClient
) -> None:
    advisor = user(session, "advisor01@demo.local")
    # 15:59 UTC on 3 March is 23:59 in Beijing, still 3 March; 16:00 UTC is 4 March.
    late = _event(
        session,
        "login",
        "success",
        datetime(2026, 3, 3, 15, 59, tzinfo=UTC),
        "10.1.1.5",
        user=advisor,
    )
    next_day = _event(
        session,
        "login",
        "failure",
        datetime(2026, 3, 3, 16, 0, tzinfo=UTC),
        "10.1.2.6",
        account="someone%_@example.cn",
    )
    other = _event(
        session,
        "ledger_export",
        "success",
        datetime(2026, 3, 5, 2, 0, tzinfo=UTC),
        "192.168.0.1",
        user=advisor,
    )
    session.commit()

    def ids(query: str) -> set[int]:
        response = bureau.get(f"{PAGE}?{query}")
        assert response.status_code == 200
        return set(rows(response)) & {late, next_day, other}

    assert ids("") == {late, next_day, other}
    assert ids("kind=login") == {late, next_day}
    assert ids("outcome=failure") == {next_day}
    assert ids("who=张伟") == {late, other}  # advisor01's name
    assert ids("who=ADVISOR01@demo") == {late, other}
    assert ids("who=%25_") == {next_day}  # wildcards are taken literally
    assert ids("who=x%25") == set()
    assert ids("address=10.1.") == {late, next_day}
    assert ids("address=10.1.2") == {next_day}
    assert ids("from=2026-03-03&to=2026-03-03") == {late}
    assert ids("from=2026-03-04") == {next_day, other}
    assert ids("kind=login&outcome=success&from=2026-03-01&to=2026-03-31") == {late}
    # Junk is ignored, never an error.
    assert ids("kind=nonsense&outcome=x&from=2026-13-45&to=9999-12-31") == {late, next_day, other}


def test_times_are_beijing_time_and_rows_are_newest_first(
    session: orm.Session, bureau: FlaskClient
) -> None:
    first = _event(session, "login", "success", datetime(2031, 1, 1, 1, 0, tzinfo=UTC), "1.2.3.4")
    second = _event(
        session, "logout", "success", datetime(2031, 1, 1, 2, 30, tzinfo=UTC), "1.2.3.4"
    )
    session.commit()
    shown = rows(bureau.get(PAGE))
    assert list(shown)[:2] == [second, first]
    assert "10:30" in shown[second] and "退出登录" in shown[second]
    assert "09:00" in shown[first] and "2031年1月1日" in shown[first]


def test_pages_are_bounded(session: orm.Session, bureau: FlaskClient) -> None:
    for n in range(205):
        _event(session, "login", "failure", datetime(2032, 1, 1, 0, n % 60, tzinfo=UTC), "1.1.1.1")
    session.commit()
    assert len(rows(bureau.get(f"{PAGE}?per_page=200"))) == 200
    assert len(rows(bureau.get(PAGE))) == 50
    assert len(rows(bureau.get(f"{PAGE}?per_page=999"))) == 50  # beyond the bound: the default
    assert len(rows(bureau.get(f"{PAGE}?per_page=20&page=2"))) == 20


def test_the_bureau_finds_the_page_in_its_settings_menu(
    bureau: FlaskClient, advisor1: FlaskClient
) -> None:
    assert f'href="{PAGE}"' in text_of(bureau.get("/"))
    assert f'href="{PAGE}"' not in text_of(advisor1.get("/"))
