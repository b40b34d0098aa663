"""The whole review loop in a real Chromium: a school submits, its advisor returns the
contract with two findings, the school revises, the advisor compares, marks the findings
fixed and issues 修改后签订, the school downloads the letter, rates it and closes it."""

from __future__ import annotations

import re
import secrets
from pathlib import Path

import docx
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import PageFactory
from tests.browser.test_journeys import sign_in
from tests.documents import CONTRACT_LINES, make_pdf

SCHOOL = "school07@demo.local"  # no other browser test signs in as WS007 or its advisor
ADVISOR = "advisor07@demo.local"
ADVISOR_NAME = "赵磊"

CHANGED_LINE = "第三条 违约责任：双方违约的，按日支付合同价款万分之五的违约金，上限百分之二十。"
REVISED_LINES = [*CONTRACT_LINES[:5], CHANGED_LINE, *CONTRACT_LINES[6:]]

FIRST = {
    "审查维度": "合法性",
    "风险等级": "高",
    "条款": "第三条",
    "问题": "违约金只约束乙方，且未约定上限。",
    "修改建议": "约定双方对等的违约责任，并设违约金上限。",
    "法律依据": "《中华人民共和国民法典》第五百八十五条",
}
SECOND = {
    "审查维度": "明确性",
    "风险等级": "中",
    "条款": "第一条",
    "问题": "订单的发出方式和确认期限不明确。",
    "修改建议": "约定甲方每周五前书面发出订单，乙方一个工作日内确认。",
    "法律依据": "《中华人民共和国民法典》第五百一十条",
}
THIRD = {
    "审查维度": "可操作性",
    "风险等级": "低",
    "条款": "第四条",
    "问题": "未约定食材到货验收的程序。",
    "修改建议": "增加验收条款：到货当日由食堂管理员验收。",
    "法律依据": "《学校食品安全与营养健康管理规定》第三十三条",
}
SELECTS = ("审查维度", "风险等级")


def fill_finding(card: Locator, values: dict[str, str]) -> None:
    for label, value in values.items():
        field = card.get_by_label(label, exact=True)
        if label in SELECTS:
            field.select_option(label=value)
        else:
            field.fill(value)


def expect_finding(card: Locator, values: dict[str, str]) -> None:
    for label, value in values.items():
        field = card.get_by_label(label, exact=True)
        if label in SELECTS:
            expect(field.locator("option:checked")).to_have_text(value)
        else:
            expect(field).to_have_value(value)


def expect_flash(page: Page, text: str) -> None:
    expect(page.get_by_role("alert").filter(has_text=text)).to_have_count(1)


