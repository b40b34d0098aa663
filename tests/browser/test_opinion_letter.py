"""The opinion letter in print (issue 20, item 4), in a real Chromium: an opinion with no
findings, printed, is an A4 page (the letter's @page rule), shows the amount in capitals
and figures, the contract term and "经审查，未发现需要修改的问题。", and leaves the
buttons out; the "下载 PDF" button gives the same letter as a PDF on A4."""

from __future__ import annotations

import io
import re
import secrets

import pypdfium2
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from tests.browser.conftest import PageFactory
from tests.browser.test_journeys import sign_in
from tests.documents import make_pdf

SCHOOL = "school12@demo.local"  # no other browser test signs in as WS012 or its advisor
ADVISOR = "advisor12@demo.local"

AMOUNT = "合同金额：人民币壹万贰仟元整（¥12,000.00）"
TERM = "合同期限：2027年3月1日至2027年12月31日"
NO_FINDINGS = "经审查，未发现需要修改的问题。"
A4_POINTS = (595, 842)


def page_sizes(data: bytes) -> list[tuple[int, int]]:
    reader = PdfReader(io.BytesIO(data))
    return [(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages]


def text_of_pdf(data: bytes) -> str:
    document = pypdfium2.PdfDocument(data)
    try:
        return re.sub(r"\s+", "", "".join(p.get_textpage().get_text_range() for p in document))
    finally:
        document.close()


def issue_clean_opinion(school: Page, new_page: PageFactory) -> str:
    """The school submits a contract and its advisor approves it with no findings; the
    contract's address."""
    sign_in(school, SCHOOL)
    school.get_by_test_id("submit-contract").click()
    form = school.get_by_test_id("contract-form")
    form.get_by_label("合同名称").fill(f"校服采购合同{secrets.token_hex(3)}")
    form.get_by_label("合同相对方").fill("乌苏市天成服装有限公司")
    form.get_by_label("合同类型").select_option(label="校服")
    form.get_by_label("金额（元）").fill("12,000.00")
    form.get_by_label("开始日期").fill("2027-03-01")
    form.get_by_label("结束日期").fill("2027-12-31")
    form.locator("input[type=file]").set_input_files(
        {"name": "校服采购合同.pdf", "mimeType": "application/pdf", "buffer": make_pdf()}
    )
    # Reading the upload (a parser process starting cold) may take longer than a click.
    form.get_by_role("button", name="提交审查").click(timeout=60_000)
    expect(school).to_have_url(re.compile(r"/contracts/\d+$"), timeout=60_000)
    contract_url = school.url

    advisor = new_page()
    sign_in(advisor, ADVISOR)
    advisor.goto(contract_url)
    advisor.get_by_test_id("start-review").click()
    expect(advisor.get_by_test_id("status")).to_have_text("审查中")
    advisor.get_by_test_id("write-review").click()
    advisor.get_by_label("审查结论").select_option(label="同意签订")
    advisor.get_by_label("总体意见").fill("合同条款完备，可以签订。")
    advisor.get_by_label("用时（分钟）").fill("20")
    advisor.get_by_test_id("issue").click()
    expect(advisor).to_have_url(contract_url)
    expect(advisor.get_by_test_id("status")).to_have_text("已出具意见")
    return contract_url


def test_the_printed_letter_is_a4_and_official(page: Page, new_page: PageFactory) -> None:
    school = page
    contract_url = issue_clean_opinion(school, new_page)
    school.goto(contract_url)
    school.get_by_test_id("opinion-link").click()
    letter = school.get_by_test_id("opinion")
    expect(letter).to_contain_text("法律意见书")

    school.emulate_media(media="print")
    expect(letter).to_be_visible()
    expect(letter).to_contain_text(AMOUNT)
    expect(letter).to_contain_text(TERM)
    expect(letter.get_by_text(NO_FINDINGS, exact=True)).to_be_visible()
    expect(school.get_by_test_id("opinion-pdf")).to_be_hidden()
    expect(school.get_by_test_id("nav")).to_be_hidden()

    # Chromium prints at the size the page's @page rule asks for (US Letter without one).
    printed = school.pdf(prefer_css_page_size=True, print_background=False)
    sizes = page_sizes(printed)
    assert sizes and all(size == A4_POINTS for size in sizes), sizes
    text = text_of_pdf(printed)
    assert "人民币壹万贰仟元整（¥12,000.00）" in text
    assert NO_FINDINGS in text
    assert "下载PDF" not in text  # the buttons stay off paper


def test_the_pdf_button_gives_the_letter_as_pdf(page: Page, new_page: PageFactory) -> None:
    school = page
    contract_url = issue_clean_opinion(school, new_page)
    school.goto(contract_url)
    school.get_by_test_id("opinion-link").click()
    button = school.get_by_test_id("opinion-pdf")
    expect(button).to_have_text("下载 PDF")
    with school.expect_download() as download:
        button.click()
    name = download.value.suggested_filename
    assert name.startswith("法律意见书-校服采购合同") and name.endswith(".pdf"), name
    path = download.value.path()
    data = path.read_bytes()
    assert data.startswith(b"%PDF-")
    assert page_sizes(data) == [A4_POINTS] * len(page_sizes(data))
    text = text_of_pdf(data)
    assert "人民币壹万贰仟元整（¥12,000.00）" in text
    assert NO_FINDINGS in text
