"""Classes of error found on the second corpus's eighth held-out batch (126 contracts),
each fixed in general: parties introduced in brackets, in a table or run into their
address by a PDF; a goods table as the subject; a fault borne by the party at fault; a
deposit mentioned as already paid; vague words said of an agenda; staff qualifications as
a service's quality."""

from __future__ import annotations

import pytest

from tests.precheck.checking import check

ADDRESSES = (
    "甲方：克拉玛依市第三中学\n地址：克拉玛依市大庆东路15号\n"
    "乙方：新疆启航教育咨询有限公司\n地址：乌鲁木齐市天山区解放南路8号\n"
)

# --- parties ---------------------------------------------------------------------------------


def test_roles_in_lenticular_brackets_introduce_the_parties() -> None:
    text = (
        "【投保人/被保险人】石河子第二中学，地址：新疆石河子市北四路178号\n"
        "【保险人】中国人民财产保险股份有限公司石河子市分公司，地址：新疆石河子市东一路62号\n"
        "【1】保险责任\n在保险期间内……\n"
    )
    assert check("missing_clause:parties", text, "insurance") == []


def test_a_bracketed_role_on_a_line_of_duties_is_no_party() -> None:
    """【甲方】负责提供场地 is an obligation: it does not add a party without an address."""
    text = ADDRESSES + "三、双方义务\n【甲方】负责提供场地和水电。\n【乙方】按时完成教学任务。\n"
    assert check("missing_clause:parties", text, "service") == []


def test_parties_laid_out_as_a_table_with_their_addresses() -> None:
    table = (
        "当事人\t名称\t住所\n"
        "捐赠方（甲方）\t阿勒泰金山矿业集团有限公司\t阿勒泰市团结路北二巷6号\n"
        "受赠方（乙方）\t阿勒泰市第二中学\t阿勒泰市解放南路145号\n"
        "甲方自愿向乙方无偿捐赠计算机教室设备。\n"
    )
    assert check("missing_clause:parties", table, "donation") == []


def test_a_parties_table_without_addresses_still_fires() -> None:
    table = (
        "当事人\t名称\t联系人\n"
        "捐赠方（甲方）\t阿勒泰金山矿业集团有限公司\t王强\n"
        "受赠方（乙方）\t阿勒泰市第二中学\t李红\n"
        "甲方自愿向乙方无偿捐赠计算机教室设备。\n"
    )
    assert check("missing_clause:parties", table, "donation")


def test_an_address_run_into_the_name_by_a_pdf_counts() -> None:
    """A PDF drops the wide space between a name and its address label."""
    text = (
        "甲方（采购人）：温宿县第一小学地址：新疆阿克苏地区温宿县托乎拉乡路9号\n"
        "乙方（供应商）：阿克苏新华书店温宿县分公司地址：新疆阿克苏地区温宿县胜利路22号\n"
    )
    assert check("missing_clause:parties", text) == []
    without = "甲方（采购人）：温宿县第一小学\n乙方（供应商）：阿克苏新华书店温宿县分公司\n"
    assert check("missing_clause:parties", without)


def test_a_designation_spaced_out_twice_is_a_designation() -> None:
    text = (
        "甲　　方：阿勒泰市第二中学\n单位地址：阿勒泰市团结路西二巷9号\n"
        "乙　　方：阿勒泰市金山园林绿化工程有限公司\n单位地址：阿勒泰市解放北路117号\n"
    )
    assert check("missing_clause:parties", text, "service") == []


# --- subject ---------------------------------------------------------------------------------


def test_a_goods_table_names_the_subject_under_a_generic_title() -> None:
    text = (
        "采购合同\n" + ADDRESSES + "一、甲方向乙方购买下列货物，品名、数量及价格如下：\n"
        "品名\t数量\t单价（元）\t金额（元）\n"
        "单面书架\t60个\t1,150.00\t69,000.00\n"
        "阅览桌\t12张\t980.00\t11,760.00\n"
        "合计\t72件\t\t80,760.00\n"
    )
    assert check("missing_clause:subject", text) == []


