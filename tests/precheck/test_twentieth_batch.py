"""Classes of error found on the second corpus's twentieth held-out batch (eight new
authors), opened after it was measured: arbitration institutions named 仲裁院 or 仲裁中心,
a share of the bond that is forfeited, a signature block with the names beside the roles,
refusals and duties of safety read as exclusions, quality stated as a list of qualities or
as the land let, the school's own rooms as the place of the work, and payments in
instalments or a building in an address read as counts."""

from __future__ import annotations

import pytest

from tests.precheck.checking import check

DISPUTE = "因本合同引起的争议，协商不成的，提交{}，按照该院现行有效的仲裁规则仲裁。\n"


@pytest.mark.parametrize("institution", ["深圳国际仲裁院", "上海国际仲裁中心", "海南国际仲裁院"])
def test_an_arbitration_institution_named_otherwise_than_commission(institution: str) -> None:
    assert check("arbitration_no_commission", DISPUTE.format(institution)) == []


@pytest.mark.parametrize("institution", ["当地仲裁院", "有管辖权的仲裁中心", "仲裁机构"])
def test_an_institution_described_not_named_still_alarms(institution: str) -> None:
    hits = check("arbitration_no_commission", DISPUTE.format(institution))
    assert [hit.rule for hit in hits] == ["arbitration_no_commission"]


def test_a_share_of_the_bond_forfeited_is_not_the_bonds_size() -> None:
    text = (
        "乙方应于合同签订前交纳履约保证金，金额为合同总价的5%。\n"
        "连续两个月考核不合格的，甲方有权解除本合同，并没收履约保证金的50%。\n"
    )
    assert check("procurement_bond_over_10_percent", text, "service") == []
    large = text.replace("合同总价的5%", "合同总价的15%")
    assert [hit.rule for hit in check("procurement_bond_over_10_percent", large, "service")] == [
        "procurement_bond_over_10_percent"
    ]


CLAUSES = "第一条 货物\n乙方向甲方供应课桌椅120套。\n（以下无正文）\n"


def test_a_signature_block_with_the_names_beside_the_roles() -> None:
    block = (
        "甲方（采购人）：某市某小学        乙方（供应商）：某市某教育科技有限公司\n"
        "单位名称（盖章）：某市某小学       单位名称（盖章）：某市某教育科技有限公司\n"
        "授权代表（签字）：                   授权代表（签字）：\n"
    )
    assert check("no_signature_block", CLAUSES + block) == []
    # the roles and names alone, with nowhere to sign or seal, are no signature block
    names_only = "甲方（采购人）：某市某小学        乙方（供应商）：某市某教育科技有限公司\n"
    assert [hit.rule for hit in check("no_signature_block", CLAUSES + names_only)] == [
        "no_signature_block"
    ]


def test_a_refusal_of_renewal_by_silence() -> None:
    text = "租期届满，本合同不因期满未提出异议而延续，乙方需续租的应重新签订合同。\n"
    assert check("auto_renewal", text, "lease") == []


@pytest.mark.parametrize(
    "sentence",
    [
        "乙方应取得办学许可等相关资质，并自行承担经营中的安全责任。",
        "乙方在提供劳务过程中受到伤害的，甲方依法承担相应责任，不因已购买保险而减轻或免除甲方应承担的责任。",
    ],
)
def test_a_duty_of_safety_or_a_refusal_to_exclude_is_no_exclusion(sentence: str) -> None:
    assert check("injury_exemption", sentence + "\n", "lease") == []


def test_an_exclusion_beside_a_safety_duty_still_alarms() -> None:
    text = "乙方学员在培训期间发生人身伤害的，甲方概不负责。\n"
    assert [hit.rule for hit in check("injury_exemption", text, "lease")] == ["injury_exemption"]


@pytest.mark.parametrize(
    ("clause", "contract_type"),
    [
        # a list of qualities, wrapped by a PDF, that the acceptance checks
        (
            "4.2 终验时连续录制4节课，画面清晰、音画同步、\n自动跟踪准确、无丢帧为合格。",
            "procurement",
        ),
        (
            "1、租用土地位于学校北侧，面积三亩二分，为平整旱地，地上无房屋、坟地及其他附着物。",
            "lease",
        ),
        (
            "1、租赁门面两间，砖混结构，水电到户，\n卷帘门两道完好，地面为水泥地面，无漏雨。",
            "lease",
        ),
    ],
)
def test_quality_stated_in_plain_words(clause: str, contract_type: str) -> None:
    assert check("missing_clause:quality", clause + "\n", contract_type) == []


def test_a_count_and_its_packaging_checked_on_arrival_is_no_quality() -> None:
    text = "第四条 验收\n货物送达后，甲方开箱清点数量，数量无误、外包装完好的，即视为验收合格。\n"
    assert [hit.rule for hit in check("missing_clause:quality", text)] == ["missing_clause:quality"]


OPENING = "甲方：某县某乡中心学校，地址：某县某乡学校路8号\n乙方：曾某，住址：某县某乡大坪村二组\n"


def test_the_schools_kitchen_is_the_place_of_the_repair() -> None:
    text = OPENING + (
        "一、维修内容：拆除重砌教学点厨房柴火灶台2座，屋顶出烟口加装防雨帽1个。\n"
        "三、维修时间：2025年8月20日开工，8月28日前完工。\n"
    )
    assert check("missing_clause:performance", text, "construction") == []
    # 书香校园 names no place where anything is done
    gift = OPENING + "甲方为支持书香校园建设，将下列图书捐赠给乙方。\n图书出版时间在2021年以后。\n"
    assert [hit.rule for hit in check("missing_clause:performance", gift, "donation")] == [
        "missing_clause:performance"
    ]


@pytest.mark.parametrize(
    "text",
    [
        "甲方租用乙方客车接送参赛师生，包干价人民币肆仟捌佰元整，返校后五日内甲方一次付清。\n",
        "车辆由乙方根据乘车人数调配，费用共计¥190,000.00，分两次支付。\n",
        "乙方：某科技有限公司，地址：某市西溪科创园8幢5楼\n甲方向乙方采购机器人教具一批。\n",
    ],
)
def test_instalments_and_addresses_count_nothing(text: str) -> None:
    hits = check("missing_clause:quantity", text, "school_bus")
    assert [hit.rule for hit in hits] == ["missing_clause:quantity"]
