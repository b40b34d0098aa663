"""Reading uploads without the web: type by content, garbled-text detection and the pdfium
fallback, Chinese spacing, Word order, limits, and the isolated child's refusals."""

from __future__ import annotations

import inspect as source
import io
import re
import sys
import types
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pypdf
import pytest

from advisor.contracts import extraction
from advisor.contracts.extraction import (
    GARBLED,
    Limits,
    Refused,
    inspect,
    inspect_isolated,
    normalise,
    read_pdf,
    sniff,
    suspicious_ratio,
)
from advisor.contracts.uploads import MESSAGES, UNSUPPORTED
from tests.contracts.samples import corpus, deflated, docx_with_zeros, hand_made_pdf
from tests.documents import CONTRACT_LINES, make_docx, make_pdf

XIAO_BIAO_SONG = "关于红军作战的原则"


def refusal(call: Callable[..., object], *args: object) -> Refused:
    with pytest.raises(Refused) as caught:
        call(*args)
    return caught.value


# --- sniff --------------------------------------------------------------------------


def test_sniff_decides_by_the_bytes() -> None:
    assert sniff(make_pdf()) == "pdf"
    assert sniff(b"\xef\xbb\xbf junk before the header %PDF-1.7\n") == "pdf"
    assert sniff(make_docx()) == "docx"
    assert refusal(sniff, b"").code == "empty"
    for other in (b"%", b"<!doctype html><html>%PDF", b"PK\x05\x06", b"BMW contract"):
        assert refusal(sniff, other).code == "not_supported", other


def test_sniff_tells_a_photo_from_other_files() -> None:
    """A photographed or scanned picture of a paper contract gets its own refusal, whose
    message says to scan to PDF."""
    photos = (
        b"\xff\xd8\xff\xe0\x00\x10JFIF\x00",  # JPEG
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"GIF89a\x01\x00\x01\x00",
        b"BM\x36\x00\x0c\x00\x00\x00\x00\x00\x36\x00",  # BMP
        b"II*\x00\x08\x00\x00\x00",  # TIFF from a scanner
        b"RIFF\x24\x00\x00\x00WEBPVP8 ",
        b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00",  # an iPhone photo
        b"\x00\x00\x00\x1cftypmif1\x00\x00\x00\x00",
    )
    for photo in photos:
        assert refusal(sniff, photo + b"\x00" * 64).code == "image", photo
    assert refusal(sniff, b"\x00\x00\x00\x18ftypisom\x00\x00").code == "not_supported"


def test_sniff_looks_for_the_pdf_header_only_near_the_start() -> None:
    assert refusal(sniff, b" " * 1024 + b"%PDF-1.7").code == "not_supported"
    assert sniff(b" " * 1019 + b"%PDF-1.7") == "pdf"


# --- garbled text -------------------------------------------------------------------


def test_suspicious_ratio_tells_mojibake_from_chinese_and_english() -> None:
    mojibake = "关于红军作战的原则，第三条违约责任".encode("gbk").decode("latin-1")
    assert suspicious_ratio(mojibake) > 0.9
    assert suspicious_ratio("甲方：乌苏市第一中学\n第三条 违约责任：乙方逾期交货的。") == 0.0
    assert suspicious_ratio("The Supplier shall deliver rice, flour and oil weekly.") == 0.0
    assert suspicious_ratio("人民币壹万贰仟元整（¥12,000.00）") < GARBLED
    assert suspicious_ratio("\ue000\ue001\ufffd合同") == pytest.approx(0.6)
    assert suspicious_ratio("") == suspicious_ratio(" \n\t") == 0.0


def test_pypdf_garbles_xiaobiaosong_and_read_pdf_falls_back_to_pdfium() -> None:
    data = corpus("pdfjs-XiaoBiaoSong.pdf")
    garbled = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages)
    assert XIAO_BIAO_SONG not in garbled
    assert suspicious_ratio(garbled) > GARBLED
    found = read_pdf(data, Limits())
    assert found.extractor == "pdfium"
    text = "".join(found.pages)
    assert suspicious_ratio(text) < GARBLED
    assert XIAO_BIAO_SONG in normalise(text)  # pdfium spaces the characters; normalise joins


def test_clean_chinese_stays_with_pypdf() -> None:
    found = read_pdf(make_pdf(), Limits())
    assert found.extractor == "pypdf"
    assert "乌苏市丰收食品有限公司" in found.pages[0]


# --- normalise ----------------------------------------------------------------------


def test_normalise_drops_single_spaces_between_chinese_only() -> None:
    assert normalise("合 同 条 款") == "合同条款"
    assert normalise("第三条 违约责任：乙方") == "第三条违约责任：乙方"
    assert normalise("（盖章） 乙方") == "（盖章）乙方"
    assert normalise("Party A shall pay") == "Party A shall pay"
    assert normalise("甲方 Party A 乙方") == "甲方 Party A 乙方"
    assert normalise("2026 年") == "2026 年"
    assert normalise("学校  住所") == "学校  住所"  # two spaces are layout, kept
    assert normalise("合\n同\r\n条款") == "合\n同\n条款"


# --- Word files ---------------------------------------------------------------------


def test_docx_text_has_paragraphs_then_table_rows_in_order() -> None:
    table = [["品名", "单价"], ["大米", "5.20"]]
    found = inspect(make_docx(["第一段", "第二段"], table=table), Limits())
    assert (found.media_type, found.extractor, found.page_count) == ("docx", "python-docx", 1)
    assert found.pages == ["第一段\n第二段\n品名\t单价\n大米\t5.20"]


