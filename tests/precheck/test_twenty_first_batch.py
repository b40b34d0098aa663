"""Classes of error found on the second corpus's twenty-first held-out batch (six new
authors), opened after it was measured: a school entrusted by its own authority read as
handing its canteen out; times of the performance beside other duties, ordered by notice
or wrapped by a PDF; a venue let, a tutor's curriculum and a hall's equipment as quality;
the school's own wishes as a vague quality; and quantities left to the school's daily
orders."""

from __future__ import annotations

import pytest

from tests.precheck.checking import check


def test_a_school_entrusted_by_its_authority_hands_nothing_out() -> None:
    text = (
        "委托方（甲方）：某县某乡民族寄宿制中学（受乡中心校委托统一管理本乡教学点营养餐）\n"
        "受托方（乙方）：某县某餐饮服务部\n"
        "乙方每日将午餐配送至各教学点。\n"
    )
    assert check("catering_outsourced", text, "catering") == []
    handed = "甲方将学生食堂委托乙方统一管理，乙方自负盈亏。\n"
    assert [hit.rule for hit in check("catering_outsourced", handed, "catering")] == [
        "catering_outsourced"
    ]


PLACED = "交货地点：甲方校内实训楼焊接实训车间。\n"


@pytest.mark.parametrize(
    "timing",
    [
        # goods ordered by notice, delivered by a deadline after it
        "乙方按甲方通知分批送货，乙方在接到通知后3个工作日内送达。\n",
        # the same, a PDF having wrapped the line inside the deadline
        "3.1 乙方按甲方通知分批送货，甲方应提前3个工作日通知送货品种，乙方在接到通知后3个工作\n"
        "日内送达。\n",
        # the schedule of the work beside the duty to tell the date
        "每学期清洗2次，分别在期中考试后一周和学期结束前两周进行，具体日期由甲方提前5天告知乙方。\n",
    ],
)
def test_the_time_of_the_performance_beside_other_duties(timing: str) -> None:
    assert check("missing_clause:performance", PLACED + timing) == []


def test_a_deadline_to_answer_a_repair_call_is_no_time_of_delivery() -> None:
    text = PLACED + "保修期内，乙方在接到报修通知后2小时内到场。\n"
    assert [hit.rule for hit in check("missing_clause:performance", text)] == [
        "missing_clause:performance"
    ]


def test_the_venue_let_is_the_place_of_the_lease() -> None:
    text = (
        "1.1 场地：某体育公园3号11人制足球场1片。\n"
        "2.1 租用期间：2025年9月13日至2025年12月27日，每周六8:00—12:00。\n"
    )
    assert check("missing_clause:performance", text, "lease") == []


@pytest.mark.parametrize(
    ("clause", "contract_type"),
    [
        ("乙方须按甲方提供的课程标准编写教学计划，每月末提交学生课堂表现评估表。", "employment"),
        ("乙方租用甲方多功能厅，厅内设固定座椅300座，配备音响、投影、LED屏及空调。", "lease"),
    ],
)
def test_quality_of_a_tutors_work_and_of_a_venue(clause: str, contract_type: str) -> None:
    assert check("missing_clause:quality", clause + "\n", contract_type) == []


def test_the_kindergartens_own_wishes_are_no_standard() -> None:
    text = "二、质量\n乙方保证所供食材新鲜、质量合格，符合幼儿园要求。\n"
    assert [hit.rule for hit in check("missing_clause:quality", text, "catering")] == [
        "missing_clause:quality"
    ]
    named = text.replace("符合幼儿园要求", "符合GB 2762—2022《食品中污染物限量》的要求")
    assert check("missing_clause:quality", named, "catering") == []


@pytest.mark.parametrize(
    "text",
    [
        "供应数量按甲方食堂需要，以甲方每日订菜单为准，乙方按订菜单备货。\n",
        "配送份数以甲方每日需求为准。菜单：三荤两素一汤，米饭不限量。\n",
        "乙方供应焊接实训耗材一批，乙方在接到通知后3个工作\n日内送达。\n",
    ],
)
def test_a_quantity_left_to_the_schools_daily_orders_is_missing(text: str) -> None:
    assert [hit.rule for hit in check("missing_clause:quantity", text, "catering")] == [
        "missing_clause:quantity"
    ]


def test_an_unlimited_subscription_still_states_its_extent() -> None:
    text = "乙方向甲方提供教学平台账号，不限量，服务期自2025年9月1日至2026年8月31日。\n"
    assert check("missing_clause:quantity", text, "service") == []
