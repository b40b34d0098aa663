"""The legal opinion letter (法律意见书) as a Word document, built with python-docx from
the letter's paragraphs (letter.py), set as GB/T 9704 sets official documents.

A4 with the standard's margins (top 37 mm, bottom 35 mm, left 28 mm, right 26 mm); the
title in 方正小标宋简体 2号 (22 pt), headings in 黑体 and 楷体, the body in 仿宋_GB2312
3号 (16 pt) on a fixed 29 pt line (22 lines of 28 characters a page), its first line
indented two characters. Word and WPS substitute a face that is not installed.

Chinese text needs the East Asian font set on every run (w:eastAsia), or Word and WPS
fall back to a Latin font and show boxes or the wrong face.
"""

from __future__ import annotations

import io

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph as DocxParagraph
from docx.text.run import Run

from advisor.reviews.letter import Letter, Style

PAGE_WIDTH_MM = 210
PAGE_HEIGHT_MM = 297
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}

TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体"
BODY_FONT = "仿宋_GB2312"
LATIN_FONT = "Times New Roman"
BODY_SIZE = 16  # 3号
TITLE_SIZE = 22  # 2号
LINE_PT = 29  # fixed line spacing: 22 lines in the 225 mm text block
INDENT_PT = 2 * BODY_SIZE  # two characters

FONTS = {
    Style.TITLE: TITLE_FONT,
    Style.HEADING: HEADING_FONT,
    Style.SUBHEADING: SUBHEADING_FONT,
}
ALIGNMENT = {
    Style.TITLE: WD_ALIGN_PARAGRAPH.CENTER,
    Style.NUMBER: WD_ALIGN_PARAGRAPH.CENTER,
    Style.SIGNATURE: WD_ALIGN_PARAGRAPH.RIGHT,
}


def _font(run: Run, name: str, size: float) -> None:
    run.font.name = LATIN_FONT
    run.font.size = Pt(size)
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), name)


def _set_page(document: docx.document.Document) -> None:
    for section in document.sections:
        section.page_width = Mm(PAGE_WIDTH_MM)
        section.page_height = Mm(PAGE_HEIGHT_MM)
        section.top_margin = Mm(MARGINS_MM["top"])
        section.bottom_margin = Mm(MARGINS_MM["bottom"])
        section.left_margin = Mm(MARGINS_MM["left"])
        section.right_margin = Mm(MARGINS_MM["right"])


def _set_paragraph(paragraph: DocxParagraph, style: Style) -> None:
    layout = paragraph.paragraph_format
    layout.space_before = Pt(0)
    layout.space_after = Pt(0)
    if style == Style.TITLE:
        layout.space_after = Pt(LINE_PT)  # one blank line under the title block
    else:
        layout.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        layout.line_spacing = Pt(LINE_PT)
    if style in (Style.BODY, Style.HEADING, Style.SUBHEADING):
        layout.first_line_indent = Pt(INDENT_PT)
    if style in ALIGNMENT:
        paragraph.alignment = ALIGNMENT[style]


def build_letter(letter: Letter) -> bytes:
    """The opinion letter as .docx bytes."""
    document = docx.Document()
    _set_page(document)
    normal = document.styles["Normal"]
    normal.font.name = LATIN_FONT
    normal.font.size = Pt(BODY_SIZE)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)

    for item in letter.paragraphs:
        paragraph = document.add_paragraph()
        _set_paragraph(paragraph, item.style)
        size = TITLE_SIZE if item.style == Style.TITLE else BODY_SIZE
        _font(paragraph.add_run(item.text), FONTS.get(item.style, BODY_FONT), size)

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
