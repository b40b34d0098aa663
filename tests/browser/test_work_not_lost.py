"""Issue 20, item 3 in Chromium: work is never lost on the way. A contract form sent after
the session ended comes back, after signing in, with what was typed; a file chosen on a
form sent back for a wrong date need not be chosen again. The pages in these new states
pass the accessibility check of tests/browser/test_accessibility.py."""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

import time_machine
from playwright.sync_api import Locator, Page, expect

from tests.browser.test_accessibility import AXE, violations
from tests.browser.test_journeys import sign_in
from tests.conftest import SUITE_NOW
from tests.documents import CONTRACT_LINES, make_pdf

# No other browser test signs in as these schools.
EXPIRED_SCHOOL = "school20@demo.local"
KEPT_SCHOOL = "school21@demo.local"


def fill(form: Locator, title: str, *, end: str = "2026-12-31") -> None:
    form.get_by_label("合同名称").fill(title)
    form.get_by_label("合同相对方").fill("乌苏市丰收食品有限公司")
    form.get_by_label("合同类型").select_option(label="食堂与餐饮")
    form.get_by_label("金额（元）").fill("12,000.00")
    form.get_by_label("开始日期").fill("2026-03-01")
    form.get_by_label("结束日期").fill(end)
    form.get_by_label("给法律顾问的备注").fill("请重点看付款条款")


def test_a_form_sent_after_the_session_ended_comes_back_filled_after_sign_in(
    page: Page, time_machine: time_machine.TimeMachineFixture
) -> None:
    page.context.add_init_script(path=AXE)
    time_machine.move_to(SUITE_NOW)  # signed in at a moment the test names, not today
    sign_in(page, EXPIRED_SCHOOL)
    page.get_by_test_id("submit-contract").click()
    form = page.get_by_test_id("contract-form")
    title = f"食堂食材采购合同{secrets.token_hex(3)}"
    fill(form, title)

    # Three hours at lunch: the two idle hours are over when the form is sent.
    time_machine.move_to(SUITE_NOW + timedelta(hours=3))
    form.get_by_role("button", name="提交审查").click()

    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    expect(page.get_by_role("alert").filter(has_text="您填写的内容已保存")).to_be_visible()
    page.wait_for_load_state("load")
    assert violations(page, "sign-in after the session ended") == []
    page.get_by_label("电子邮箱").fill(EXPIRED_SCHOOL)
    page.get_by_label("密码", exact=True).fill("demo12345")
    page.get_by_role("button", name="登录").click()

    expect(page).to_have_url(re.compile(r"/contracts/new\?restore="))
    expect(page.get_by_role("alert").filter(has_text="已恢复到表单中")).to_be_visible()
    form = page.get_by_test_id("contract-form")
    expect(form.get_by_label("合同名称")).to_have_value(title)
    expect(form.get_by_label("金额（元）")).to_have_value("12,000.00")
    expect(form.get_by_label("结束日期")).to_have_value("2026-12-31")
    expect(form.get_by_label("给法律顾问的备注")).to_have_value("请重点看付款条款")
    expect(form.get_by_label("合同类型")).to_have_value("catering")
    page.wait_for_load_state("load")
    assert violations(page, "the form put back") == []


def test_a_file_chosen_on_a_form_sent_back_need_not_be_chosen_again(page: Page) -> None:
    page.context.add_init_script(path=AXE)
    sign_in(page, KEPT_SCHOOL)
    page.get_by_test_id("submit-contract").click()
    form = page.get_by_test_id("contract-form")
    title = f"校服采购合同{secrets.token_hex(3)}"
    fill(form, title, end="2026-01-01")  # before the start: sent back
    form.locator("input[type=file]").set_input_files(
        {
            "name": "校服合同.pdf",
            "mimeType": "application/pdf",
            "buffer": make_pdf([CONTRACT_LINES]),
        }
    )
    form.get_by_role("button", name="提交审查").click()

    form = page.get_by_test_id("contract-form")
    expect(form.get_by_text("结束日期不能早于开始日期")).to_be_visible()
    expect(form.get_by_test_id("kept-file")).to_contain_text(
        "已选择文件：校服合同.pdf（无需重新选择）"
    )
    expect(form.get_by_test_id("file-error")).to_have_count(0)
    page.wait_for_load_state("load")
    assert violations(page, "the form sent back with its file kept") == []

    form.get_by_label("结束日期").fill("2026-12-31")
    form.get_by_role("button", name="提交审查").click()
    expect(page).to_have_url(re.compile(r"/contracts/\d+$"))
    expect(page.get_by_role("heading", name=title)).to_be_visible()
    expect(page.get_by_text("校服合同.pdf").first).to_be_visible()
