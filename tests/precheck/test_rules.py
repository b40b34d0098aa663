"""Each pre-check rule on small snippets: what fires, what comes close and must not, and
excerpts that point at the right characters of the right page."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from advisor.precheck import RULES, Hit, message, run
from advisor.precheck.engine import explanation
from tests.precheck.checking import check_pages

SIGNATURES = (
    "\n甲方（盖章）：乌苏市第一中学\n乙方（盖章）：新疆某某科技有限公司\n日期：2025年　月　日\n"
)


def check(
    rule: str, *pages: str, contract_type: str = "procurement", amount: str | None = None
) -> list[Hit]:
    """The rule's hits, each checked to quote its page at its offsets."""
    return check_pages(rule, pages, contract_type=contract_type, amount=amount)


def excerpts(rule: str, *pages: str, **kwargs: str) -> list[str]:
    return [hit.excerpt for hit in check(rule, *pages, **kwargs)]


# --- the engine ------------------------------------------------------------------------------


def test_rules_are_registered_once_in_a_stable_order_with_their_messages() -> None:
    assert list(RULES)[:9] == [
        "no_text_layer",
        "missing_clause:parties",
        "missing_clause:subject",
        "missing_clause:quantity",
        "missing_clause:quality",
        "missing_clause:price",
        "missing_clause:performance",
        "missing_clause:breach_liability",
        "missing_clause:dispute_resolution",
    ]
    assert len(RULES) == 26
    for rule in RULES.values():
        assert rule.severity in {"low", "medium", "high"}
        assert rule.dimension in {"legality", "clarity", "operability"}
        assert rule.message and rule.suggestion and rule.basis
        assert "%" not in rule.suggestion.replace("%%", "")


def test_no_text_layer_stops_every_other_rule() -> None:
    hits = run(["", " 1 ", "\n\f"], contract_type="lease", amount=Decimal("1000.00"))
    assert [(h.rule, h.page, h.excerpt) for h in hits] == [("no_text_layer", None, "")]
    assert run(["  "], contract_type="lease", amount=None, disabled={"no_text_layer"}) == []


def test_a_page_with_text_is_read() -> None:
    text = "本合同租赁期限为二十五年，自2025年1月1日起。" * 2
    hits = run(["", text], contract_type="lease", amount=None)
    assert "no_text_layer" not in {h.rule for h in hits}
    lease = [h for h in hits if h.rule == "lease_over_20_years"]
    assert lease and all(h.page == 2 for h in lease)


def test_disabled_rules_and_other_types_are_skipped() -> None:
    text = "甲方将食堂交由乙方承包经营，承包期限为一年，自2025年9月1日起至2026年8月31日止。"
    assert any(
        h.rule == "catering_outsourced" for h in run([text], contract_type="catering", amount=None)
    )
    assert not any(
        h.rule == "catering_outsourced"
        for h in run([text], contract_type="procurement", amount=None)
    )
    hits = run([text], contract_type="catering", amount=None, disabled={"catering_outsourced"})
    assert not any(h.rule == "catering_outsourced" for h in hits)


def test_offsets_are_within_the_page_of_the_excerpt() -> None:
    first = "第一页：甲方：乌苏市第一中学，住所：乌苏市北京路1号。" * 3
    second = "第二页：本合同自动续约一年，租金不变。"
    [hit] = check("auto_renewal", first, second)
    assert hit.page == 2
    assert hit.excerpt == "第二页：本合同自动续约一年，租金不变"


def test_message_is_formatted_with_the_hit_params() -> None:
    [hit] = check("amount_mismatch", "合同总价：人民币贰拾肆万元整（¥204,000.00）。")
    assert message(hit) == (
        "The amount in capitals (贰拾肆万元整) disagrees with the figure (¥204,000.00)."
    )
    [bond] = check("procurement_bond_over_10_percent", "乙方缴纳合同金额15%的履约保证金。")
    assert "15%" in message(bond) and "10%" in message(bond)


# --- essential clauses -----------------------------------------------------------------------

