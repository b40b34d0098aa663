"""Classes of error found on the second corpus's seventeenth held-out batch: a rural head
teacher's own agreements, which name the parties in the opening sentence with their
particulars in brackets (住… for where a person lives), describe the work, the land and
the materials in plain words, and have no headings at all."""

from __future__ import annotations

import pytest

from tests.precheck.checking import check

OPENING = (
    "甲方靖川县石门乡下川小学（地址：靖川县石门乡下川村四社）与乙方杨明山"
    "（身份证号：621122197511203458，住靖川县石门乡下川村一社）经商量，订以下协议：\n"
)


def test_parties_named_in_the_opening_sentence_with_their_particulars_in_brackets() -> None:
    text = OPENING + "一、甲方买乙方块煤38吨，每吨1200元。\n"
    assert check("missing_clause:parties", text) == []
    # without where the seller lives, one address is missing
    homeless = OPENING.replace("，住靖川县石门乡下川村一社", "")
    assert [hit.rule for hit in check("missing_clause:parties", homeless + "一、块煤38吨。\n")] == [
        "missing_clause:parties"
    ]


def test_a_role_before_a_verb_in_the_opening_sentence_names_no_party() -> None:
    # 甲方将其校园南侧临街门面房（…）: what the school lets, not a name
    text = (
        "经县教育局同意，甲方将其校园南侧临街门面房（独立对外开门）对外出租。\n"
        "出租方（甲方）：某县某镇中心小学\n住所：某县某镇某路45号\n"
        "承租方（乙方）：某县文苑书店\n经营场所及住址：某县某镇某路45-3号\n"
    )
    assert check("missing_clause:parties", text, "lease") == []


@pytest.mark.parametrize(
    ("clause", "contract_type"),
    [
        ("2、土地情况：地是平的，土是黄绵土，能用水渠的水浇地，没有权属纠纷。", "lease"),
        (
            "用料和要求：玻璃用5毫米厚的平板玻璃，四周打玻璃胶密封，门锁用不锈钢球形门锁。",
            "construction",
        ),
        ("乙方晚上巡查校园不少于3次，查看教室、食堂的门窗和水电。", "service"),
        ("保证上课期间教室温度不低于16度，学生宿舍晚上不低于14度。", "service"),
        ("乙方要有锅炉司炉操作证，证件复印件交甲方存档。", "service"),
    ],
)
def test_quality_in_plain_words(clause: str, contract_type: str) -> None:
    assert check("missing_clause:quality", OPENING + clause + "\n", contract_type) == []


def test_the_schools_own_buildings_are_the_place_of_the_work() -> None:
    text = OPENING + (
        "一、维修内容：北排平房教室6间的屋面，面积约420平方米。\n"
        "三、工期：2025年7月12日开工，7月27日前完工。\n"
    )
    assert check("missing_clause:performance", text, "construction") == []
    unplaced = OPENING + "三、工期：2025年7月12日开工，7月27日前完工。\n"
    assert [hit.rule for hit in check("missing_clause:performance", unplaced, "construction")] == [
        "missing_clause:performance"
    ]


DONATION = "1、乙方给甲方全校学生每人捐一件棉衣，共120件，尺码按甲方报的学生身高定。\n"


def test_a_contract_without_headings_names_its_subject_in_its_first_clause() -> None:
    assert check("missing_clause:subject", "捐赠协议\n" + OPENING + DONATION, "donation") == []
    vague = "劳务协议\n" + OPENING + "1、甲方聘请乙方为甲方提供相关劳务服务，每日工作八小时。\n"
    assert [hit.rule for hit in check("missing_clause:subject", vague, "employment")] == [
        "missing_clause:subject"
    ]


@pytest.mark.parametrize(
    "remedy",
    [
        "5、乙方送来的棉衣有破的、开线的、尺码不对的，乙方在5天内调换。\n",
        "5、甲方不得把棉衣卖掉或者挪作他用，违反的，乙方可以要回没发的棉衣。\n",
    ],
)
def test_remedies_in_plain_words_are_liability_for_breach(remedy: str) -> None:
    assert check("missing_clause:breach_liability", OPENING + DONATION + remedy, "donation") == []
    assert [
        hit.rule for hit in check("missing_clause:breach_liability", OPENING + DONATION, "donation")
    ] == ["missing_clause:breach_liability"]


def test_roles_with_their_designation_before_the_names_in_the_opening_sentence() -> None:
    text = (
        "甲方（买方）靖川县石门乡中心小学（地址：靖川县石门乡石门村一社，联系人：赵文礼）"
        "与乙方（卖方）靖川县红崖镇兴旺煤炭经销部（经营者：何德胜，地址：靖川县红崖镇南路18号）"
        "经协商，订立本合同。\n1、块煤38吨，每吨1200元。\n"
    )
    assert check("missing_clause:parties", text) == []
    unplaced = text.replace("，地址：靖川县红崖镇南路18号", "")
    assert [hit.rule for hit in check("missing_clause:parties", unplaced)] == [
        "missing_clause:parties"
    ]
