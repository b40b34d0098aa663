"""The school's journey on a phone (issue 20, item 1): at 390 x 844 no page scrolls
sideways, every tap target is at least 44 x 44 px, the menu folds behind a button, list
tables turn into cards, date fields carry visible labels, and after the opinion the next
step on the contract page is recording the signing, whose copy is kept as the signed copy.
At 1366 x 768 the bureau's menu stays on one line in Chinese and in English.

The contracts are test_accessibility's: WS001's 4 (returned) and 5 (with an opinion).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from advisor.demo.bureau import DEMO_PASSWORD
from tests.browser.conftest import serve_demo
from tests.browser.test_accessibility import _seed
from tests.documents import make_pdf
from tests.test_access import EMAILS

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}
RETURNED, OPINION = 4, 5
JOURNEY = [
    "/",
    "/contracts",
    "/contracts/new",
    f"/contracts/{RETURNED}",
    f"/contracts/{OPINION}",
    "/notifications",
    "/schools/1",
    "/advisors",
    # a model contract: the library, filling it in, what was filled, submitting from it
    "/templates",
    "/templates/1",
    "/templates/1/fill",
    "/templates/fills/1",
    "/contracts/new?fill=1",
]

# Controls narrower or lower than 44 px; a checkbox counts with its label, which a tap
# on also ticks it. The skip link shows only on keyboard focus.
SMALL_TARGETS = """() => {
  const small = [];
  for (const el of document.querySelectorAll(
      "a[href], button, input:not([type=hidden]), select, textarea, summary")) {
    if (el.getClientRects().length === 0 || el.closest(".skip-link")) continue;
    let {left, right, top, bottom} = el.getBoundingClientRect();
    if ((el.type === "checkbox" || el.type === "radio") && el.labels.length) {
      const label = el.labels[0].getBoundingClientRect();
      left = Math.min(left, label.left); right = Math.max(right, label.right);
      top = Math.min(top, label.top); bottom = Math.max(bottom, label.bottom);
    }
    if (right - left < 44 || bottom - top < 43.5) {
      const name = el.dataset.testid || el.name || el.textContent.trim().slice(0, 20);
      small.push(`${el.tagName.toLowerCase()} ${name}: ${Math.round(right - left)}x${Math.round(bottom - top)}`);
    }
  }
  return small;
}"""

# Elements that reach past the right edge of the screen outside a box that scrolls them.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  if (document.documentElement.scrollWidth > width) out.push(`page ${document.documentElement.scrollWidth}px`);
  for (const el of document.querySelectorAll("body *")) {
    if (el.getClientRects().length === 0) continue;
    const r = el.getBoundingClientRect();
    if (r.right <= width + 0.5 && r.left >= -0.5) continue;
    let boxed = false;
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (["auto", "scroll", "hidden"].includes(getComputedStyle(up).overflowX)) { boxed = true; break; }
    }
    if (!boxed) out.push(`${el.tagName.toLowerCase()}.${el.className}: ${Math.round(r.left)}-${Math.round(r.right)}`);
  }
  return out.slice(0, 10);
}"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serve_demo(tmp_path_factory.mktemp("phone"), _seed) as address:
        yield address


def open_as(
    browser: Browser, server: str, role: str, viewport: dict[str, int], locale: str = "zh-CN"
) -> Page:
    """A signed-in page of ``role`` in a fresh context of that size and language."""
    context = browser.new_context(locale=locale, base_url=server, viewport=viewport)  # type: ignore[arg-type]
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto("/login")
    page.locator("input[name=email]").fill(EMAILS[role])
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("[data-testid=account-link]")).to_have_count(1)
    return page


@pytest.fixture()
def phone(browser: Browser, server: str) -> Iterator[Page]:
    page = open_as(browser, server, "school", PHONE)
    yield page
    page.context.close()


def test_the_menu_folds_behind_a_button(phone: Page) -> None:
    nav = phone.get_by_test_id("nav")
    expect(nav).to_be_hidden()
    height = phone.locator("nav.navbar").evaluate("(e) => e.getBoundingClientRect().height")
    assert height < 80, height
    button = phone.get_by_role("button", name="菜单")
    expect(button).to_have_attribute("aria-expanded", "false")
    button.click()
    expect(nav).to_be_visible()
    expect(button).to_have_attribute("aria-expanded", "true")
    nav.get_by_role("link", name="本校合同").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("本校合同")
    expect(phone.get_by_test_id("nav")).to_be_hidden()


def test_the_journey_fits_the_screen_and_the_finger(phone: Page) -> None:
    problems: dict[str, Any] = {}
    for path in JOURNEY:
        response = phone.goto(path)
        assert response is not None and response.status == 200, path
        for kind, script in (("overflow", OVERFLOW), ("small", SMALL_TARGETS)):
            found = phone.evaluate(script)
            if found:
                problems[f"{path} {kind}"] = found
    # The open menu too: its links, the language switch, the bell and signing out.
    phone.goto("/")
    phone.get_by_test_id("menu-button").click()
    expect(phone.get_by_test_id("logout")).to_be_visible()
    if found := phone.evaluate(SMALL_TARGETS):
        problems["open menu"] = found
    assert problems == {}


def test_the_contract_list_is_a_card_a_contract(phone: Page) -> None:
    phone.goto("/contracts")
    table = phone.get_by_test_id("contracts")
    assert table.evaluate("(e) => e.getBoundingClientRect().right") <= PHONE["width"]
    cell = table.locator("tbody tr").first.locator("td").nth(1)
    expect(cell).to_contain_text("乌苏市丰收食品有限公司")
    # The column's name, above its value.
    assert cell.evaluate("(e) => getComputedStyle(e, '::before').content") == '"合同相对方"'
    # The counterparty on a line or two, not a character a line.
    assert cell.evaluate("(e) => e.getBoundingClientRect().width") > 250


def test_date_fields_carry_visible_labels(phone: Page) -> None:
    for path in ("/contracts", "/contracts/new"):
        phone.goto(path)
        dates = phone.locator("main input[type=date]")
        assert dates.count() >= 2, path
        for n in range(dates.count()):
            field = dates.nth(n)
            label = phone.locator(f"label[for='{field.get_attribute('id')}']")
            expect(label).to_be_visible()
            expect(label).not_to_be_empty()


def test_after_the_opinion_signing_is_the_next_step(phone: Page) -> None:
    returned = phone.goto(f"/contracts/{RETURNED}")
    assert returned is not None
    expect(phone.get_by_role("heading", name="上传修改后的版本")).to_be_visible()

    phone.goto(f"/contracts/{OPINION}")
    expect(phone.get_by_role("heading", name="上传修改后的版本")).to_have_count(0)
    close = phone.get_by_test_id("close-form")
    expect(close).to_be_visible()
    width = close.evaluate("(e) => e.getBoundingClientRect().width")
    assert width > 0.8 * PHONE["width"], width  # nothing beside it

    feedback = phone.get_by_test_id("feedback-form")
    feedback.get_by_role("radio", name="非常满意").check()
    feedback.get_by_role("button", name="提交评价").click()
    expect(phone.get_by_test_id("rating")).to_be_visible()

    close = phone.get_by_test_id("close-form")
    close.get_by_label("签订结果").select_option(label="已签订")
    # the seal use (用印登记); the date of use is today unless changed
    close.get_by_label("所用印章").select_option(label="合同专用章")
    close.get_by_label("用印审批人").fill("王副校长")
    close.get_by_label("用印份数").fill("2")
    close.get_by_label("签订稿与审查版本不一致的原因").fill("签订稿为双方盖章后的文本。")
    close.locator("input[type=file]").set_input_files(
        {"name": "签订稿.pdf", "mimeType": "application/pdf", "buffer": make_pdf()}
    )
    # Reading the upload runs in a separate process; on a busy machine it takes a while.
    close.get_by_role("button", name="归档合同").click(timeout=30_000)
    expect(phone.get_by_test_id("closing")).to_be_visible()
    signed = phone.get_by_test_id("signed-copy")
    expect(signed.locator("td").first).to_have_text("签订稿")
    expect(phone.get_by_role("heading", name="签订稿文本")).to_be_visible()
    expect(phone.get_by_text("第 2 版文本")).to_have_count(0)
    assert phone.evaluate(OVERFLOW) == []
    assert phone.evaluate(SMALL_TARGETS) == []


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_the_bureaus_menu_fits_one_line(browser: Browser, server: str, locale: str) -> None:
    page = open_as(browser, server, "bureau", LAPTOP, locale)
    try:
        if locale == "en-US" and page.locator("html").get_attribute("lang") != "en":
            with page.expect_navigation():
                page.get_by_test_id("language").select_option("en")
        nav = page.get_by_test_id("nav")
        expect(nav).to_be_visible()
        expect(page.get_by_test_id("menu-button")).to_be_hidden()
        tops = nav.locator(":scope > li").evaluate_all(
            "(items) => items.map((li) => Math.round(li.getBoundingClientRect().top))"
        )
        assert len(tops) == 12 and len(set(tops)) == 1, tops
        assert page.evaluate(OVERFLOW) == []
    finally:
        page.context.close()
