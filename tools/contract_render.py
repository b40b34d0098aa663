"""Contracts of the second pre-check corpus, written in its small markup, as Word and PDF.

    render_docx(source) -> bytes    python-docx
    render_pdf(source) -> bytes     reportlab platypus, built-in CID font STSong-Light

The markup is described in tests/fixtures/contract_corpus/README.md ("Source markup"):
one paragraph a line, except lines starting with ``@`` (header, number, title, heading,
center, table … end, signature … end, pagebreak, annex). Both renderers are
deterministic: the same source gives the same bytes (fixed dates and ids in the PDF,
fixed core properties and zip timestamps in the Word file). Page numbers (第 X 页 共 Y 页)
are fields in Word and drawn once the page count is known in the PDF.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle

# --- the markup ---------------------------------------------------------------------

SIMPLE = ("header", "number", "title", "heading", "center", "annex")
BLOCKS = ("table", "signature")


@dataclass(frozen=True, slots=True)
class Block:
    """One element of the document: ``kind`` is "paragraph", one of SIMPLE, one of
    BLOCKS (with ``rows``), or "pagebreak"."""

    kind: str
    text: str = ""
    rows: tuple[tuple[str, ...], ...] = ()


@dataclass(slots=True)
class Document:
    headers: list[str] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)


def cells(line: str) -> tuple[str, ...]:
    """The cells of a table line: separated by ``|``, outer bars optional."""
    text = line.strip()
    if text.startswith("|"):
        text = text[1:]
    if text.endswith("|"):
        text = text[:-1]
    return tuple(cell.strip() for cell in text.split("|"))


def parse(source: str) -> Document:
    """The markup as blocks; ValueError names the line of anything it does not know."""
    document = Document()
    block: str | None = None
    block_line = 0
    rows: list[tuple[str, ...]] = []
    for number, line in enumerate(source.splitlines(), start=1):
        if block is not None:
            if line.strip() == "@end":
                if not rows:
                    raise ValueError(f"line {block_line}: @{block} without any row")
                document.blocks.append(Block(block, rows=tuple(rows)))
                block, rows = None, []
            elif line.startswith("@"):
                raise ValueError(f"line {number}: {line.split()[0]} inside @{block} (no @end)")
            elif line.strip():
                rows.append(cells(line))
            continue
        if not line.startswith("@"):
            document.blocks.append(Block("paragraph", line))
            continue
        word, _, rest = line[1:].partition(" ")
        word, text = word.strip(), rest.strip()
        if word in SIMPLE and text:
            if word == "header":
                document.headers.append(text)
            else:
                document.blocks.append(Block(word, text))
        elif word in BLOCKS and not text:
            block, block_line = word, number
        elif word == "pagebreak" and not text:
            document.blocks.append(Block("pagebreak"))
        else:
            raise ValueError(f"line {number}: unknown markup line @{word}")
    if block is not None:
        raise ValueError(f"line {block_line}: @{block} without @end")
    return document


def width(rows: tuple[tuple[str, ...], ...]) -> int:
    return max(len(row) for row in rows)


# --- Word -----------------------------------------------------------------------------

FIXED_TIME = datetime(2026, 1, 1)
ZIP_TIME = (2026, 1, 1, 0, 0, 0)
EAST_ASIAN_FONT = "宋体"


def _set_east_asian_font(style: Any) -> None:
    r_pr = style.element.get_or_add_rPr()
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = r_pr.makeelement(qn("w:rFonts"), {})
        r_pr.append(fonts)
    fonts.set(qn("w:eastAsia"), EAST_ASIAN_FONT)


def _field(paragraph: Any, instruction: str) -> None:
    """A complex field (PAGE, NUMPAGES) showing 1 until Word updates it."""

    def fld_char(kind: str) -> Any:
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        return element

    paragraph.add_run()._r.append(fld_char("begin"))
    code = OxmlElement("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = f" {instruction} "
    paragraph.add_run()._r.append(code)
    paragraph.add_run()._r.append(fld_char("separate"))
    paragraph.add_run("1")
    paragraph.add_run()._r.append(fld_char("end"))


def _borders(table: Any, value: str) -> None:
    """All borders of a table single lines ("single") or none ("nil")."""
    properties = table._tbl.tblPr
    for old in properties.findall(qn("w:tblBorders")):
        properties.remove(old)
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), value)
        if value != "nil":
            element.set(qn("w:sz"), "4")
            element.set(qn("w:space"), "0")
            element.set(qn("w:color"), "000000")
        borders.append(element)
    properties.append(borders)


def _docx_table(document: Any, block: Block) -> None:
    columns = width(block.rows)
    table = document.add_table(rows=len(block.rows), cols=columns)
    _borders(table, "single" if block.kind == "table" else "nil")
    for r, row in enumerate(block.rows):
        for c in range(columns):
            paragraph = table.cell(r, c).paragraphs[0]
            run = paragraph.add_run(row[c] if c < len(row) else "")
            if block.kind == "table" and r == 0:
                run.bold = True


def _stable_zip(data: bytes) -> bytes:
    """The package again with fixed timestamps and a fixed member order."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, source.read(name))
    return out.getvalue()


