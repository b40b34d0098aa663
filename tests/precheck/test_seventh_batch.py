"""Classes of error found on the second corpus's seventh held-out batch (124 contracts),
each fixed in general, and the corpus README's definitions 9 (labour arbitration) and 10
(a quantity given as a bound)."""

from __future__ import annotations

import pytest

from advisor.precheck.base import make_context
from tests.precheck.checking import check

ADDRESSES = (
    "甲方：克拉玛依市第三中学\n地址：克拉玛依市大庆东路15号\n"
    "乙方：新疆启航教育咨询有限公司\n地址：乌鲁木齐市天山区解放南路8号\n"
)

# --- labour arbitration, then court (README definition 9) ------------------------------------

SEQUENTIAL = (
    "九、劳动争议：因履行本合同发生劳动争议的，双方可以协商；协商不成的，向奎屯市劳动人事争议"
    "仲裁委员会申请仲裁；对仲裁裁决不服的，可以依法向人民法院提起诉讼。"
)


def test_labour_arbitration_then_court_is_the_statutory_sequence() -> None:
    assert check("arbitration_and_litigation", SEQUENTIAL, "employment") == []


def test_a_labour_commission_need_not_be_named() -> None:
    unnamed = "发生劳动争议的，可向当地劳动争议仲裁委员会申请仲裁；对裁决不服的，可向人民法院起诉。"
    assert check("arbitration_no_commission", unnamed, "employment") == []
    assert check("arbitration_and_litigation", unnamed, "employment") == []


def test_labour_arbitration_or_court_at_choice_is_still_a_choice() -> None:
    choice = (
        "因本协议发生争议的，可以向乌苏市劳动人事争议仲裁委员会申请仲裁，也可以向乌苏市人民法院"
        "提起诉讼。"
    )
    assert check("arbitration_and_litigation", choice, "employment")


def test_a_civil_contract_offering_court_after_arbitration_still_fires() -> None:
    civil = "争议提交伊犁仲裁委员会仲裁；对仲裁结果不服的，可向人民法院起诉。"
    assert check("arbitration_and_litigation", civil, "service")


# --- quantity as a bound (README definition 10) ----------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "乙方派驻保安不少于4人，负责校门值守。",
        "合作期限内双方开展合作项目不少于4期。",
        "乙方提供校车至少2辆。",
    ],
)
def test_a_quantity_given_as_a_bound_is_a_quantity(sentence: str) -> None:
    assert check("missing_clause:quantity", ADDRESSES + sentence, "service") == []


def test_instalments_and_clause_numbers_count_nothing() -> None:
    text = ADDRESSES + "第十一条 费用\n合作费用人民币叁万元，分两期支付。\n"
    assert check("missing_clause:quantity", text, "cooperation")


# --- subject: a work clause headed 工作内容和工作地点 ------------------------------------------


def test_a_heading_that_repeats_its_qualifier_names_the_subject() -> None:
    text = (
        "劳动合同书\n用人单位（甲方）：库尔勒市孔雀河第二小学\n住所：库尔勒市建设路122号\n"
        "第二条 工作内容和工作地点\n2.1 乙方在甲方从事小学数学教学工作，每周授课16课时。\n"
    )
    assert check("missing_clause:subject", text, "employment") == []


def test_a_strategic_partnership_title_names_no_subject() -> None:
    text = (
        "战略合作协议\n" + ADDRESSES + "就开展相关合作事宜达成如下协议：\n"
        "第二条 合作内容\n2.1 乙方为甲方提供相关服务。\n"
        "2.2 乙方每学期到甲方开展合作活动不少于2次，活动在甲方校内进行。\n"
    )
    hits = check("missing_clause:subject", text, "cooperation")
    assert hits and hits[0].params["variant"] == "vague"


# --- parties named in the opening sentence ---------------------------------------------------


def test_parties_named_inside_the_opening_sentence() -> None:
    text = (
        "化粪池清掏协议\n甲方莎车县阿热勒乡中心小学（地址：莎车县阿热勒乡文化路3号）与乙方"
        "莎车县洁净环卫服务部（地址：莎车县城北新区育才路142号）就清掏一事达成如下协议。\n"
    )
    assert check("missing_clause:parties", text, "service") == []
    no_address = text.replace("（地址：莎车县城北新区育才路142号）", "")
    assert check("missing_clause:parties", no_address, "service")


# --- auto_renewal and vague time -------------------------------------------------------------


def test_a_renewal_refused_for_a_cause_is_no_renewal() -> None:
    assert check("auto_renewal", "本合同期满，甲方将重新组织比选，不因期满自动延续。") == []


