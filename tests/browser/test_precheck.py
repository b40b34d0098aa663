"""Issue 8's "done when" in Chromium: a school uploads a contract with a blank left to fill
and a dispute clause that allows both arbitration and a lawsuit; its advisor sees the
pre-check marked in the text, takes one hit into the review and dismisses the other.
Issue 14: a review with a taken hit is saved, edited, saved again and issued."""

from __future__ import annotations

import re
import secrets

from playwright.sync_api import Page, expect

from tests.browser.conftest import PageFactory
from tests.browser.test_journeys import sign_in
from tests.documents import CONTRACT_LINES, make_pdf

SCHOOL = "school05@demo.local"  # no other browser test signs in as WS005 or its advisor
ADVISOR = "advisor05@demo.local"
LINES = [
    *CONTRACT_LINES[:6],
    "第四条 争议解决：双方可向乌苏市仲裁委员会申请仲裁，也可向人民法院起诉。",
    "第五条 交货地点：甲方食堂，每周____上午送达。",
    CONTRACT_LINES[-1],
]


def submit_with_hits(school: Page, email: str) -> str:
    """The school ``email`` submits LINES; the contract's address."""
    sign_in(school, email)
    school.get_by_test_id("submit-contract").click()
    form = school.get_by_test_id("contract-form")
    form.get_by_label("合同名称").fill(f"食堂食材采购合同{secrets.token_hex(3)}")
    form.get_by_label("合同相对方").fill("乌苏市丰收食品有限公司")
    form.get_by_label("合同类型").select_option(label="食堂与餐饮")
    form.get_by_label("金额（元）").fill("12,000.00")
    form.get_by_label("开始日期").fill("2026-03-01")
    form.get_by_label("结束日期").fill("2026-12-31")
    form.locator("input[type=file]").set_input_files(
        {"name": "合同.pdf", "mimeType": "application/pdf", "buffer": make_pdf([LINES])}
    )
    form.get_by_role("button", name="提交审查").click()
    expect(school).to_have_url(re.compile(r"/contracts/\d+$"))
    expect(school.locator("mark")).to_have_count(0)  # the pre-check is the advisor's
    return school.url


def test_the_advisor_takes_and_dismisses_precheck_hits(page: Page, new_page: PageFactory) -> None:
    contract_url = submit_with_hits(page, SCHOOL)

    advisor = new_page()
    sign_in(advisor, ADVISOR)
    advisor.goto(contract_url)
    expect(advisor.get_by_test_id("page-text").locator("mark").first).to_be_visible()
    advisor.get_by_test_id("start-review").click()
    advisor.get_by_test_id("write-review").click()
    card = advisor.get_by_test_id("precheck")
    blank = card.locator("[data-testid^=hit-]").filter(has_text="存在未填写的空白")
    both = card.locator("[data-testid^=hit-]").filter(has_text="既可仲裁又可诉讼")
    expect(blank.locator("mark")).to_have_text(re.compile("_+"))

    blank.get_by_role("button", name="纳入审查意见").click()
    expect(
        advisor.get_by_role("alert").filter(has_text="已作为审查问题纳入审查意见")
    ).to_be_visible()
    problems = advisor.get_by_test_id("finding").get_by_label("问题", exact=True)
    expect(problems.filter(has_text="存在未填写的空白")).to_have_count(1)
    expect(card.locator("[data-testid^=hit-]").filter(has_text="存在未填写的空白")).to_contain_text(
        "已纳入审查意见"
    )

    both = (
        advisor.get_by_test_id("precheck")
        .locator("[data-testid^=hit-]")
        .filter(has_text="既可仲裁又可诉讼")
    )
    both.get_by_placeholder("不适用的原因").fill("已与学校确认改为仲裁，待修改稿")
    both.get_by_role("button", name="排除").click()
    expect(
        advisor.get_by_test_id("precheck")
        .locator("[data-testid^=hit-]")
        .filter(has_text="既可仲裁又可诉讼")
    ).to_contain_text("已排除：已与学校确认改为仲裁，待修改稿")


def test_a_review_with_a_taken_hit_is_saved_edited_and_issued(
    page: Page, new_page: PageFactory
) -> None:
    contract_url = submit_with_hits(page, "school06@demo.local")  # no other test uses WS006
    advisor = new_page()
    sign_in(advisor, "advisor06@demo.local")
    advisor.goto(contract_url)
    advisor.get_by_test_id("start-review").click()
    advisor.get_by_test_id("write-review").click()
    blank = (
        advisor.get_by_test_id("precheck")
        .locator("[data-testid^=hit-]")
        .filter(has_text="存在未填写的空白")
    )
    blank.get_by_role("button", name="纳入审查意见").click()
    expect_flash(advisor, "已作为审查问题纳入审查意见，草稿已保存。")
    findings = advisor.get_by_test_id("finding")
    expect(findings).to_have_count(1)
    problem = findings.get_by_label("问题", exact=True)
    expect(problem).to_have_value(re.compile("存在未填写的空白"))

    # Saved as a draft: the hit stays taken, the finding stays.
    advisor.get_by_label("总体意见").fill("第五条留有空白，填写后可以签订。")
    advisor.get_by_test_id("save-draft").click()
    expect_flash(advisor, "草稿已保存。")
    expect(blank).to_contain_text("已纳入审查意见")
    expect(findings).to_have_count(1)
    saved_id = findings.locator('input[type=hidden][name$="-id"]')
    finding_id = saved_id.input_value()
    assert finding_id.isdigit(), finding_id

    # Edited and saved again: the same finding with the advisor's words.
    problem.fill(EDITED_PROBLEM)
    findings.get_by_label("修改建议", exact=True).fill(EDITED_SUGGESTION)
    advisor.get_by_test_id("save-draft").click()
    expect_flash(advisor, "草稿已保存。")
    expect(findings).to_have_count(1)
    expect(saved_id).to_have_value(finding_id)
    expect(problem).to_have_value(EDITED_PROBLEM)
    expect(blank).to_contain_text("已纳入审查意见")

    # Issued: the contract is reviewed and the opinion says what the advisor wrote.
    advisor.get_by_label("审查结论").select_option(label="修改后签订")
    advisor.get_by_label("用时（分钟）").fill("40")
    advisor.get_by_test_id("issue").click()
    expect(advisor).to_have_url(contract_url)
    expect_flash(advisor, "已出具意见。")
    expect(advisor.get_by_test_id("status")).to_have_text("已出具意见")
    advisor.get_by_test_id("opinion-link").click()
    expect(advisor.locator("body")).to_contain_text(EDITED_PROBLEM)
    expect(advisor.locator("body")).to_contain_text(EDITED_SUGGESTION)


EDITED_PROBLEM = "第五条交货日留空，履行时间不明确。"
EDITED_SUGGESTION = "写明每周一上午八时前送达。"


def expect_flash(page: Page, text: str) -> None:
    expect(page.get_by_role("alert").filter(has_text=text)).to_have_count(1)
