"""A returned contract compared with its model contract clause by clause: the same contract
as PDF or Word is unchanged, an edit shows as a character diff, an inserted clause does
not make the renumbered clauses look changed, and odd input does not break it."""

from __future__ import annotations

import time

import pytest

from advisor.contracts.extraction import Limits, inspect
from advisor.model_contracts.compare import (
    ClauseChange,
    Piece,
    clauses_of,
    compare,
    ordered_for_review,
)
from tests.documents import make_docx, make_pdf

HEAD = [
    "食堂食材采购合同",
    "合同编号：WS-SC-2025-017",
    "甲方（采购人）：乌苏市第一中学",
    "乙方（供应商）：乌苏市丰收食品有限公司",
    "根据《中华人民共和国民法典》《中华人民共和国食品安全法》及有关规定，甲乙双方经平等协商，"
    "就甲方食堂食材采购事宜订立本合同。",
]
CLAUSES = [
    [
        "第一条 采购标的",
        "大米、面粉、食用油、肉类、禽蛋、蔬菜等食材，具体品种、规格、数量以甲方每周书面订单为准。",
    ],
    [
        "第二条 质量标准",
        "乙方供应的食材应当符合食品安全国家标准，每批次随货提供检验检疫合格证明及供货凭证，"
        "甲方有权抽检，抽检不合格的由乙方负责退换并承担相应费用。",
    ],
    [
        "第三条 合同价款及支付",
        "（一）合同暂定总价为人民币壹拾贰万元整（¥120,000.00），按实际供货数量结算。",
        "（二）甲方于每月10日前凭乙方开具的发票支付上月货款。",
    ],
    ["第四条 交货", "乙方应于每日上午7:00前将食材送至甲方食堂，并由甲方验收人员签字确认。"],
    [
        "第五条 违约责任",
        "乙方逾期交货的，每逾期一日按当批货款的千分之一向甲方支付违约金；"
        "供应不合格食材造成食品安全事故的，乙方承担全部赔偿责任。",
    ],
    ["第六条 合同期限", "本合同自2025年9月1日起至2026年7月15日止。"],
    [
        "第七条 争议解决",
        "因本合同引起的争议，双方协商解决；协商不成的，向甲方所在地人民法院提起诉讼。",
    ],
    ["第八条 其他", "本合同一式四份，甲乙双方各执两份，自双方签字盖章之日起生效。"],
]
SIGNATURE = [
    "甲方（盖章）：            乙方（盖章）：",
    "法定代表人或授权代表（签字）：        法定代表人或授权代表（签字）：",
]
OUTLINES = [f"第{n}条" for n in "一二三四五六七八"]
HEADINGS = [
    "采购标的",
    "质量标准",
    "合同价款及支付",
    "交货",
    "违约责任",
    "合同期限",
    "争议解决",
    "其他",
]
INVOICE = ["第五条 发票", "乙方每月结算时应向甲方开具增值税普通发票，发票内容与实际供货一致。"]


def paragraphs(clauses: list[list[str]] = CLAUSES) -> list[str]:
    return [*HEAD, *(line for clause in clauses for line in clause), *SIGNATURE]


def pages_of(data: bytes) -> list[str]:
    return inspect(data, Limits()).pages


def docx_pages(clauses: list[list[str]] = CLAUSES) -> list[str]:
    return pages_of(make_docx(paragraphs(clauses)))


def drawn(paragraph: str, width: int = 38) -> list[str]:
    """A paragraph as a PDF draws it: cut into lines of ``width`` characters."""
    return [paragraph[at : at + width] for at in range(0, len(paragraph), width)]


def renumbered(clauses: list[list[str]]) -> list[list[str]]:
    """The clauses numbered again 第一条, 第二条, … in their order."""
    return [
        [f"第{'一二三四五六七八九十'[n]}条{clause[0][3:]}", *clause[1:]]
        for n, clause in enumerate(clauses)
    ]


