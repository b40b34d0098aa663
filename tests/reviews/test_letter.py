"""The opinion letter in official form (issue 20, item 4): amounts as 人民币壹万贰仟元整
（¥12,000.00）, dates as 2027年3月1日, the contract term, the no-findings sentence; the
.docx on A4 with GB/T 9704 margins; the PDF on A4 with its Chinese font embedded; and the
same paragraphs on the page, in the .docx and in the PDF."""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal
from typing import Any

import docx
import pypdfium2
import pytest
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import orm

from advisor.amounts import capital_and_figure
from advisor.reviews import letter_pdf
from advisor.reviews.letter import NO_FINDINGS, Style, chinese_date
from advisor.reviews.letter_pdf import FontMissing, find_font
from advisor.reviews.models import Review
from tests.factories.contracts import current_contract
from tests.factories.reviews import FINDINGS, issue_review, start_review
from tests.pages import text_of

PDF = "application/pdf"


@pytest.fixture()
def opinion(session: orm.Session) -> Review:
    """advisor01's opinion (修改后签订, three findings) on contract 1, committed."""
    found = current_contract(session)
    start_review(session, found)
    review = issue_review(session, found)
    session.commit()
    return review


@pytest.fixture()
def clean_opinion(session: orm.Session) -> Review:
    """advisor01's opinion on contract 1 with no findings (同意签订), committed."""
    found = current_contract(session)
    start_review(session, found)
    review = issue_review(session, found, "approve", findings=[])
    session.commit()
    return review


def docx_paragraphs(response: Any) -> list[str]:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return [p.text for p in docx.Document(io.BytesIO(response.data)).paragraphs]


def pdf_of(response: Any) -> bytes:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == PDF
    assert response.data.startswith(b"%PDF-")
    return bytes(response.data)


def pdf_text(data: bytes) -> str:
    """The PDF's text as pdfium reads it (line breaks where the lines wrap)."""
    document = pypdfium2.PdfDocument(data)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


def squeezed(text: str) -> str:
    """Text without whitespace: wrapped lines and indents are layout, not content."""
    return re.sub(r"\s+", "", text)


def html_paragraphs(response: Any) -> list[str]:
    """The letter's paragraphs on the page, in order."""
    page = text_of(response)
    article = page[page.index('data-testid="opinion"') : page.index("</article>")]
    return [
        re.sub(r"<[^>]+>", "", found).strip()
        for found in re.findall(r"<(?:h[123]|p)\b[^>]*>(.*?)</(?:h[123]|p)>", article, re.S)
    ]


# --- the formats, as pure functions -----------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "written"),
    [
        ("12000.00", "人民币壹万贰仟元整（¥12,000.00）"),
        ("1409.50", "人民币壹仟肆佰零玖元伍角（¥1,409.50）"),
        ("16409.02", "人民币壹万陆仟肆佰零玖元零贰分（¥16,409.02）"),
        ("1010101.01", "人民币壹佰零壹万零壹佰零壹元零壹分（¥1,010,101.01）"),
        ("0.00", "人民币零元整（¥0.00）"),
    ],
)
def test_amounts_are_written_in_capitals_and_figures(amount: str, written: str) -> None:
    assert capital_and_figure(Decimal(amount)) == written


@pytest.mark.parametrize(
    ("day", "written"),
    [
        (date(2027, 3, 1), "2027年3月1日"),
        (date(2026, 12, 31), "2026年12月31日"),
        (date(2026, 10, 9), "2026年10月9日"),
    ],
)
def test_dates_are_written_without_leading_zeros(day: date, written: str) -> None:
    assert chinese_date(day) == written


# --- the same letter on the page, in the .docx and in the PDF ---------------------------


def test_page_docx_and_pdf_have_the_same_paragraphs(school1: FlaskClient, opinion: Review) -> None:
    page = html_paragraphs(school1.get("/contracts/1/opinion"))
    word = docx_paragraphs(school1.get("/contracts/1/opinion.docx"))
    assert page == word
    assert len(page) > 25
    text = squeezed(pdf_text(pdf_of(school1.get("/contracts/1/opinion.pdf"))))
    at = 0
    for paragraph in page:
        found = text.find(squeezed(paragraph), at)
        assert found >= 0, f"not in the PDF after position {at}: {paragraph}"
        at = found + len(squeezed(paragraph))
    for finding in FINDINGS:
        assert squeezed(finding.problem) in text


def test_every_form_shows_amount_term_and_date(school1: FlaskClient, opinion: Review) -> None:
    amount = "合同金额：人民币壹万贰仟元整（¥12,000.00）"
    term = "合同期限：2026年3月1日至2026年12月31日"
    issued = "2026年3月4日"
    page = html_paragraphs(school1.get("/contracts/1/opinion"))
    word = docx_paragraphs(school1.get("/contracts/1/opinion.docx"))
    text = squeezed(pdf_text(pdf_of(school1.get("/contracts/1/opinion.pdf"))))
    for wanted in (amount, term, issued):
        assert wanted in page
        assert wanted in word
        assert squeezed(wanted) in text


