"""WCAG 2.2 AA in Chromium (issue 20, item 2): axe-core finds no serious or critical
violation on any page a role can open, in Chinese and in English; every page starts with
a skip link to its main content, shows where the keyboard focus is, and keeps its
headings in order.

The pages are the access matrix's (tests/test_access.py): every GET row a role opens
with 200, so a page added there is checked here too, plus the pages of contracts in
the states the matrix's two submitted contracts never reach (under review with
pre-check hits, returned, with an opinion), and a form of each role's sent back with
its errors. axe-core is vendored under tests/vendor.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from advisor.accounts import services as accounts
from advisor.accounts.models import User
from advisor.contracts import services as contracts
from advisor.contracts.extraction import Limits, inspect
from advisor.contracts.files import FileStore
from advisor.contracts.models import Contract
from advisor.demo.bureau import DEMO_PASSWORD
from advisor.evaluation import services as evaluations
from advisor.extensions import db
from advisor.precheck import services as precheck
from advisor.reviews import services as reviews
from tests.browser.conftest import serve_demo
from tests.browser.test_precheck import LINES
from tests.conftest import _sample_contracts
from tests.documents import make_pdf
from tests.test_access import EMAILS, PAGES, ROLES

AXE = Path(__file__).resolve().parents[1] / "vendor" / "axe-core" / "axe.min.js"
LEVEL_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
LANGUAGES = ("zh-CN", "en-US")
SKIP_LINK = {"zh-CN": "跳到正文", "en-US": "Skip to main content"}

# Contracts 3 to 5 (WS001's, advisor01's), made by ``_seed`` after the matrix's 1 and 2,
# the ledger entry of the first review issued, and a published evaluation.
UNDER_REVIEW, RETURNED, OPINION = 3, 4, 5
LEDGER_ENTRY = 1
EVALUATION, PERIOD = 1, "2026-Q1"
STATES = {
    "school": [f"/contracts/{RETURNED}", f"/contracts/{OPINION}", f"/contracts/{OPINION}/opinion"],
    "advisor": [
        f"/contracts/{UNDER_REVIEW}",
        f"/contracts/{UNDER_REVIEW}/review",
        f"/contracts/{RETURNED}",
        f"/contracts/{OPINION}/opinion",
        f"/evaluations/{EVALUATION}/advisors/1",
        f"/ledger/{LEDGER_ENTRY}",
        f"/ledger/{LEDGER_ENTRY}/correct",
    ],
    "bureau": [
        f"/contracts/{UNDER_REVIEW}",
        f"/contracts/{OPINION}",
        f"/evaluations/{EVALUATION}",
        f"/evaluations/{EVALUATION}/advisors/1",
        "/evaluations/rules/1",
        f"/ledger/{LEDGER_ENTRY}",
        # Lists narrowed by a dashboard's or a report's link: their filters as chips.
        "/contracts?law_firm_id=1&q=合同&overdue=1",
        "/ledger?kind=lecture&from=2026-01-01&history=1",
    ],
}
# A form of each role's, sent empty: the page again, with every error shown.
SENT_EMPTY = {
    "anonymous": "/login",
    "school": "/contracts/new",
    "advisor": "/ledger/new",
    "bureau": "/users/new",
}

# Each violation serious or critical, with the nodes it was found on. The rule that the
# visible text of a control is part of its accessible name (WCAG 2.5.3) is one axe-core
# still calls experimental and leaves off unless asked.
RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: tags},
    rules: {"label-content-name-mismatch": {enabled: true}},
    resultTypes: ["violations"],
  });
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({
      rule: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => `${n.target.join(" ")}: ${n.failureSummary}`),
    }));
}"""

# Visible headings whose level goes down by more than one from the one before (h1 -> h3),
# and whether the page's first heading is its h1.
HEADING_JUMPS = """() => {
  const shown = [...document.querySelectorAll("h1, h2, h3, h4, h5, h6")]
    .filter((h) => h.getClientRects().length > 0);
  const jumps = [];
  shown.forEach((h, i) => {
    const level = Number(h.tagName[1]);
    const before = i === 0 ? 0 : Number(shown[i - 1].tagName[1]);
    if (level > before + 1) jumps.push(`h${before} -> h${level} "${h.textContent.trim()}"`);
  });
  return jumps;
}"""


