"""The parties rule's second reading, by content (advisor/precheck/rules/parties.py): a
layout of the parties block that ``structure`` does not recognise is no missing party,
while a blank, an anonymous party or a missing address still is.

Each layout here is one the first reading alone misreads (asserted), so the test fails
without the second reading; the defects are asserted against both readings together."""

from __future__ import annotations

import re

import pytest

from advisor.precheck.rules import parties
from tests.precheck.checking import check

CLAUSES = (
    "第一条 采购内容\n乙方向甲方供应学生课桌椅120套，规格见附件一。\n"
    "第二条 合同价款\n合同总价为人民币叁万陆仟元整（¥36,000.00）。\n"
)

# Layouts the first reading does not know, each naming both parties with their addresses.
UNKNOWN_LAYOUTS = {
    "a role alone on its line, its particulars below": (
        "课桌椅采购合同\n"
        "甲方（采购人）\n名称：昌吉市第三中学\n地址：昌吉市北京南路88号\n"
        "乙方（供应商）\n名称：昌吉市华星教学设备有限公司\n地址：昌吉市延安北路307号\n"
    ),
    "the name before its role, the role in plain brackets": (
        "课桌椅采购合同\n"
        "兹有昌吉市第三中学（甲方），地址：昌吉市北京南路88号，\n"
        "与昌吉市华星教学设备有限公司（乙方），地址：昌吉市延安北路307号，\n"
        "经友好协商，订立本合同。\n"
    ),
}


@pytest.mark.parametrize("layout", UNKNOWN_LAYOUTS.values(), ids=UNKNOWN_LAYOUTS.keys())
def test_a_layout_the_first_reading_does_not_know_is_no_missing_party(layout: str) -> None:
    text = layout + CLAUSES
    assert parties._as_recognised(text) is not None  # the first reading alone: an alarm
    assert check("missing_clause:parties", text) == []


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("名称：昌吉市第三中学", "名称：＿＿＿＿＿＿＿＿"),  # the supplier left blank
        ("名称：昌吉市第三中学", "名称：爱心人士"),  # an anonymous party
        ("名称：昌吉市第三中学", "名称：应按时供货"),  # words of an obligation, no name
    ],
)
def test_a_party_left_unnamed_is_still_missing(first: str, second: str) -> None:
    text = (
        "课桌椅采购合同\n"
        f"甲方（采购人）\n{first}\n地址：昌吉市北京南路88号\n"
        f"乙方（供应商）\n{second}\n地址：昌吉市延安北路307号\n" + CLAUSES
    )
    assert [hit.rule for hit in check("missing_clause:parties", text)] == ["missing_clause:parties"]


def test_parties_named_without_any_address_are_still_missing_one() -> None:
    text = (
        "课桌椅采购合同\n"
        "甲方（采购人）\n名称：昌吉市第三中学\n"
        "乙方（供应商）\n名称：昌吉市华星教学设备有限公司\n" + CLAUSES
    )
    assert [hit.rule for hit in check("missing_clause:parties", text)] == ["missing_clause:parties"]


def test_one_address_for_two_parties_is_not_enough() -> None:
    text = (
        "课桌椅采购合同\n"
        "兹有昌吉市第三中学（甲方），地址：昌吉市北京南路88号，\n"
        "与昌吉市华星教学设备有限公司（乙方）经友好协商，订立本合同。\n" + CLAUSES
    )
    assert [hit.rule for hit in check("missing_clause:parties", text)] == ["missing_clause:parties"]


def test_a_role_in_the_opening_sentence_is_no_label() -> None:
    """甲方委托乙方……: a role in running text names nobody; the front ends at the first
    clause, so a name in the clauses is not taken for a party's."""
    text = (
        "课桌椅采购合同\n"
        "甲方委托乙方供应课桌椅，地址：昌吉市北京南路88号，地址：昌吉市延安北路307号。\n"
        "第一条 供货\n乙方：昌吉市华星教学设备有限公司负责送货。\n"
    )
    assert parties._by_content(text) is False


def test_a_third_party_left_blank_is_missing_though_two_are_named() -> None:
    text = (
        "课桌椅采购合同\n"
        "甲方（采购人）\n名称：昌吉市第三中学\n地址：昌吉市北京南路88号\n"
        "乙方（供应商）\n名称：昌吉市华星教学设备有限公司\n地址：昌吉市延安北路307号\n"
        "丙方（使用单位）\n名称：＿＿＿＿＿＿＿＿\n地址：＿＿＿＿＿＿＿＿\n" + CLAUSES
    )
    assert parties._by_content(text) is False
    assert [hit.rule for hit in check("missing_clause:parties", text)] == ["missing_clause:parties"]


