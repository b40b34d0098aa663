"""The legal opinion letter (法律意见书) as a PDF to send as it is, built with fpdf2 from
the letter's paragraphs (letter.py) on the Word document's page (opinion.py: A4, GB/T 9704
margins, 16 pt body on a 29 pt line, first lines indented two characters).

The PDF embeds a subset of a Chinese font found on the machine, so it reads the same
everywhere. The first of ``FONTS`` that is installed is used; Debian's fonts-noto-cjk
(Noto Serif CJK SC, a 宋体 face; OpenType/CFF in a .ttc, which fpdf2 embeds as FontFile3)
is what the Makefile and docs/deploy.md install. Without any of them the letter is refused
with ``FontMissing`` (503, saying which package to install), never a server error.

One face serves the whole letter: the title and headings are drawn with their outline
stroked as well as filled (as Word draws bold for a face without a bold weight), which
keeps the PDF to one embedded subset and about a second of work.
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path

from flask_babel import lazy_gettext as _l
from fontTools.ttLib import TTCollection, TTFont
from fpdf import FPDF
from fpdf.enums import Align, TextMode, WrapMode

from advisor.errors import AppError
from advisor.reviews.letter import Letter, Style
from advisor.reviews.opinion import (
    BODY_SIZE,
    INDENT_PT,
    LINE_PT,
    MARGINS_MM,
    PAGE_HEIGHT_MM,
    PAGE_WIDTH_MM,
    TITLE_SIZE,
)

log = logging.getLogger(__name__)

POINTS_PER_MM = 72 / 25.4
FONT_PACKAGE = "fonts-noto-cjk"

# (file, family inside it), in order of preference: Song (宋体) faces before Hei (黑体).
FONTS: tuple[tuple[str, str], ...] = (
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", "Noto Serif CJK SC"),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", "AR PL UMing CN"),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", "Noto Sans CJK SC"),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", "WenQuanYi Zen Hei"),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "WenQuanYi Micro Hei"),
)
FAMILY = "letter"
STROKED = {Style.TITLE, Style.HEADING}
ALIGNMENT = {
    Style.TITLE: Align.C,
    Style.NUMBER: Align.C,
    Style.SIGNATURE: Align.R,
}
INDENTED = {Style.BODY, Style.HEADING, Style.SUBHEADING}


class FontMissing(AppError):
    """No Chinese font that the PDF can embed is installed on this machine."""

    status = 503
    code = "service_unavailable"


@functools.cache
def find_font(candidates: tuple[tuple[str, str], ...] = FONTS) -> tuple[Path, int]:
    """The first installed candidate: its file and its number inside a collection.

    Raises FontMissing when none is installed. A success is kept for the life of the
    process; a failure is not, so installing the package helps without a restart.
    """
    for file_name, family in candidates:
        path = Path(file_name)
        if not path.is_file():
            continue
        number = _number_in_file(path, family)
        if number is not None:
            return path, number
    log.error("no Chinese font for the PDF letter; looked for %s", [f for f, _ in candidates])
    raise FontMissing(
        _l(
            "The PDF cannot be made: no Chinese font is installed on the server "
            "(Debian package %(package)s). The Word document is available.",
            package=FONT_PACKAGE,
        )
    )


def _number_in_file(path: Path, family: str) -> int | None:
    """Where ``family`` is in the font file (0 for a single font), or None if it is not."""
    if path.suffix.lower() in (".ttc", ".otc"):
        fonts = TTCollection(str(path), lazy=True).fonts
    else:
        fonts = [TTFont(str(path), lazy=True)]
    for number, font in enumerate(fonts):
        if family in (font["name"].getDebugName(1), font["name"].getDebugName(16)):
            return number
    return None


def build_letter_pdf(letter: Letter) -> bytes:
    """The opinion letter as PDF bytes: A4, the Chinese font embedded (a subset).

    Raises FontMissing when no Chinese font is installed.
    """
    path, number = find_font(FONTS)
    pdf = FPDF(
        orientation="portrait",
        unit="pt",
        format=(PAGE_WIDTH_MM * POINTS_PER_MM, PAGE_HEIGHT_MM * POINTS_PER_MM),
    )
    pdf.set_title(f"法律意见书 {letter.number}")
    pdf.set_lang("zh-CN")
    pdf.set_creator("Advisor")
    pdf.set_margins(
        left=MARGINS_MM["left"] * POINTS_PER_MM,
        top=MARGINS_MM["top"] * POINTS_PER_MM,
        right=MARGINS_MM["right"] * POINTS_PER_MM,
    )
    pdf.set_auto_page_break(True, margin=MARGINS_MM["bottom"] * POINTS_PER_MM)
    pdf.add_font(FAMILY, fname=path, collection_font_number=number)
    pdf.add_page()
    pdf.set_line_width(0.4)  # the stroke that makes the title and headings bold

    with pdf.text_columns(wrapmode=WrapMode.CHAR, skip_leading_spaces=True) as column:
        for item in letter.paragraphs:
            size = TITLE_SIZE if item.style == Style.TITLE else BODY_SIZE
            pdf.set_font(FAMILY, size=size)
            pdf.text_mode = TextMode.FILL_STROKE if item.style in STROKED else TextMode.FILL
            with column.paragraph(
                text_align=ALIGNMENT.get(item.style, Align.L),
                line_height=LINE_PT / size if item.style != Style.TITLE else 1.5,
                first_line_indent=INDENT_PT if item.style in INDENTED else 0,
                bottom_margin=LINE_PT if item.style == Style.TITLE else 0,
            ) as paragraph:
                paragraph.write(item.text or " ")
    return bytes(pdf.output())