def render_docx(source: str) -> bytes:
    """The contract as a Word document (header, page-number footer, tables)."""
    parsed = parse(source)
    document = docx.Document()
    normal = document.styles["Normal"]
    normal.font.size = Pt(10.5)
    _set_east_asian_font(normal)
    core = document.core_properties
    core.author = core.last_modified_by = "contract corpus"
    core.created = core.modified = core.last_printed = FIXED_TIME
    core.revision = 1
    section = document.sections[0]
    header = section.header.paragraphs[0]
    header.text = "  ".join(parsed.headers)
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("第 ")
    _field(footer, "PAGE")
    footer.add_run(" 页 共 ")
    _field(footer, "NUMPAGES")
    footer.add_run(" 页")
    for block in parsed.blocks:
        if block.kind in BLOCKS:
            _docx_table(document, block)
        elif block.kind == "pagebreak":
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        elif block.kind == "paragraph":
            document.add_paragraph(block.text)
        else:
            paragraph = document.add_paragraph()
            run = paragraph.add_run(block.text)
            if block.kind in ("title", "heading", "annex"):
                run.bold = True
            if block.kind == "title":
                run.font.size = Pt(16)
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            elif block.kind == "center":
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            elif block.kind == "number":
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            elif block.kind == "annex":
                paragraph.paragraph_format.page_break_before = True
    buffer = io.BytesIO()
    document.save(buffer)
    return _stable_zip(buffer.getvalue())


# --- PDF ------------------------------------------------------------------------------

FONT = "STSong-Light"  # reportlab's built-in Chinese CID font: no font file
BODY_SIZE = 10.5
MARGIN = 72.0  # points: 2.54 cm


@cache
def _register_font() -> None:
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))


@cache
def _styles() -> dict[str, Any]:
    base = ParagraphStyle(
        "body",
        fontName=FONT,
        fontSize=BODY_SIZE,
        leading=BODY_SIZE * 1.6,
        alignment=TA_LEFT,
        wordWrap="CJK",
        spaceAfter=2,
    )

    def derived(name: str, **changes: Any) -> ParagraphStyle:
        return ParagraphStyle(name, parent=base, **changes)

    return {
        "paragraph": base,
        "title": derived("title", fontSize=16, leading=26, alignment=TA_CENTER, spaceAfter=10),
        "number": derived("number", alignment=TA_RIGHT),
        "heading": derived("heading", spaceBefore=4),
        "annex": derived("annex", fontSize=12, leading=20, spaceAfter=6),
        "center": derived("center", alignment=TA_CENTER),
        "cell": derived("cell", fontSize=9.5, leading=14, spaceAfter=0),
        "header": derived("header", fontSize=9, leading=12),
    }


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class BoldParagraph(Paragraph):
    """The CID font has no bold face: the glyphs are filled and stroked instead."""

    def draw(self) -> None:
        self.canv.addLiteral("2 Tr 0.35 w")
        super().draw()


def _paragraph(text: str, style: str, bold: bool = False) -> Paragraph:
    kind = BoldParagraph if bold else Paragraph
    return kind(_escape(text), _styles()[style])


def _column_widths(rows: tuple[tuple[str, ...], ...], available: float) -> list[float]:
    columns = width(rows)
    weights = [
        min(max(len(row[c]) if c < len(row) else 0 for row in rows), 24) + 3 for c in range(columns)
    ]
    total = sum(weights)
    return [available * w / total for w in weights]


def _pdf_table(block: Block, available: float) -> Any:
    columns = width(block.rows)
    data = [
        [
            _paragraph(row[c] if c < len(row) else "", "cell", block.kind == "table" and r == 0)
            for c in range(columns)
        ]
        for r, row in enumerate(block.rows)
    ]
    commands: list[tuple[Any, ...]] = [("VALIGN", (0, 0), (-1, -1), "TOP")]
    if block.kind == "table":
        widths = _column_widths(block.rows, available)
        commands += [
            ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
        ]
        repeat = 1
    else:
        widths = [available / columns] * columns
        commands += [("SPAN", (0, r), (-1, r)) for r, row in enumerate(block.rows) if len(row) == 1]
        commands += [("TOPPADDING", (0, 0), (-1, -1), 4), ("LEFTPADDING", (0, 0), (-1, -1), 0)]
        repeat = 0
    table = Table(data, colWidths=widths, repeatRows=repeat, hAlign="LEFT")
    table.setStyle(TableStyle(commands))
    return table


def _canvas_maker(header: str) -> Any:
    """A canvas that keeps its pages until the end, then writes the header and
    第 X 页 共 Y 页 on each, now that it knows how many there are."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            count = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                page_width, page_height = A4
                self.setFont(FONT, 9)
                if header:
                    self.drawCentredString(page_width / 2, page_height - MARGIN + 24, header)
                    self.setLineWidth(0.5)
                    y = page_height - MARGIN + 18
                    self.line(MARGIN, y, page_width - MARGIN, y)
                self.drawCentredString(page_width / 2, MARGIN - 30, f"第 {number} 页 共 {count} 页")
                super().showPage()
            super().save()

    return NumberedCanvas


def render_pdf(source: str) -> bytes:
    """The contract as an A4 PDF with a text layer (header, page numbers, tables)."""
    _register_font()
    parsed = parse(source)
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        invariant=1,
        title="",
        author="contract corpus",
        creator="tools/contract_render.py",
    )
    story: list[Any] = []
    for block in parsed.blocks:
        if block.kind in BLOCKS:
            story.append(_pdf_table(block, document.width))
        elif block.kind == "pagebreak":
            story.append(PageBreak())
        elif block.kind == "annex":
            story += [PageBreak(), _paragraph(block.text, "annex", bold=True)]
        elif block.kind == "paragraph":
            story.append(_paragraph(block.text, "paragraph"))
        else:
            bold = block.kind in ("title", "heading")
            story.append(_paragraph(block.text, block.kind, bold=bold))
    if not story:
        story.append(_paragraph("", "paragraph"))
    document.build(story, canvasmaker=_canvas_maker("  ".join(parsed.headers)))
    return buffer.getvalue()
