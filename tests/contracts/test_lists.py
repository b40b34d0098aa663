"""The contract list shows what each role needs (issue 20, item 5): the bureau sees each
contract's school and advisor, an advisor each one's school; an advisor's queue holds the
open work unless asked otherwise; every filter, the dashboard's too, shows as a chip
that removes it."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import orm

from advisor.contracts.workflow import Action
from tests.conftest import QueryCounter, login
from tests.contracts.test_pages import move, submit, tree
from tests.test_access import MAX_QUERIES

# The sample contracts: 1 from WS001 (advisor01, of 新疆天山律师事务所), 2 from WS002
# (advisor02, of 新疆明正律师事务所).
TIANSHAN = 1


def titles(root: Any) -> list[str]:
    return sorted(
        a.text_content() for a in root.xpath('//table[@data-testid="contracts"]/tbody/tr/td[1]/a')
    )


def chips(root: Any) -> dict[str, str]:
    """Each filter chip's argument and its visible words, the × left off."""
    return {
        a.get("data-testid")[len("filter-") :]: " ".join(a.xpath("string(./text())").split())
        for a in root.xpath('//*[@data-testid="active-filters"]/a[@data-testid]')
        if a.get("data-testid").startswith("filter-")
    }


def chip_link(root: Any, key: str) -> str:
    [link] = root.xpath(f'//a[@data-testid="filter-{key}"]/@href')
    return str(link)


def column(root: Any, testid: str) -> list[str]:
    return [
        td.text_content().strip()
        for td in root.xpath(
            f'//table[@data-testid="contracts"]/tbody/tr/td[@data-testid="{testid}"]'
        )
    ]


def test_the_bureau_sees_each_contracts_school_and_advisor(
    bureau: FlaskClient, count_queries: QueryCounter
) -> None:
    bureau.get("/contracts")  # warm up (session user, caches)
    count_queries.statements.clear()
    root = tree(bureau.get("/contracts"))
    assert count_queries.count <= MAX_QUERIES
    headers = [th.text_content() for th in root.xpath('//table[@data-testid="contracts"]//th')]
    assert headers[:3] == ["合同", "学校", "法律顾问"]
    rows = root.xpath('//table[@data-testid="contracts"]/tbody/tr')
    by_title = {
        row.xpath("./td[1]/a")[0].text_content(): (
            row.xpath('./td[@data-testid="school"]')[0],
            row.xpath('./td[@data-testid="advisor"]')[0],
        )
        for row in rows
    }
    school, advisor = by_title["食堂食材采购合同"]
    assert (school.text_content(), advisor.text_content()) == ("乌苏市第一中学", "张伟")
    # A phone shows each value under its column's name.
    assert (school.get("data-label"), advisor.get("data-label")) == ("学校", "法律顾问")


def test_an_advisor_sees_the_school_and_a_school_neither(
    school1: FlaskClient, advisor1: FlaskClient
) -> None:
    queue = tree(advisor1.get("/contracts"))
    assert column(queue, "school") == ["乌苏市第一中学"]
    assert column(queue, "advisor") == []
    ours = tree(school1.get("/contracts"))
    assert column(ours, "school") == column(ours, "advisor") == []


def test_the_dashboards_law_firm_shows_and_is_removed_alone(bureau: FlaskClient) -> None:
    root = tree(bureau.get(f"/contracts?law_firm_id={TIANSHAN}&q=合同&page=1"))
    assert titles(root) == ["食堂食材采购合同"]
    assert chips(root) == {"q": "搜索：合同", "law_firm_id": "律师事务所：新疆天山律师事务所"}
    # The form offers no law firm: it keeps it when sent again.
    assert root.xpath('//form//input[@type="hidden"][@name="law_firm_id"]/@value') == ["1"]
    wider = chip_link(root, "law_firm_id")
    assert wider == "/contracts?q=%E5%90%88%E5%90%8C"
    assert titles(tree(bureau.get(wider))) == ["校服采购合同", "食堂食材采购合同"]
    [clear] = root.xpath('//a[@data-testid="clear-filters"]/@href')
    assert clear == "/contracts"