def with_body(clauses: list[list[str]], index: int, old: str, new: str) -> list[list[str]]:
    edited = [list(clause) for clause in clauses]
    edited[index] = [line.replace(old, new) for line in edited[index]]
    assert edited != clauses
    return edited


@pytest.fixture(scope="module")
def template() -> list[str]:
    return docx_pages()


def kinds(changes: list[ClauseChange]) -> list[tuple[str, str, str]]:
    return [(c.kind, c.outline, c.heading) for c in changes]


# --- the template's parts ---------------------------------------------------------------------


def test_the_template_reads_as_head_part_clauses_and_signature(template: list[str]) -> None:
    parts = clauses_of(template)
    assert [(p.outline, p.heading) for p in parts] == [
        ("", ""),
        *zip(OUTLINES, HEADINGS, strict=True),
        ("", "签署"),
    ]
    head, third, signature = parts[0], parts[3], parts[-1]
    assert head.text.startswith("食堂食材采购合同\n合同编号：WS-SC-2025-017\n")
    assert "第一条" not in head.text
    # a clause with its sub-clauses, its lines kept and its spacing made single
    assert third.text.startswith("第三条")
    assert "（一）合同暂定总价" in third.text and "\n（二）甲方于每月10日前" in third.text
    assert signature.text.startswith("甲方（盖章）： 乙方（盖章）：\n法定代表人")


def test_a_contract_with_no_text_has_no_parts() -> None:
    assert clauses_of([]) == []
    assert clauses_of(["", "  \n "]) == []


# --- the same contract as PDF and as Word -----------------------------------------------------


def pdf_of(lines: list[str]) -> bytes:
    """Two pages with a page number at the foot of each, the first ending inside 第三条;
    long paragraphs drawn over several lines as a PDF does."""
    drawn_lines = [line for paragraph in lines for line in drawn(paragraph)]
    split_at = next(i for i, line in enumerate(drawn_lines) if line.startswith("（二）"))
    first, second = drawn_lines[:split_at], drawn_lines[split_at:]
    return make_pdf([[*first, "第 1 页 共 2 页"], [*second, "- 2 -"]])


def test_the_filled_template_as_pdf_and_as_word_is_unchanged(template: list[str]) -> None:
    quality = CLAUSES[1][1]
    assert len(drawn(quality)) == 2
    pdf = pages_of(pdf_of(paragraphs()))
    word = docx_pages()
    assert len(pdf) == 2
    # the PDF really has the wrapped lines and page numbers the comparison must see through
    first, second = drawn(quality)
    assert f"{first}\n{second}" in pdf[0]
    assert (
        "第 1 页" in pdf[0]
        and "共 2 页" in pdf[0]
        and "- 2 -" in pdf[1]
        and pdf[1].startswith("（二）")
    )
    for upload in (pdf, word):
        changes = compare(template, upload, negotiable={"第三条"})
        assert [c.kind for c in changes] == ["unchanged"] * 10, kinds(changes)
        assert [c.outline for c in changes[1:-1]] == OUTLINES
        assert all(c.pieces == () for c in changes)
    pdf_changes = compare(template, pdf, ())
    assert quality in pdf_changes[2].uploaded_text
    price = pdf_changes[3].uploaded_text
    assert "第 1 页" not in price and "- 2 -" not in price and "\n（二）甲方于每月10日前" in price


def test_half_width_punctuation_and_spacing_are_no_change(template: list[str]) -> None:
    edited = with_body(
        CLAUSES, 6, "因本合同引起的争议，双方协商解决；", "因本合同引起的争议, 双方协商解决;"
    )
    edited = with_body(edited, 2, "（一）合同暂定总价为", "(一) 合同暂定总价为 ")
    changes = compare(template, docx_pages(edited), ())
    assert {c.kind for c in changes} == {"unchanged"}, kinds(changes)
    disputes = changes[7]
    assert disputes.outline == "第七条"
    # the text shown is the upload's as read
    assert "争议, 双方协商解决;" in disputes.uploaded_text
    assert "争议，双方协商解决；" in disputes.template_text