PARTIES = "甲方：乌苏市第一中学\n地址：乌苏市北京路1号\n\n乙方：新疆天木教学设备有限公司\n住所：乌鲁木齐市米东区1号\n"


def test_parties_named_with_addresses() -> None:
    assert check("missing_clause:parties", PARTIES + SIGNATURES) == []
    inline = "甲方：乌苏市第三小学　　地址：文化路23号\n乙方：乌苏市云帆网络科技有限公司，住所：天山路150号\n"
    assert check("missing_clause:parties", inline) == []
    spaced = "甲　方：乌苏市第一中学\n地　址：北京路1号\n乙　方：张丽萍\n住　所：西大街11号\n"
    assert check("missing_clause:parties", spaced) == []


def test_parties_missing() -> None:
    no_address = "甲方：乌苏市第一中学\n乙方：乌苏市清馨洗涤服务有限公司\n" + SIGNATURES
    assert [h.page for h in check("missing_clause:parties", no_address)] == [None]
    only_one = (
        "甲方：乌苏市第四中学\n地址：东风路88号\n\n一、采购内容\n乙方供应图书4,000册。" + SIGNATURES
    )
    assert len(check("missing_clause:parties", only_one)) == 1
    anonymous = "捐赠方：爱心人士（本人要求不公开姓名）\n受赠方：乌苏市石桥乡中心学校\n受赠方地址：学校路1号\n"
    assert excerpts("missing_clause:parties", anonymous) == ["爱心人士（本人要求不公开姓名）"]
    # An address for the delivery is not a party's domicile.
    delivery = "甲方：乌苏市第一中学\n地址：北京路1号\n乙方：新疆某公司\n交货地址：甲方食堂\n"
    assert len(check("missing_clause:parties", delivery)) == 1


def test_subject() -> None:
    assert check("missing_clause:subject", "教室照明灯具采购合同\n甲方……") == []
    generic = "政府采购合同\n（货物类）\n一、合同货物\n乙方向甲方提供交互式智能平板及配套设备，具体如下：\n"
    assert check("missing_clause:subject", generic) == []
    labelled = "爱心捐赠协议书\n一、捐赠物品：全新儿童羽绒服200件。\n"
    assert check("missing_clause:subject", labelled) == []
    heading = "捐赠协议\n一、捐赠财产\n捐赠人向受赠人捐赠台式计算机30台。\n"
    assert check("missing_clause:subject", heading) == []
    vague = (
        "合作协议\n甲乙双方就合作事宜达成如下协议：\n一、合作方式\n甲方提供教室，乙方派出教师。\n"
    )
    assert len(check("missing_clause:subject", vague)) == 1
    annex = "采购合同\n一、采购内容\n乙方按照本合同附件《采购清单》向甲方供应货物。货物的名称、数量均以附件为准。\n"
    assert len(check("missing_clause:subject", annex)) == 1
    services = "服务协议\n一、服务内容：乙方为甲方提供相关服务。\n"
    assert len(check("missing_clause:subject", services)) == 1


def test_quantity() -> None:
    assert check("missing_clause:quantity", "LED教室灯480盏，单价320元。") == []
    assert check("missing_clause:quantity", "乙方投入专用校车三辆。") == []
    table = "品名｜规格｜单位｜预计数量｜单价\n土豆｜一级｜千克｜18,000｜2.60\n"
    assert check("missing_clause:quantity", table) == []
    tabs = "品名\t规格\t单位\t数量\t单价（元）\n作业本\t16开\t本\t20,000\t0.95\n"
    assert check("missing_clause:quantity", tabs) == []
    # Training hours, copies of the contract, working days and a street are no quantity.
    near = (
        "乙方供应实验桌、通风橱和实验器材，并进行不少于4学时的培训。验收后15个工作日内付款。"
        "乙方住所：经三路21号。本合同一式四份，甲方三份，乙方一份。逾期的每次扣减服务费。"
    )
    assert len(check("missing_clause:quantity", near)) == 1
    ratio = "乙方每车配备驾驶人一名和随车照管人员一名。乘车学生名单由甲方提供。"
    assert len(check("missing_clause:quantity", ratio)) == 1
    annex = "货物的名称、规格型号、数量（200台以内）均以附件为准。"
    assert len(check("missing_clause:quantity", annex)) == 1


