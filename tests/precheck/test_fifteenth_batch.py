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


@pytest.mark.parametrize(
    "elsewhere",
    [
        "三、甲方每月组织一次安全检查。\n",  # a frequency: 组 is in 组织, not a unit
        "三、服务地点为甲方校园（含南北两个校门）。\n",  # gates, not guards
    ],
)
def test_guards_left_to_the_schools_needs_are_not_counted_by_other_numbers(elsewhere: str) -> None:
    vague = "一、乙方派驻保安人员，人数以甲方需求为准。\n二、服务期限为一年。\n"
    assert [hit.rule for hit in check("missing_clause:quantity", vague + elsewhere, "service")] == [
        "missing_clause:quantity"
    ]
    counted = vague + "三、乙方派驻保安员不少于6人。\n"
    assert check("missing_clause:quantity", counted, "service") == []


@pytest.mark.parametrize(
    "not_a_count",
    [
        "盲文刻印机，型号DS-120双面刻印。\n",  # a model number
        "篮球架符合GB/T 19851.3-2005  套件齐全。\n",  # a standard's year before a PDF gap
        "器材按本合同第一、二条逐项验收。\n",  # clauses referred to
        "本合同一式四份，甲乙双方各执一份，采购代理机构一份。\n",  # copies of the contract
    ],
)
def test_a_lot_of_goods_is_not_counted_by_numbers_that_count_nothing(not_a_count: str) -> None:
    text = "一、乙方向甲方供应体育器材一批，品名、规格见下表。\n" + not_a_count
    assert [hit.rule for hit in check("missing_clause:quantity", text)] == [
        "missing_clause:quantity"
    ]
    assert check("missing_clause:quantity", text + "二、篮球架共4套。\n") == []


def test_a_framework_sized_by_the_pupils_is_counted_by_its_estimate() -> None:
    text = "一、供货数量按实际学生人数确定，预计需求1,850套，最多不超过2,000套。\n"
    assert check("missing_clause:quantity", text, "uniform") == []


def test_a_bill_of_quantities_annexed_after_the_signatures_counts() -> None:
    body = "一、承包范围：教学楼屋面防水及外墙翻新。\n二、工程量及综合单价：详见附件1《工程量清单》。\n"
    signature = "发包人（盖章）：某中学    承包人（盖章）：某建筑公司\n日期：2026年5月1日\n"
    annex = (
        "附件1：工程量清单\n序号    项目名称    单位    工程量    综合单价（元）\n"
        "1    屋面防水层铲除    m²    2,860    8.50\n"
    )
    assert check("missing_clause:quantity", body + signature + annex, "construction") == []
    without = body.replace("详见附件1《工程量清单》", "详见附件1《工程量清单》（另附）")
    assert [
        hit.rule for hit in check("missing_clause:quantity", without + signature, "construction")
    ] == ["missing_clause:quantity"]