def pages_of(role: str) -> list[tuple[str, int]]:
    """(path, status) of the GET pages of the access matrix that ``role`` opens, of one
    page it may not open and one that does not exist (the error pages), and of STATES."""
    column = ROLES.index(role)
    gets = [(c.path, c.expect[column]) for c in PAGES if c.method == "GET"]
    pages = [(path, status) for path, status in gets if status == 200]
    for error in (403, 404):
        pages += [(path, status) for path, status in gets if status == error][:1]
    pages += [(path, 200) for path in STATES.get(role, [])]
    return list(dict.fromkeys(pages))


def _user(email: str) -> User:
    user = accounts.get_user_by_email(db.session, email)
    assert user is not None
    return user


def _submit(app: Flask, title: str, lines: list[str]) -> Contract:
    data = make_pdf([lines])
    return contracts.submit_contract(
        db.session,
        actor=_user(EMAILS["school"]),
        store=FileStore(app.config["ADVISOR"].files_dir),
        today=date(2026, 3, 2),
        now=datetime(2026, 3, 2, 2, 0, tzinfo=UTC),
        data=contracts.ContractData(
            title=title,
            counterparty="乌苏市丰收食品有限公司",
            contract_type="catering",
            amount=Decimal("12000.00"),
            start_on=date(2026, 3, 1),
            end_on=date(2026, 12, 31),
        ),
        upload=contracts.Upload("合同.pdf", data, inspect(data, Limits())),
    )


def _seed(app: Flask) -> None:
    """The matrix's contracts 1 and 2, then WS001's contracts 3 (under review, one
    pre-check hit dismissed), 4 (returned with a finding) and 5 (approved)."""
    _sample_contracts(app)
    advisor = _user(EMAILS["advisor"])
    now = datetime(2026, 3, 3, 2, 0, tzinfo=UTC)
    finding = reviews.FindingData(
        dimension="clarity",
        severity="medium",
        clause="第五条",
        problem="交货时间留有空白。",
        suggestion="写明每周的交货日。",
    )
    made = {}
    for number, title in (
        (UNDER_REVIEW, "教学楼维修合同"),
        (RETURNED, "校车租赁合同"),
        (OPINION, "保洁服务合同"),
    ):
        contract = _submit(app, title, LINES)
        assert contract.id == number
        contracts.start_review(db.session, actor=advisor, contract=contract, now=now)
        made[number] = contract
    hits = precheck.hits_for(db.session, made[UNDER_REVIEW])
    assert len(hits) >= 2, "LINES should give the pre-check two hits"
    precheck.dismiss(
        db.session,
        actor=advisor,
        contract=made[UNDER_REVIEW],
        hit=hits[0],
        reason="本合同不适用。",
        now=now,
    )
    for number, outcome in ((RETURNED, "return"), (OPINION, "approve")):
        reviews.issue_review(
            db.session,
            actor=advisor,
            contract=made[number],
            data=reviews.ReviewData(
                outcome=outcome, summary="见审查意见。", minutes_spent=30, findings=[finding]
            ),
            today=date(2026, 3, 3),
            now=now,
        )
    db.session.commit()
    _evaluation(app)


def _evaluation(app: Flask) -> None:
    """Evaluation 1, of 2026-Q1, computed and published (its ranking, results, objections)."""
    bureau = _user(EMAILS["bureau"])
    today, now = date(2026, 4, 7), datetime(2026, 4, 7, 2, 0, tzinfo=UTC)
    evaluation = evaluations.run_evaluation(
        db.session, actor=bureau, period_text=PERIOD, today=today, now=now
    )
    assert evaluation.id == EVALUATION
    evaluations.publish(
        db.session,
        actor=bureau,
        evaluation=evaluation,
        today=today,
        now=now,
        objection_days=app.config["ADVISOR"].objection_working_days,
    )
    db.session.commit()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo bureau with the access matrix's contracts and those of STATES."""
    with serve_demo(tmp_path_factory.mktemp("a11y"), _seed) as address:
        yield address


def sign_in(page: Page, role: str) -> None:
    """Sign in through the form, in whichever language the page is shown."""
    page.goto("/login")
    page.locator("input[name=email]").fill(EMAILS[role])
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_test_id("nav")).to_be_visible()


def violations(page: Page, name: str) -> list[str]:
    """The serious and critical violations on the page shown and its heading jumps."""
    found: list[dict[str, Any]] = page.evaluate(RUN_AXE, LEVEL_AA)
    lines = [
        f"{name} [{v['impact']}] {v['rule']} ({v['help']}): {node}"
        for v in found
        for node in v["nodes"]
    ]
    lines += [f"{name} heading order: {jump}" for jump in page.evaluate(HEADING_JUMPS)]
    return lines