def test_whether_a_set_date_moves_is_no_vague_time() -> None:
    text = (
        "活动时间：2025年10月14日至10月16日。\n"
        "活动整体是否延期视天气情况而定；需延期的，双方书面确认新的日期。\n"
    )
    assert check("vague_performance_time", text, "cooperation") == []
    assert check("vague_performance_time", "开工时间视天气情况而定。", "construction")


def test_a_vague_time_after_an_event_is_still_the_time_of_performance() -> None:
    text = (
        ADDRESSES
        + "乙方应在收到甲方汇总的学生尺码表后尽快组织生产，生产完毕后将校服送至甲方学校。\n"
    )
    assert check("missing_clause:performance", text, "uniform") == []


# --- price in a table; PDF table rows are not wrapped lines ----------------------------------


def test_unit_prices_in_a_price_column_are_a_price() -> None:
    text = (
        ADDRESSES
        + "品名 | 规格 | 单位 | 单价（元）\n粳米 | 25kg/袋 | 袋 | 128.00\n小麦粉 | 25kg/袋 | 袋 | 96.00\n"
    )
    assert check("missing_clause:price", text, "catering") == []
    deposits = text.replace("单价（元）", "押金（元）")
    assert check("missing_clause:price", deposits, "catering")


def test_a_pdf_table_row_drawn_with_spaces_keeps_its_line_break() -> None:
    wide = "说明：" + "甲" * 60
    rows = (
        f"{wide}\n"
        "粳米（一级）              25kg/袋         袋       128.00\n"
        "小麦粉（精制粉）            25kg/袋         袋       96.00\n"
    )
    text = make_context((rows,), "catering", None).text
    assert "128.00\n小麦粉" in text


# --- catering hand-over without the words 承包 or 托管 ------------------------------------------


def test_a_canteen_run_at_the_enterprises_own_risk_is_a_hand_over() -> None:
    text = "甲方将学生食堂交由乙方运营，乙方自主经营、独立核算、自负盈亏。"
    assert check("catering_outsourced", text, "catering")
    assert check("catering_outsourced", "食堂由学校自主经营，乙方仅供应食材。", "catering") == []


# --- quality -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "clause",
    [
        "第二条 质量要求\n乙方所供校服应符合国家有关中小学生校服的质量标准。\n",
        "第四条 工程质量\n1. 乙方应按甲方要求施工，确保工程质量合格。\n"
        "2. 乙方施工质量达不到验收要求的，应返工重做，费用由乙方承担。\n",
        "第二条 技术要求与验收\n2.1 平台应满足甲方日常教学管理的使用需要，运行稳定。\n"
        "2.2 乙方向甲方提交验收申请；验收不合格的，乙方应在15日内整改。\n",
    ],
)
def test_a_quality_stated_only_vaguely_is_missing(clause: str) -> None:
    assert check("missing_clause:quality", ADDRESSES + clause)


def test_a_clause_of_substance_beside_a_vague_sentence_states_the_quality() -> None:
    clause = (
        "二、技术要求与验收标准\n（一）所供软件须为软件著作权人或其授权的分销商提供的正版软件，"
        "授权码可在著作权人官方网站查询验证。\n（二）全部激活成功且功能符合要求的，双方签署验收单。\n"
    )
    assert check("missing_clause:quality", ADDRESSES + clause) == []


def test_a_licence_number_is_no_standard() -> None:
    text = ADDRESSES + "食品经营许可证号：JY36523010036284。\n"
    assert check("missing_clause:quality", text, "insurance")
    assert check("missing_clause:quality", ADDRESSES + "校服符合 GB 18401-2010 的要求。\n") == []


def test_an_insurers_claims_times_are_its_quality_but_limits_are_not() -> None:
    limits = ADDRESSES + "每次事故赔偿限额人民币50万元。\n"
    assert check("missing_clause:quality", limits, "insurance")
    claims = limits + "保险人接报案后一小时内回复，资料齐全后三个工作日内赔付到账。\n"
    assert check("missing_clause:quality", claims, "insurance") == []


def test_an_attached_annex_states_what_it_is_referred_to_for() -> None:
    body = (
        ADDRESSES + "第三条 服务标准\n乙方按本合同附件1组织作业，甲方按附件1进行检查验收。\n"
        "甲方（盖章）：            乙方（盖章）：\n"
    )
    annex = "附件1：保洁作业标准\n教室地面每日湿拖2次，无积水、无污渍。\n"
    assert check("missing_clause:quality", body, "service")
    assert check("missing_clause:quality", body + annex, "service") == []
