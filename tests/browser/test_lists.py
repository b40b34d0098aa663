"""Lists show what each role needs (issue 20, item 5), in a real Chromium: the dashboard's
law firm stays visible on the list it leads to and is removed with one tap, widening the
list; the bureau sees each contract's school and advisor, on a phone too; an advisor's
queue holds the open work, and what was withdrawn is one tap away.

The contracts: the access matrix's 1 (WS001, advisor01 张伟 of 新疆天山律师事务所) and
2 (WS002, advisor02 王芳 of 新疆明正律师事务所), submitted 2026-03-02, and WS001's 3,
withdrawn (advisor01's too).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from advisor.contracts import services as contracts
from advisor.extensions import db
from tests.browser.conftest import serve_demo
from tests.browser.test_accessibility import _submit, _user
from tests.browser.test_phone import OVERFLOW, PHONE, SMALL_TARGETS, open_as
from tests.conftest import _sample_contracts
from tests.test_access import EMAILS

WITHDRAWN = "已撤回的校车合同"


def _seed(app: Flask) -> None:
    _sample_contracts(app)
    contract = _submit(app, WITHDRAWN, ["校车租赁合同", "甲方：乌苏市第一中学"])
    contracts.withdraw(
        db.session,
        actor=_user(EMAILS["school"]),
        contract=contract,
        reason="学校决定暂不签订。",
        now=datetime(2026, 3, 3, 2, 0, tzinfo=UTC),
    )
    db.session.commit()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serve_demo(tmp_path_factory.mktemp("lists"), _seed) as address:
        yield address


@pytest.fixture()
def bureau(browser: Browser, server: str) -> Iterator[Page]:
    page = open_as(browser, server, "bureau", {"width": 1366, "height": 768})
    yield page
    page.context.close()


def rows(page: Page) -> list[str]:
    return page.get_by_test_id("contracts").locator("tbody tr td:first-child a").all_inner_texts()


def test_the_dashboards_law_firm_is_shown_and_removed_with_one_tap(bureau: Page) -> None:
    bureau.goto("/?year=2026")
    bureau.get_by_label("律师事务所", exact=True).select_option(label="新疆天山律师事务所")
    bureau.get_by_role("button", name="查看").click()
    expect(bureau).to_have_url(re.compile(r"law_firm_id=1"))
    bureau.get_by_test_id("kf-submitted").click()

    expect(bureau).to_have_url(re.compile(r"/contracts\?.*law_firm_id=1"))
    firm = bureau.get_by_test_id("filter-law_firm_id")
    expect(firm).to_be_visible()
    expect(firm).to_contain_text("律师事务所：新疆天山律师事务所")
    expect(bureau.get_by_test_id("filter-from")).to_contain_text("提交日期起：2026年1月1日")
    assert sorted(rows(bureau)) == sorted(["食堂食材采购合同", WITHDRAWN])
    # Each contract's school and advisor.
    row = bureau.get_by_test_id("contracts").locator("tbody tr", has_text="食堂食材采购合同")
    expect(row.get_by_test_id("school")).to_have_text("乌苏市第一中学")
    expect(row.get_by_test_id("advisor")).to_have_text("张伟")

    firm.click()
    expect(bureau).not_to_have_url(re.compile(r"law_firm_id"))
    expect(bureau.get_by_test_id("filter-law_firm_id")).to_have_count(0)
    expect(bureau.get_by_test_id("filter-from")).to_be_visible()  # the others stay
    assert sorted(rows(bureau)) == sorted(["食堂食材采购合同", "校服采购合同", WITHDRAWN])

    bureau.get_by_test_id("clear-filters").click()
    expect(bureau).to_have_url(re.compile(r"/contracts$"))
    expect(bureau.get_by_test_id("active-filters")).to_have_count(0)


def test_an_advisors_queue_holds_the_open_work_and_the_withdrawn_one_tap_away(
    browser: Browser, server: str
) -> None:
    page = open_as(browser, server, "advisor", {"width": 1366, "height": 768})
    try:
        page.get_by_test_id("nav").get_by_role("link", name="待审合同").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("我的待审合同")
        assert rows(page) == ["食堂食材采购合同"]
        expect(page.get_by_test_id("filter-open")).to_contain_text("状态：未办结")
        expect(page.get_by_test_id("tab-open")).to_have_attribute("aria-current", "page")

        page.get_by_test_id("queue-tabs").get_by_role("link", name="已撤回").click()
        expect(page.get_by_test_id("tab-withdrawn")).to_have_attribute("aria-current", "page")
        assert rows(page) == [WITHDRAWN]
        expect(page.get_by_test_id("filter-status")).to_contain_text("状态：已撤回")

        page.get_by_test_id("queue-tabs").get_by_role("link", name="全部").click()
        assert sorted(rows(page)) == sorted(["食堂食材采购合同", WITHDRAWN])
        expect(page.get_by_test_id("active-filters")).to_have_count(0)
    finally:
        page.context.close()


@pytest.mark.parametrize("role", ["bureau", "advisor"])
def test_the_filtered_lists_fit_a_phone_and_a_finger(
    browser: Browser, server: str, role: str
) -> None:
    phone = open_as(browser, server, role, PHONE)
    try:
        phone.goto("/contracts?q=合同&contract_type=catering")
        expect(phone.get_by_test_id("filter-contract_type")).to_be_visible()
        assert phone.evaluate(OVERFLOW) == []
        assert phone.evaluate(SMALL_TARGETS) == []
        # Each card names the school above it.
        school = phone.get_by_test_id("contracts").get_by_test_id("school").first
        assert school.evaluate("(e) => getComputedStyle(e, '::before').content") == '"学校"'
    finally:
        phone.context.close()