def test_page_numbers_in_their_usual_forms_are_left_out(template: list[str]) -> None:
    text = "\n".join(paragraphs())
    middle = text.index("第五条")
    for footer, header in [("第1页/共3页", "2"), ("共 3 页 第 1 页", "Page 2 of 3"), ("3", "2/3")]:
        pages = [text[:middle] + footer + "\n", header + "\n" + text[middle:]]
        changes = compare(template, pages, ())
        assert {c.kind for c in changes} == {"unchanged"}, (footer, header, kinds(changes))


# --- edits ------------------------------------------------------------------------------------


def test_a_changed_rate_is_shown_character_by_character(template: list[str]) -> None:
    upload = docx_pages(with_body(CLAUSES, 4, "千分之一", "千分之五"))
    changes = compare(template, upload, negotiable={"第三条", "第六条"})
    assert [c.kind for c in changes] == ["unchanged"] * 5 + ["changed"] + ["unchanged"] * 4
    breach = changes[5]
    assert (breach.outline, breach.heading, breach.fixed) == ("第五条", "违约责任", True)
    assert breach.pieces == (
        Piece("equal", "违约责任\n乙方逾期交货的，每逾期一日按当批货款的千分之"),
        Piece("delete", "一"),
        Piece("insert", "五"),
        Piece(
            "equal",
            "向甲方支付违约金；供应不合格食材造成食品安全事故的，乙方承担全部赔偿责任。",
        ),
    )
    assert "千分之一" in breach.template_text and "千分之五" in breach.uploaded_text


def test_edits_in_several_places_keep_the_text_between_them(template: list[str]) -> None:
    upload = docx_pages(
        with_body(CLAUSES, 4, "每逾期一日按当批货款的千分之一", "每逾期三日按当批货款的千分之五")
    )
    breach = compare(template, upload, ())[5]
    ops = [(p.op, p.text) for p in breach.pieces]
    assert ("delete", "一") in ops and ("insert", "三") in ops
    assert ("equal", "日按当批货款的千分之") in ops
    assert ops[-2:] == [("insert", "五"), ("equal", ops[-1][1])]
    # the pieces the upload has, put together, are its clause after the number
    shown = "".join(p.text for p in breach.pieces if p.op != "delete")
    assert breach.uploaded_text == "第五条" + shown
    kept = "".join(p.text for p in breach.pieces if p.op != "insert")
    assert breach.template_text == "第五条" + kept


def test_a_rewritten_sentence_is_one_replacement_not_scattered_characters(
    template: list[str],
) -> None:
    upload = docx_pages(
        with_body(
            CLAUSES,
            6,
            "向甲方所在地人民法院提起诉讼",
            "提交乌鲁木齐仲裁委员会按其仲裁规则仲裁",
        )
    )
    disputes = compare(template, upload, ())[7]
    assert disputes.kind == "changed"
    ops = [p.op for p in disputes.pieces]
    # equal, then the change as few runs, then the final 。
    assert ops[0] == "equal" and ops[-1] == "equal" and disputes.pieces[-1].text == "。"
    assert len(disputes.pieces) <= 5, disputes.pieces


def test_an_inserted_clause_is_added_and_the_renumbered_ones_are_unchanged(
    template: list[str],
) -> None:
    upload = docx_pages(renumbered([*CLAUSES[:4], INVOICE, *CLAUSES[4:]]))
    changes = compare(template, upload, negotiable={"第四条"})
    assert kinds(changes) == [
        ("unchanged", "", ""),
        ("unchanged", "第一条", "采购标的"),
        ("unchanged", "第二条", "质量标准"),
        ("unchanged", "第三条", "合同价款及支付"),
        ("unchanged", "第四条", "交货"),
        ("added", "第五条", "发票"),
        ("unchanged", "第五条", "违约责任"),
        ("unchanged", "第六条", "合同期限"),
        ("unchanged", "第七条", "争议解决"),
        ("unchanged", "第八条", "其他"),
        ("unchanged", "", "签署"),
    ]
    added, breach = changes[5], changes[6]
    assert not added.fixed and added.template_text == "" and added.pieces == ()
    assert added.uploaded_text.startswith("第五条发票\n乙方每月结算时")
    assert breach.uploaded_text.startswith("第六条") and breach.template_text.startswith("第五条")


