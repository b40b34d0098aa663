"""The calendar page: paste a notice, see every day with its weekday and what could not be
read, confirm, and see the open due dates move; files out and in; bureau only."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import lxml.html
import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import orm

from advisor.contracts.models import CalendarDay, CalendarYear, Contract
from tests.contracts import notices
from tests.factories.contracts import submit_contract


def tree(response: Any) -> Any:
    return lxml.html.fromstring(response.get_data(as_text=True))


def rows(root: Any, testid: str) -> list[list[str]]:
    return [
        [" ".join(td.text_content().split()) for td in row.xpath("./td")]
        for row in root.xpath(f'//table[@data-testid="{testid}"]/tbody/tr')
    ]


def count(session: orm.Session, model: Any) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(model)) or 0


def notice(text: str, year: int = 2027, scope: str = "national", **more: str) -> dict[str, str]:
    return {"year": str(year), "scope": scope, "text": text, **more}


def test_the_preview_lists_every_day_with_its_weekday_and_saves_nothing(
    bureau: FlaskClient, session: orm.Session
) -> None:
    response = bureau.post(
        "/settings/calendar/notice", data=notice(notices.STATE_COUNCIL_2027_SAMPLE)
    )
    assert response.status_code == 200
    page = tree(response)
    days = rows(page, "notice-days")
    assert days[0] == ["2027年1月1日", "星期五", "放假", "元旦"]
    assert ["2027年2月20日", "星期六", "上班（调休上班）", "春节"] in days
    assert len(days) == 12
    [confirm] = page.xpath('//form[@data-testid="notice-confirm"]')
    assert confirm.xpath('.//input[@name="text"]')[0].get("value").startswith("国务院办公厅")
    assert confirm.xpath('.//input[@name="accept_problems"]') == []  # nothing to accept
    # 2027 is unknown to the package: no second source to show.
    assert page.xpath('//*[@data-testid="notice-disagreements"]') == []
    assert "2027" in page.xpath('//*[@data-testid="second-source"]')[0].text_content()
    assert count(session, CalendarDay) == 0 and count(session, CalendarYear) == 0


def test_what_could_not_be_read_is_shown_and_must_be_accepted(
    bureau: FlaskClient, session: orm.Session
) -> None:
    data = notice(notices.STATE_COUNCIL_2024, 2024)
    page = tree(bureau.post("/settings/calendar/notice", data=data))
    problems = page.xpath('//*[@data-testid="notice-problems"]//li')
    assert len(problems) == 1
    assert "除夕(2月9日)休息" in problems[0].text_content()
    skipped = page.xpath('//*[@data-testid="notice-skipped"]/li')
    assert any("国务院办公厅" in li.text_content() for li in skipped)
    # The package knows 2024 and agrees with the notice on every day.
    assert page.xpath('//*[@data-testid="notice-agrees"]')
    refused = bureau.post("/settings/calendar/notice/confirm", data=data)
    assert refused.status_code == 422
    assert "请确认已核对" in refused.get_data(as_text=True)
    assert count(session, CalendarDay) == 0
    accepted = bureau.post(
        "/settings/calendar/notice/confirm", data={**data, "accept_problems": "y"}
    )
    assert accepted.status_code == 302
    assert count(session, CalendarDay) == 36


def test_a_wrong_weekday_is_pointed_out(bureau: FlaskClient) -> None:
    text = "一、元旦：1月1日（周四）至3日（周日）放假调休，共3天。"
    page = tree(bureau.post("/settings/calendar/notice", data=notice(text)))
    [problem] = page.xpath('//*[@data-testid="notice-problems"]//li')
    assert "2027年1月1日 是周五，通知写的是周四" in " ".join(problem.text_content().split())


def test_a_notice_of_another_year_cannot_be_saved(
    bureau: FlaskClient, session: orm.Session
) -> None:
    data = notice(notices.STATE_COUNCIL_2026, 2027)
    page = tree(bureau.post("/settings/calendar/notice", data=data))
    assert page.xpath('//*[@data-testid="notice-wrong-year"]')
    assert page.xpath('//form[@data-testid="notice-confirm"]') == []
    response = bureau.post(
        "/settings/calendar/notice/confirm", data={**data, "accept_problems": "y"}
    )
    assert response.status_code == 422
    assert count(session, CalendarDay) == 0


def test_confirming_saves_the_year_and_moves_open_due_dates(
    app: Flask, bureau: FlaskClient, session: orm.Session
) -> None:
    contract = submit_contract(app, session, 3, today=date(2026, 12, 28))
    assert contract.due_on == date(2027, 1, 4)
    response = bureau.post(
        "/settings/calendar/notice/confirm", data=notice(notices.STATE_COUNCIL_2027_SAMPLE)
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/settings/calendar?year=2027")
    page = bureau.get("/settings/calendar?year=2027").get_data(as_text=True)
    assert "2027 年：已保存 12 天。" in page and "份在办合同的应完成日期已随之调整" in page
    assert session.get(CalendarYear, 2027) is not None
    listed = rows(lxml.html.fromstring(page), "calendar-days")
    assert listed[0][:5] == ["2027年1月1日", "星期五", "放假", "全国通知", "元旦"]
    session.expire_all()
    assert session.get(Contract, contract.id).due_on == date(2027, 1, 5)  # type: ignore[union-attr]
    history = tree(bureau.get(f"/contracts/{contract.id}"))
    [moved] = history.xpath('//*[@data-testid="due-moved"]')
    assert moved.text_content() == "2027年1月4日 → 2027年1月5日"
    assert "应完成日期已重新计算" in moved.getparent().text_content()


def test_a_regional_notice_is_added_beside_the_national_one(
    bureau: FlaskClient, session: orm.Session
) -> None:
    bureau.post("/settings/calendar/notice/confirm", data=notice(notices.STATE_COUNCIL_2027_SAMPLE))
    text = "肉孜节：3月10日（周三）放假1天。"
    preview = tree(bureau.post("/settings/calendar/notice", data=notice(text, scope="regional")))
    assert rows(preview, "notice-days") == [["2027年3月10日", "星期三", "放假", "肉孜节"]]
    bureau.post("/settings/calendar/notice/confirm", data=notice(text, scope="regional"))
    # Pasting the national notice again leaves the regional day.
    bureau.post("/settings/calendar/notice/confirm", data=notice(notices.STATE_COUNCIL_2027_SAMPLE))
    scopes = dict(session.execute(sa.select(CalendarDay.day, CalendarDay.scope)).all())
    assert scopes[date(2027, 3, 10)] == "regional"
    assert count(session, CalendarDay) == 13


def test_the_calendar_page_shows_where_the_package_disagrees(bureau: FlaskClient) -> None:
    text = notices.STATE_COUNCIL_2026.replace("5月9日（周六）上班", "5月16日（周六）上班")
    preview = tree(bureau.post("/settings/calendar/notice", data=notice(text, 2026)))
    assert [r[0] for r in rows(preview, "notice-disagreements")] == [
        "2026年5月9日",
        "2026年5月16日",
    ]
    bureau.post("/settings/calendar/notice/confirm", data=notice(text, 2026))
    page = tree(bureau.get("/settings/calendar?year=2026"))
    assert [r[:4] for r in rows(page, "calendar-disagreements")] == [
        ["2026年5月9日", "星期六", "放假", "上班"],
        ["2026年5月16日", "星期六", "上班", "放假"],
    ]


@pytest.mark.parametrize(
    "data",
    [
        {"year": "abc", "scope": "national", "text": "元旦：1月1日放假"},
        {"year": "99999", "scope": "national", "text": "元旦：1月1日放假"},
        {"year": "2027", "scope": "province", "text": "元旦：1月1日放假"},
        {"year": "2027", "scope": "national", "text": ""},
        {"year": "2027", "scope": "national", "text": "元" * 20_001},
    ],
)
@pytest.mark.parametrize("path", ["/settings/calendar/notice", "/settings/calendar/notice/confirm"])
def test_bad_notice_forms_are_refused_clearly(
    bureau: FlaskClient, session: orm.Session, data: dict[str, str], path: str
) -> None:
    response = bureau.post(path, data=data)
    assert response.status_code == 422
    assert "is-invalid" in response.get_data(as_text=True)
    assert count(session, CalendarDay) == 0


def test_the_form_is_labelled_for_screen_readers_and_phones(bureau: FlaskClient) -> None:
    page = tree(bureau.get("/settings/calendar?year=2027"))
    for field_id in ("notice-year", "notice-scope", "notice-text", "import-year", "import-file"):
        assert page.xpath(f'//label[@for="{field_id}"]'), field_id
        assert len(page.xpath(f'//*[@id="{field_id}"]')) == 1
    assert [h.text_content() for h in page.xpath("//h2")][:2] == ["粘贴放假通知", "2027 年的条目"]
    assert page.xpath('//table[@data-testid="calendar-days"]/thead//th[@scope="col"]')
    assert page.xpath('//meta[@name="viewport"]')


# --- files ------------------------------------------------------------------------------


def test_a_year_downloads_as_json_and_csv_and_imports_back(
    bureau: FlaskClient, session: orm.Session
) -> None:
    bureau.post("/settings/calendar/notice/confirm", data=notice(notices.STATE_COUNCIL_2027_SAMPLE))
    as_json = bureau.get("/settings/calendar/2027.json")
    assert as_json.status_code == 200 and as_json.mimetype == "application/json"
    assert "calendar-2027.json" in as_json.headers["Content-Disposition"]
    assert as_json.json["year"] == 2027 and len(as_json.json["days"]) == 12
    as_csv = bureau.get("/settings/calendar/2027.csv")
    assert as_csv.headers["Content-Type"].startswith("text/csv")
    assert as_csv.data.decode("utf-8-sig").splitlines()[1] == "2027-01-01,rest,national,元旦"
    session.execute(sa.delete(CalendarDay))
    session.execute(sa.delete(CalendarYear))
    session.commit()
    response = bureau.post(
        "/settings/calendar/import",
        data={"year": "2027", "file": (io.BytesIO(as_csv.data), "calendar-2027.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert count(session, CalendarDay) == 12 and session.get(CalendarYear, 2027) is not None


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        ("日期,类型\n2027-01-01,休".encode("gbk"), "c.csv", "不是 UTF-8"),
        (b'{"format": "advisor-calendar", "year": 2026, "days": []}', "c.json", "2026 年的"),
        (b"day,kind,scope,note\n2027-01-01,holiday,national,\n", "c.csv", "第 1 行"),
        (b"day,kind,scope,note\n2026-12-31,rest,national,\n", "c.csv", "不在 2027 年"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "picture.csv", "不是 UTF-8"),
        (b"x" * 300_000, "c.csv", "超过 256 KB"),
    ],
)
def test_a_bad_file_is_refused_with_its_reason_and_nothing_saved(
    bureau: FlaskClient, session: orm.Session, data: bytes, name: str, message: str
) -> None:
    response = bureau.post(
        "/settings/calendar/import",
        data={"year": "2027", "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    problems = tree(response).xpath('//*[@data-testid="file-problems"]')
    assert problems and message in " ".join(problems[0].text_content().split())
    assert count(session, CalendarDay) == 0


def test_an_import_without_a_file_is_refused(bureau: FlaskClient) -> None:
    response = bureau.post("/settings/calendar/import", data={"year": "2027"})
    assert response.status_code == 422
    assert "请选择文件" in response.get_data(as_text=True)


# --- access -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/settings/calendar/notice"),
        ("post", "/settings/calendar/notice/confirm"),
        ("get", "/settings/calendar/2027.json"),
        ("get", "/settings/calendar/2027.csv"),
        ("post", "/settings/calendar/import"),
    ],
)
@pytest.mark.parametrize("fixture", ["school1", "advisor1"])
def test_only_the_bureau_enters_the_calendar(
    request: pytest.FixtureRequest, session: orm.Session, fixture: str, method: str, path: str
) -> None:
    client: FlaskClient = request.getfixturevalue(fixture)
    response = getattr(client, method)(path, data=notice(notices.STATE_COUNCIL_2027_SAMPLE))
    assert response.status_code == 403
    assert count(session, CalendarDay) == 0