def test_quality() -> None:
    assert check("missing_clause:quality", "钢琴符合GB/T 10159-2015《钢琴》的要求。") == []
    assert check("missing_clause:quality", "三、保洁标准\n卫生间每日4次。") == []
    assert (
        check("missing_clause:quality", "甲方保证租赁物在交付时结构安全，具备正常使用条件。") == []
    )
    bare = "LED教室灯480盏。安装完成后逐间通电试亮，甲方清点数量后签字确认。整机保修一年。"
    assert len(check("missing_clause:quality", bare)) == 1
    annex = "货物的名称、规格型号及质量要求均以附件为准。"
    assert len(check("missing_clause:quality", annex)) == 1


def test_price() -> None:
    assert check("missing_clause:price", "合同总价为人民币伍万陆仟元整（¥56,000.00）。") == []
    assert check("missing_clause:price", "捐赠为无偿捐赠，物品价值合计人民币叁万陆仟元整。") == []
    negotiated = "租金标准及支付方式由双方另行协商确定。乙方交纳押金人民币伍仟元整（¥5,000.00）。"
    assert len(check("missing_clause:price", negotiated)) == 1
    assert len(check("missing_clause:price", "合作项目涉及的费用问题，由双方另行协商。")) == 1


def test_performance() -> None:
    present = "乙方应于2025年8月15日前完成安装。安装地点为甲方教学楼。"
    assert check("missing_clause:performance", present) == []
    vague_but_present = "交货时间：乙方应在合同签订后尽快交货。交货地点：甲方教学楼。"
    assert check("missing_clause:performance", vague_but_present) == []
    payment_only = (
        "甲方在验收合格并收到发票后15个工作日内付款。整机保修三年，保修期内上门维修，24小时内到场。"
    )
    assert len(check("missing_clause:performance", payment_only)) == 1
    on_site = "乙方向甲方派驻保安员4名。服务期限自2025年9月1日起至2026年8月31日止。"
    assert check("missing_clause:performance", on_site) == []
    vague_date = "活动具体日期视天气情况另行通知。交通由乙方负责。"
    assert check("missing_clause:performance", vague_date) == []
    no_place = "乙方应于2025年9月1日前交货。"
    assert len(check("missing_clause:performance", no_place)) == 1


def test_breach_liability() -> None:
    assert check("missing_clause:breach_liability", "乙方逾期交货的，按日支付违约金。") == []
    assert check("missing_clause:breach_liability", "设备不符合约定的，乙方负责更换。") == []
    warranty = (
        "工程内容：更换阀门井8座。本工程保修期为2个采暖期，保修期内出现渗漏的，承包人到场处理。"
    )
    assert len(check("missing_clause:breach_liability", warranty)) == 1


def test_dispute_resolution() -> None:
    assert (
        check("missing_clause:dispute_resolution", "协商不成的，向乌苏市人民法院提起诉讼。") == []
    )
    assert check("missing_clause:dispute_resolution", "提交当地仲裁机构仲裁。") == []
    none = "本合同一式二份，自双方签字盖章之日起生效。乙方承担诉讼费以外的费用。"
    assert len(check("missing_clause:dispute_resolution", none)) == 1


# --- amounts ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "人民币壹拾伍万叁仟陆佰元整（¥153,600.00）",
        "大写：人民币肆拾壹万叁仟玖佰零捌元整；小写：¥413,908.00",
        "大写：人民币玖万叁仟伍佰捌拾元整，小写：93,580.00元",
        "人民币捌拾陆万伍仟元整（86.5万元）",
        "¥107,000.53（大写：壹拾万零柒仟元伍角叁分）",
        "人民币壹拾柒万零肆佰元整（¥170,400.00）",
        "捌分（¥0.08）",
        "壹万陆仟肆佰零玖元零贰分（¥16,409.02）",
        "人民币壹拾万元整。另付¥50,000.00",
    ],
)
def test_amounts_that_agree(text: str) -> None:
    assert check("amount_mismatch", text) == []


