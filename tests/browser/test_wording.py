"""Wording people use, in a real Chromium (issue 20, item 7): the ledger's outcome field is
named for the kind of work chosen, with and without JavaScript."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

from tests.browser.test_journeys import sign_in

LEDGER_ADVISOR = "advisor12@demo.local"  # no other browser test records work as advisor12


def test_the_ledger_outcome_is_named_for_the_kind_of_work(page: Page) -> None:
    sign_in(page, LEDGER_ADVISOR)
    page.goto("/ledger/new")
    form = page.get_by_test_id("entry-form")
    kind = form.get_by_label("事项类型")
    hint = form.get_by_test_id("outcome-hint")
    # The kind first offered is a contract review: its outcome is the review conclusion.
    expect(kind).to_have_value("contract_review")
    expect(form.get_by_label("审查结论", exact=True)).to_have_attribute("name", "outcome")
    kind.select_option(label="法治讲座")
    expect(form.get_by_label("讲座效果", exact=True)).to_have_attribute("name", "outcome")
    expect(form.get_by_label("审查结论", exact=True)).to_have_count(0)
    expect(hint).to_have_text("例如：现场答疑情况、听众反响。")
    kind.select_option(label="法律咨询")
    expect(form.get_by_label("答复意见", exact=True)).to_have_attribute("name", "outcome")
    expect(hint).to_have_text("例如：建议学校要求供应商退款。")


def test_without_javascript_the_outcome_has_one_label_and_a_hint_for_each_kind(
    browser: Browser, live_server: str
) -> None:
    context = browser.new_context(locale="zh-CN", base_url=live_server, java_script_enabled=False)
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        sign_in(page, LEDGER_ADVISOR)
        page.goto("/ledger/new")
        form = page.get_by_test_id("entry-form")
        expect(form.get_by_label("办理结果", exact=True)).to_have_attribute("name", "outcome")
        expect(form.get_by_test_id("outcome-hint")).to_contain_text(
            "合同审查填审查结论；法律咨询填答复意见；讲座、培训填开展效果"
        )
    finally:
        context.close()
