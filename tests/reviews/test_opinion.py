"""The opinion letter (法律意见书): the Word document opens with python-docx and says who,
what, which file (SHA-256), every finding by dimension, the conclusion and the date, with
the East Asian font set on every run; its Chinese file name; the printable page; 404s."""

from __future__ import annotations

import io
import re
from typing import Any
from urllib.parse import unquote

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Pt
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import orm

from advisor.contracts.models import ContractVersion
from advisor.reviews.models import Review
from tests.conftest import login
from tests.factories.contracts import current_contract, submit_revision
from tests.factories.people import token_headers
from tests.factories.reviews import FINDINGS, SUMMARY, issue_review, start_review
from tests.pages import text_of

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
HEADINGS = {"legality": "（合法性）", "clarity": "（明确性）", "operability": "（可操作性）"}


@pytest.fixture()
def opinion(session: orm.Session) -> Review:
    """advisor01's opinion (修改后签订, three findings) on contract 1, committed."""
    found = current_contract(session)
    start_review(session, found)
    review = issue_review(session, found)
    session.commit()
    return review


def letter(response: Any) -> Any:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == DOCX
    return docx.Document(io.BytesIO(response.data))


def letter_text(document: Any) -> str:
    return "\n".join(p.text for p in document.paragraphs)


def sha256_of(session: orm.Session, review: Review) -> str:
    version = session.get(ContractVersion, review.version_id)
    assert version is not None
    return version.sha256


def attachment_name(response: Any) -> str:
    found = re.search(r"filename\*=UTF-8''([^;]+)", response.headers["Content-Disposition"])
    assert found is not None, response.headers["Content-Disposition"]
    return unquote(found.group(1))


# --- the Word document ------------------------------------------------------------------


def test_the_letter_says_who_what_and_which_file(
    school1: FlaskClient, opinion: Review, session: orm.Session
) -> None:
    text = letter_text(letter(school1.get("/contracts/1/opinion.docx")))
    assert text.startswith("法律意见书\n")
    assert re.fullmatch(r"\d{4}-\d{5}", opinion.number or "")
    assert f"编号：{opinion.number}" in text
    assert "致：乌苏市第一中学" in text
    assert "新疆天山律师事务所律师张伟（执业证号：16542200910000001）" in text
    assert "合同名称：食堂食材采购合同" in text
    assert "合同相对方：乌苏市丰收食品有限公司" in text
    assert "合同金额：人民币壹万贰仟元整（¥12,000.00）" in text
    assert "合同期限：2026年3月1日至2026年12月31日" in text
    sha = sha256_of(session, opinion)
    assert re.fullmatch(r"[0-9a-f]{64}", sha)
    assert f"合同文本第1版：合同.pdf（SHA-256：{sha}）" in text
    assert "声明与保留" in text


def test_the_letter_has_every_finding_grouped_by_dimension(
    school1: FlaskClient, opinion: Review
) -> None:
    text = letter_text(letter(school1.get("/contracts/1/opinion.docx")))
    for finding in FINDINGS:
        assert f"【{finding.clause}】{finding.problem}" in text
        assert f"修改建议：{finding.suggestion}" in text
        assert f"法律依据：{finding.legal_basis}" in text
    # Legality, clarity, operability, each heading before its own finding, whatever
    # order the advisor wrote them in (clarity came first).
    legality, clarity, operability = (
        next(f for f in FINDINGS if f.dimension == d)
        for d in ("legality", "clarity", "operability")
    )
    places = [
        text.index(HEADINGS["legality"]),
        text.index(legality.problem),
        text.index(HEADINGS["clarity"]),
        text.index(clarity.problem),
        text.index(HEADINGS["operability"]),
        text.index(operability.problem),
    ]
    assert places == sorted(places)
    assert "1. 【第三条】" in text and "2. 【第一条】" in text and "3. 【第四条】" in text
    assert "（风险等级：高）" in text and "（风险等级：中）" in text and "（风险等级：低）" in text


def test_the_letter_ends_with_the_conclusion_and_the_date(
    school1: FlaskClient, opinion: Review
) -> None:
    text = letter_text(letter(school1.get("/contracts/1/opinion.docx")))
    assert "审查结论：修改后签订。" in text
    assert SUMMARY in text
    # Issued at 02:00 UTC on 4 March 2026: 10:00 that day in Beijing.
    assert text.rstrip().endswith("新疆天山律师事务所\n律师：张伟\n2026年3月4日")
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日", text)


def test_every_run_has_an_east_asian_font(school1: FlaskClient, opinion: Review) -> None:
    document = letter(school1.get("/contracts/1/opinion.docx"))
    runs = [run for p in document.paragraphs for run in p.runs]
    assert len(runs) > 20
    for run in runs:
        fonts = run._element.rPr.rFonts
        assert fonts is not None, run.text
        assert fonts.get(qn("w:eastAsia")), run.text
    title = document.paragraphs[0].runs[0]
    assert title.text == "法律意见书"
    assert title._element.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    assert title.font.size == Pt(22)  # 2号
    heading = next(r for r in runs if r.text == "一、审查事项")
    assert heading._element.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"
    body = next(r for r in runs if r.text.startswith("致："))
    assert body._element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert body.font.size == Pt(16)  # 3号
    normal = document.styles["Normal"].element.rPr.rFonts
    assert normal.get(qn("w:eastAsia")) == "仿宋_GB2312"