def test_amounts_that_disagree() -> None:
    page = "一、合同总价：人民币贰拾肆万元整（¥204,000.00），含税。"
    [hit] = check("amount_mismatch", "封面", page)
    assert (hit.page, hit.excerpt) == (2, "贰拾肆万元整（¥204,000.00）")
    assert hit.params == {
        "capital": "贰拾肆万元整",
        "figure": "¥204,000.00",
        "clause": "一、 合同总价",  # the clause it looked at, as a lawyer cites it
    }
    before = "¥36,000.00（大写：人民币叁万陆仟元伍角）"
    assert excerpts("amount_mismatch", before) == ["¥36,000.00（大写：人民币叁万陆仟元伍角）"]
    assert len(check("amount_mismatch", "单价：捌分（¥0.80）")) == 1


def test_amount_differs_from_submission() -> None:
    text = "合同价款为人民币捌拾陆万伍仟元整（86.5万元）。履约保证金43,250元。"
    assert check("amount_differs_from_submission", text, amount="865000.00") == []
    assert check("amount_differs_from_submission", text, amount="43250") == []
    assert check("amount_differs_from_submission", "| 合计 | 186,400.00 |", amount=None) == []
    [hit] = check("amount_differs_from_submission", text, amount="13150.00")
    assert hit.params == {"amount": "13,150.00"}
    assert len(check("amount_differs_from_submission", "费用另行协商。", amount="48000")) == 1


# --- blanks and signatures -------------------------------------------------------------------


def test_blanks_in_the_body() -> None:
    text = (
        "合同编号：WSEZ-2025-＿＿\n开户行：（　　　　）\n联系人：____\n签订日期：2025年8月　日\n"
        + SIGNATURES
    )
    assert excerpts("blank_field", text) == ["＿＿", "（　　　　）", "____", "2025年8月　日"]
    assert excerpts("blank_field", "本合同由XX学校签订。") == ["XX"]


def test_near_blanks_and_the_signature_block() -> None:
    text = (
        "（以下无正文）\n号型：XL　XXL　XXXL\n（1）班\n每年3月31日前支付。\n"
        "甲方（盖章）：\n法定代表人（签字）：＿＿＿＿\n日期：　　年　　月　　日\n"
        "乙方（签字）：艾力·买买提\n2025年　月　日\n"
    )
    assert check("blank_field", text) == []
    open_address = text + "乙方地址：＿＿＿＿＿\n"
    assert excerpts("blank_field", open_address) == ["＿＿＿＿＿"]


@pytest.mark.parametrize(
    "block",
    [
        "甲方（盖章）：乌苏市第一中学\n乙方（盖章）：",
        "| 甲方（盖章）：乌苏市第六中学 | 乙方（盖章）：新疆智联 |",
        "出租方（盖章）：乌苏市第三中学\n承租方（签字并捺印）：张丽萍",
        "甲　方（公章）：\n乙　方（公章）：",
        "捐赠人（签名）：王某",
    ],
)
def test_signature_blocks(block: str) -> None:
    assert check("no_signature_block", "第八条 本合同自双方签字盖章之日起生效。\n" + block) == []


def test_no_signature_block() -> None:
    text = "8. 本合同一式二份，自双方签字盖章之日起生效。\n（以下无正文）\n甲方代表人：王某"
    assert [h.page for h in check("no_signature_block", text)] == [None]


# --- dispute clause --------------------------------------------------------------------------