def test_every_filter_of_the_list_is_a_chip_in_words(
    bureau: FlaskClient, advisor1: FlaskClient
) -> None:
    query = (
        "status=submitted&contract_type=catering&school_id=1&advisor_id=1&overdue=1"
        "&from=2026-03-01&to=2026-03-31&district=乌苏市&level=primary&reviewed_in=2026&open=1"
    )
    assert chips(tree(bureau.get(f"/contracts?{query}"))) == {
        "open": "状态：未办结",
        "status": "状态：待审查",
        "contract_type": "类型：食堂与餐饮",
        "school_id": "学校：WS001 乌苏市第一中学",
        "advisor_id": "法律顾问：张伟（新疆天山律师事务所）",
        "district": "所属区域：乌苏市",
        "level": "学段：小学",
        "overdue": "仅显示已超期",
        "from": "提交日期起：2026年3月1日",
        "to": "提交日期止：2026年3月31日",
        "reviewed_in": "2026年出具意见",
    }
    # The dashboard's narrowing is the bureau's: for others it neither narrows nor shows.
    assert "law_firm_id" not in chips(tree(advisor1.get(f"/contracts?law_firm_id={TIANSHAN}")))


def test_an_advisors_queue_holds_the_open_work_the_rest_a_tab_away(
    app: Flask, session: orm.Session
) -> None:
    withdrawn = submit(app, session, 3, date(2025, 9, 30), title="已撤回的合同")
    move(session, withdrawn, Action.WITHDRAW)
    returned = submit(app, session, 3, date(2025, 9, 30), title="退回修改合同")
    move(session, returned, Action.START, Action.RETURN)
    issued = submit(app, session, 3, date(2025, 9, 30), title="已出具意见合同")
    move(session, issued, Action.START, Action.ISSUE)
    advisor = login(app.test_client(), "advisor03@demo.local")

    queue = tree(advisor.get("/contracts"))
    assert titles(queue) == ["退回修改合同"]
    # The default is shown, and removable, like any filter; its tab is the chosen one.
    assert chips(queue) == {"open": "状态：未办结"}
    tabs = {a.get("data-testid"): a for a in queue.xpath('//*[@data-testid="queue-tabs"]//a')}
    assert list(tabs) == ["tab-open", "tab-reviewed", "tab-closed", "tab-withdrawn", "tab-all"]
    assert [t.text_content() for t in tabs.values()] == [
        "未办结",
        "已出具意见",
        "已归档",
        "已撤回",
        "全部",
    ]
    assert tabs["tab-open"].get("aria-current") == "page"

    gone = tree(advisor.get(tabs["tab-withdrawn"].get("href")))
    assert titles(gone) == ["已撤回的合同"]
    assert chips(gone) == {"status": "状态：已撤回"}
    everything = sorted(["已撤回的合同", "退回修改合同", "已出具意见合同"])
    assert titles(tree(advisor.get(tabs["tab-all"].get("href")))) == everything
    assert titles(tree(advisor.get(chip_link(queue, "open")))) == everything
    # Searching in everything keeps to everything.
    all_of_it = tree(advisor.get("/contracts?open=0&q=合同"))
    assert all_of_it.xpath('//form//input[@name="open"]/@value') == ["0"]
    assert titles(all_of_it) == everything


def test_the_bureaus_and_schools_lists_hold_every_status(
    app: Flask, session: orm.Session, bureau: FlaskClient
) -> None:
    withdrawn = submit(app, session, 3, date(2025, 9, 30), title="已撤回的合同")
    move(session, withdrawn, Action.WITHDRAW)
    root = tree(bureau.get("/contracts"))
    assert "已撤回的合同" in titles(root)
    assert chips(root) == {} and not root.xpath('//*[@data-testid="queue-tabs"]')
    school = tree(login(app.test_client(), "school03@demo.local").get("/contracts"))
    assert titles(school) == ["已撤回的合同"]


def test_the_bureaus_list_asks_the_calendar_only_which_years_were_entered(
    bureau: FlaskClient, count_queries: QueryCounter
) -> None:
    bureau.get("/contracts")  # warm up (session user, caches)
    count_queries.statements.clear()
    assert bureau.get("/contracts").status_code == 200
    # Whether to warn of a year without holidays needs no entered day (it read them all).
    assert [s for s in count_queries.statements if "calendar_day" in s] == []
