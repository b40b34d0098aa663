"""Classes of error found on the second corpus's sixteenth held-out batch: a contract in
parts whose special conditions follow the signed agreement, a 合同标的及价款 heading, a
framework priced per unit under a capped total, dimensions and instalments read as counts,
a builder's 符合发包人要求, and the condition of premises, a measured parameter and a plan
approved by the school as the quality."""

from __future__ import annotations

import pytest

from tests.precheck.checking import check

AGREEMENT = (
    "第一部分 合同协议书\n一、工程概况\n工程名称：某小学教学楼维修改造工程。\n"
    "发包人（盖章）：某小学    承包人（盖章）：某建筑公司\n日期：2026年5月1日\n"
)


def test_the_special_conditions_after_the_signed_agreement_are_clauses_of_the_contract() -> None:
    special = (
        "第三部分 专用合同条款\n8.2 承包人逾期竣工超过20日的，发包人有权解除合同，"
        "并要求承包人支付签约合同价5%的违约金。\n"
    )
    text = AGREEMENT + special
    assert check("missing_clause:breach_liability", text, "construction") == []
    # an annex after the signatures is no clause of the contract
    annex = "附件1：施工进度计划\n8.2 承包人逾期竣工超过20日的，发包人有权解除合同。\n"
    assert [
        hit.rule
        for hit in check("missing_clause:breach_liability", AGREEMENT + annex, "construction")
    ] == ["missing_clause:breach_liability"]


def test_a_subject_and_price_heading_is_a_subject_heading() -> None:
    text = (
        "政府采购合同\n一、合同标的及价款\n1．乙方向甲方供应下列灯具及控制设备，并负责安装调试：\n"
    )
    assert check("missing_clause:subject", text) == []
    vague = "采购合同\n一、合同标的及价款\n1．乙方向甲方提供相关服务。\n"
    assert [hit.rule for hit in check("missing_clause:subject", vague)] == [
        "missing_clause:subject"
    ]


REPAIRS = "一、维修工程量以发包人下达的《维修任务单》为准，按实结算。\n"


def test_a_framework_priced_per_unit_under_a_capped_total_states_its_extent() -> None:
    capped = REPAIRS + (
        "二、本协议年度维修费用暂定上限为人民币叁拾万元整（¥300,000.00）。\n"
        "三、按附件《零星维修综合单价表》所列单价乘以实际工程量结算。\n"
    )
    assert check("missing_clause:quantity", capped, "construction") == []
    uncapped = REPAIRS + "三、按附件《零星维修综合单价表》所列单价乘以实际工程量结算。\n"
    assert [hit.rule for hit in check("missing_clause:quantity", uncapped, "construction")] == [
        "missing_clause:quantity"
    ]


@pytest.mark.parametrize(
    "not_a_count",
    ["阵列拾音器拾音半径不少于8米。\n", "定金在最后一期租金中抵扣。\n"],
)
def test_a_dimension_or_an_instalment_counts_no_equipment(not_a_count: str) -> None:
    text = "一、甲方出租录播教室设备一批，包括摄像机、拾音器及录播主机。\n" + not_a_count
    assert [hit.rule for hit in check("missing_clause:quantity", text, "lease")] == [
        "missing_clause:quantity"
    ]
    assert check("missing_clause:quantity", text + "二、摄像机3台。\n", "lease") == []


def test_works_that_need_only_satisfy_the_employer_have_no_standard() -> None:
    text = (
        "第四条 工程质量\n承包人应保证工程质量合格，符合发包人要求。工程完工后由发包人组织验收。\n"
    )
    assert [hit.rule for hit in check("missing_clause:quality", text, "construction")] == [
        "missing_clause:quality"
    ]


@pytest.mark.parametrize(
    ("clause", "contract_type"),
    [
        ("活动室使用面积约320平方米，塑胶地面平整，墙面设有软包防护。", "lease"),
        ("场地为标准羽毛球场地6片，场内照明不低于300勒克斯。", "lease"),
        ("乙方应按照甲方体育组审定的训练计划授课，不得体罚学生。", "employment"),
    ],
)
def test_the_condition_a_parameter_or_an_approved_plan_states_the_quality(
    clause: str, contract_type: str
) -> None:
    text = "一、" + clause + "\n"
    assert check("missing_clause:quality", text, contract_type) == []
    bare = "一、甲方将活动室提供给乙方使用，每周六使用。\n"
    assert [hit.rule for hit in check("missing_clause:quality", bare, contract_type)] == [
        "missing_clause:quality"
    ]
