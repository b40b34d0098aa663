"""The Content-Security-Policy in a real Chromium (issue 15, item 2): the main pages of
every role load with no style or script the policy blocks, so nothing silently stops
drawing or working once inline styles and handlers are refused."""

from __future__ import annotations

import re
import secrets

from playwright.sync_api import ConsoleMessage, Page, expect

from tests.browser.conftest import PageFactory
from tests.browser.test_journeys import sign_in
from tests.documents import make_pdf

SCHOOL = "school08@demo.local"  # no other browser test signs in as WS008 or its advisor
ADVISOR = "advisor08@demo.local"
PERIOD = "2025-Q1"  # test_evaluation computes the default period; this one is ours

# Records every violation the page reports, from the first script on: the listener is
# added by Playwright before the page's own scripts, outside the page's policy.
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sample}`);
});
"""


class Watch:
    """Collects the policy violations of one page, from events and from the console."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.console: list[str] = []
        page.add_init_script(LISTEN)
        page.on("console", self._on_console)

    def _on_console(self, message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            self.console.append(f"{self.page.url}: {message.text}")

    def visit(self, path: str) -> None:
        response = self.page.goto(path)
        assert response is not None and response.ok, path
        self.check()

    def check(self) -> None:
        """No violation on the page shown now, nor in the console so far."""
        self.page.wait_for_load_state("load")
        policy = self.page.evaluate("() => window.__violations")
        assert policy == [], f"{self.page.url}: {policy}"
        assert self.console == []


def test_the_main_pages_break_no_rule_of_the_policy(page: Page, new_page: PageFactory) -> None:
    # Anonymous: the sign-in page carries the policy.
    school = Watch(page)
    response = page.goto("/login")
    assert response is not None
    assert "default-src 'self'" in response.headers["content-security-policy"]
    school.check()

    # The listener works: an inline style added now is reported.
    page.evaluate(
        """() => document.body.insertAdjacentHTML("beforeend", '<p style="color:red">x</p>')"""
    )
    page.wait_for_function("() => window.__violations.length > 0")
    assert "style-src" in page.evaluate("() => window.__violations")[0]
    school.console.clear()

    # The school submits a contract and reads it.
    sign_in(page, SCHOOL)
    school.check()
    page.get_by_test_id("submit-contract").click()
    school.check()
    form = page.get_by_test_id("contract-form")
    form.get_by_label("合同名称").fill(f"食堂食材采购合同{secrets.token_hex(3)}")
    form.get_by_label("合同相对方").fill("乌苏市丰收食品有限公司")
    form.get_by_label("合同类型").select_option(label="食堂与餐饮")
    form.get_by_label("金额（元）").fill("8,000.00")
    form.get_by_label("开始日期").fill("2026-03-01")
    form.get_by_label("结束日期").fill("2026-12-31")
    form.locator("input[type=file]").set_input_files(
        {"name": "合同.pdf", "mimeType": "application/pdf", "buffer": make_pdf()}
    )
    form.get_by_role("button", name="提交审查").click()
    expect(page).to_have_url(re.compile(r"/contracts/\d+$"))
    school.check()
    contract = page.url

    # The advisor reviews it and issues the opinion, then reads the ledger.
    advisor_page = new_page()
    advisor = Watch(advisor_page)
    sign_in(advisor_page, ADVISOR)
    advisor.check()
    advisor.visit(contract)
    advisor_page.get_by_test_id("start-review").click()
    advisor.check()
    advisor_page.get_by_test_id("write-review").click()
    advisor.check()
    advisor_page.get_by_label("审查结论").select_option("approve")
    advisor_page.get_by_label("总体意见").fill("可以签订。")
    advisor_page.get_by_label("用时（分钟）").fill("30")
    advisor_page.get_by_test_id("issue").click()
    expect(advisor_page).to_have_url(contract)
    advisor.check()
    advisor_page.get_by_test_id("opinion-link").click()
    expect(advisor_page.get_by_role("button", name="打印")).to_be_visible()
    advisor.check()
    for path in ("/ledger", "/evaluations", "/contracts", "/notifications", "/account"):
        advisor.visit(path)

    # The bureau: dashboard, lists, the contract, the ledger, an evaluation, the charts.
    bureau_page = new_page()
    bureau = Watch(bureau_page)
    sign_in(bureau_page, "bureau@demo.local")
    expect(bureau_page.locator("figure.chart svg").first).to_be_visible()
    bureau.check()
    for path in ("/contracts", contract, "/ledger", "/schools", "/advisors", "/users"):
        bureau.visit(path)
    bureau.visit("/reports/year/2026")
    bureau.visit("/reports/year/2026/findings")
    bureau.visit("/reports/year/2026/ratings")
    bureau.visit("/settings/calendar")
    bureau.visit("/evaluations")
    run = bureau_page.get_by_test_id("run-evaluation")
    run.get_by_role("textbox").fill(PERIOD)
    run.get_by_role("button").click()
    expect(bureau_page.get_by_test_id("ranking")).to_be_visible()
    bureau.check()
    bureau_page.get_by_test_id("ranking").locator("tbody tr a").first.click()
    expect(bureau_page.get_by_test_id("items")).to_be_visible()
    bureau.check()