def test_no_findings_says_so_everywhere(school1: FlaskClient, clean_opinion: Review) -> None:
    assert NO_FINDINGS == "经审查，未发现需要修改的问题。"
    page = html_paragraphs(school1.get("/contracts/1/opinion"))
    word = docx_paragraphs(school1.get("/contracts/1/opinion.docx"))
    text = squeezed(pdf_text(pdf_of(school1.get("/contracts/1/opinion.pdf"))))
    assert NO_FINDINGS in page
    assert NO_FINDINGS in word
    assert NO_FINDINGS in text
    # It stands right under the findings' heading, before the conclusion.
    assert page.index("三、审查意见") + 1 == page.index(NO_FINDINGS)
    assert page.index(NO_FINDINGS) + 1 == page.index("四、结论")


def test_a_letter_with_findings_has_no_no_findings_sentence(
    school1: FlaskClient, opinion: Review
) -> None:
    assert NO_FINDINGS not in html_paragraphs(school1.get("/contracts/1/opinion"))
    assert NO_FINDINGS not in docx_paragraphs(school1.get("/contracts/1/opinion.docx"))


def test_the_page_marks_each_paragraph_with_its_style(
    school1: FlaskClient, opinion: Review
) -> None:
    page = text_of(school1.get("/contracts/1/opinion"))
    assert '<h1 class="letter-title">法律意见书</h1>' in page
    assert '<h2 class="letter-heading">一、审查事项</h2>' in page
    assert '<h3 class="letter-subheading">（合法性）</h3>' in page
    assert '<p class="letter-signature">律师：张伟</p>' in page
    assert "css/letter.css" in page


# --- the Word document's page -----------------------------------------------------------


def test_the_docx_is_a4_with_gbt_9704_margins(school1: FlaskClient, opinion: Review) -> None:
    response = school1.get("/contracts/1/opinion.docx")
    assert response.status_code == 200
    document = docx.Document(io.BytesIO(response.data))
    for section in document.sections:
        # Word keeps twentieths of a point: millimetres to within 0.1 mm.
        measured = {
            "width": section.page_width,
            "height": section.page_height,
            "top": section.top_margin,
            "bottom": section.bottom_margin,
            "left": section.left_margin,
            "right": section.right_margin,
        }
        wanted = {"width": 210, "height": 297, "top": 37, "bottom": 35, "left": 28, "right": 26}
        assert {k: round(v.mm, 1) for k, v in measured.items() if v is not None} == wanted
    body = next(p for p in document.paragraphs if p.text.startswith("合同名称："))
    assert body.paragraph_format.first_line_indent == docx.shared.Pt(32)
    assert body.paragraph_format.line_spacing == docx.shared.Pt(29)


# --- the PDF ----------------------------------------------------------------------------


def test_the_pdf_is_a4_with_the_chinese_font_embedded(
    school1: FlaskClient, opinion: Review
) -> None:
    response = school1.get("/contracts/1/opinion.pdf")
    reader = PdfReader(io.BytesIO(pdf_of(response)))
    assert len(reader.pages) >= 1
    embedded = []
    for page in reader.pages:
        box = page.mediabox
        assert (round(float(box.width)), round(float(box.height))) == (595, 842)
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", [font]):
                descriptor = descendant.get_object()["/FontDescriptor"].get_object()
                if "/FontFile2" in descriptor or "/FontFile3" in descriptor:
                    embedded.append(str(descendant.get_object()["/BaseFont"]))
    assert embedded, "no font program embedded"
    assert all(re.match(r"/[A-Z]{6}\+", name) for name in embedded), embedded  # subsets
    text = squeezed(pdf_text(response.data))
    assert "法律意见书" in text
    assert "致：乌苏市第一中学" in text
    assert squeezed("新疆天山律师事务所律师张伟（执业证号：16542200910000001）") in text


def test_the_pdf_has_a_chinese_file_name(school1: FlaskClient, opinion: Review) -> None:
    response = school1.get("/contracts/1/opinion.pdf")
    pdf_of(response)
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''" in disposition
    assert disposition.endswith(".pdf")


def test_without_a_chinese_font_the_pdf_is_refused_clearly(
    school1: FlaskClient, opinion: Review, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A machine without any of the fonts (the package not installed): a 503 that names
    # the package, not a server error.
    monkeypatch.setattr(letter_pdf, "FONTS", (("/nonexistent/NoSuchFont.ttc", "No Such"),))
    response = school1.get("/contracts/1/opinion.pdf")
    assert response.status_code == 503
    assert "fonts-noto-cjk" in text_of(response)
    assert "中文字体" in text_of(response)
    # The page and the Word document do not need it.
    assert school1.get("/contracts/1/opinion").status_code == 200
    assert school1.get("/contracts/1/opinion.docx").status_code == 200


def test_find_font_names_the_package_when_nothing_is_installed() -> None:
    with pytest.raises(FontMissing) as refused:
        find_font((("/nonexistent/NoSuchFont.ttc", "No Such"),))
    assert refused.value.status == 503
    assert "fonts-noto-cjk" in str(refused.value.message)


def test_find_font_finds_the_family_inside_a_collection() -> None:
    path, number = find_font()
    assert path.is_file()
    assert number >= 0


def test_styles_cover_every_paragraph_kind() -> None:
    # The template, the .docx and the PDF switch on these names.
    assert {s.value for s in Style} == {
        "title",
        "number",
        "addressee",
        "heading",
        "subheading",
        "body",
        "signature",
    }