def test_a_table_of_vague_items_names_no_subject() -> None:
    text = (
        "服务协议\n" + ADDRESSES + "一、乙方为甲方提供相关服务，明细如下：\n"
        "名称\t金额（元）\n"
        "相关服务\t8,000.00\n"
        "合计\t8,000.00\n"
    )
    assert check("missing_clause:subject", text, "service")


def test_stacked_domains_before_related_services_name_nothing() -> None:
    text = "服务协议\n" + ADDRESSES + "一、服务内容\n乙方为甲方提供校园后勤相关服务。\n"
    assert check("missing_clause:subject", text, "service")


def test_a_post_heading_listing_place_and_workload_names_the_subject() -> None:
    text = (
        "劳动合同\n" + ADDRESSES + "第二条 工作岗位、地点和工作量\n"
        "1. 乙方在甲方学生公寓担任宿舍管理员。\n"
    )
    assert check("missing_clause:subject", text, "employment") == []


# --- quantity --------------------------------------------------------------------------------


def test_a_count_in_ten_thousands_with_a_decimal_is_whole() -> None:
    text = ADDRESSES + "第一条 印制内容\n乙方承印甲方试卷，预计全年印制答题卡约4.5万张。\n"
    assert check("missing_clause:quantity", text, "other") == []


def test_a_weight_unit_cell_beside_a_number_is_a_quantity() -> None:
    text = ADDRESSES + (
        "实际数量以甲方每日订货单为准。\n"
        "品名  规格  单位  预计采购  单价（元）\n"
        "大米  一级粳米  kg  30000  5.20\n"
        "面粉  特一粉  kg  24000  4.60\n"
    )
    assert check("missing_clause:quantity", text, "catering") == []


def test_the_agreed_period_of_a_labour_service_is_its_extent() -> None:
    text = ADDRESSES + "一、劳务内容\n乙方担任夜间宿舍管理员，协议期五个月。\n"
    assert check("missing_clause:quantity", text, "employment") == []


# --- quality ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "duty",
    [
        "派驻人员应持有保安员证，无违法犯罪记录。",
        "指导教师须具有中级以上职称、五年以上教龄。",
    ],
)
def test_the_staffs_qualification_is_a_services_quality(duty: str) -> None:
    assert check("missing_clause:quality", ADDRESSES + "二、人员\n" + duty, "service") == []


def test_articles_numbered_as_tiao_kuan_carry_their_headings() -> None:
    text = ADDRESSES + "条款一　服务内容\n乙方派员授课。\n条款二　考核标准\n学生满意率不低于90%。\n"
    assert check("missing_clause:quality", text, "service") == []


# --- red flags -------------------------------------------------------------------------------


def test_a_party_bearing_the_harm_of_its_own_fault_is_no_exemption() -> None:
    text = (
        "乙方在授课中因甲方场地设施原因受到伤害的，由甲方承担相应责任；"
        "因乙方自身过错受到伤害的，由乙方自行承担相应后果。"
    )
    assert check("injury_exemption", text, "employment") == []


def test_harm_put_on_the_victim_whatever_the_cause_is_still_an_exemption() -> None:
    text = "乙方在提供劳务期间发生意外伤害的，一切后果由乙方自行承担，甲方不承担任何责任。"
    assert check("injury_exemption", text, "employment")


def test_a_deposit_mentioned_as_already_paid_is_not_the_share() -> None:
    text = "全部家具验收合格后30日内，甲方支付至合同总价的95%（含已付定金）。"
    assert check("deposit_over_20_percent", text, amount="100000") == []
    assert check("deposit_over_20_percent", "甲方支付合同总价的30%作为定金。", amount="100000")


def test_vague_words_said_of_an_agenda_are_no_vague_time() -> None:
    text = (
        "培训日期：2026年8月20日至22日。开班仪式的具体议程由甲方另行通知乙方，不影响上述培训日期。"
    )
    assert check("vague_performance_time", text, "service") == []
    late = "乙方应在接到甲方进场通知后尽快组织人员进场，完成时间视验收情况而定。"
    assert check("vague_performance_time", late, "service")
