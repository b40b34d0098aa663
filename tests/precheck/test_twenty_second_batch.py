"""Classes of error found on the second corpus's twenty-second and twenty-third held-out
batches (twelve new authors, 192 contracts measured together), opened after they were
measured: PDF layouts (a parties table whose cells wrap, a part's heading on the running
header's line, a date line sharing its line with the page number, a price column with a
narrow gap, a quantity column whose cells run together, a sentence wrapped before its
damages), the school's use as a vague quality, a schedule of meals as a table, a time when
work is forbidden, an insurer's cover, produce counted in 枚, and instalments counted in 次."""

from __future__ import annotations

import pytest

from tests.precheck.checking import check


def test_a_parties_table_whose_role_and_name_cells_a_pdf_wrapped() -> None:
    text = (
        "学校海边闲置场地租赁合同\n"
        "当事人     名称           住所              法定代表人/   联系电话\n"
        "                                     负责人\n"
        "出租方（    某区流水镇中心    某区流水镇北港村文化    何某      0591-24350762\n"
        "甲方）     小学          路15号\n"
        "承租方（    某县北港海丰紫菜    某区流水镇北港村海滨    游某      13950273316\n"
        "乙方）     专业合作社        路31号\n"
        "第一条 租赁标的\n"
    )
    assert check("missing_clause:parties", text, "lease") == []


PARTS = (
    "第一部分合同协议书\n发包人（公章）：某中学        承包人（公章）：某建筑公司\n"
    "法定代表人（签字）：            法定代表人（签字）：\n"
    "某中学教学楼维修工程                    第二部分通用合同条款\n"
    "第8条违约\n8.1 承包人施工质量不合格的，应无偿返工、修理直至合格。\n"
)


def test_the_later_parts_heading_on_the_running_headers_line() -> None:
    assert check("missing_clause:breach_liability", PARTS, "construction") == []


def test_a_date_line_sharing_its_line_with_the_page_number_is_a_signing_line() -> None:
    text = (
        "第一条 课程\n乙方派老师到校上课。\n（以下无正文）\n"
        "甲方（盖章）：                           乙方（盖章）：\n"
        "代表（签字）：                           代表（签字）：\n"
        "2025年9月日                         2025年9月日                   第 2 页共 2 页\n"
    )
    assert check("blank_field", text, "service") == []
    unsigned_in_body = "第一条 乙方应于2025年9月  日前交货。\n" + text
    assert [hit.rule for hit in check("blank_field", unsigned_in_body, "service")] == [
        "blank_field"
    ]


def test_a_price_column_a_pdf_drew_with_a_narrow_gap() -> None:
    text = (
        "一、供应品种及单价\n"
        "序号   品名             质量要求                      单位  单价（元）\n"
        "1    马铃薯   单个重量150克以上，无发芽     千克  1.60\n"
        "2    大白菜            包心紧实，无烂叶，去根               千克  1.40\n"
    )
    assert check("missing_clause:price", text) == []


def test_a_quantity_column_whose_cells_run_together() -> None:
    text = (
        "一、产品及数量\n"
        "品名     款式       面料          尺码      数量（   单价（元）  金额（元）\n"
        "                                    套）\n"
        "夏季校    短袖T恤+长裤  面料棉含量≥60%   150—XXL 1,100 120.00 132,000.00\n"
        "服\n"
    )
    assert check("missing_clause:quantity", text, "uniform") == []


def test_a_heading_that_names_the_quantity_is_no_column_of_counts() -> None:
    text = (
        "二、数量\n"
        "供应数量按甲方食堂需要确定，以甲方每日订货单为准，乙方须全部满足。\n"
        "1. 蔬菜农药残留须符合GB 2763的规定。\n"
    )
    assert [hit.rule for hit in check("missing_clause:quantity", text)] == [
        "missing_clause:quantity"
    ]


def test_damages_for_harm_caused_in_a_sentence_a_pdf_wrapped() -> None:
    text = (
        "六、乙方消杀后未达到第三条标准的，应在3日内免费重新消杀；因乙方投药不当造成幼儿或教\n"
        "职工中毒、受伤的，乙方承担全部赔偿责任。\n"
    )
    assert check("missing_clause:breach_liability", text, "service") == []


@pytest.mark.parametrize(
    "cover",
    [
        "七、责任免除：幼儿自身疾病、家长接送途中发生的交通事故、地震及战争造成的损失，保险\n"
        "人不负责赔偿。\n",
        "保险人在保险期间内，因其在园幼儿发生意外事故，造成幼儿人身伤亡，依法应由投保人承担的"
        "经济赔偿责任，保险人按本协议约定负责赔偿。\n",
    ],
)
def test_an_insurers_cover_is_no_liability_for_breach(cover: str) -> None:
    hits = check("missing_clause:breach_liability", cover, "insurance")
    assert [hit.rule for hit in hits] == ["missing_clause:breach_liability"]


def test_the_schools_use_is_no_standard_of_quality() -> None:
    text = "二、质量要求\n乙方供应的鸡蛋应新鲜、质量合格，符合学校食堂使用要求。\n"
    assert [hit.rule for hit in check("missing_clause:quality", text, "catering")] == [
        "missing_clause:quality"
    ]


PLACE = "用餐地点：乙方一楼团餐大厅。\n"


def test_a_schedule_of_meals_as_a_table_times_the_service() -> None:
    table = (
        "批次\t用餐日期\t班级\t学生人数\n"
        "第一批\t2025年10月14日\t初一（1）—（4）班\t140\n"
        "第二批\t2025年10月15日\t初一（5）—（8）班\t140\n"
    )
    assert check("missing_clause:performance", table + PLACE, "catering") == []


def test_the_hours_when_work_is_forbidden_are_no_time_of_the_work() -> None:
    text = (
        "1. 工程地点：甲方校内学生宿舍楼地下管沟。\n"
        "3. 乙方施工不得影响学生正常住宿和作息，22:00至次日6:00不得进行噪声作业。\n"
    )
    assert [hit.rule for hit in check("missing_clause:performance", text, "construction")] == [
        "missing_clause:performance"
    ]


def test_produce_counted_in_pieces_and_payments_in_instalments() -> None:
    eggs = "1. 数量和价格：本学期共采购土鸡蛋6000枚，每枚单价人民币壹元贰角。\n"
    assert check("missing_clause:quantity", eggs, "procurement") == []
    buses = (
        "车辆数量由乙方根据学生乘车需要合理安排。\n"
        "甲方每月支付一次，每次支付人民币伍万陆仟元整（¥56,000.00），共五次。\n"
    )
    assert [hit.rule for hit in check("missing_clause:quantity", buses, "school_bus")] == [
        "missing_clause:quantity"
    ]
    # a place named for trees is no count of trees
    place = "甲方：乌苏市四棵树镇中心学校\n甲方向乙方采购校服一批，按甲方实际学生人数供货。\n"
    assert [hit.rule for hit in check("missing_clause:quantity", place, "uniform")] == [
        "missing_clause:quantity"
    ]


def test_a_workload_with_a_floor_left_to_arrangement_is_stated() -> None:
    text = "乙方投入的技术服务工作量不少于120人·日，由乙方根据甲方需要安排。\n"
    assert check("missing_clause:quantity", text, "service") == []