def check(page: Page, path: str, status: int) -> list[str]:
    """The violations on ``path``, which answers ``status``."""
    response = page.goto(path)
    assert response is not None and response.status == status, path
    return violations(page, path)


def check_sent_empty(page: Page, path: str) -> list[str]:
    """The violations on the form of ``path`` sent back with its errors."""
    page.goto(path)
    page.locator("main form[novalidate] button").first.click()
    expect(page.locator("main .invalid-feedback, main .alert-danger").first).to_be_visible()
    # The page answering the post is measured with its stylesheets applied: on a busy
    # machine the errors can show before app.css has loaded, and unstyled links are 17 px.
    page.wait_for_load_state("load")
    return violations(page, f"{path} (sent empty)")


def outline_of(page: Page) -> str:
    """The outline drawn around the focused element, as its style and width."""
    return str(
        page.locator(":focus").evaluate(
            "(e) => `${getComputedStyle(e).outlineStyle} ${getComputedStyle(e).outlineWidth}`"
        )
    )


def check_keyboard(page: Page, language: str) -> None:
    """The first Tab lands on the skip link, drawn with an outline; following it moves the
    focus to the main content, and the next Tab's element there has an outline too."""
    page.goto("/")
    page.keyboard.press("Tab")
    link = page.locator(":focus")
    expect(link).to_have_text(SKIP_LINK[language])
    expect(link).to_have_attribute("href", "#main")
    expect(link).to_be_in_viewport()
    assert outline_of(page).startswith("solid "), outline_of(page)
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator("main :focus")).to_have_count(1)
    assert outline_of(page) == "solid 3px", outline_of(page)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("role", ROLES)
def test_no_serious_violation_on_any_page(
    browser: Browser, server: str, role: str, language: str
) -> None:
    context = browser.new_context(locale=language, base_url=server)
    context.set_default_timeout(10_000)
    # Into every page before its own scripts, from Playwright, outside the page's policy.
    context.add_init_script(path=AXE)
    try:
        page = context.new_page()
        if role != "anonymous":
            sign_in(page, role)
        problems: list[str] = []
        for path, status in pages_of(role):
            # Downloads (spreadsheets, files, JSON) are no pages to check.
            kind = context.request.get(path).headers.get("content-type", "")
            if kind.startswith("text/html"):
                problems += check(page, path, status)
        problems += check_sent_empty(page, SENT_EMPTY[role])
        assert problems == [], "\n".join(problems)
    finally:
        context.close()


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("role", ["anonymous", "bureau"])
def test_a_skip_link_and_a_focus_ring(
    browser: Browser, server: str, role: str, language: str
) -> None:
    context = browser.new_context(locale=language, base_url=server)
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        if role != "anonymous":
            sign_in(page, role)
        check_keyboard(page, language)
    finally:
        context.close()


def test_the_check_finds_the_faults_it_is_for(browser: Browser, server: str) -> None:
    """On a page with a pale text, a field without a label and a link whose name leaves out
    its visible number, the check reports all three."""
    context = browser.new_context(locale="zh-CN", base_url=server)
    context.add_init_script(path=AXE)
    try:
        page = context.new_page()
        page.goto("/login")
        page.evaluate(
            """() => {
              const main = document.querySelector("main");
              const pale = main.appendChild(document.createElement("p"));
              pale.textContent = "浅色文字";
              pale.style.color = "#c8c8c8";
              main.appendChild(document.createElement("input")).type = "file";
              const bell = main.appendChild(document.createElement("a"));
              bell.href = "/notifications";
              bell.textContent = "3";
              bell.setAttribute("aria-label", "消息通知");
            }"""
        )
        found: list[dict[str, Any]] = page.evaluate(RUN_AXE, LEVEL_AA)
        assert {v["rule"] for v in found} >= {
            "color-contrast",
            "label",
            "label-content-name-mismatch",
        }, found
    finally:
        context.close()


def test_the_pages_cover_the_matrix_and_the_states() -> None:
    """The check is only as good as its list: every role gets the matrix's pages."""

    def paths(role: str) -> set[str]:
        return {path for path, _status in pages_of(role)}

    assert {"/settings/security-events", "/contracts/2", "/users"} <= paths("bureau")
    assert "/login" in paths("anonymous")
    assert f"/contracts/{UNDER_REVIEW}/review" in paths("advisor")
    assert {status for _path, status in pages_of("advisor")} == {200, 403, 404}
    assert f"/contracts/{RETURNED}" in paths("school")
