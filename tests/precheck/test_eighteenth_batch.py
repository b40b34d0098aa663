"""Classes of error found on the second corpus's eighteenth and nineteenth held-out batches,
opened after they were measured: parties in a table with a column per party and no column
of labels, a capital amount a PDF wrapped inside a table cell, a refusal to renew given at
a distance, an exclusion of liability for injury after the semicolon that names the
injury, and quantities in a PDF's narrow table column or behind a machine's rating."""

from __future__ import annotations

import pytest

from tests.precheck.checking import check

CLAUSES = "一、服务内容\n乙方为甲方提供校园保安服务，派驻保安员5人。\n"


@pytest.mark.parametrize(
    "table",
    [
        # each cell labelled, no column of labels
        "甲方    乙方\n"
        "名称：某县实验小学    名称：某县金盾保安服务有限公司\n"
        "住所：某县人民路47号    住所：某县沿江路9号\n"
        "法定代表人：温某    法定代表人：匡某\n",
        # a column of labels whose empty corner cell the extraction dropped
        "甲方 | 乙方\n"
        "名称 | 某县实验小学 | 某县金盾保安服务有限公司\n"
        "住所 | 某县人民路47号 | 某县沿江路9号\n"
        "法定代表人 | 温某 | 匡某\n",
    ],
)
def test_parties_in_a_table_with_a_column_per_party(table: str) -> None:
    text = "校园保安服务合同\n" + table + "双方协商一致，订立本合同。\n" + CLAUSES
    assert check("missing_clause:parties", text, "service") == []


def test_a_party_table_with_one_party_unnamed_still_alarms() -> None:
    text = (
        "校园保安服务合同\n"
        "甲方    乙方\n"
        "名称：某县实验小学    名称：＿＿＿＿＿＿\n"
        "住所：某县人民路47号    住所：＿＿＿＿＿＿\n"
        "双方协商一致，订立本合同。\n" + CLAUSES
    )
    assert [hit.rule for hit in check("missing_clause:parties", text, "service")] == [
        "missing_clause:parties"
    ]


# The contract's key terms as a PDF draws a table whose cell wraps: the head of the capital
# amount ends the first line, its tail begins a cell of the second.
WRAPPED = (
    "项目名称          供货期限           合同金额          质保期\n"
    "食堂厨房设备采    合同签订之日起30日内    人民币肆拾万陆仟贰佰    验收合格\n"
    "购    交货并完成安装     陆拾元整（¥406,260.00）之日起24个月\n"
)


def test_a_capital_amount_wrapped_inside_a_table_cell_is_read_whole() -> None:
    assert check("amount_mismatch", WRAPPED) == []
    # a head that does not make the figure: the amounts disagree
    wrong = WRAPPED.replace("陆仟贰佰", "陆仟伍佰")
    assert [hit.rule for hit in check("amount_mismatch", wrong)] == ["amount_mismatch"]
    # and a capital that is short on its own, with nothing above it, still disagrees
    alone = "合同金额：陆拾元整（¥406,260.00）\n"
    assert [hit.rule for hit in check("amount_mismatch", alone)] == ["amount_mismatch"]


def test_a_refusal_to_renew_at_a_distance_is_no_renewal() -> None:
    text = (
        "租赁期满，乙方需要继续承租的，应于期满前六个月书面提出，经协商一致另行签订书面"
        "租赁合同后方可续租，本合同不因任何一方未作表示而自动续期。\n"
    )
    assert check("auto_renewal", text, "lease") == []
    silent = "租赁期满，任何一方未提出异议的，本合同自动续期一年。\n"
    assert [hit.rule for hit in check("auto_renewal", silent, "lease")] == ["auto_renewal"]


def test_an_exclusion_after_the_semicolon_that_names_the_injury() -> None:
    text = (
        "学生在实习期间发生人身伤害的，由承保保险公司按照保险合同约定进行赔付；"
        "保险赔付后，实习单位不再承担任何赔偿责任。\n"
    )
    assert [hit.rule for hit in check("injury_exemption", text, "cooperation")] == [
        "injury_exemption"
    ]


@pytest.mark.parametrize(
    "second",
    [
        "因乙方人员违规操作导致的，由乙方自行承担。",
        "因甲方使用不当造成的，由甲方自行承担。",
        "乙方应当按时支付保险费。",
    ],
)
def test_after_the_semicolon_harm_put_on_whoever_caused_it_is_no_exclusion(second: str) -> None:
    text = "因甲方设施存在缺陷导致乙方人员受伤的，由甲方依法承担相应责任；" + second + "\n"
    assert check("injury_exemption", text, "service") == []


# Goods in a table with a narrow 数量 column: a PDF wraps each count's unit onto the line
# below, in the same column.
NARROW = (
    "序  货物名称        主要配置       数   单价（    金额（元）\n"
    "号                              量   元）\n"
    "1  立柜式空调（3匹    一级能效，R32冷18  7,260.00130,680.00\n"
    "   ，冷暖变频）      媒，防腐冷凝器  台\n"
    "2  壁挂式空调（1.5   一级能效，R32冷46  3,380.00155,480.00\n"
    "   匹，冷暖变频）     媒，防腐冷凝器  台\n"
)


def test_counts_whose_unit_a_pdf_wrapped_below_them_are_quantities() -> None:
    assert check("missing_clause:quantity", "一、货物清单\n" + NARROW) == []


def test_one_number_above_a_unit_is_not_yet_a_table_of_counts() -> None:
    # a single coincidence (a figure above a 台 of the next row) is not a column
    text = "一、货物清单\n" + "\n".join(NARROW.split("\n")[:4]) + "\n"
    assert [hit.rule for hit in check("missing_clause:quantity", text)] == [
        "missing_clause:quantity"
    ]


def test_a_machines_rated_area_is_no_quantity_of_a_lot() -> None:
    text = (
        "甲方向乙方采购商用除湿机一批，型号及单价如下：\n"
        "产品名称 | 品牌型号 | 主要技术参数 | 单价（元）\n"
        "商用除湿机 | HY-CS50D | 额定除湿量50升/天，适用面积60—90平方米 | 2,850.00\n"
        "工业除湿机 | HY-CS90G | 额定除湿量90升/天，适用面积100—150平方米 | 4,050.00\n"
    )
    hits = check("missing_clause:quantity", text)
    assert [hit.rule for hit in hits] == ["missing_clause:quantity"]
    counted = text.replace("甲方向乙方采购商用除湿机一批", "甲方向乙方采购商用除湿机共12台")
    assert check("missing_clause:quantity", counted) == []
