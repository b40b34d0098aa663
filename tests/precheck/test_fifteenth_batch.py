"""Classes of error found on the second corpus's fifteenth held-out batch: a person's
domicile given as 户籍地, a vague time of delivery taken for no time at all, a monthly
wage taken for the time of the work, and an insurer's own exclusions (labelled 乙方) read
as a party excusing itself from injury."""

from __future__ import annotations

import pytest

from tests.precheck.checking import check

SCHOOL = "甲方（发包人）：某县某乡中心小学\n地址：某县某乡某村委会\n"


@pytest.mark.parametrize("label", ["户籍地", "户籍所在地", "经常居住地", "现住址"])
def test_a_persons_domicile_is_where_the_household_is_registered_or_lives(label: str) -> None:
    person = (
        f"乙方（承包人）：扎约（个人，木工）\n身份证号：532728198503126315\n{label}：某县某乡某村\n"
    )
    text = SCHOOL + person + "一、工程内容：更换木窗12樘。\n"
    assert check("missing_clause:parties", text, "construction") == []
    # without it, the person has no domicile
    unplaced = SCHOOL + "乙方（承包人）：扎约（个人，木工）\n身份证号：532728198503126315\n"
    unplaced += "一、工程内容：更换木窗12樘。\n"
    assert [hit.rule for hit in check("missing_clause:parties", unplaced, "construction")] == [
        "missing_clause:parties"
    ]


GOODS = "一、乙方向甲方供应实验室耗材，烧杯200个。\n"


def test_a_vague_time_of_delivery_is_a_time_stated_not_a_missing_one() -> None:
    vague = GOODS + "二、乙方接到甲方订货通知后应及时送货至甲方校内实验楼。\n"
    assert check("missing_clause:performance", vague) == []
    assert [hit.rule for hit in check("vague_performance_time", vague)] == [
        "vague_performance_time"
    ]
    # diligence is no time of delivery: the delivery still has none
    diligent = GOODS + "二、乙方应将货物送至甲方校内实验楼，发现问题应及时通知甲方。\n"
    assert [hit.rule for hit in check("missing_clause:performance", diligent)] == [
        "missing_clause:performance"
    ]


def test_a_monthly_wage_is_no_time_of_the_work() -> None:
    work = "一、乙方在甲方学校食堂负责住校生早餐的制作，按甲方食堂作息安排到岗。\n"
    pay = "三、劳务报酬为每月人民币贰仟捌佰元整，学校放假期间不提供劳务的月份不计发。\n"
    text = work + pay
    assert [hit.rule for hit in check("missing_clause:performance", text, "service")] == [
        "missing_clause:performance"
    ]
    termed = text + "四、劳务期间为2026年9月1日至2027年7月10日。\n"
    assert check("missing_clause:performance", termed, "service") == []


EXCLUSION = (
    "第6条 责任免除\n第6.1款 学生故意自伤、自杀，或因打架斗殴造成的伤害，"
    "依保险条款属于责任免除范围，乙方不负赔偿责任。\n"
)


def test_an_insurers_exclusions_bound_its_cover_whatever_its_label() -> None:
    assert check("injury_exemption", EXCLUSION, "insurance") == []
    # the same words from a school-bus operator are an exclusion
    bus = "第6条 乙方责任\n学生在乘车途中受到伤害的，乙方不负赔偿责任。\n"
    assert [hit.rule for hit in check("injury_exemption", bus, "school_bus")] == [
        "injury_exemption"
    ]
    # and so is an insurance contract's clause that is not about its cover
    school = "第7条 其他\n学生在校期间受到伤害的，甲方概不负责。\n"
    assert [hit.rule for hit in check("injury_exemption", school, "insurance")] == [
        "injury_exemption"
    ]


SERVICE = "一、乙方为甲方提供教学楼、卫生间及室外道路的保洁服务，派驻保洁人员12人。\n"


def test_a_standards_table_under_its_heading_states_the_quality() -> None:
    # a Word table's rows come out tab-separated: short and unpunctuated like a heading
    table = (
        "4 服务标准\n区域\t频次\t标准\n"
        "教学楼走廊、楼梯\t每日2次，课间巡回保洁\t地面无积水、无垃圾、无痰迹，墙面无污迹\n"
        "卫生间\t每日3次，每2小时巡查\t无异味，便池无污垢，地面干燥\n"
    )
    assert check("missing_clause:quality", SERVICE + table, "service") == []
    # the heading alone states nothing
    assert [
        hit.rule for hit in check("missing_clause:quality", SERVICE + "4 服务标准\n", "service")
    ] == ["missing_clause:quality"]


def test_the_condition_of_leased_premises_as_handed_over_is_their_quality() -> None:
    lease = (
        "一、甲方将学校南侧临街3号门面（建筑面积42.5平方米）出租给乙方使用，租期三年。"
        "门面交付时现状为地面铺地砖，墙面已刷白色乳胶漆，卷帘门可正常启闭，无漏水、渗水。\n"
    )
    assert check("missing_clause:quality", lease, "lease") == []
    bare = "一、甲方将学校南侧临街3号门面（建筑面积42.5平方米）出租给乙方使用，租期三年。\n"
    assert [hit.rule for hit in check("missing_clause:quality", bare, "lease")] == [
        "missing_clause:quality"
    ]
