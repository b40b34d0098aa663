"""The essential elements (Civil Code art. 470) found per clause by heading and content:
vague placeholders told apart from absence, tables with quantity columns, a lease's stated
condition as its quality, time under a heading or as a from–to range, and the clauses
searched for a missing element."""

from __future__ import annotations

from advisor.precheck import RULES
from advisor.precheck.engine import explanation, message
from advisor.precheck.structure import read
from tests.precheck.checking import check


def test_the_title_is_read_past_the_running_header_and_the_number() -> None:
    text = "乌苏市第五小学\n合同编号：WS-2026-01          服务协议\n甲方：乌苏市第五小学\n"
    assert read(text).title == "服务协议"


def test_a_generic_service_is_a_vague_subject_hit_on_its_words() -> None:
    text = "服务协议\n一、服务内容\n乙方为甲方提供相关服务。服务共12次，每次3小时。\n"
    (hit,) = check("missing_clause:subject", text)
    assert hit.excerpt == "相关服务"
    assert hit.params["variant"] == "vague"
    assert hit.params["decided_by"] == "相关服务"
    assert message(hit) == RULES["missing_clause:subject"].variants["vague"]


def test_a_subject_under_its_heading_is_present() -> None:
    text = "服务协议\n一、服务内容\n乙方负责甲方教学楼的保洁。\n"
    assert check("missing_clause:subject", text) == []


def test_a_lot_without_a_count_is_a_vague_quantity() -> None:
    text = (
        "一、货物\n乙方向甲方供应教室用投影设备一批，具体数量以甲方实际需求为准。本合同一式两份。\n"
    )
    (hit,) = check("missing_clause:quantity", text)
    assert hit.excerpt == "一批"
    assert hit.params["variant"] == "vague"


def test_some_lessons_are_vague_unless_counted() -> None:
    vague = "一、服务内容\n乙方开设舞蹈社团课程若干节。期末排练节目一个。\n"
    assert check("missing_clause:quantity", vague)[0].excerpt == "若干节"
    counted = "一、服务内容\n乙方开设舞蹈社团课程若干节，全学期共30节。\n"
    assert check("missing_clause:quantity", counted) == []


def test_a_quantity_column_or_a_unit_beside_a_number_is_a_quantity() -> None:
    works = "序号  项目名称      单位  工程量  综合单价（元）\n1  拆除防水层  m²  1,260  22.00\n"
    assert check("missing_clause:quantity", works) == []
    estimate = "品种\t等级\t单位\t单价（元）\t预计全年用量\n土豆\t一级\t公斤\t2.60\t12,000\n"
    assert check("missing_clause:quantity", estimate) == []
    split_header = "1    学生实验桌    SYZ-1200    张    24  1,350.00  32,400.00\n"
    assert check("missing_clause:quantity", split_header) == []


def test_a_frequency_over_a_term_is_a_quantity() -> None:
    text = "服务期限为2025年9月1日至2026年8月31日。每月上门服务不少于4次，每次不少于4小时。"
    assert check("missing_clause:quantity", text) == []
    hours = "一、工作内容\n乙方负责食堂切配，每日工作8小时，每周工作5天。"
    assert check("missing_clause:quantity", hours) == []


def test_a_missing_element_names_the_clauses_searched() -> None:
    text = "一、服务内容\n乙方为甲方提供校园保洁服务。\n二、服务费用\n每月人民币伍仟元。\n"
    (hit,) = check("missing_clause:quality", text)
    assert hit.params["searched"].startswith("全文（一、 服务内容、二、 服务费用")
    assert "服务内容" in explanation(hit)


def test_the_condition_of_leased_premises_is_their_quality() -> None:
    land = "一、租赁土地\n3. 土地现状：地块为平整闲置地，可引渠水灌溉。乙方对现状无异议。\n"
    assert check("missing_clause:quality", land, "lease") == []
    vehicle = "车型\t座位数\t车辆状况\n五菱征程\t7座\t年检合格，车况良好\n"
    assert check("missing_clause:quality", vehicle, "lease") == []


def test_requirements_under_a_heading_are_quality() -> None:
    text = (
        "三、培训要求\n（一）乙方主讲教师中，市级以上学科带头人或骨干教师不少于六名。"
        "（二）每名学员完成教学设计二篇，由乙方组织考评。\n四、培训费用\n每人一千元。\n"
    )
    assert check("missing_clause:quality", text, "service") == []


def test_quality_by_the_buyer_s_wishes_is_vague() -> None:
    text = "一、货物\n礼服200套。\n二、质量\n礼服质量合格，符合甲方要求。\n"
    (hit,) = check("missing_clause:quality", text)
    assert hit.params["variant"] == "vague"
    assert hit.excerpt == "质量合格"
    wishes = "2. 系统功能模块及验收标准以甲方需求为准。"
    assert check("missing_clause:quality", wishes)[0].params["variant"] == "vague"


def test_time_under_a_time_heading_and_a_range_without_a_second_year() -> None:
    headed = "二、培训时间和地点\n8月17日至8月28日，每日8:30—12:30，在甲方校内阶梯教室进行。\n"
    assert check("missing_clause:performance", headed, "service") == []
    ranged = "培训于2026年8月17日至8月28日在甲方校内举行。"
    assert check("missing_clause:performance", ranged, "service") == []


def test_the_signing_date_is_not_the_time_of_performance() -> None:
    text = (
        "第一条 服务内容\n乙方以校车三辆接送甲方学生。\n"
        "甲方（盖章）：乌苏市第一中学\n日期：2026年8月30日\n"
    )
    (hit,) = check("missing_clause:performance", text, "school_bus")
    assert "第一条 服务内容" in hit.params["searched"] or "全文" in hit.params["searched"]


def test_an_insurance_period_left_to_the_policy_is_missing() -> None:
    text = (
        "三、保险期间以乙方签发的保险单载明为准。\n五、理赔\n乙方在5个工作日内完成赔付，"
        "在甲方校内设理赔服务点。\n"
    )
    assert len(check("missing_clause:performance", text, "insurance")) == 1
    stated = "三、保险期间：自2025年9月1日零时起至2026年8月31日二十四时止。理赔在甲方校内办理。"
    assert check("missing_clause:performance", stated, "insurance") == []


def test_an_insurer_s_cover_is_not_liability_for_breach() -> None:
    cover = (
        "二、保险责任：因投保人过失导致幼儿人身伤害，依法应由投保人承担的经济赔偿责任，"
        "由保险人在责任限额内赔偿。\n"
    )
    assert len(check("missing_clause:breach_liability", cover, "insurance")) == 1
    breach = (
        cover + "六、违约责任\n保险人未在约定期限内支付赔款的，应当赔偿投保人因此受到的损失。\n"
    )
    assert check("missing_clause:breach_liability", breach, "insurance") == []
