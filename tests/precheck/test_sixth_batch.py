"""Classes of error found on the second corpus's sixth held-out batch (162 contracts), each
fixed in general."""

from __future__ import annotations

import pytest

from advisor.precheck.structure import read, titles
from tests.precheck.checking import check

ADDRESSES = (
    "甲方：克拉玛依市第三中学\n地址：克拉玛依市大庆东路15号\n"
    "乙方：新疆启航教育咨询有限公司\n地址：乌鲁木齐市天山区解放南路8号\n"
)

# --- auto_renewal: a renewal refused at a distance -------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "合同期满，乙方不得以任何理由要求自动延续合同。",
        "本合同到期即终止，不适用任何形式的自动续租。",
    ],
)
def test_a_renewal_refused_at_a_distance_is_no_renewal(sentence: str) -> None:
    assert check("auto_renewal", sentence) == []


def test_renewal_by_silence_is_still_renewal() -> None:
    assert check("auto_renewal", "期满前甲方不提出书面异议即自动续约一年。")


# --- parties ---------------------------------------------------------------------------------


def test_a_name_ends_where_the_next_party_begins() -> None:
    text = ADDRESSES + "六、其他\n甲方：克拉玛依市第三中学乙方：新疆启航教育咨询有限公司\n"
    names = [party.name for party in read(text).parties]
    assert names[-1] == "克拉玛依市第三中学"
    assert check("missing_clause:parties", text) == []


def test_the_persons_insured_by_a_group_policy_are_no_party() -> None:
    text = (
        "投保人：库尔勒市第二中学\n住所：库尔勒市萨依巴格路49号\n"
        "保险人：丝路人寿保险股份有限公司巴音郭楞中心支公司\n住所：库尔勒市人民东路22号\n"
        "被保险人：参加投保人研学旅行活动的八年级学生及带队教师，名单见附件1。\n"
    )
    assert check("missing_clause:parties", text, "insurance") == []
    named = text.replace("参加投保人研学旅行活动的八年级学生及带队教师", "库尔勒市第二中学附属小学")
    assert check("missing_clause:parties", named, "insurance")


# --- subject ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "clause"),
    [
        ("合作协议", "一、合作内容\n乙方负责合作项目的策划、组织与实施，甲方负责组织学生参加。\n"),
        (
            "技术服务协议",
            "第一条 服务内容\n1. 乙方为甲方提供信息化相关技术服务。\n"
            "2. 服务期内乙方投入的技术服务工作量不少于120人·日，由乙方安排技术人员到校。\n",
        ),
    ],
)
def test_work_on_an_unnamed_project_is_a_vague_subject(title: str, clause: str) -> None:
    assert check("missing_clause:subject", f"{title}\n{ADDRESSES}{clause}", "cooperation")


def test_a_listing_sub_clause_names_a_vague_subject() -> None:
    text = (
        f"技术服务协议\n{ADDRESSES}第一条 服务内容\n1. 乙方为甲方提供信息化相关技术服务。\n"
        "2. 服务内容包括校园网络设备巡检、教务系统数据备份和机房空调维护。\n"
    )
    assert check("missing_clause:subject", text, "service") == []


def test_a_heading_naming_the_subject_with_its_place() -> None:
    text = f"劳务协议\n{ADDRESSES}一、劳务内容和地点\n乙方在甲方学生公寓担任夜间值守员。\n"
    assert check("missing_clause:subject", text, "employment") == []


def test_the_title_after_a_running_header_counts() -> None:
    text = f"爱心捐赠协议\n编号：KLX-2025-02    体育器材捐赠协议\n{ADDRESSES}"
    assert "体育器材捐赠协议" in titles(text)
    assert check("missing_clause:subject", text, "donation") == []