def test_the_file_name_is_chinese(school1: FlaskClient, opinion: Review) -> None:
    response = school1.get("/contracts/1/opinion.docx")
    name = attachment_name(response)
    assert name == f"法律意见书-食堂食材采购合同-{opinion.number}.docx"
    assert response.headers["Content-Disposition"].startswith("attachment;")


def test_the_api_gives_the_same_letter(
    client: FlaskClient, school1: FlaskClient, opinion: Review, session: orm.Session
) -> None:
    response = client.get(
        "/api/v1/contracts/1/opinion.docx", headers=token_headers(session, "school01@demo.local")
    )
    page = school1.get("/contracts/1/opinion.docx")
    assert letter_text(letter(response)) == letter_text(letter(page))
    assert attachment_name(response) == attachment_name(page)


@pytest.mark.parametrize(
    ("email", "status"),
    [
        ("school01@demo.local", 200),
        ("advisor01@demo.local", 200),
        ("bureau@demo.local", 200),
        ("school02@demo.local", 404),
        ("advisor02@demo.local", 404),
    ],
)
def test_who_may_read_the_letter(app: Flask, opinion: Review, email: str, status: int) -> None:
    client = login(app.test_client(), email)
    assert client.get("/contracts/1/opinion.docx").status_code == status
    assert client.get("/contracts/1/opinion.pdf").status_code == status
    assert client.get("/contracts/1/opinion").status_code == status


def test_an_earlier_opinion_stays_available(
    app: Flask, school1: FlaskClient, opinion: Review, session: orm.Session
) -> None:
    found = current_contract(session)
    submit_revision(app, session, found)
    start_review(session, found)
    second = issue_review(session, found, "approve", findings=[])
    session.commit()
    latest = letter_text(letter(school1.get("/contracts/1/opinion.docx")))
    assert f"编号：{second.number}" in latest
    assert sha256_of(session, second) in latest
    assert "审查结论：同意签订。" in latest
    assert "经审查，未发现需要修改的问题。" in latest
    earlier = letter_text(letter(school1.get(f"/contracts/1/opinion.docx?review={opinion.id}")))
    assert f"编号：{opinion.number}" in earlier
    assert sha256_of(session, opinion) in earlier
    assert sha256_of(session, opinion) != sha256_of(session, second)


# --- the printable page -----------------------------------------------------------------


def test_the_printable_page_shows_the_same_letter(
    school1: FlaskClient, opinion: Review, session: orm.Session
) -> None:
    response = school1.get("/contracts/1/opinion")
    assert response.status_code == 200
    page = text_of(response)
    for text in (
        "法律意见书",
        f"编号：{opinion.number}",
        "致：乌苏市第一中学",
        "新疆天山律师事务所律师张伟（执业证号：16542200910000001）",
        "合同名称：食堂食材采购合同",
        sha256_of(session, opinion),
        "修改后签订",
        SUMMARY,
        "2026年3月4日",
    ):
        assert text in page, text
    for finding in FINDINGS:
        assert f"【{finding.clause}】{finding.problem}" in page
        assert f"修改建议：{finding.suggestion}" in page
        assert f"法律依据：{finding.legal_basis}" in page
    assert page.index("合法性") < page.index("明确性") < page.index("可操作性")
    assert f'href="/contracts/1/opinion.docx?review={opinion.id}"' in page
    assert f'href="/contracts/1/opinion.pdf?review={opinion.id}"' in page


def test_the_printable_page_has_the_declarations(school1: FlaskClient, opinion: Review) -> None:
    # The issue lists declarations among what the letter holds "as a Word document and
    # as a printable page".
    page = text_of(school1.get("/contracts/1/opinion"))
    assert "声明与保留" in page
    assert "本意见书仅依据委托方提供的合同文本及材料出具" in page


# --- no opinion yet ---------------------------------------------------------------------


def test_no_letter_before_an_opinion(
    client: FlaskClient, school1: FlaskClient, session: orm.Session
) -> None:
    headers = token_headers(session, "school01@demo.local")
    assert school1.get("/contracts/1/opinion.docx").status_code == 404
    assert school1.get("/contracts/1/opinion.pdf").status_code == 404
    assert school1.get("/contracts/1/opinion").status_code == 404
    missing = client.get("/api/v1/contracts/1/opinion.docx", headers=headers)
    assert missing.status_code == 404
    assert missing.json["error"]["code"] == "not_found"

    # A return is not an opinion either.
    found = current_contract(session)
    start_review(session, found)
    issue_review(session, found, "return", findings=FINDINGS[:1])
    session.commit()
    assert school1.get("/contracts/1/opinion.docx").status_code == 404
    assert school1.get("/contracts/1/opinion.pdf").status_code == 404
    assert school1.get("/contracts/1/opinion").status_code == 404
    assert client.get("/api/v1/contracts/1/opinion.docx", headers=headers).status_code == 404