def test_a_member_that_inflates_far_beyond_its_size_is_a_zip_bomb() -> None:
    # 50 MB is under the 100 MB total, but a ratio of about 1000:1 is refused on its own.
    found = refusal(inspect, docx_with_zeros(50), Limits())
    assert (found.code, found.params) == ("zip_bomb", {"limit": 100})
    assert inspect(docx_with_zeros(50), Limits(max_zip_ratio=2000)).media_type == "docx"


# --- limits -------------------------------------------------------------------------


def test_page_and_text_limits_name_the_limit() -> None:
    three = make_pdf([CONTRACT_LINES] * 3)
    assert inspect(three, Limits(max_pages=3)).page_count == 3
    pages = refusal(inspect, three, Limits(max_pages=2))
    assert (pages.code, pages.params) == ("too_many_pages", {"limit": 2})
    text = refusal(inspect, three, Limits(max_text_chars=100))
    assert (text.code, text.params) == ("text_too_large", {"limit": 100})
    word = refusal(inspect, make_docx(), Limits(max_text_chars=10))
    assert (word.code, word.params) == ("text_too_large", {"limit": 10})


def test_a_pdf_without_its_end_is_truncated() -> None:
    good = make_pdf()
    assert good.rstrip().endswith(b"%%EOF")
    assert refusal(inspect, good[:-10], Limits()).code == "truncated"


def test_isolated_reading_returns_normalised_pages() -> None:
    found = inspect_isolated(make_pdf(), Limits())
    assert found.extractor == "pypdf" and found.has_text
    assert "第三条违约责任" in found.pages[0]


def test_isolated_reading_refuses_at_the_memory_limit() -> None:
    # 64 MB of inflated content cannot fit in a child limited to 64 MB of address space.
    data = hand_made_pdf(deflated(b" ", 64 << 20))
    found = refusal(inspect_isolated, data, Limits(memory_mb=64))
    assert (found.code, found.params) == ("memory", {"limit": 64})


def test_isolated_reading_refuses_at_the_wall_time() -> None:
    found = refusal(inspect_isolated, make_pdf(), Limits(wall_seconds=0.0))
    assert (found.code, found.params) == ("timeout", {"limit": 0.0})


def test_a_parse_does_not_run_the_main_script_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """multiprocessing runs ``__main__``'s file again in each child it starts so that the
    child may unpickle functions defined there; under gunicorn's script that cost every
    upload about 35 ms, though the parse needs nothing of it."""
    marker = tmp_path / "ran"
    script = tmp_path / "server.py"
    script.write_text(f"open({str(marker)!r}, 'w').close()\n")
    main = types.ModuleType("__main__")
    main.__file__ = str(script)
    main.__spec__ = None
    monkeypatch.setitem(sys.modules, "__main__", main)
    found = inspect_isolated(make_pdf(), Limits())
    assert found.has_text
    assert not marker.exists()


def test_the_suspicious_characters_are_exactly_those_described() -> None:
    """Latin-1 range, CJK Extension A, private use, U+FFFD and the categories Cc, Co and
    Cs count, among the characters that are not space; every code point, in blocks."""

    def described(text: str) -> float:
        chars = [c for c in text if not c.isspace()]
        odd = [
            c
            for c in chars
            if 0x80 <= ord(c) <= 0xFF
            or 0x3400 <= ord(c) <= 0x4DBF
            or 0xE000 <= ord(c) <= 0xF8FF
            or ord(c) == 0xFFFD
            or unicodedata.category(c) in ("Cc", "Co", "Cs")
        ]
        return len(odd) / len(chars) if chars else 0.0

    for start in range(0, 0x110000, 0x1000):
        block = "".join(chr(code) for code in range(start, start + 0x1000))
        assert suspicious_ratio(block) == described(block), hex(start)


def test_cheap_refusals_need_no_child() -> None:
    assert refusal(inspect_isolated, b"", Limits(wall_seconds=0.0)).code == "empty"
    assert refusal(inspect_isolated, b"GIF89a", Limits(wall_seconds=0.0)).code == "image"
    assert refusal(inspect_isolated, b"just text", Limits(wall_seconds=0.0)).code == "not_supported"


# --- every refusal has a message ----------------------------------------------------


def test_every_refusal_code_has_a_message() -> None:
    codes = set(
        re.findall(r"""\(\s*["']refused["'],\s*["'](\w+)["']""", source.getsource(extraction))
    )
    codes |= set(re.findall(r"""Refused\(\s*["'](\w+)["']""", source.getsource(extraction)))
    assert {"empty", "truncated", "encrypted", "memory", "timeout", "zip_bomb"} <= codes
    assert codes <= set(MESSAGES)
    assert codes >= UNSUPPORTED


def test_a_pdf_table_row_stays_one_line_with_its_cells_in_columns() -> None:
    """pypdf's plain mode gives a table one cell per line, so a 数量 column no longer reads
    as a column; the layout mode keeps each row on its line, under its headings."""
    from advisor.precheck.structure import read
    from tools.contract_render import render_pdf

    source = "@title 采购合同\n@table\n品名 | 规格 | 数量 | 单价\n大米 | 25kg/袋 | 120袋 | 150.00\n@end\n"
    found = read_pdf(render_pdf(source), Limits())
    assert found.extractor == "pypdf"
    text = normalise(found.pages[0])
    assert re.search(r"大米 +25kg/袋 +120袋 +150\.00", text), text
    [table] = read(text).tables
    assert table.column("数量") == ["120袋"]
    assert text.split("\n")[1].startswith("品名")  # the common indentation is taken out
