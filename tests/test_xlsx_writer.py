"""advisor.spreadsheet.write_xlsx, the streaming workbook writer: the same cells as
openpyxl writes from the same values (text exactly, never a formula, U+FFFD for what
XML cannot carry), the header bold and frozen, widths kept, full sheets continued on
another, progress reported, and a file that openpyxl and a zip reader accept; dates as
date cells, number formats per column, a title row above the header (issue 20, item 9)."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from advisor.spreadsheet import BOLD, write_xlsx, xlsx_row

HOSTILE = ('=HYPERLINK("http://x","y")', "+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1")
ROWS: list[tuple[Any, ...]] = [
    (1, "合同审查", "", None, 12, "a & b < c > d", "第一行\r\n第二行"),
    (2, *HOSTILE[:5], "  leading and trailing  "),
    (3, HOSTILE[5], "a\x01b\x1fc", 2.5, Decimal("12000.00"), "'=quoted", '"quotes"'),
    (4, "12000.00", "2025-03-01", 0, -7, "emoji 😀 and 𠀀", "\u3000全角空格\u3000"),
]
HEADERS = ("序号", "甲", "乙", "丙", "丁", "戊", "己")
WIDTHS = (8, 12, 24, 10, 22, 12, 40)


def openpyxl_book(rows: list[tuple[Any, ...]]) -> bytes:
    """The workbook as the ledger export wrote it before (openpyxl, write-only)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("工作台账")
    sheet.append(xlsx_row(sheet, HEADERS, font=BOLD))
    for row in rows:
        sheet.append(xlsx_row(sheet, row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def streamed_book(rows: list[tuple[Any, ...]], **options: Any) -> bytes:
    out = io.BytesIO()
    write_xlsx(out, sheet_name="工作台账", headers=HEADERS, widths=WIDTHS, rows=rows, **options)
    return out.getvalue()


def cells(data: bytes) -> dict[str, list[list[tuple[Any, str | None]]]]:
    """Each sheet's values with their cell types (None for a blank cell)."""
    book = load_workbook(io.BytesIO(data))
    return {
        sheet.title: [
            [(c.value, None if c.value is None else c.data_type) for c in row]
            for row in sheet.iter_rows()
        ]
        for sheet in book.worksheets
    }


def test_the_cells_are_the_ones_openpyxl_writes_from_the_same_values() -> None:
    ours, theirs = cells(streamed_book(ROWS)), cells(openpyxl_book(ROWS))
    assert ours == theirs
    found = ours["工作台账"]
    assert all(kind != "f" for row in found for _, kind in row)
    assert found[2][1] == ('=HYPERLINK("http://x","y")', "s")
    assert found[3][1] == ("\r=1", "s")
    assert found[3][2] == ("a\ufffdb\ufffdc", "s")
    assert found[1][6] == ("第一行\r\n第二行", "s")
    assert found[2][6] == ("  leading and trailing  ", "s")
    assert found[1][2] == found[1][3] == (None, None)  # "" is a blank, as openpyxl has it


def test_the_header_is_bold_and_frozen_and_the_widths_are_kept() -> None:
    sheet = load_workbook(io.BytesIO(streamed_book(ROWS)))["工作台账"]
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.bold and not sheet["A2"].font.bold
    assert [sheet.column_dimensions[c].width for c in "ABCDEFG"] == list(WIDTHS)


def test_rows_beyond_a_sheet_continue_on_another_under_the_header() -> None:
    rows = [(i, f"第{i}项") for i in range(1, 8)]
    found = cells(streamed_book(rows, max_rows=4))
    assert list(found) == ["工作台账", "工作台账 (2)", "工作台账 (3)"]
    assert [[r[0][0] for r in sheet] for sheet in found.values()] == [
        ["序号", 1, 2, 3],
        ["序号", 4, 5, 6],
        ["序号", 7],
    ]
    # Exactly full: no empty sheet after it.
    assert list(cells(streamed_book(rows[:6], max_rows=4))) == ["工作台账", "工作台账 (2)"]


def test_no_rows_is_a_workbook_with_the_header_alone() -> None:
    assert cells(streamed_book([])) == {"工作台账": [[(h, "s") for h in HEADERS]]}


def test_progress_is_reported_as_rows_are_written_and_can_stop_the_writing() -> None:
    seen: list[int] = []
    streamed_book([(i,) for i in range(25)], progress=seen.append, every=10)
    assert seen == [10, 20, 25]

    def stop(done: int) -> None:
        raise RuntimeError(f"stopped at {done}")

    with pytest.raises(RuntimeError, match="stopped at 10"):
        streamed_book([(i,) for i in range(25)], progress=stop, every=10)


def test_the_package_is_a_valid_zip_that_needs_no_seeking() -> None:
    class Unseekable(io.RawIOBase):
        def __init__(self) -> None:
            self.data = bytearray()

        def writable(self) -> bool:
            return True

        def write(self, b: Any) -> int:
            self.data += bytes(b)
            return len(b)

    target = Unseekable()
    write_xlsx(target, sheet_name="工作台账", headers=HEADERS, widths=WIDTHS, rows=ROWS)
    with zipfile.ZipFile(io.BytesIO(bytes(target.data))) as package:
        assert package.testzip() is None
        assert "xl/worksheets/sheet1.xml" in package.namelist()
    assert cells(bytes(target.data)) == cells(openpyxl_book(ROWS))


def test_a_value_without_a_cell_type_is_refused() -> None:
    with pytest.raises(TypeError):
        streamed_book([(object(),)])


def test_dates_are_date_cells_and_each_column_has_its_number_format() -> None:
    rows = [
        (1, date(2025, 3, 1), Decimal("12000.50"), 1320, datetime(2025, 3, 1, 18, 0), "text"),
        (2, None, None, None, None, ""),
    ]
    formats = ("0", 'yyyy"年"m"月"d"日"', "#,##0.00", "#,##0", "yyyy-mm-dd hh:mm", None)
    out = io.BytesIO()
    write_xlsx(
        out,
        sheet_name="工作台账",
        headers=HEADERS[:6],
        widths=WIDTHS[:6],
        rows=rows,
        formats=formats,
    )
    sheet = load_workbook(io.BytesIO(out.getvalue()))["工作台账"]
    first = list(sheet[2])
    assert [c.number_format for c in first] == [*formats[:5], "General"]
    assert first[1].is_date and first[1].value == datetime(2025, 3, 1)
    assert first[4].is_date and first[4].value == datetime(2025, 3, 1, 18, 0)
    assert (first[2].data_type, first[2].value) == ("n", 12000.5)
    assert (first[3].data_type, first[3].value) == ("n", 1320)
    assert first[5].data_type == "s" and not first[1].font.bold
    assert [c.value for c in sheet[3]] == [2, None, None, None, None, None]
    assert [c.value for c in sheet[1]] == list(HEADERS[:6])  # no title: the header is row 1
    with pytest.raises(TypeError):  # a time with a zone has no place in a cell
        streamed_book([(datetime(2025, 3, 1, tzinfo=UTC),)])


def test_a_title_row_above_the_header_is_merged_bold_frozen_and_text() -> None:
    title = '=HYPERLINK("http://x","y") 法律顾问工作台账 & <附表>'
    rows = [(i, f"第{i}项") for i in range(1, 6)]
    data = streamed_book(rows, title=title, max_rows=4)
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["工作台账", "工作台账 (2)", "工作台账 (3)"]
    for sheet in book.worksheets:  # every sheet under the title and the header
        assert (sheet["A1"].value, sheet["A1"].data_type) == (title, "s")
        assert sheet["A1"].font.bold and sheet["A1"].font.sz == 14
        assert [str(r) for r in sheet.merged_cells.ranges] == ["A1:G1"]
        assert sheet.freeze_panes == "A3"
        assert [c.value for c in sheet[2]] == list(HEADERS) and sheet["A2"].font.bold
    assert [[r[0] for r in s.iter_rows(min_row=3, values_only=True)] for s in book] == [
        [1, 2],
        [3, 4],
        [5],
    ]