def test_arbitration_or_litigation() -> None:
    text = "七、争议解决\n协商不成的，可以向乌鲁木齐仲裁委员会申请仲裁，或者向合同履行地人民法院起诉。\n"
    assert excerpts("arbitration_and_litigation", text) == [
        "协商不成的，可以向乌鲁木齐仲裁委员会申请仲裁，或者向合同履行地人民法院起诉。"
    ]
    enforce = (
        "提交克拉玛依仲裁委员会按照其仲裁规则进行仲裁。仲裁裁决是终局的；一方不履行仲裁裁决的，"
        "另一方可以依法向有管辖权的人民法院申请执行。"
    )
    assert check("arbitration_and_litigation", enforce) == []
    assert check("arbitration_and_litigation", "协商不成的，向乌苏市人民法院提起诉讼。") == []


def test_arbitration_without_a_commission() -> None:
    for unnamed in (
        "提交保险单载明的仲裁机构仲裁。",
        "提交当地仲裁机构仲裁。",
        "提交甲方所在地仲裁委员会仲裁。",
    ):
        assert len(check("arbitration_no_commission", "协商不成的，" + unnamed)) == 1
    both = "协商不成的，可以提请仲裁，也可以向人民法院提起诉讼。"
    assert len(check("arbitration_no_commission", both)) == 1
    assert len(check("arbitration_and_litigation", both)) == 1
    named = "协商不成的，提交乌鲁木齐仲裁委员会仲裁。"
    assert check("arbitration_no_commission", named) == []
    assert check("arbitration_no_commission", "向乌苏市人民法院提起诉讼。") == []


# --- percentages -----------------------------------------------------------------------------


def test_penalty_over_30_percent() -> None:
    assert len(check("penalty_over_30_percent", "乙方应按合同总价的50%向甲方支付违约金。")) == 1
    capped = "每逾期一日按合同总价的1%支付违约金，违约金总额以合同总价的50%为限。"
    assert len(check("penalty_over_30_percent", capped)) == 1
    as_sum = (
        "合同金额人民币壹拾伍万元整（¥150,000.00）。乙方应支付违约金人民币陆万元整（¥60,000.00）。"
    )
    [hit] = check("penalty_over_30_percent", as_sum)
    assert hit.params["percent"] == "40"
    assert len(check("penalty_over_30_percent", "违约金为合同总价的百分之三十五。")) == 1


@pytest.mark.parametrize(
    "text",
    [
        "按不合格批次货款的30%支付违约金。",
        "每日千分之一，累计不超过合同总价的10%。违约金",
        "每逾期一日按合同金额的千分之一支付违约金，累计不超过合同金额的10%。",
        "每逾期一日按应付金额的万分之五支付违约金。",
        "每逾期一日按月服务费的5%支付违约金。",
        "甲方不履行合同的，应双倍返还定金。月度考核不合格的，扣减当月服务费的50%。",
        "违约金为合同总价的百分之二十。",
        "合同金额人民币叁万陆仟元整。乙方应支付违约金人民币伍仟元整（¥5,000.00）。",
    ],
)
def test_penalties_within_limits(text: str) -> None:
    assert check("penalty_over_30_percent", text, amount="36000") == []


def test_deposit_over_20_percent() -> None:
    text = "租金为人民币壹拾捌万元整（¥180,000.00）。乙方支付定金人民币肆万伍仟元整（¥45,000.00）。"
    [hit] = check("deposit_over_20_percent", text, amount="180000")
    assert hit.excerpt.startswith("乙方支付定金") and hit.params["percent"] == "25"
    assert len(check("deposit_over_20_percent", "定金为合同总价的25%。")) == 1
    assert check("deposit_over_20_percent", "定金24,000元，为租金总额的20%。") == []
    others = "押金为年租金的25%。预付款为合同总价的30%。履约保证金为合同总价的30%。"
    assert check("deposit_over_20_percent", others) == []