def test_a_rewritten_clause_is_matched_by_its_heading_whatever_its_number(
    template: list[str],
) -> None:
    arbitration = "本合同履行中发生的一切争议，均提交乌鲁木齐仲裁委员会仲裁，仲裁裁决为终局裁决。"
    edited = [*CLAUSES[:6], ["第七条 争议解决", arbitration], CLAUSES[7]]
    upload = docx_pages(renumbered([*CLAUSES[:1], INVOICE, *edited[1:]]))
    changes = compare(template, upload, ())
    disputes = changes[8]
    assert (disputes.kind, disputes.outline, disputes.heading) == ("changed", "第七条", "争议解决")
    assert disputes.uploaded_text.startswith("第八条争议解决")
    assert disputes.pieces == (
        Piece("equal", "争议解决\n"),
        Piece("delete", CLAUSES[6][1][:-1]),
        Piece("insert", arbitration[:-1]),
        Piece("equal", "。"),
    )
    assert [c.kind for c in changes].count("deleted") == 0
    assert [c.kind for c in changes].count("added") == 1


def test_clauses_are_matched_by_text_when_headings_and_numbers_change(
    template: list[str],
) -> None:
    # 第二条 deleted, so every later clause moves up; 争议解决 gets a new heading and a
    # word more, 其他 a new heading only.
    edited = [*CLAUSES[:1], *CLAUSES[2:]]
    edited = with_body(edited, 5, "争议解决", "争议的解决方式")
    edited = with_body(edited, 5, "双方协商解决", "双方友好协商解决")
    edited = with_body(edited, 6, "其他", "附则")
    changes = compare(template, docx_pages(renumbered(edited)), ())
    assert kinds(changes) == [
        ("unchanged", "", ""),
        ("unchanged", "第一条", "采购标的"),
        ("deleted", "第二条", "质量标准"),
        ("unchanged", "第三条", "合同价款及支付"),
        ("unchanged", "第四条", "交货"),
        ("unchanged", "第五条", "违约责任"),
        ("unchanged", "第六条", "合同期限"),
        ("changed", "第七条", "争议解决"),
        ("changed", "第八条", "其他"),
        ("unchanged", "", "签署"),
    ]
    deleted, disputes, other = changes[2], changes[7], changes[8]
    assert (
        deleted.uploaded_text == ""
        and deleted.fixed
        and "食品安全国家标准" in deleted.template_text
    )
    assert disputes.uploaded_text.startswith("第六条争议的解决方式")
    assert ("insert", "的") in [(p.op, p.text) for p in disputes.pieces]
    assert [(p.op, p.text) for p in other.pieces][:3] == [
        ("delete", "其他"),
        ("insert", "附则"),
        ("equal", "\n本合同一式四份，甲乙双方各执两份，自双方签字盖章之日起生效。"),
    ]


def test_a_clause_without_heading_is_matched_by_number_when_similar() -> None:
    mine = ["合同", "第一条 本合同所称食材，包括大米、面粉和食用油。", "第二条 乙方应按时供货。"]
    theirs = [
        "合同",
        "第一条 本合同所称食材，包括大米、面粉、食用油和蔬菜。",
        "第二条 乙方应按时供货。",
    ]
    changes = compare(["\n".join(mine)], ["\n".join(theirs)], ())
    assert kinds(changes) == [
        ("unchanged", "", ""),
        ("changed", "第一条", ""),
        ("unchanged", "第二条", ""),
    ]
    # a clause rewritten beyond recognition is deleted and the new one added
    theirs[1] = "第一条 乙方承诺所供商品均为正品，假一赔十。"
    changes = compare(["\n".join(mine)], ["\n".join(theirs)], ())
    assert kinds(changes) == [
        ("unchanged", "", ""),
        ("deleted", "第一条", ""),
        ("added", "第一条", ""),
        ("unchanged", "第二条", ""),
    ]