@pytest.mark.parametrize(
    "opening",
    [
        # the particulars inside the brackets that give the role (twelfth batch)
        "昌吉市第三中学（以下简称甲方，住所：昌吉市北京南路88号，校长：何建平）因教学需要，"
        "与昌吉市华星教学设备有限公司（以下简称乙方，住所：昌吉市延安北路307号，"
        "法定代表人：李国强）协商一致，签订本合同。\n",
        "根据课桌椅采购项目（项目编号：CJ-2026-0455）询价结果，采购人昌吉市第三中学"
        "（以下简称“甲方”，住所：昌吉市北京南路88号）与成交供应商昌吉市华星教学设备有限公司"
        "（以下简称“乙方”，住所：昌吉市延安北路307号）订立本合同。\n",
        "捐赠方昌吉市华星教学设备有限公司（以下称甲方；住所：昌吉市延安北路307号）自愿向受赠方"
        "昌吉市第三中学（以下称乙方；住所：昌吉市北京南路88号）捐赠课桌椅。\n",
    ],
)
def test_parties_named_in_an_opening_sentence_with_their_particulars_in_brackets(
    opening: str,
) -> None:
    text = "课桌椅采购合同\n" + opening + CLAUSES
    assert check("missing_clause:parties", text) == []
    without = re.sub(r"[，；]住所：[^，；）]+", "", text)
    assert check("missing_clause:parties", without)  # no address: still missing


def test_a_column_per_party_under_a_title_line_a_pdf_ran_into_the_table() -> None:
    text = (
        "                 昌吉市第三中学国有资产（门面）出租合同\n"
        + " " * 8
        + "合同编号：FMZX-ZL-2026-05                 房屋（门面）租赁合同\n"
        "项目          出租方（甲方）              承租方（乙方）\n"
        "名称          昌吉市第三中学              昌吉新知书店有限责任公司\n"
        "住所          昌吉市北京南路88号         昌吉市延安北路307号\n"
        "法定代表人       何建平                  赵明轩\n"
        # a page's running text is wider than its title line
        "鉴于甲方临街门面经昌吉市财政局、教育局批准，由昌吉市公共资源交易中心公开招租"
        "（招租编号：CJZZ-2026-019），乙方竞得承租权，双方依照《中华人民共和国民法典》订立本合同。\n"
        "【第一条】租赁物\n1.1 甲方出租的门面位于昌吉市北京南路88号。\n"
    )
    assert check("missing_clause:parties", text, "lease") == []


# --- the thirteenth batch -------------------------------------------------------------------


def test_parties_on_numbered_lines_with_their_particulars_numbered_below() -> None:
    """A procurement centre's model layout: 1.1 采购人（甲方） and 1.1.1 名称：…, with
    items of the party's own number (1.1.4 食堂管理员：…) that are no clause."""
    text = (
        "课桌椅采购合同\n1 合同当事人\n"
        "1.1 采购人（甲方）\n1.1.1 名称：昌吉市第三中学\n1.1.2 住所：昌吉市北京南路88号\n"
        "1.1.3 法定代表人：王建国\n1.1.4 食堂管理员：蔡玉梅，联系电话：13830018452\n"
        "1.2 供应商（乙方）\n1.2.1 名称：昌吉市华星教学设备有限公司\n"
        "1.2.2 经营场所及住址：昌吉市延安北路307号\n"
        "2 合同标的\n2.1 乙方向甲方供应学生课桌椅120套。\n"
    )
    assert parties._as_recognised(text) is not None
    assert check("missing_clause:parties", text) == []
    unnamed = text.replace("1.2.1 名称：昌吉市华星教学设备有限公司", "1.2.1 名称：＿＿＿＿")
    assert check("missing_clause:parties", unnamed)


def test_a_cover_page_naming_the_parties_and_a_table_giving_their_addresses() -> None:
    """The roles and names on the cover, the addresses only in the cells of a parties
    table whose columns a PDF drew with wide gaps."""
    text = (
        "房屋租赁合同\n出租方（甲方）：陈志明\n承租方（乙方）：昌吉市小橡树幼儿园\n"
        "合同当事人\n"
        "项目              出租方（甲方）                 承租方（乙方）\n"
        "姓名/名称           陈志明                     昌吉市小橡树幼儿园\n"
        "住址/住所           昌吉市北京南路88号6栋502号    昌吉市延安北路307号\n"
        "联系电话            13808189623             0994-85836617\n"
        "第一条 租赁房屋\n甲方将坐落于昌吉市延安北路307号的房屋出租给乙方。\n"
    )
    assert parties._as_recognised(text) is not None
    assert check("missing_clause:parties", text, "lease") == []
    no_addresses = re.sub(r"住址/住所[^\n]*\n", "", text)
    assert check("missing_clause:parties", no_addresses, "lease")
