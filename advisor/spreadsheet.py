"""User text in spreadsheet cells (CSV, XLSX): written as text, never as a formula.

Every export that writes a workbook or a CSV file goes through this module, so a
school's contract title or an advisor's note that starts with ``=HYPERLINK(...)``
opens as the text it is in Excel, WPS and LibreOffice:

- in an .xlsx file every text value is a string cell (``t="s"``), which no
  spreadsheet evaluates, and the text is kept exactly (``xlsx_row``);
- a CSV file has no cell types, so a field that a spreadsheet would read as a
  formula gets a leading ``'`` (``as_text``, ``csv_row``; ``from_text`` undoes it).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING, Any, BinaryIO

# openpyxl (0.3 s to import) is imported where a cell is made, not with this module: the
# CSV and streamed exports and the content types below do without it.
if TYPE_CHECKING:
    from openpyxl.cell import Cell
    from openpyxl.styles import Font
    from openpyxl.worksheet.worksheet import Worksheet

    BOLD: Font
    TITLE_FONT: Font

# A cell starting with one of these is a formula to Excel, LibreOffice and WPS.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# The charset once: Werkzeug adds "; charset=utf-8" to a text/* *mimetype* that has
# one already, so downloads pass this as the whole content type instead.
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@cache
def _bold() -> Font:
    from openpyxl.styles import Font

    return Font(bold=True)


@cache
def _title_font() -> Font:
    from openpyxl.styles import Font

    return Font(bold=True, size=14)


def __getattr__(name: str) -> Any:
    """``BOLD``, openpyxl's bold font, and ``TITLE_FONT``, a title's (bold, larger), made
    when first asked for (see the imports)."""
    if name == "BOLD":
        return _bold()
    if name == "TITLE_FONT":
        return _title_font()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def as_text(value: str) -> str:
    """``value`` for a cell: a leading quote keeps "=HYPERLINK(…)" from running. Text
    that already looks quoted ("'=1") gets one more, so ``from_text`` gives it back."""
    return "'" + value if value.lstrip("'").startswith(FORMULA_STARTS) else value


def from_text(value: str) -> str:
    """The inverse of ``as_text`` for a cell read back from a file we wrote."""
    if value.startswith("'") and value.lstrip("'").startswith(FORMULA_STARTS):
        return value[1:]
    return value


def csv_row(values: Iterable[Any]) -> list[Any]:
    """A row for ``csv.writer``: text through ``as_text``, numbers as they are."""
    return [as_text(v) if isinstance(v, str) else v for v in values]


def text_cell(sheet: Any, value: str, *, font: Font | None = None) -> Cell:
    """A string cell holding ``value``, never a formula whatever it starts with.

    Characters XML cannot carry (C0 controls other than tab and line breaks) become
    U+FFFD, so stored text can never make an export fail half-way.
    """
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("\ufffd", value))
    cell.data_type = "s"
    if font is not None:
        cell.font = font
    return cell


def xlsx_row(sheet: Any, values: Iterable[Any], *, font: Font | None = None) -> list[Any]:
    """A row for ``sheet.append`` (normal or write-only sheet): every text value a
    string cell; numbers, decimals, dates and blanks as they are (bold if ``font``)."""
    from openpyxl.cell import WriteOnlyCell

    row: list[Any] = []
    for value in values:
        if isinstance(value, str):
            row.append(text_cell(sheet, value, font=font))
        elif font is not None and value is not None:
            cell = WriteOnlyCell(sheet, value=value)
            cell.font = font
            row.append(cell)
        else:
            row.append(value)
    return row


def append(sheet: Worksheet, values: Iterable[Any], *, font: Font | None = None) -> None:
    """Append one row to ``sheet`` through ``xlsx_row``."""
    sheet.append(xlsx_row(sheet, values, font=font))


# --- the title row every export opens with (issue 20, item 9) ------------------------


def title(bureau: str, subject: str, made_at: datetime) -> str:
    """The title row of an export the bureau files as it is: the bureau, what the file
    holds (with its period) and ``made_at`` (the bureau's local time, passed in), e.g.
    "乌苏市教科局 法律顾问工作台账（2025年1月1日至2025年12月31日）　制表时间：2026年1月5日
    09:30". Without a bureau name the row starts with the subject."""
    name = f"{bureau.strip()} " if bureau.strip() else ""
    made = f"{made_at.year}年{made_at.month}月{made_at.day}日 {made_at:%H:%M}"
    return f"{name}{subject}　制表时间：{made}"


def head(sheet: Worksheet, title: str, headers: Sequence[str]) -> None:
    """Start an empty ``sheet`` (not write-only) with ``title`` in a bold row merged across
    the ``headers``' columns and the bold header row below it, both frozen: the data
    rows appended next start on row 3."""
    append(sheet, [title], font=_title_font())
    if len(headers) > 1:
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    append(sheet, headers, font=_bold())
    sheet.freeze_panes = "A3"


# --- large workbooks, streamed -------------------------------------------------------
#
# openpyxl keeps every string of a workbook in memory and writes the sheet through its
# own XML layer: 340 s and a 2.2 GB temporary file for the ledger's 2,000,000 rows. The
# writer below streams a minimal SpreadsheetML package instead: the sheet's XML is made
# row by row as text and deflated straight into its zip entry, each text value an inline
# string (t="inlineStr"), which, like openpyxl's shared strings, no spreadsheet
# evaluates. The guarantees above hold: text is kept exactly, characters XML cannot
# carry become U+FFFD, and a value is never a formula.

# Rows a sheet holds in Excel, WPS and LibreOffice; the rest continues on another sheet
# ("工作台账 (2)", ...) under the same header.
SHEET_MAX_ROWS = 1_048_576
# Deflate level: 1 compresses the repetitive sheet XML almost as well as 6, 4x faster.
XLSX_COMPRESSION = 1
_MARKUP = re.compile(r"[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f]")
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"}
_TEXT = '<c t="inlineStr"{style}><is><t xml:space="preserve">{}</t></is></c>'
_NUMBER = "<c{style}><v>{}</v></c>"
_PACKAGE_PARTS = {
    "[Content_Types].xml": (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package'
        '.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats'
        '-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats'
        '-officedocument.spreadsheetml.styles+xml"/>{sheets}</Types>'
    ),
    "_rels/.rels": (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006'
        '/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
        ' xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        "<sheets>{sheets}</sheets></workbook>"
    ),
    "xl/_rels/workbook.xml.rels": (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '{sheets}<Relationship Id="rIdStyles" Type="http://schemas.openxmlformats.org'
        '/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>'
    ),
}
_SHEET_TYPE = (
    '<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/vnd'
    '.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
)
_SHEET_ENTRY = '<sheet name="{name}" sheetId="{n}" r:id="rIdSheet{n}"/>'
_SHEET_RELATION = (
    '<Relationship Id="rIdSheet{n}" Type="http://schemas.openxmlformats.org/officeDocument'
    '/2006/relationships/worksheet" Target="worksheets/sheet{n}.xml"/>'
)
# Fonts: 0 plain, 1 bold (the header), 2 bold and larger (the title). Cell styles: 0
# plain, 1 the header, 2 the title, then one per number format a column asks for, whose
# codes are numbered from 164, the first id a workbook may define.
_STYLES = (
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    "{formats}"
    '<fonts count="3"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="14"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border>'
    '</borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0"'
    ' borderId="0"/></cellStyleXfs><cellXfs count="{count}"><xf numFmtId="0" fontId="0"'
    ' fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0"'
    ' borderId="0" xfId="0" applyFont="1"/><xf numFmtId="0" fontId="2" fillId="0"'
    ' borderId="0" xfId="0" applyFont="1"/>{styles}</cellXfs><cellStyles count="1">'
    '<cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
)
_FORMAT_STYLE = (
    '<xf numFmtId="{id}" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
)
_FIRST_FORMAT_ID, _FIRST_FORMAT_STYLE = 164, 3
# The rows above the data frozen, as openpyxl's freeze_panes = "A2" (or "A3") writes it.
_SHEET_START = (
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<sheetViews><sheetView workbookViewId="0"><pane ySplit="{frozen}" topLeftCell="A{first}"'
    ' activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft"/></sheetView>'
    "</sheetViews><cols>{cols}</cols><sheetData>"
)
_SHEET_END = "</sheetData>{merge}</worksheet>"
# Excel's day 0: a date is the days since, a time of day the fraction of a day.
_EPOCH = date(1899, 12, 30).toordinal()


def _xml_text(value: str) -> str:
    """``value`` as XML character data: markup escaped, a carriage return kept (a parser
    would read a bare one as a line feed), what XML cannot carry replaced by U+FFFD."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    return _MARKUP.sub(lambda m: _ENTITIES[m[0]], value)


def _cells(values: Sequence[Any], styles: Sequence[str] = ()) -> str:
    """One row's cells, each with its column's style attribute from ``styles`` (none
    beyond them): text an inline string, numbers as numbers, a date or a naive datetime
    as Excel's serial number, None and "" blank (openpyxl writes an empty string as a
    blank cell too)."""
    if len(styles) < len(values):
        styles = [*styles, *[""] * (len(values) - len(styles))]
    out = []
    texts = []
    for value, style in zip(values, styles, strict=False):
        kind = type(value)
        if kind is str:
            if value:
                out.append(_TEXT.format(value, style=style))
                texts.append(value)
            else:
                out.append("<c/>")
        elif value is None:
            out.append("<c/>")
        elif kind is int or kind is float or kind is Decimal:
            out.append(_NUMBER.format(value, style=style))
        elif kind is date:
            out.append(_NUMBER.format(value.toordinal() - _EPOCH, style=style))
        elif kind is bool:
            out.append(f'<c t="b"{style}><v>{int(value)}</v></c>')
        elif kind is datetime and value.tzinfo is None:
            day = value.toordinal() - _EPOCH
            seconds = value.hour * 3600 + value.minute * 60 + value.second
            fraction = (seconds + value.microsecond / 1e6) / 86400
            out.append(_NUMBER.format(day + fraction, style=style))
        else:
            raise TypeError(f"no spreadsheet cell for {kind.__name__}")
    if _MARKUP.search("".join(texts)) is None:
        return "".join(out)
    # Rare: some text needs escaping. The row again, each text escaped.
    return "".join(
        _TEXT.format(_xml_text(v), style=style) if type(v) is str and v else _cells([v], [style])
        for v, style in zip(values, styles, strict=False)
    )


def _column_name(n: int) -> str:
    """The letters of column ``n`` (1: "A", 27: "AA")."""
    name = ""
    while n:
        n, rest = divmod(n - 1, 26)
        name = chr(65 + rest) + name
    return name


def write_xlsx(
    target: BinaryIO,
    *,
    sheet_name: str,
    headers: Sequence[str],
    widths: Sequence[float],
    rows: Iterable[Sequence[Any]],
    formats: Sequence[str | None] = (),
    title: str = "",
    progress: Callable[[int], None] = lambda done: None,
    every: int = 10_000,
    max_rows: int = SHEET_MAX_ROWS,
) -> int:
    """Write ``rows`` under a bold, frozen ``headers`` row with column ``widths`` as an
    .xlsx package into ``target`` (any writable binary file; it need not seek), reading
    one row at a time: memory stays flat for any number of rows. Text values are
    inline-string cells holding the text exactly (U+FFFD for what XML cannot carry),
    ints, floats and decimals numbers, dates and naive datetimes date cells, None and ""
    blank. ``formats`` gives each column's number format (Excel's codes, such as
    ``#,##0.00``; None: general); a date column needs one to show as a date. A
    ``title`` goes above the header in a bold row merged across the columns, frozen with
    it. Rows beyond a sheet's ``max_rows`` continue on "<sheet_name> (2)" and so on,
    each under the title and header. ``progress(rows written)`` is called every
    ``every`` rows and at the end; what it raises stops the writing. Returns the number
    of rows written (title and header not counted)."""
    cols = "".join(
        f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
        for i, w in enumerate(widths, start=1)
    )
    codes = list(dict.fromkeys(code for code in formats if code))
    styles = [f' s="{_FIRST_FORMAT_STYLE + codes.index(code)}"' if code else "" for code in formats]
    header = "<row>" + _cells(headers, [' s="1"'] * len(headers)) + "</row>"
    merge = ""
    if title:
        header = "<row>" + _cells([title], [' s="2"']) + "</row>" + header
        if len(headers) > 1:
            last = _column_name(len(headers))
            merge = f'<mergeCells count="1"><mergeCell ref="A1:{last}1"/></mergeCells>'
    above = 2 if title else 1
    start = _SHEET_START.format(cols=cols, frozen=above, first=above + 1)
    names: list[str] = []
    done = 0
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=XLSX_COMPRESSION) as z:
        source = iter(rows)
        pending = next(source, None)
        while True:
            names.append(sheet_name if not names else f"{sheet_name} ({len(names) + 1})")
            entry = f"xl/worksheets/sheet{len(names)}.xml"
            with z.open(entry, "w", force_zip64=True) as sheet:
                sheet.write((start + header).encode())
                chunk: list[str] = []
                room = max_rows - above
                while pending is not None and room:
                    chunk.append("<row>" + _cells(pending, styles) + "</row>")
                    room -= 1
                    done += 1
                    if done % every == 0:
                        sheet.write("".join(chunk).encode())
                        chunk.clear()
                        progress(done)
                    pending = next(source, None)
                sheet.write(("".join(chunk) + _SHEET_END.format(merge=merge)).encode())
            if pending is None:
                break
        numbered = list(enumerate(names, start=1))
        parts = {
            "[Content_Types].xml": "".join(_SHEET_TYPE.format(n=n) for n, _ in numbered),
            "xl/workbook.xml": "".join(
                _SHEET_ENTRY.format(n=n, name=_xml_text(name).replace('"', "&quot;"))
                for n, name in numbered
            ),
            "xl/_rels/workbook.xml.rels": "".join(_SHEET_RELATION.format(n=n) for n, _ in numbered),
        }
        for name, template in _PACKAGE_PARTS.items():
            body = template.format(sheets=parts.get(name, ""))
            z.writestr(name, '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + body)
        z.writestr(
            "xl/styles.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + _styles(codes),
        )
    progress(done)
    return done


def _styles(codes: Sequence[str]) -> str:
    """The styles part: the fixed styles, then one per number format code."""
    quoted = [_xml_text(code).replace('"', "&quot;") for code in codes]
    formats = "".join(
        f'<numFmt numFmtId="{_FIRST_FORMAT_ID + i}" formatCode="{code}"/>'
        for i, code in enumerate(quoted)
    )
    return _STYLES.format(
        formats=f'<numFmts count="{len(codes)}">{formats}</numFmts>' if codes else "",
        count=_FIRST_FORMAT_STYLE + len(codes),
        styles="".join(_FORMAT_STYLE.format(id=_FIRST_FORMAT_ID + i) for i in range(len(codes))),
    )