def test_a_clause_added_before_the_first_clause_comes_first() -> None:
    mine = "第一条 标的\n大米。\n第二条 价款\n一万元。"
    theirs = "第一条 定义\n本合同所称食材指大米。\n第二条 标的\n大米。\n第三条 价款\n一万元。"
    changes = compare([mine], [theirs], ())
    assert kinds(changes) == [
        ("added", "第一条", "定义"),
        ("unchanged", "第一条", "标的"),
        ("unchanged", "第二条", "价款"),
    ]


# --- fixed and negotiable, and the order of review --------------------------------------------


def test_fixed_comes_from_the_template_and_only_numbered_clauses_are_fixed(
    template: list[str],
) -> None:
    changes = compare(template, template, negotiable={"第三条", " 第六条 "})
    fixed = {c.outline: c.fixed for c in changes if c.outline}
    assert fixed == {o: o not in {"第三条", "第六条"} for o in OUTLINES}
    assert not changes[0].fixed and not changes[-1].fixed  # head part and signature


def test_review_order_puts_fixed_changes_first_then_added_then_negotiable(
    template: list[str],
) -> None:
    edited = with_body(CLAUSES, 2, "每月10日前", "每月20日前")  # negotiable
    edited = with_body(edited, 6, "甲方所在地", "乙方所在地")  # fixed
    edited = [*edited[:7], INVOICE]  # 第八条 (fixed) replaced by a new clause
    upload = docx_pages(edited)
    ordered = ordered_for_review(compare(template, upload, negotiable={"第三条"}))
    assert kinds(ordered)[:4] == [
        ("changed", "第七条", "争议解决"),
        ("deleted", "第八条", "其他"),
        ("added", "第五条", "发票"),
        ("changed", "第三条", "合同价款及支付"),
    ]
    assert {c.kind for c in ordered[4:]} == {"unchanged"}
    assert [c.outline for c in ordered[4:]] == ["", *OUTLINES[:2], *OUTLINES[3:6], ""]


def test_review_order_is_stable_within_each_group() -> None:
    def change(kind: str, outline: str, fixed: bool) -> ClauseChange:
        return ClauseChange(kind, outline, "", fixed, "", "", ())

    given = [
        change("unchanged", "第一条", True),
        change("changed", "第二条", False),
        change("deleted", "第三条", True),
        change("added", "第四条", False),
        change("changed", "第五条", True),
        change("deleted", "第六条", False),
        change("added", "第七条", False),
        change("unchanged", "第八条", False),
    ]
    assert [c.outline for c in ordered_for_review(given)] == [
        *("第三条", "第五条", "第四条", "第七条"),
        *("第二条", "第六条", "第一条", "第八条"),
    ]


# --- robustness -------------------------------------------------------------------------------


def test_an_empty_upload_deletes_everything(template: list[str]) -> None:
    for upload in ([], [""], ["\n \n"]):
        changes = compare(template, upload, ())
        assert [c.kind for c in changes] == ["deleted"] * 10
        assert [c.outline for c in changes] == ["", *OUTLINES, ""]


def test_an_upload_without_numbered_clauses_is_one_changed_head_part(
    template: list[str],
) -> None:
    prose = "食堂食材采购协议\n甲乙双方约定：乙方每日供应大米、面粉和蔬菜，甲方按月付款。"
    changes = compare(template, [prose], ())
    assert [c.kind for c in changes] == ["changed", *["deleted"] * 8, "deleted"]
    head = changes[0]
    assert head.outline == "" and not head.fixed and head.uploaded_text == prose
    assert "insert" in {p.op for p in head.pieces} and "delete" in {p.op for p in head.pieces}


