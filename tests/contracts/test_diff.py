"""Line comparison of two versions: insert, delete and replace blocks with 1-based lines."""

from __future__ import annotations

from advisor.contracts.diff import Change, compare

OLD = "甲方：乌苏市第一中学\n乙方：乌苏市丰收食品有限公司\n第一条 标的：大米\n第二条 价款：12000元"


def test_identical_texts_have_no_changes() -> None:
    assert compare([OLD], [OLD]) == []
    assert compare([], []) == []


def test_a_replaced_line() -> None:
    new = OLD.replace("12000元", "15000元")
    assert compare([OLD], [new]) == [
        Change("replace", 4, 4, ["第二条 价款：12000元"], ["第二条 价款：15000元"])
    ]


def test_an_inserted_line_in_the_middle() -> None:
    new = "甲方：乌苏市第一中学\n乙方：乌苏市丰收食品有限公司\n第零条 定义\n第一条 标的：大米\n第二条 价款：12000元"
    assert compare([OLD], [new]) == [Change("insert", 3, 3, [], ["第零条 定义"])]


def test_a_line_added_at_the_end() -> None:
    assert compare([OLD], [OLD + "\n第三条 违约金"]) == [
        Change("insert", 5, 5, [], ["第三条 违约金"])
    ]


def test_a_deleted_line() -> None:
    new = "甲方：乌苏市第一中学\n第一条 标的：大米\n第二条 价款：12000元"
    assert compare([OLD], [new]) == [Change("delete", 2, 2, ["乙方：乌苏市丰收食品有限公司"], [])]


def test_line_numbers_of_several_blocks() -> None:
    old = "a\nb\nc\nd\ne\nf"
    new = "a\nB\nc\nd\nf\ng"
    changes = compare([old], [new])
    assert [(c.op, c.from_line, c.to_line, c.removed, c.added) for c in changes] == [
        ("replace", 2, 2, ["b"], ["B"]),
        ("delete", 5, 5, ["e"], []),
        ("insert", 7, 6, [], ["g"]),
    ]


def test_pages_are_one_text_and_blank_lines_and_trailing_spaces_do_not_count() -> None:
    old_pages = ["第一条\n第二条", "第三条"]
    new_pages = ["第一条\n\n第二条   ", "", "第三条\n第四条"]
    assert compare(old_pages, new_pages) == [Change("insert", 4, 4, [], ["第四条"])]


def test_with_context_the_equal_blocks_are_kept() -> None:
    changes = compare(["a\nb\nc"], ["a\nx\nc"], context=True)
    assert [c.op for c in changes] == ["equal", "replace", "equal"]
    assert changes[0] == Change("equal", 1, 1, ["a"], ["a"])
    assert changes[2] == Change("equal", 3, 3, ["c"], ["c"])


def test_as_json() -> None:
    change = compare(["a"], ["b"])[0]
    assert change.as_json() == {
        "op": "replace",
        "from_line": 1,
        "to_line": 1,
        "removed": ["a"],
        "added": ["b"],
    }


def test_indentation_and_runs_of_spaces_do_not_count() -> None:
    """A version read before the PDF layout change has other spacing than one read after:
    only words that changed are changes."""
    plain = ["采购合同\n大米 25kg/袋 120袋\n"]
    laid_out = ["        采购合同\n大米     25kg/袋    120袋\n"]
    assert compare(plain, laid_out) == []
    assert compare(plain, ["采购合同\n大米 25kg/袋 150袋\n"]) != []
