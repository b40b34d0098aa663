"""Real PDF and Word files made in the tests: Chinese text, several pages, tables."""

from __future__ import annotations

import io
from functools import cache

import docx
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

FONT = "STSong-Light"  # reportlab's built-in Chinese CID font: no font file needed

CONTRACT_LINES = [
    "食堂食材采购合同",
    "甲方：乌苏市第一中学  住所：乌苏市学府路1号",
    "乙方：乌苏市丰收食品有限公司",
    "第一条 标的：大米、面粉、食用油等食材，数量以每周订单为准。",
    "第二条 价款：人民币壹万贰仟元整（¥12,000.00）。",
    "第三条 违约责任：乙方逾期交货的，按日支付合同价款千分之一的违约金。",
    "第四条 争议解决：协商不成的，向甲方所在地人民法院起诉。",
    "甲方（盖章）：            乙方（盖章）：",
]


@cache
def _font() -> None:
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def make_pdf(pages: list[list[str]] | None = None) -> bytes:
    """A PDF with a real text layer, one list of lines per page."""
    _font()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    for lines in pages or [CONTRACT_LINES]:
        pdf.setFont(FONT, 11)
        y = 780
        for line in lines:
            pdf.drawString(60, y, line)
            y -= 20
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def make_scanned_pdf() -> bytes:
    """A PDF with only a drawing on it, like a scan: no text layer."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.rect(100, 500, 300, 200, fill=1)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def make_docx(paragraphs: list[str] | None = None, table: list[list[str]] | None = None) -> bytes:
    """A Word document with paragraphs and, optionally, a table after them."""
    document = docx.Document()
    for text in paragraphs or CONTRACT_LINES:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# A model contract as a bureau clerk marks it up: blanks in 【】, a negotiable clause.
TEMPLATE_LINES = [
    "食堂食材采购合同",
    "甲方（采购人）：【学校名称】",
    "乙方（供应商）：【供应商名称】",
    "第一条 采购标的",
    "乙方向甲方供应大米、面粉、食用油等食材，品种和数量以甲方每周书面订单为准。",
    "第二条 合同价款（可协商）",
    "合同暂定总价为人民币【合同金额】元（大写：【合同金额大写】），按实际供货量结算。",
    "第三条 质量标准",
    "乙方供应的食材应符合食品安全国家标准，每批次附检验合格证明。",
    "第四条 违约责任",
    "乙方逾期交货的，每逾期一日按合同总价的千分之一向甲方支付违约金。",
    "第五条 争议解决",
    "因本合同引起的争议，双方协商解决；协商不成的，向甲方所在地人民法院起诉。",
    "第六条 其他",
    "本合同自双方签字盖章之日起生效，签订日期：【签订日期】。",
    "甲方（盖章）：            乙方（盖章）：",
]