def test_control_characters_and_lone_surrogates_do_not_break_the_comparison(
    template: list[str],
) -> None:
    text = "\n".join(paragraphs())
    odd = (
        text.replace("大米、面粉", "大米\u200b、面\x00粉\ufeff")
        .replace("第六条 合同期限", "第六条 合同期限\x1b")
        .replace("。\n第八条", "。\ud800\n第八条")
    )
    changes = compare(template, [odd], ())
    assert {c.kind for c in changes} == {"unchanged"}, kinds(changes)
    for change in changes:
        change.uploaded_text.encode("utf-8")  # no lone surrogate is left to show
        assert "\x00" not in change.uploaded_text and "\x1b" not in change.uploaded_text
    # in the template too, and in a part that changed
    broken = compare([odd.replace("一式四份", "一式\ud800五份")], [text], ())
    other = broken[8]
    assert other.kind == "changed"
    for piece in other.pieces:
        piece.text.encode("utf-8")
    ops = [(p.op, p.text) for p in other.pieces]
    assert ("delete", "五") in ops and ("insert", "四") in ops
    # nothing but odd characters
    assert compare(["\ud800\x00\x07"], ["\udfff\u202e"], ()) == []


def test_five_hundred_clauses_are_compared_in_well_under_a_second() -> None:
    def contract(clauses: list[tuple[str, str]]) -> str:
        numbered = (
            f"第{n}条 {heading}\n{body}" for n, (heading, body) in enumerate(clauses, start=1)
        )
        return "\n".join(["物业服务合同", "甲方：乌苏市第一中学", *numbered])

    clauses = [
        (
            f"服务事项{chr(0x4E00 + n * 7)}{chr(0x4E00 + n * 13)}",
            f"乙方负责第{n}号楼的保洁、绿化与安保，每日巡查不少于{n % 5 + 2}次，"
            f"发现问题于{n % 3 + 1}小时内报告甲方并处理完毕；甲方按月考核，考核结果与服务费挂钩。",
        )
        for n in range(500)
    ]
    edited = [*clauses[:3], ("附加条款", "乙方另行提供夜间值守服务。"), *clauses[3:]]
    edited[400] = (edited[400][0], edited[400][1].replace("按月考核", "按季考核"))
    started = time.process_time()
    changes = compare([contract(clauses)], [contract(edited)], ())
    elapsed = time.process_time() - started
    assert elapsed < 1.0
    assert len(changes) == 502
    changed = [(c.kind, c.outline) for c in changes if c.kind != "unchanged"]
    assert changed == [("added", "第4条"), ("changed", "第400条")]


def test_a_long_text_without_clauses_is_compared_sentence_by_sentence() -> None:
    sentences = [
        f"第{n}项服务内容为校园{chr(0x4E00 + n * 11)}区的日常保洁与垃圾清运，"
        f"乙方应每日{n % 4 + 1}次清扫并记录。"
        for n in range(1500)
    ]
    edited = list(sentences)
    edited[10] = edited[10].replace("每日", "每周")
    edited[1400] = edited[1400].replace("并记录", "并拍照记录")
    started = time.process_time()
    changes = compare(["".join(sentences)], ["".join(edited)], ())
    elapsed = time.process_time() - started
    assert elapsed < 1.0
    [head] = changes
    assert head.kind == "changed" and len("".join(p.text for p in head.pieces)) > 50_000
    assert [(p.op, p.text) for p in head.pieces if p.op != "equal"] == [
        ("delete", "日"),
        ("insert", "周"),
        ("insert", "拍照"),
    ]


def test_latin_words_keep_one_space_between_them(template: list[str]) -> None:
    standard = "面粉应符合GB 1355的规定。"
    mine = ["食材标准", "第一条 质量", standard]
    wrapped = ["食材标准", "第一条 质量", "面粉应符合GB\n1355的规定。"]
    joined = ["食材标准", "第一条 质量", "面粉应符合GB1355的规定。"]
    assert compare(["\n".join(mine)], ["\n".join(wrapped)], ())[1].kind == "unchanged"
    changed = compare(["\n".join(mine)], ["\n".join(joined)], ())[1]
    assert changed.kind == "changed"
    assert [(p.op, p.text) for p in changed.pieces if p.op != "equal"] == [("delete", " ")]
