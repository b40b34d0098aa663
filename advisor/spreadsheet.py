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

from collections.abc import Iterable
from typing import Any

from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

# A cell starting with one of these is a formula to Excel, LibreOffice and WPS.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# The charset once: Werkzeug adds "; charset=utf-8" to a text/* *mimetype* that has
# one already, so downloads pass this as the whole content type instead.
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

BOLD = Font(bold=True)


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
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("\ufffd", value))
    cell.data_type = "s"
    if font is not None:
        cell.font = font
    return cell


def xlsx_row(sheet: Any, values: Iterable[Any], *, font: Font | None = None) -> list[Any]:
    """A row for ``sheet.append`` (normal or write-only sheet): every text value a
    string cell; numbers, decimals, dates and blanks as they are (bold if ``font``)."""
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