# --- breach liability ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "乙方无故不出车或迟到超过半小时的，每次扣车费200元。",
        "超员或酒后驾车的，甲方可以马上解除本协议。",
    ],
)
def test_deductions_and_termination_for_a_fault_are_liability(sentence: str) -> None:
    assert check("missing_clause:breach_liability", sentence) == []


def test_a_remedy_under_a_breach_heading_is_liability() -> None:
    text = "五、违约责任\n1. 乙方挪用助学金的，甲方有权要求乙方返还被挪用的款项，并停止后续捐赠。\n"
    assert check("missing_clause:breach_liability", text, "donation") == []


def test_a_kickback_is_no_deduction() -> None:
    text = "五、双方责任\n乙方不得向甲方教职工给予任何形式的回扣或好处费。\n"
    assert check("missing_clause:breach_liability", text)


# --- quantity --------------------------------------------------------------------------------


def test_a_copy_filed_with_the_bureau_is_no_count() -> None:
    text = "乙方捐赠课外图书一批。\n本协议一式三份，双方各执一份，报教育局备案一份。\n"
    assert check("missing_clause:quantity", text, "donation")


def test_quantities_left_to_the_buyers_orders_are_vague() -> None:
    text = "1.2 印刷数量以甲方每次下达的印刷任务单为准。\n6.1 每月结算一次。\n"
    hits = check("missing_clause:quantity", text, "service")
    assert [hit.params.get("variant") for hit in hits] == ["vague"]


def test_a_goods_row_of_unit_count_and_price_is_a_quantity() -> None:
    text = "1   壁挂式空调   格力 KFR-35GW/NhGm1BA台 48 3,150.00 151,200.00\n"
    assert check("missing_clause:quantity", text) == []


def test_unlimited_accounts_wrapped_by_a_pdf_line() -> None:
    text = "甲方教职工、学生及家长使用不限账号\n数量。\n"
    assert check("missing_clause:quantity", text, "service") == []


def test_bits_are_no_persons() -> None:
    text = "乙方提供教学器材一批：智创ZC-M3，32位ARM主控。\n"
    assert check("missing_clause:quantity", text, "service")


def test_a_penalty_in_another_sentence_of_the_paragraph_leaves_a_count() -> None:
    text = "乙方用自有的19座中型客车接送学生。乙方无故不出车的，应支付违约金500元。\n"
    assert check("missing_clause:quantity", text, "school_bus") == []


# --- performance, quality, blanks ---------------------------------------------------


def test_a_gift_of_money_is_performed_by_paying_it() -> None:
    text = (
        ADDRESSES + "一、捐赠款项\n甲方应于2025年、2026年、2027年每年9月30日前，"
        "将当学年捐赠款项以银行转账方式汇入乙方账户。\n"
    )
    assert check("missing_clause:performance", text, "donation") == []
    assert check("missing_clause:performance", text.replace("每年9月30日前，", ""), "donation")


def test_the_buyers_use_however_described_is_no_standard() -> None:
    text = (
        "五、质量要求\n乙方应保证维修质量合格，满足甲方体育教学使用要求。\n六、付款\n验收后付款。\n"
    )
    assert check("missing_clause:quality", text, "construction")


def test_a_quality_label_ends_at_the_next_clause() -> None:
    text = (
        "三、质量要求：乙方应保证项目质量，达到甲方要求。\n"
        "四、合作费用：甲方每学年分2次支付合作费用人民币叁万陆仟元整（¥36,000.00）。\n"
    )
    assert check("missing_clause:quality", text, "cooperation")


def test_a_year_that_ended_the_line_before_is_no_blank() -> None:
    assert check("blank_field", "确保2025\n年9月1日开学前完成全部施工。\n") == []
    assert check("blank_field", "开工日期：\n年9月1日\n")


def test_a_size_cut_by_a_table_cell_is_no_blank() -> None:
    assert check("blank_field", "品名  140（XL）  150（XX  160（XXX  合计\n") == []
    assert check("blank_field", "尺码：XX\n")
