"""Classes of error found on the second corpus's dev split, each fixed in general: a date
read as a term, an exemption word about something other than the injury, numbers that are
not a count of the subject, a subject only in a missing annex, a time that is not the
time of the performance, and the quality of an insurance cover."""

from __future__ import annotations

import pytest

from tests.precheck.checking import check


@pytest.mark.parametrize(
    "text",
    [
        "（一）租赁期限：2026年5月12日至2026年5月14日，共3天。",
        "租期：2027年9月1日起至2028年8月31日止。",
        "租赁期限为2026年5月至2026年7月。",
        "租赁期：2026-05-12至2026-05-14。",
        "租期 2030 年 1 月 1 日开始。",
    ],
)
def test_a_calendar_year_is_a_date_not_a_lease_term(text: str) -> None:
    assert check("lease_over_20_years", text, "lease") == []


def test_a_term_in_years_or_by_dates_over_twenty_years_still_fires() -> None:
    assert check("lease_over_20_years", "租赁期限：25年。", "lease")
    assert check("lease_over_20_years", "租期：2026年1月1日至2050年12月31日。", "lease")


def test_exemption_words_about_something_else_than_the_injury_are_no_exemption() -> None:
    text = "2. 自行承担员工工资和社会保险，员工作业中发生伤害的，按照法律规定由责任方承担责任。"
    assert check("injury_exemption", text, "service") == []
    text = "乙方自行承担本项目的交通费用，学生在活动中受伤的，由过错方依法承担责任。"
    assert check("injury_exemption", text, "service") == []


@pytest.mark.parametrize(
    "text",
    [
        "学生在活动中受伤的，由学生监护人自行承担。",
        "乙方对学生在校期间发生的意外伤害不承担任何责任。",
        "如发生人身伤害事故，甲方概不负责。",
    ],
)
def test_exemption_words_about_the_injury_still_fire(text: str) -> None:
    assert len(check("injury_exemption", text, "service")) == 1


@pytest.mark.parametrize(
    "text",
    [
        # a clause number before 本批
        "第一条 采购内容\n甲方向乙方采购校服一批，按甲方实际学生人数供货。\n第三条 价款\n"
        "3.1 本批校服总价为人民币10,000元。\n",
        # a parameter of the goods in a table
        "第一条 乙方向甲方供应视频监控设备一批。\n名称 | 型号 | 参数\n"
        "摄像机 | DS-2CD3T47 | 400万像素，红外距离50米\n线缆、辅材若干，以实际需要为准。\n",
        # a numeral that begins the school's name
        "甲方：乌苏市九间楼乡中心学校\n地址：乌苏市九间楼乡振兴路8号\n"
        "一、甲方向乙方采购设备，数量以附件《设备清单》为准。\n",
    ],
)
def test_numbers_that_count_nothing_of_the_subject_are_no_quantity(text: str) -> None:
    assert check("missing_clause:quantity", text)


def test_counts_of_the_subject_are_a_quantity() -> None:
    assert check("missing_clause:quantity", "一、乙方供应课桌椅200套，讲台3.5米长的2张。") == []
    assert check("missing_clause:quantity", "一、保洁面积3,000平方米。") == []
    assert (
        check("missing_clause:quantity", "乙方：新疆三道河商贸有限公司\n一、供应大米4吨。\n") == []
    )
    subscription = "1.2 订阅期内甲方教职工及学生账号不限数量。\n1.3 订阅期限为十二个月。\n"
    assert check("missing_clause:quantity", subscription) == []


def test_a_subject_only_in_an_annex_not_submitted_is_missing() -> None:
    text = (
        "采购合同\n甲方：乌苏市第一中学\n乙方：乌苏市华信科教设备有限公司\n一、采购内容\n"
        "甲方向乙方采购相关设备，货物的名称、规格型号、数量及质量要求均以附件《设备清单》为准。\n"
    )
    assert check("missing_clause:subject", text)
    named = text.replace("相关设备", "物理实验室演示设备")
    assert check("missing_clause:subject", named) == []


@pytest.mark.parametrize(
    "text",
    [
        "二、服务地点：甲方校内体育馆。\n三、每节课师生比不低于1:15，不得进行对抗性实战。\n"
        "四、甲方在全部课程结束后十五日内支付。\n",
        "第一条 乙方负责甲方校内绿地的养护。\n第二条 发现病虫害后3日内完成防治；落叶当日清扫。\n"
        "第三条 甲方按月向乙方支付报酬。\n",
        "一、乙方在甲方校内提供设备维修服务，接到甲方报修后2小时内到场。\n",
    ],
)
def test_a_ratio_a_payment_or_a_response_deadline_is_not_the_time_of_performance(
    text: str,
) -> None:
    assert check("missing_clause:performance", text, "service")


def test_the_time_of_the_performance_itself_is_present() -> None:
    text = "一、乙方在甲方校内提供维修服务，服务期限自2026年3月1日至2026年7月15日。\n"
    assert check("missing_clause:performance", text, "service") == []
    text = "一、乙方应于合同签订后10日内将货物送至甲方校内。\n"
    assert check("missing_clause:performance", text) == []
    text = "一、乙方每周二、四下午16:30至17:30在甲方校内授课。\n"
    assert check("missing_clause:performance", text, "service") == []


def test_a_numbered_bracket_is_a_number_whose_heading_follows() -> None:
    from advisor.precheck.structure import read

    found = read("【一】被保险人及承保范围\n被保险人为乌苏市第八中学。\n【违约责任】\n赔偿损失。\n")
    assert [clause.heading for clause in found.clauses] == ["被保险人及承保范围", "违约责任"]


def test_cover_and_claims_terms_are_the_quality_of_an_insurance() -> None:
    text = (
        "【二】保险计划\n项目 | 内容\n每次事故赔偿限额 | 人民币200万元\n"
        "【六】事故处理与理赔时效\n保险人收到完整索赔材料后7日内核定。\n"
    )
    assert check("missing_clause:quality", text, "insurance") == []
    assert check("missing_clause:quality", "保险人收到索赔材料后7日内核定。\n", "insurance") == []
    assert check("missing_clause:quality", "一、被保险人为第八中学，保险费9,450元。\n", "insurance")
