"""Classes of error found on the second corpus's ninth held-out batch (96 contracts), each
fixed in general: a policy holder who is also the insured (投保人/被保险人：…, 被保险人：投保人),
ways of resolving disputes offered as a list, a negation covering a list of hand-overs,
vague quality across a comma, force majeure beside harm put on the pupils, and a date left
open beside clock times."""

from __future__ import annotations

from tests.precheck.checking import check

# --- parties ---------------------------------------------------------------------------------


def test_a_policy_holder_who_is_also_the_insured_is_one_party() -> None:
    text = (
        "投保人/被保险人：乌鲁木齐市沙依巴克区第三十中学\n地址：乌鲁木齐市克拉玛依西街163号\n"
        "保险人：中国平安财产保险股份有限公司新疆分公司\n地址：乌鲁木齐市新华北路165号\n"
        "一、承保信息\n"
    )
    assert check("missing_clause:parties", text, "insurance") == []


def test_the_insured_named_as_the_policy_holder_is_no_new_party() -> None:
    text = (
        "投保人：克拉玛依市第十三小学\n住所：克拉玛依市准噶尔路118号\n"
        "保险人：中国人寿财产保险股份有限公司克拉玛依市中心支公司\n住所：克拉玛依市友谊路66号\n"
        "被保险人：投保人，即克拉玛依市第十三小学\n"
    )
    assert check("missing_clause:parties", text, "insurance") == []


# --- disputes --------------------------------------------------------------------------------


def test_arbitration_and_court_offered_as_a_list_of_ways() -> None:
    text = (
        "6. 争议解决：因合同产生的争议，双方可以协商解决；协商不成的，按下列方式解决：\n"
        "（1）向塔城仲裁委员会申请仲裁；\n"
        "（2）向托里县人民法院起诉。\n"
    )
    assert check("arbitration_and_litigation", text, "construction")


def test_a_list_that_offers_one_way_is_no_choice() -> None:
    text = (
        "6. 争议解决：协商不成的，按下列方式解决：\n"
        "（1）向塔城仲裁委员会申请仲裁；\n"
        "（2）仲裁裁决是终局的，对双方均有约束力。\n"
    )
    assert check("arbitration_and_litigation", text, "construction") == []


# --- canteen hand-over -----------------------------------------------------------------------


def test_a_negation_covers_every_item_of_its_list() -> None:
    text = "甲方食堂由学校自主经营，本合同不涉及甲方食堂的承包经营、托管或委托管理。"
    assert check("catering_outsourced", text, "catering") == []
    handed = "本合同不涉及食材采购。甲方将学校食堂委托乙方经营管理。"
    assert check("catering_outsourced", handed, "catering")


# --- quality ---------------------------------------------------------------------------------

ADDRESSES = (
    "甲方：米东区第二中学\n地址：乌鲁木齐市米东区古牧地东路8号\n"
    "乙方：新疆洁美物业服务有限公司\n地址：乌鲁木齐市新市区北京南路368号\n"
)


def test_passing_and_the_buyers_use_across_a_comma_are_vague() -> None:
    text = (
        ADDRESSES
        + "四、质量要求\n工程质量达到合格，满足甲方使用要求。进场前向甲方出示产品合格证。\n"
    )
    hits = check("missing_clause:quality", text, "construction")
    assert hits and hits[0].params.get("variant") == "vague"


def test_an_inspection_with_no_criterion_is_no_standard() -> None:
    text = ADDRESSES + (
        "四、保洁要求\n乙方应保证保洁质量达到甲方要求，做到校园整洁卫生。"
        "甲方对乙方的保洁工作进行日常检查，发现问题的，乙方应立即整改。\n"
    )
    assert check("missing_clause:quality", text, "service")
    measured = ADDRESSES + "四、保洁要求\n楼道每日湿拖不少于2次，卫生间每2小时巡回保洁一次。\n"
    assert check("missing_clause:quality", measured, "service") == []


# --- red flags -------------------------------------------------------------------------------


def test_harm_put_on_the_guardians_beside_force_majeure_is_an_exemption() -> None:
    text = (
        "学生在活动中因自身原因或不可抗力造成人身伤害的，由学生监护人自行承担，乙方不承担赔偿责任。"
    )
    assert check("injury_exemption", text, "service")
    force_majeure = "因不可抗力造成人身伤害的，双方均不承担责任。"
    assert check("injury_exemption", force_majeure, "service") == []


def test_a_date_left_open_beside_clock_times_is_vague() -> None:
    text = "4、活动具体日期视天气情况及学校教学安排另行通知，当日7:50在甲方校门口集合出发，17:30前返校。"
    assert check("vague_performance_time", text, "cooperation")
    timetable = "活动于2026年10月15日举行，当日7:50集合出发，具体集合地点另行通知。"
    assert check("vague_performance_time", timetable, "cooperation") == []
