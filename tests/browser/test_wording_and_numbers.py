"""Dates, sums, counts and evaluation periods as people read them, on real pages in a real
Chromium (issue 20, item 7): 2026年12月9日 and 2026年12月9日 14:05 (9 Dec 2026 in
English), never 2026-12-09 or seconds; summary sums as 2.05万元 (¥20,500.50 / ¥1.52
million); counts with separators; 2025年度考核; a photo upload told to scan to PDF.

The pages are read as they come; nothing here depends on today's date."""

from __future__ import annotations

import re
import secrets
from decimal import Decimal

from playwright.sync_api import Page, expect

from advisor.demo.bureau import DEMO_PASSWORD
from advisor.formats import sum_text
from tests.browser.conftest import PageFactory
from tests.browser.test_journeys import sign_in
from tests.contracts.samples import make_pdf, png

ZH_DAY = r"\d{4}年\d{1,2}月\d{1,2}日"
EN_DAY = r"\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}"
ISO_DAY = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
SECONDS = re.compile(r"\b\d{1,2}:\d{2}:\d{2}\b")
COUNT = re.compile(r"^\d{1,3}(,\d{3})*$")


def no_machine_dates(page: Page) -> None:
    """The page's visible text has no ISO day and no time to the second."""
    text = page.locator("main").inner_text()
    assert not ISO_DAY.search(text), ISO_DAY.search(text)
    assert not SECONDS.search(text), SECONDS.search(text)


def sign_in_english(page: Page, email: str) -> None:
    """Sign in through the English login form (an en-US browser; nothing is stored on the
    account, so the other tests still see it in Chinese)."""
    page.goto("/login")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_test_id("nav")).to_be_attached()


def submit(page: Page, title: str, amount: str, file: dict[str, object]) -> None:
    page.goto("/contracts/new")
    form = page.get_by_test_id("contract-form")
    form.get_by_label("合同名称").fill(title)
    form.get_by_label("合同相对方").fill("乌苏市丰收食品有限公司")
    form.get_by_label("合同类型").select_option(label="食堂与餐饮")
    form.get_by_label("金额（元）").fill(amount)
    form.get_by_label("开始日期").fill("2026-03-01")
    form.get_by_label("结束日期").fill("2026-12-31")
    form.locator("input[type=file]").set_input_files(file)  # type: ignore[arg-type]
    form.get_by_role("button", name="提交审查").click()


def test_a_contract_page_writes_its_dates_and_amount_as_people_do(
    page: Page, new_page: PageFactory
) -> None:
    title = f"食堂食材采购合同{secrets.token_hex(3)}"
    sign_in(page, "school04@demo.local")
    submit(
        page,
        title,
        "12万",
        {"name": "合同.pdf", "mimeType": "application/pdf", "buffer": make_pdf()},
    )
    expect(page).to_have_url(re.compile(r"/contracts/\d+$"))
    # The flash names the due day as a person writes it.
    expect(page.get_by_role("alert").first).to_contain_text(
        re.compile(rf"已提交。将由 \S+ 审查，最迟于 {ZH_DAY} 出具意见。")
    )
    assert not ISO_DAY.search(page.get_by_role("alert").first.inner_text())
    expect(page.get_by_test_id("amount")).to_have_text("120,000.00")
    expect(page.get_by_test_id("due-date")).to_have_text(re.compile(rf"^{ZH_DAY}$"))
    history = page.get_by_test_id("history").locator("tbody tr td").first
    expect(history).to_have_text(re.compile(rf"^{ZH_DAY} \d{{2}}:\d{{2}}$"))
    expect(page.get_by_test_id("versions").locator("tbody tr td").nth(3)).to_have_text(
        re.compile(rf"^{ZH_DAY} \d{{2}}:\d{{2}}$")
    )
    no_machine_dates(page)
    address = page.url

    english = new_page(locale="en-US")
    sign_in_english(english, "advisor04@demo.local")
    english.goto(address)
    expect(english.get_by_test_id("amount")).to_have_text("120,000.00")
    expect(english.get_by_test_id("due-date")).to_have_text(re.compile(rf"^{EN_DAY}$"))
    expect(english.get_by_test_id("history").locator("tbody tr td").first).to_have_text(
        re.compile(rf"^{EN_DAY} \d{{2}}:\d{{2}}$")
    )
    no_machine_dates(english)