def test_performance_bond_over_10_percent() -> None:
    assert len(check("procurement_bond_over_10_percent", "缴纳合同金额的15%作为履约保证金。")) == 1
    as_sum = (
        "合同价款为人民币叁拾万元整（¥300,000.00）。缴纳履约保证金人民币陆万元整（¥60,000.00）。"
    )
    assert len(check("procurement_bond_over_10_percent", as_sum, amount="300000")) == 1
    exact = (
        "履约保证金人民币柒仟伍佰元整（¥7,500.00），即合同金额上限的10%。质量保证金为合同价款的3%。"
    )
    assert check("procurement_bond_over_10_percent", exact) == []
    assert (
        check("procurement_bond_over_10_percent", "质量保证金为合同价款的15%。押金为租金的20%。")
        == []
    )
    penalty = "乙方应支付违约金人民币陆万元整（¥60,000.00），甲方有权从履约保证金中直接扣除。"
    assert check("procurement_bond_over_10_percent", penalty, amount="168000") == []


# --- term ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("租赁期限为25年，自2025年10月1日起至2050年9月30日止。", "25"),
        ("租赁期限为叁拾年。", "30"),
        ("租赁期限为二十一年。", "21"),
        ("租赁期自2025年9月1日起至2047年8月31日止。", "22"),
    ],
)
def test_lease_over_20_years(text: str, years: str) -> None:
    [hit] = check("lease_over_20_years", text, contract_type="lease")
    assert hit.params == {"years": years}


def test_lease_of_20_years_or_less() -> None:
    for text in (
        "租赁期限为二十年（2025-04-01至2045-03-31）。",
        "租赁期限为一年。",
        "租赁期满，本合同终止。",
    ):
        assert check("lease_over_20_years", text, contract_type="lease") == []
    assert check("lease_over_20_years", "租赁期自2025年4月1日起至2045年3月31日止。") == []
    assert RULES["lease_over_20_years"].contract_types == ("lease",)


@pytest.mark.parametrize(
    "text",
    [
        "本合同自动续期五年。",
        "期满未书面提出不续保的，保险人自动续保一年。",
        "合同期满自动顺延一年。",
    ],
)
def test_auto_renewal(text: str) -> None:
    assert len(check("auto_renewal", text)) == 1


@pytest.mark.parametrize(
    "text",
    [
        "付款日遇法定节假日的，自动顺延至节后第一个工作日。",
        "因降雨停工的，工期相应顺延。",
        "本合同不自动延续。",
        "继续租用须书面提出并另行签订书面合同。",
    ],
)
def test_not_auto_renewal(text: str) -> None:
    assert check("auto_renewal", text) == []


# --- other red flags -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "活动中学生受伤的，乙方概不负责。",
        "甲方已为学生投保意外伤害险，发生意外的，乙方不再承担任何赔偿责任。",
        "学生在训练中受伤的，由学生监护人自行承担。",
        "学生在校外活动中发生人身伤害，乙方不承担责任。",
    ],
)
def test_injury_exemption(text: str) -> None:
    assert len(check("injury_exemption", text)) == 1


@pytest.mark.parametrize(
    "text",
    [
        "因乙方原因造成学生人身伤害的，乙方依法承担赔偿责任，不得以任何理由减轻或免除。",
        "因乙方违反训练规范造成学生人身损害的，乙方应承担相应的赔偿责任。",
        "因被保险人故意自伤导致的伤害，保险人不承担给付保险金的责任。",
        "因不可抗力造成人身伤害的，双方均不承担违约责任。",
        "因甲方原因造成学生受伤的，乙方不承担责任。",
        "运输费用由乙方自行承担。",
    ],
)
def test_not_injury_exemption(text: str) -> None:
    assert check("injury_exemption", text) == []


@pytest.mark.parametrize(
    ("text", "excerpt"),
    [
        ("1. 交货时间：乙方应在合同签订后尽快交货。", "1. 交货时间：乙方应在合同签订后尽快交货"),
        ("二、工期\n开工及竣工时间视天气情况而定。", "开工及竣工时间视天气情况而定"),
        ("3. 交货时间：具体送货时间由甲方另行通知。", "3. 交货时间：具体送货时间由甲方另行通知"),
    ],
)
def test_vague_performance_time(text: str, excerpt: str) -> None:
    assert excerpts("vague_performance_time", text) == [excerpt]


