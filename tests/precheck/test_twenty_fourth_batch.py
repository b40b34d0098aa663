"""Classes of error found on the second corpus's twenty-fourth held-out batch (six new
authors, 144 contracts), opened after it was measured: insured listed in an annex, land and
meat described as they are, a warranty under a quality heading, a retiree's term of work
given as dates, the rooms of a building counted, and delivery dates beside a duty to give
written notice."""

from __future__ import annotations

import pytest

from tests.precheck.checking import check


def test_the_insured_a_list_describes_are_no_party_of_their_own() -> None:
    text = (
        "投保人：某市教育局\n地址：某市某区某大道1号\n"
        "保险人：某财产保险股份有限公司某中心支公司\n地址：某市某区某大街156号\n"
        "被保险人：某市市直及各区县公办寄宿制学校食堂（名单附后）\n"
        "一、承保范围\n"
    )
    assert check("missing_clause:parties", text, "insurance") == []


@pytest.mark.parametrize(
    ("clause", "contract_type"),
    [
        ("该草场为冬春草场，现有网围栏约3,200米，完好可用；草场无退化沙化。", "lease"),
        ("租用土地位于学校南侧原苗圃，面积3.2亩，地块已平整，无青苗、无附着物。", "lease"),
        ("猪肉必须是定点屠宰场屠宰、检疫合格的鲜猪肉，每次送货附检疫证明。", "catering"),
    ],
)
def test_land_and_meat_as_they_are_described(clause: str, contract_type: str) -> None:
    assert check("missing_clause:quality", clause + "\n", contract_type) == []


def test_a_warranty_under_a_quality_heading_is_no_standard() -> None:
    text = (
        "1、货物名称、规格型号、数量及质量要求均以附件《采购清单》为准。\n"
        "5、质量保修：乙方对所供货物保修三年，保修期内免费维修。\n"
    )
    assert [hit.rule for hit in check("missing_clause:quality", text)] == ["missing_clause:quality"]


def test_a_retirees_term_of_work_given_as_dates_is_its_extent() -> None:
    text = (
        "甲方聘用乙方从事锅炉房司炉工作。\n"
        "一、劳务期限：2025年10月15日至2026年4月15日。\n"
        "二、工作地点及内容：某小学锅炉房，负责燃气锅炉的运行操作。\n"
    )
    assert check("missing_clause:quantity", text, "employment") == []


def test_the_rooms_of_a_building_are_counted() -> None:
    text = "1、改造内容：一号教学楼12间教室更换全部照明线路，每间教室更换LED护眼灯9盏。\n"
    assert check("missing_clause:quantity", text, "construction") == []
    # 某路26号 after a street is an address, whatever unit follows
    address = "乙方住址：某县新华路8幢，甲方向乙方采购办公用品一批。\n"
    assert [hit.rule for hit in check("missing_clause:quantity", address)] == [
        "missing_clause:quantity"
    ]


def test_delivery_dates_beside_a_duty_to_give_written_notice() -> None:
    text = (
        "二、送货：乙方分三批送货，第一批2025年9月1日前、第二批10月8日前送到甲方食堂仓库，"
        "每批数量由甲方食堂管理员提前三天书面通知。\n"
    )
    assert check("missing_clause:performance", text, "catering") == []
    notice_only = "乙方地址变更的，应在变更后3日内书面通知对方。\n送货地点：甲方食堂仓库。\n"
    assert [hit.rule for hit in check("missing_clause:performance", notice_only)] == [
        "missing_clause:performance"
    ]