def test_the_review_loop(page: Page, new_page: PageFactory, tmp_path: Path) -> None:
    title = f"食堂食材采购合同{secrets.token_hex(3)}"

    # The school submits the contract.
    school = page
    sign_in(school, SCHOOL)
    school.get_by_test_id("submit-contract").click()
    form = school.get_by_test_id("contract-form")
    form.get_by_label("合同名称").fill(title)
    form.get_by_label("合同相对方").fill("乌苏市丰收食品有限公司")
    form.get_by_label("合同类型").select_option(label="食堂与餐饮")
    form.get_by_label("金额（元）").fill("12,000.00")
    form.get_by_label("开始日期").fill("2026-03-01")
    form.get_by_label("结束日期").fill("2026-12-31")
    form.locator("input[type=file]").set_input_files(
        {"name": "食堂食材采购合同.pdf", "mimeType": "application/pdf", "buffer": make_pdf()}
    )
    form.get_by_role("button", name="提交审查").click()
    expect(school).to_have_url(re.compile(r"/contracts/\d+$"))
    expect(school.get_by_test_id("advisor")).to_have_text(ADVISOR_NAME)
    expect(school.get_by_test_id("status")).to_have_text("待审查")
    contract_url = school.url

    # The advisor starts the review and writes two findings, the second in an added row.
    advisor = new_page()
    sign_in(advisor, ADVISOR)
    advisor.goto(contract_url)
    advisor.get_by_test_id("start-review").click()
    expect(advisor.get_by_test_id("status")).to_have_text("审查中")
    advisor.get_by_test_id("write-review").click()
    findings = advisor.get_by_test_id("finding")
    expect(findings).to_have_count(1)
    fill_finding(findings.nth(0), FIRST)
    # Enter in a one-line field saves the draft: it neither removes the finding nor takes
    # a pre-check hit (the buttons that come first in the form).
    findings.nth(0).get_by_label("条款", exact=True).press("Enter")
    expect_flash(advisor, "草稿已保存。")
    expect(findings).to_have_count(1)
    expect_finding(findings.nth(0), FIRST)
    advisor.get_by_test_id("add-finding").click()
    expect(findings).to_have_count(2)
    expect_finding(findings.nth(0), FIRST)
    expect(findings.nth(1).get_by_label("问题", exact=True)).to_have_value("")
    fill_finding(findings.nth(1), SECOND)
    advisor.get_by_label("总体意见").fill("请按以下两点修改后重新提交。")
    advisor.get_by_label("用时（分钟）").fill("45")
    advisor.get_by_test_id("return").click()
    expect(advisor).to_have_url(contract_url)
    expect_flash(advisor, "已退回学校补正。")
    expect(advisor.get_by_test_id("status")).to_have_text("退回补正")

    # The school sees what to change and uploads a revision.
    school.reload()
    expect(school.get_by_test_id("status")).to_have_text("退回补正")
    expect(school.get_by_test_id("next-step")).to_be_visible()
    returned = school.locator('[data-testid^="review-"]')
    expect(returned).to_have_count(1)
    expect(returned).to_contain_text(FIRST["问题"])
    expect(returned).to_contain_text(SECOND["修改建议"])
    revision = school.locator('form[action$="/versions"]')
    revision.locator("input[type=file]").set_input_files(
        {
            "name": "食堂食材采购合同（修改稿）.pdf",
            "mimeType": "application/pdf",
            "buffer": make_pdf([REVISED_LINES]),
        }
    )
    revision.get_by_placeholder("修改内容").fill("已按意见修改第三条")
    revision.get_by_role("button", name="上传").click()
    expect_flash(school, "第 2 版已上传，已通知法律顾问。")
    expect(school.get_by_test_id("status")).to_have_text("待审查")

    # The advisor starts again, sees the earlier findings and the comparison.
    advisor.reload()
    advisor.get_by_test_id("start-review").click()
    expect(advisor.get_by_test_id("status")).to_have_text("审查中")
    advisor.get_by_test_id("write-review").click()
    earlier = advisor.get_by_test_id("earlier-findings")
    expect(earlier.locator("tbody tr")).to_have_count(2)
    expect(earlier).to_contain_text(FIRST["问题"])
    expect(earlier).to_contain_text(SECOND["问题"])
    compare = advisor.get_by_test_id("compare-revision")
    expect(compare).to_have_text("比对第 1 版（已审查）与第 2 版")
    compare.click()
    expect(advisor).to_have_url(re.compile(r"/diff\?"))
    changes = advisor.get_by_test_id("changes")
    # Extraction drops the space after the article number.
    expect(changes.locator(".diff-added")).to_contain_text(CHANGED_LINE.split(" ", 1)[1])
    expect(changes.locator(".diff-removed")).to_contain_text("按日支付合同价款千分之一的违约金")
    advisor.go_back()
    earlier = advisor.get_by_test_id("earlier-findings")
    fixed = earlier.get_by_label("是否已修改")
    expect(fixed).to_have_count(2)
    for i in range(2):
        fixed.nth(i).select_option(label="已修改")
    findings = advisor.get_by_test_id("finding")
    expect(findings).to_have_count(1)
    fill_finding(findings.nth(0), THIRD)
    advisor.get_by_label("审查结论").select_option(label="修改后签订")
    advisor.get_by_label("总体意见").fill("修改稿已解决退回的问题，补充验收条款后可以签订。")
    advisor.get_by_label("用时（分钟）").fill("30")
    advisor.get_by_test_id("issue").click()
    expect(advisor).to_have_url(contract_url)
    expect_flash(advisor, "已出具意见。")
    expect(advisor.get_by_test_id("status")).to_have_text("已出具意见")
    expect(advisor.locator(".badge", has_text="已修改")).to_have_count(2)

    # The school downloads the letter, rates it once and closes the contract as signed.
    school.reload()
    expect(school.get_by_test_id("status")).to_have_text("已出具意见")
    expect(school.get_by_test_id("opinion-link")).to_have_text("法律意见书")
    with school.expect_download() as download:
        school.locator('[data-testid^="docx-"]').click()
    name = download.value.suggested_filename
    assert name.endswith(".docx"), name
    assert name.startswith(f"法律意见书-{title}-"), name
    saved = tmp_path / "letter.docx"
    download.value.save_as(saved)
    letter = "\n".join(p.text for p in docx.Document(str(saved)).paragraphs)
    assert THIRD["问题"] in letter and THIRD["法律依据"] in letter
    assert "审查结论：修改后签订。" in letter
    assert ADVISOR_NAME in letter and title in letter

    # The school rates in words, from 非常满意 down to 很不满意, and reads its rating back
    # in words.
    rating = school.get_by_test_id("feedback-form")
    choices = rating.get_by_role("radio")
    expect(choices).to_have_count(5)
    words = ["非常满意", "满意", "一般", "不满意", "很不满意"]
    for n, word in enumerate(words):
        expect(choices.nth(n)).to_have_accessible_name(word)
    rating.get_by_role("radio", name="满意", exact=True).check()
    rating.get_by_placeholder("评价内容（选填）").fill("意见具体，可以直接采用。")
    rating.get_by_role("button", name="提交评价").click()
    expect_flash(school, "感谢您的评价。")
    expect(school.get_by_test_id("feedback-form")).to_have_count(0)
    expect(school.get_by_test_id("rating")).to_have_text("★★★★☆ 满意 · 意见具体，可以直接采用。")

    closing = school.get_by_test_id("close-form")
    closing.get_by_label("签订结果").select_option(label="已签订")
    closing.get_by_label("采纳情况").select_option(label="全部采纳")
    closing.get_by_label("所用印章").select_option(label="公章")
    closing.get_by_label("用印审批人").fill("王副校长")
    closing.get_by_label("用印份数").fill("4")
    # the signed copy adds the seal line: not the reviewed text, so the reason is asked
    closing.get_by_label("签订稿与审查版本不一致的原因").fill("双方盖章后增加了盖章说明。")
    closing.locator("input[type=file]").set_input_files(
        {
            "name": "食堂食材采购合同（已签订）.pdf",
            "mimeType": "application/pdf",
            "buffer": make_pdf([[*REVISED_LINES, "（双方已盖章）"]]),
        }
    )
    closing.get_by_role("button", name="归档合同").click()
    expect_flash(school, "合同已归档。")
    expect(school.get_by_test_id("status")).to_have_text("已归档")
    expect(school.get_by_test_id("closing")).to_contain_text("已签订 · 全部采纳")
    expect(school.get_by_test_id("close-form")).to_have_count(0)
    versions = school.get_by_test_id("versions").locator("tbody tr")
    expect(versions).to_have_count(3)
    expect(versions.first).to_contain_text("食堂食材采购合同（已签订）.pdf")