def test_the_dashboard_and_the_year_write_counts_sums_and_months(
    page: Page, new_page: PageFactory
) -> None:
    sign_in(page, "bureau@demo.local")
    expect(page.get_by_test_id("computed-at")).to_contain_text(
        re.compile(rf"数据统计于{ZH_DAY} \d{{2}}:\d{{2}}。")
    )
    for testid in ("kf-submitted", "kf-overdue"):
        expect(page.get_by_test_id(testid)).to_have_text(COUNT)
    months = page.get_by_test_id("chart-monthly-table").locator("tbody th")
    expect(months).to_have_count(12)
    labels = months.all_inner_texts()
    assert all(re.fullmatch(r"\d{4}年\d{1,2}月", label.strip()) for label in labels), labels
    no_machine_dates(page)

    page.goto("/reports/year/2025")
    exact = page.get_by_test_id("value").inner_text()
    assert re.fullmatch(r"\d{1,3}(,\d{3})*\.\d{2}", exact), exact
    value = Decimal(exact.replace(",", ""))
    paragraph = page.get_by_test_id("paragraph")
    expect(paragraph).to_contain_text(f"涉及金额{sum_text(value, 'zh')}，")
    if value >= 10_000:
        expect(paragraph).to_contain_text(re.compile(r"涉及金额[\d,.]+[万亿]元，"))
    expect(page.get_by_test_id("submitted")).to_have_text(COUNT)

    english = new_page(locale="en-US")
    sign_in_english(english, "bureau@demo.local")
    english.goto("/reports/year/2025")
    expect(english.get_by_test_id("paragraph")).to_contain_text(
        f"worth {sum_text(value, 'en')} in total"
    )
    english.goto("/")
    expect(english.get_by_test_id("computed-at")).to_contain_text(
        re.compile(rf"Counted at {EN_DAY} \d{{2}}:\d{{2}}\.")
    )
    expect(english.get_by_test_id("chart-monthly-table").locator("tbody th").first).to_have_text(
        re.compile(r"^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}$")
    )


def test_a_yearly_evaluation_is_called_by_its_year(page: Page) -> None:
    sign_in(page, "bureau@demo.local")
    page.goto("/evaluations")
    run = page.get_by_test_id("run-evaluation")
    run.get_by_role("textbox").fill("2025")
    run.get_by_role("button", name="计算考核草稿").click()
    expect(page.get_by_role("alert").filter(has_text="考核草稿")).to_have_text(
        re.compile(r"已计算2025年度考核草稿。")
    )
    expect(page.get_by_role("heading", level=1)).to_contain_text("2025年度考核")
    expect(page).to_have_title(re.compile(r"^2025年度考核"))
    page.get_by_test_id("ranking").locator("tbody tr").first.get_by_role("link").click()
    expect(page.get_by_role("link", name="2025年度考核", exact=True)).to_be_visible()
    no_machine_dates(page)
    page.goto("/evaluations")
    expect(page.get_by_test_id("evaluations")).to_contain_text("2025年度")


def test_a_photo_of_a_contract_is_told_to_scan_it_to_pdf(page: Page) -> None:
    sign_in(page, "school04@demo.local")
    submit(
        page,
        "拍照的合同",
        "5000",
        {"name": "IMG_0412.png", "mimeType": "image/png", "buffer": png()},
    )
    expect(page.get_by_test_id("file-error")).to_contain_text(
        "请将纸质合同扫描为 PDF 后上传（手机可用“扫描文档”功能）"
    )
    expect(page.get_by_test_id("contract-form").get_by_label("合同名称")).to_have_value(
        "拍照的合同"
    )
