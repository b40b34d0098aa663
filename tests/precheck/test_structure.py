"""The contract structure the rules read: clauses at every level nested as the document
numbers them, parties with their role labels, tables, annex references, the signature
block, and offsets that still lead back to page and character."""

from __future__ import annotations

from decimal import Decimal

from advisor.precheck.base import hit_at, make_context
from advisor.precheck.engine import RULES
from advisor.precheck.structure import read

CONTRACT = """合同编号：WS-2026-017
食堂食材采购合同
采购人（甲方）：乌苏市第一中学
住所：乌苏市学府路1号
供应商（乙方）：乌苏市丰收食品有限公司  法定代表人：张三
第一条 合同标的
1. 乙方向甲方供应大米、面粉。
2. 货物清单：
品名\t规格\t数量\t单价
大米\t25kg/袋\t120袋\t150.00
面粉\t25kg/袋\t80袋\t120.00
第二条 合同价款
合同总价为人民币叁万元整。
（一）付款方式：按月结算。
（二）发票：增值税普通发票。
第三条 质量标准：符合GB 1354-2018。
1.1 验收标准
乙方应当按附件一验收。
甲方（盖章）：        乙方（盖章）：
1. 这不是条款
"""


def test_the_title_skips_the_contract_number() -> None:
    assert read(CONTRACT).title == "食堂食材采购合同"


def test_parties_with_their_role_labels() -> None:
    parties = read(CONTRACT).parties
    assert [(p.role, p.alias, p.name) for p in parties] == [
        ("采购人", "甲方", "乌苏市第一中学"),
        ("供应商", "乙方", "乌苏市丰收食品有限公司"),
    ]
    assert [CONTRACT[p.start : p.end] for p in parties] == [p.name for p in parties]


def test_clauses_nest_as_the_document_numbers_them() -> None:
    structure = read(CONTRACT)
    outline = [(c.level, structure.outline(c), c.heading) for c in structure.clauses]
    assert outline == [
        (1, "第一条", "合同标的"),
        (2, "第一条1.", ""),
        (2, "第一条2.", "货物清单"),
        (1, "第二条", "合同价款"),
        (2, "第二条（一）", "付款方式"),
        (2, "第二条（二）", "发票"),
        (1, "第三条", "质量标准"),
        (2, "第三条1.1", "验收标准"),
    ]
    first, second = structure.clauses[0], structure.clauses[3]
    assert CONTRACT[first.start : first.end].startswith("第一条 合同标的")
    assert first.end == second.start  # a clause runs to the next one at its level
    assert "人民币叁万元整" in CONTRACT[second.body : second.end]
    # The signature block is not a clause, though a line there starts with "1."
    assert all(c.start < structure.signature for c in structure.clauses)  # type: ignore[operator]


def test_the_other_order_of_styles_nests_the_other_way() -> None:
    text = "一、总则\n（一）本合同适用于…\n第1条 另一种编号\n二、价款\n1、单价：10元\n1.1 明细\n（1）其一\n"
    structure = read(text)
    assert [(c.level, c.number) for c in structure.clauses] == [
        (1, "一、"),
        (2, "（一）"),
        (3, "第1条"),
        (1, "二、"),
        (2, "1、"),
        (3, "1.1"),
        (4, "（1）"),
    ]


def test_bracketed_headings_and_circled_numbers() -> None:
    structure = read(
        "【付款方式】按月支付。\n①首付30%\n②余款验收后付清\n【违约责任】逾期按日计罚。\n"
    )
    assert [(c.level, c.number, c.heading) for c in structure.clauses] == [
        (1, "【付款方式】", "付款方式"),
        (2, "①", ""),
        (2, "②", ""),
        (1, "【违约责任】", "违约责任"),
    ]


def test_dates_amounts_and_percentages_are_not_numbering() -> None:
    text = "2026.09.01起算\n1.5%的违约金\n12.5万元\n2026年9月1日\n"
    assert read(text).clauses == ()


def test_tables_from_tabs_bars_and_wide_spaces() -> None:
    (tabs,) = read(CONTRACT).tables
    assert tabs.rows[0] == ("品名", "规格", "数量", "单价")
    assert tabs.column("数量") == ["120袋", "80袋"]
    assert tabs.column("颜色") == []
    bars = read("| 序号 | 名称 | 数量 |\n| 1 | 课桌 | 200 |\n| 2 | 椅子 | 400 |\n正文\n").tables
    assert [t.column("数量") for t in bars] == [["200", "400"]]
    spaced = read("名称      数量      单价\n课桌      200张     300元\n").tables
    assert [t.column("数量") for t in spaced] == [["200张"]]
    assert read("甲方：某校    乙方：某公司\n").tables == ()  # one line is not a table


def test_annex_references_and_the_signature_block() -> None:
    structure = read(CONTRACT)
    assert [CONTRACT[a:b] for a, b in structure.annexes] == ["附件一"]
    assert CONTRACT[structure.signature :].startswith("甲方（盖章）")  # type: ignore[misc]
    assert read("本合同自双方签字盖章之日起生效。").signature is None
    labelled = "第一条 租金\n出租方（甲方）（盖章）：      承租方（乙方）（签字）：\n"
    assert read(labelled).signature == labelled.index("出租方")


def test_the_innermost_clause_at_an_offset() -> None:
    structure = read(CONTRACT)
    offset = CONTRACT.index("按月结算")
    clause = structure.clause_at(offset)
    assert clause is not None and structure.outline(clause) == "第二条（一）"
    assert structure.clause_at(CONTRACT.index("乌苏市第一中学")) is None  # the preamble


def test_a_clause_still_leads_to_its_page_and_character() -> None:
    pages = ("食堂食材采购合同\n第一条 合同标的\n大米。\n", "第二条 合同价款\n叁万元。\n")
    ctx = make_context(pages, "procurement", Decimal("30000"))
    clause = read(ctx.text).clauses[1]
    hit = hit_at(ctx, RULES["missing_clause:price"], clause.start, clause.body)
    assert (hit.page, pages[1][hit.start : hit.end]) == (2, "第二条 合同价款")