@pytest.mark.parametrize(
    "text",
    [
        "乙方应尽快调换，最迟不得超过送货后2小时。",
        "乙方接到报修后应尽快响应，30分钟内电话响应，4小时内到场。",
        "发现学生有风险的，视学生情况建议家长转介。",
        "训练时间调整的，提前2日告知乙方，调整后的训练时间由双方确认。",
        "乙方应于2025年8月15日前交货。",
    ],
)
def test_not_vague_performance_time(text: str) -> None:
    assert check("vague_performance_time", text) == []


# --- checklists by contract type ------------------------------------------------------------


def test_uniform_standards() -> None:
    full = "符合GB/T31888-2015、GB18401-2010、GB 31701—2015的规定。"
    assert check("uniform_missing_standard", full, contract_type="uniform") == []
    spaced = "符合GB/T 31888、GB 18401 和 ＧＢ 31701。"
    assert check("uniform_missing_standard", spaced, contract_type="uniform") == []
    [hit] = check(
        "uniform_missing_standard", "符合GB/T 31888-2015和GB 31701-2015。", contract_type="uniform"
    )
    assert hit.params == {"missing": "GB 18401"}
    assert (
        len(check("uniform_missing_standard", "符合国家相关标准。", contract_type="uniform")) == 1
    )


def test_school_bus_safety_letter() -> None:
    letter = "乙方已与甲方签订《校车安全责任书》，并报教育局备案。"
    assert check("school_bus_no_safety_letter", letter, contract_type="school_bus") == []
    general = "乙方承担校车运行的安全责任，严禁超员。"
    assert len(check("school_bus_no_safety_letter", general, contract_type="school_bus")) == 1


def test_catering_outsourced() -> None:
    text = "为解决就餐问题，甲方将学校食堂承包给乙方经营。"
    assert excerpts("catering_outsourced", text, contract_type="catering") == [text]
    assert len(check("catering_outsourced", "甲方将食堂委托乙方管理。")) == 1
    supply = "甲方食堂由学校自主经营。乙方仅负责食材供应，不参与甲方食堂的经营管理。"
    assert check("catering_outsourced", supply) == []


def test_a_missing_price_is_one_hit_not_two() -> None:
    """No price means no submitted amount in the text either: the second hit is folded
    into the first (one cause, one hit), and comes back once a price is stated."""
    text = "甲方：某某学校\n第一条 费用由双方另行协商。\n"
    rules = {hit.rule for hit in run([text], contract_type="service", amount=Decimal("48000"))}
    assert "missing_clause:price" in rules
    assert "amount_differs_from_submission" not in rules
    priced = text + "第二条 服务费为人民币叁万元整（¥30,000.00）。\n"
    rules = {hit.rule for hit in run([priced], contract_type="service", amount=Decimal("48000"))}
    assert "missing_clause:price" not in rules
    assert "amount_differs_from_submission" in rules


def test_a_hit_explains_what_it_rests_on() -> None:
    page = "第五条 违约责任\n（二）乙方逾期交货的，按合同总价的百分之四十支付违约金。\n"
    [hit] = check("penalty_over_30_percent", page)
    assert hit.params["clause"] == "第五条（二） 违约责任"
    with_searched = replace(hit, params={"searched": "第一条 标的、第二条 价款"})
    assert explanation(with_searched) == "Searched 第一条 标的、第二条 价款."
    words = replace(hit, params={**hit.params, "decided_by": "40% > 30%"})
    assert explanation(words) == "Looked at 第五条（二） 违约责任. Decided by: 40% > 30%."


def test_a_variant_of_a_rule_has_its_own_message() -> None:
    rule = RULES["missing_clause:quantity"]
    plain = Hit(rule.id, rule.severity, None, None, None, "", {})
    assert message(plain) == str(rule.message)
    for variant, text in rule.variants.items():
        assert (
            message(Hit(rule.id, rule.severity, None, None, None, "", {"variant": variant})) == text
        )
