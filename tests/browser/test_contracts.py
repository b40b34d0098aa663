"""A school submits a contract in the browser; its advisor finds it in the review queue."""

from __future__ import annotations

import re
import secrets

from playwright.sync_api import Page, expect

from tests.browser.conftest import PageFactory
from tests.browser.test_journeys import ZH_DATE, sign_in
from tests.documents import make_pdf

FILE_NAME = "食堂食材采购合同（2026版）.pdf"


def test_school_submits_a_pdf_and_the_advisor_sees_it(page: Page, new_page: PageFactory) -> None:
    title = f"食堂食材采购合同{secrets.token_hex(3)}"
    sign_in(page, "school04@demo.local")
    page.get_by_test_id("submit-contract").click()
    form = page.get_by_test_id("contract-form")
    form.get_by_label("合同名称").fill(title)
    form.get_by_label("合同相对方").fill("乌苏市丰收食品有限公司")
    form.get_by_label("合同类型").select_option(label="食堂与餐饮")
    form.get_by_label("金额（元）").fill("12,000.00")
    form.get_by_label("开始日期").fill("2026-03-01")
    form.get_by_label("结束日期").fill("2026-12-31")
    form.locator("input[type=file]").set_input_files(
        {"name": FILE_NAME, "mimeType": "application/pdf", "buffer": make_pdf()}
    )
    form.get_by_role("button", name="提交审查").click()

    expect(page).to_have_url(re.compile(r"/contracts/\d+$"))
    expect(page.get_by_role("alert").first).to_contain_text("将由 刘洋 审查")
    expect(page.get_by_test_id("advisor")).to_have_text("刘洋")
    due = page.get_by_test_id("due-date").inner_text()
    assert ZH_DATE.match(due), due
    expect(page.get_by_test_id("versions")).to_contain_text(FILE_NAME)
    expect(page.get_by_test_id("page-text").first).to_contain_text("违约责任")

    with page.expect_download() as download:
        page.get_by_test_id("download-1").click()
    assert download.value.suggested_filename == FILE_NAME

    page.get_by_role("link", name="本校合同").click()
    row = page.get_by_test_id("contracts").get_by_role("row").filter(has_text=title)
    expect(row).to_contain_text("待审查")
    expect(row.get_by_test_id("due")).to_contain_text(due)

    advisor = new_page()
    sign_in(advisor, "advisor04@demo.local")  # lands on the advisor's desk: the queue first
    queue = advisor.get_by_test_id("queue").get_by_role("row").filter(has_text=title)
    expect(queue).to_contain_text(due)
    expect(advisor.get_by_test_id("unread")).to_have_text(re.compile(r"[1-9]"))
    queue.get_by_role("link", name=title).click()
    advisor.get_by_test_id("start-review").click()
    expect(advisor.get_by_test_id("status")).to_have_text("审查中")


def test_a_bad_file_is_refused_and_the_typed_values_stay(page: Page) -> None:
    sign_in(page, "school04@demo.local")
    page.goto("/contracts/new")
    form = page.get_by_test_id("contract-form")
    form.get_by_label("合同名称").fill("网页伪装的合同")
    form.get_by_label("合同相对方").fill("某公司")
    form.get_by_label("合同类型").select_option(label="采购")
    form.get_by_label("金额（元）").fill("5000")
    form.get_by_label("开始日期").fill("2026-03-01")
    form.get_by_label("结束日期").fill("2026-12-31")
    form.locator("input[type=file]").set_input_files(
        {"name": "合同.pdf", "mimeType": "application/pdf", "buffer": b"<html>not a pdf</html>"}
    )
    form.get_by_role("button", name="提交审查").click()
    expect(page.get_by_test_id("file-error")).to_contain_text("PDF")
    expect(page.get_by_test_id("contract-form").get_by_label("合同名称")).to_have_value(
        "网页伪装的合同"
    )
