"""The rule-set editor in a real Chromium, in the bureau's words (issue 20, item 8): no key
or English name to type, a new item's 一票否决 box unticked, only the chosen scoring
method's settings on screen, computing a draft stores no rule-set version, and saving
says what it saved. On a server of its own, since it stores a version of the rules."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import serve_demo
from tests.browser.test_journeys import sign_in

BUREAU_NAME = "乌苏市教科局法规科"


@pytest.fixture()
def bureau(browser: Browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Page]:
    with serve_demo(tmp_path_factory.mktemp("rules")) as address:
        context = browser.new_context(locale="zh-CN", base_url=address)
        context.set_default_timeout(10_000)
        page = context.new_page()
        sign_in(page, "bureau@demo.local")
        yield page
        context.close()


def _versions(page: Page) -> int:
    page.goto("/evaluations/rules")
    rows = page.get_by_test_id("rule-sets").locator("tbody tr")
    expect(rows.first).to_be_visible()
    return rows.count()


def test_the_editor_speaks_the_bureaus_language(bureau: Page) -> None:
    page = bureau
    assert _versions(page) == 1

    # Computing a draft stores no version of the rules, and none under the user's name.
    page.get_by_test_id("nav").get_by_role("link", name="考核", exact=True).click()
    page.get_by_role("button", name="计算考核草稿").click()
    expect(page.get_by_test_id("status")).to_have_text("草稿")
    assert _versions(page) == 1
    expect(page.get_by_test_id("rule-sets")).not_to_contain_text(BUREAU_NAME)

    page.get_by_test_id("edit-current").click()
    form = page.get_by_test_id("rule-set-form")
    expect(form.get_by_label("标识", exact=True)).to_have_count(0)  # no keys to type

    page.get_by_test_id("add-item-4").click()  # the bonus block
    item = page.get_by_test_id("item-4-1")
    expect(item.get_by_label("一票否决", exact=True)).not_to_be_checked()
    # A new item is proportional: its rate, and no counting settings.
    expect(item.get_by_label("比率", exact=True)).to_be_visible()
    expect(item.get_by_label("每次分值", exact=True)).to_be_hidden()
    item.get_by_label("计分方法", exact=True).select_option("per_unit")
    expect(item.get_by_label("每次分值", exact=True)).to_be_visible()
    expect(item.get_by_label("最高分", exact=True)).to_be_visible()
    expect(item.get_by_label("比率", exact=True)).to_be_hidden()
    expect(item.get_by_label("起始分", exact=True)).to_have_count(1)
    expect(item.get_by_label("起始分", exact=True)).to_be_hidden()

    item.get_by_label("中文名称", exact=True).fill("调解纠纷")
    item.get_by_label("满分", exact=True).fill("5")
    item.get_by_label("指标", exact=True).select_option("matters_handled")
    item.get_by_label("每次分值", exact=True).fill("1")
    item.get_by_label("最高分", exact=True).fill("5")
    page.get_by_test_id("save").click()

    saved = page.get_by_role("alert").filter(has_text="第 2 版")
    expect(saved).to_contain_text("学校法律顾问考核细则")
    expect(saved).to_contain_text("8 个考核项目")
    expect(page.get_by_test_id("blocks")).to_contain_text("调解纠纷")
    assert _versions(page) == 2
