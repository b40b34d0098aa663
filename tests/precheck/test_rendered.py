"""End to end on real files: the corpus contracts marked ``render`` are written as Word and
PDF documents, read back by the extraction worker, and pre-checked; each must give the
hits its label expects, as the plain text does."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from advisor.contracts.extraction import Limits, inspect_isolated
from advisor.precheck import engine
from advisor.precheck.report import corpus_files
from tests.documents import make_docx, make_pdf

LINES_PER_PAGE = 36
CHARS_PER_LINE = 38  # what fits across an A4 page at 11 pt; longer lines are wrapped


def rendered() -> list[tuple[Path, dict[str, object]]]:
    chosen = []
    for path in corpus_files():
        label = json.loads(path.with_suffix(".json").read_text("utf-8"))
        if label.get("render"):
            chosen.append((path, label))
    return chosen


def wrapped(text: str) -> list[str]:
    lines = []
    for line in text.splitlines():
        while len(line) > CHARS_PER_LINE:
            lines.append(line[:CHARS_PER_LINE])
            line = line[CHARS_PER_LINE:]
        lines.append(line)
    return lines


def hits_of(data: bytes, label: dict[str, object]) -> set[str]:
    extracted = inspect_isolated(data, Limits())
    amount = label.get("submitted_amount")
    found = engine.run(
        extracted.pages,
        contract_type=str(label["contract_type"]),
        amount=Decimal(str(amount)) if amount else None,
    )
    return {hit.rule for hit in found}


CASES = rendered()


def test_enough_contracts_are_rendered() -> None:
    assert len(CASES) >= 10


@pytest.mark.parametrize(("path", "label"), CASES, ids=[p.name for p, _ in CASES])
def test_word_and_pdf_give_the_labelled_hits(path: Path, label: dict[str, object]) -> None:
    text = path.read_text("utf-8")
    expected = set(label["expect"])  # type: ignore[call-overload]
    if "docx" in label["render"]:  # type: ignore[operator]
        assert hits_of(make_docx(text.splitlines()), label) == expected
    if "pdf" in label["render"]:  # type: ignore[operator]
        lines = wrapped(text)
        pages = [lines[i : i + LINES_PER_PAGE] for i in range(0, len(lines), LINES_PER_PAGE)]
        assert hits_of(make_pdf(pages), label) == expected


def test_a_line_wrapped_by_the_pdf_is_read_as_one() -> None:
    # A PDF breaks running text where the line is full, even inside an amount.
    page = "\n".join(
        [
            "房屋押金",
            "乙方应于本合同签订之日起5日内向甲方交纳房屋押金人民币壹万贰仟元整（¥12,",
            "000.00），租赁期满后乙方结清水电费用并腾退房屋的，甲方于____日内退还。",
            "第六条 其他",
        ]
    )
    found = engine.run([page], contract_type="lease", amount=Decimal("12000.00"))
    rules = {hit.rule for hit in found}
    assert "amount_mismatch" not in rules and "amount_differs_from_submission" not in rules
    (blank,) = [hit for hit in found if hit.rule == "blank_field"]
    assert blank.start is not None and page[blank.start : blank.end] == blank.excerpt
    assert "____" in blank.excerpt
