"""static/js/amounts.js against advisor.amounts, and the capitals under the amount as it is typed."""

from __future__ import annotations

import random
from decimal import Decimal

from playwright.sync_api import Page, expect

from advisor.amounts import MAX_AMOUNT, to_capital
from advisor.contracts.amounts import parse_amount
from config import PROJECT_ROOT
from tests.browser.test_journeys import sign_in
from tests.test_amounts import STANDARD

SCRIPT = PROJECT_ROOT / "static" / "js" / "amounts.js"


def python_capital(figure: str) -> str:
    """What to_capital says, or "" where it refuses (the script shows nothing then)."""
    try:
        return to_capital(Decimal(figure))
    except ValueError:
        return ""


def python_shown(typed: str) -> str:
    try:
        return to_capital(parse_amount(typed))
    except ValueError:
        return ""


def sample_figures(count: int) -> list[str]:
    """Uniform amounts, amounts of mostly zeros (the 零 rules) and small ones, as "123.45"."""
    rng = random.Random(8)
    figures = []
    for n in range(count):
        if n % 3 == 0:
            cents = rng.randint(1, int(MAX_AMOUNT * 100))
        elif n % 3 == 1:
            cents = int("".join(rng.choice("0000019") for _ in range(14))) or 1
        else:
            cents = rng.randint(1, 100_000)
        figures.append(f"{Decimal(cents).scaleb(-2)}")
    return figures


def open_script(page: Page) -> None:
    page.set_content("<!doctype html><meta charset='utf-8'><title>amounts</title>")
    page.add_script_tag(path=SCRIPT)


def test_the_script_writes_the_same_capitals_as_python(page: Page) -> None:
    figures = [figure for figure, _ in STANDARD] + sample_figures(170)
    figures += ["0", "0.00", "0.001", "1.005", "1000000000000", "1.5", "007"]
    open_script(page)
    written = page.evaluate("figures => figures.map(AdvisorAmounts.toCapital)", figures)
    assert len(figures) >= 200
    assert written == [python_capital(figure) for figure in figures]


def test_the_script_reads_typed_amounts_as_the_server_does(page: Page) -> None:
    typed = [
        "12,000.00",
        "12000",
        "１２，０００元",
        "¥12,000",
        "￥12,000.00",
        "人民币12000元",
        "RMB12000",
        " 12 000 ",
        "0.5",
        "1,409.5",
        "999,999,999,999.99",
        "1,000,000,000,000",
        "0",
        "-5",
        "12.345",
        "12.",
        ".5",
        "12,00",
        "1,2345",
        "abc",
        "壹万元",
        "",
        "12万",
        "1.5万",
        "1.5万元",
        "12万元",
        "￥12,000",
        "1.2亿",
        "1,200万",
        "1.234567万",
        "1.2345678万",
        "0.01万",
        "9999.9999999999亿",
        "10000亿",
        "0万",
        "万",
        "12万万",
        "1万亿",
        "12万5千",
        "-1.5万",
    ]
    open_script(page)
    shown = page.evaluate("texts => texts.map(AdvisorAmounts.capitalOfTyped)", typed)
    assert shown == [python_shown(text) for text in typed]


def test_the_script_gives_the_figure_of_an_amount_in_wan_or_yi(page: Page) -> None:
    typed = ["12万", "1.5万", "1.5万元", "1.2亿", "1.234567万", "1.2345678万", "12000", "abc", ""]
    open_script(page)
    shown = page.evaluate("texts => texts.map(AdvisorAmounts.figureOfTyped)", typed)
    assert shown == [
        "¥120,000.00",
        "¥15,000.00",
        "¥15,000.00",
        "¥120,000,000.00",
        "¥12,345.67",
        "",
        "",  # a figure typed as a figure is not repeated
        "",
        "",
    ]


def test_the_form_reads_12_wan_and_1_5_wan_and_says_what_it_cannot_read(page: Page) -> None:
    sign_in(page, "school04@demo.local")
    page.goto("/contracts/new")
    amount = page.get_by_test_id("contract-form").get_by_label("金额（元）")
    capitals = page.get_by_test_id("amount-capital")
    figure = page.get_by_test_id("amount-figure")
    amount.press_sequentially("12万")
    expect(capitals).to_have_text("壹拾贰万元整")
    expect(figure).to_have_text("¥120,000.00")
    amount.fill("1.5万")
    expect(capitals).to_have_text("壹万伍仟元整")
    expect(figure).to_have_text("¥15,000.00")
    amount.fill("1.2亿元")
    expect(capitals).to_have_text("壹亿贰仟万元整")
    expect(figure).to_have_text("¥120,000,000.00")
    amount.fill("12万5千")
    expect(capitals).to_have_text("")
    expect(figure).to_have_text("请用阿拉伯数字填写金额，例如 12000、12,000.00、12万 或 1.5万。")
    amount.fill("12000")
    expect(figure).to_have_text("")

    # The server reads it as the script does: sent back (no file), the form keeps what
    # was typed and its capitals; the server's own message for what it cannot read.
    amount.fill("1.5万")
    page.get_by_role("button", name="提交审查").click()
    expect(page.get_by_test_id("file-error")).to_be_visible()
    expect(page.get_by_test_id("contract-form").get_by_label("金额（元）")).to_have_value("1.5万")
    expect(page.get_by_test_id("amount-capital")).to_have_text("壹万伍仟元整")
    expect(page.get_by_test_id("amount-figure")).to_have_text("¥15,000.00")
    page.get_by_test_id("contract-form").get_by_label("金额（元）").fill("1.2345678万")
    page.get_by_role("button", name="提交审查").click()
    expect(page.get_by_test_id("contract-form")).to_contain_text("金额的最后几位不足一分")


def test_the_submission_form_shows_the_capitals_as_the_amount_is_typed(page: Page) -> None:
    sign_in(page, "school04@demo.local")
    page.goto("/contracts/new")
    amount = page.get_by_test_id("contract-form").get_by_label("金额（元）")
    capitals = page.get_by_test_id("amount-capital")
    expect(capitals).to_have_text("")
    expect(amount).to_have_attribute("aria-describedby", "amount-capital")

    amount.press_sequentially("1,409.5")
    expect(capitals).to_have_text("壹仟肆佰零玖元伍角")
    amount.press("Backspace")
    amount.press("Backspace")
    expect(capitals).to_have_text("壹仟肆佰零玖元整")
    amount.fill("107000.53")
    expect(capitals).to_have_text("壹拾万柒仟元伍角叁分")
    amount.fill("12.345")
    expect(capitals).to_have_text("")
    amount.fill("abc")
    expect(capitals).to_have_text("")

    # Sent back with errors, the form shows the capitals of the amount it kept.
    amount.fill("240000")
    page.get_by_role("button", name="提交审查").click()
    expect(page.get_by_test_id("file-error")).to_be_visible()
    expect(page.get_by_test_id("amount-capital")).to_have_text("贰拾肆万元整")
