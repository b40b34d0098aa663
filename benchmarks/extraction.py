"""Compare pypdf and pdfium text extraction on a folder of PDFs (default ../shared/corpus).

    .venv/bin/python -m benchmarks.extraction [FOLDER]

For each file: characters and CJK characters each extractor recovers, the share of
suspicious characters (mojibake), time per page, and what the upload pipeline keeps.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

from advisor.contracts.extraction import (
    Limits,
    Refused,
    _pdfium_pages,
    _pypdf_pages,
    inspect,
    suspicious_ratio,
)
from config import PROJECT_ROOT


def _cjk(text: str) -> int:
    return sum(1 for c in text if "\u4e00" <= c <= "\u9fff")


def _run(extract: Callable[[bytes, Limits], list[str]], data: bytes) -> tuple[str, int, float]:
    start = time.perf_counter()
    try:
        pages = extract(data, Limits())
    except Refused as refusal:
        return f"refused:{refusal.code}", 0, time.perf_counter() - start
    except Exception as error:  # measuring, not judging: record and go on
        return f"error:{type(error).__name__}", 0, time.perf_counter() - start
    return "".join(pages), len(pages), time.perf_counter() - start


def main(folder: Path) -> None:
    header = (
        f"{'file':48} {'pypdf chars/cjk/odd':>22} {'ms/page':>8}"
        f" {'pdfium chars/cjk/odd':>22} {'ms/page':>8}  kept"
    )
    print(header)
    totals = {"pypdf": [0, 0, 0.0, 0], "pdfium": [0, 0, 0.0, 0]}
    for path in sorted(folder.glob("*.pdf")):
        data = path.read_bytes()
        cells = []
        for name, extract in (("pypdf", _pypdf_pages), ("pdfium", _pdfium_pages)):
            text, pages, seconds = _run(extract, data)
            if text.startswith(("refused:", "error:")) and pages == 0:
                cells.append(f"{text:>22} {'':>8}")
                continue
            per_page = 1000 * seconds / max(pages, 1)
            cells.append(
                f"{len(text):>8}/{_cjk(text):>5}/{suspicious_ratio(text):>5.2f} {per_page:>8.1f}"
            )
            total = totals[name]
            total[0] += len(text)
            total[1] += _cjk(text)
            total[2] += seconds
            total[3] += pages
        try:
            kept = inspect(data, Limits()).extractor
        except Refused as refusal:
            kept = f"refused ({refusal.code})"
        print(f"{path.name[:48]:48} {cells[0]} {cells[1]}  {kept}")
    for name, (chars, cjk, seconds, pages) in totals.items():
        print(
            f"{name}: {chars} characters, {cjk} CJK, {pages} pages,"
            f" {1000 * seconds / max(pages, 1):.1f} ms per page"
        )


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else PROJECT_ROOT.parent / "shared" / "corpus")
