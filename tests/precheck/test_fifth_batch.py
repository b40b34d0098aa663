"""Classes of error found on the second corpus's fifth held-out batch (627–985), each
fixed in general: a subject "related to" something unnamed, parties listed as numbered
items or marked 同投保人, a batch referred to (任一批次) read as a vague lot, the time of a
delivery 运至 the school, a day's routine read as the time of the works, and the timing of
an acceptance read as a quality criterion."""

from __future__ import annotations

import pytest

from advisor.precheck.structure import read
from tests.precheck.checking import check

ADDRESSES = (
    "甲方：克拉玛依市第三中学\n地址：克拉玛依市大庆东路15号\n"
    "乙方：新疆启航教育咨询有限公司\n地址：乌鲁木齐市天山区解放南路8号\n"
)

# --- subject: 相关服务 names nothing, whatever else the sentence says ------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "乙方根据甲方要求，为甲方提供相关服务，具体事项由乙方按甲方年度工作安排组织实施。",
        "乙方按照本协议约定为甲方提供相关服务，服务期内乙方派驻服务人员二名常驻甲方。",
        "乙方向甲方提供教学相关设备及配套服务，共计二十台（套），按甲方使用需要配置。",
    ],
)
def test_a_vague_subject_stays_vague_beside_counts_and_manner(sentence: str) -> None:
    text = f"服务协议\n{ADDRESSES}第一条 服务内容\n{sentence}\n第二条 费用\n费用人民币伍万元。\n"
    hits = check("missing_clause:subject", text, "service")
    assert [hit.params.get("variant") for hit in hits] == ["vague"]


@pytest.mark.parametrize(
    "sentence",
    [
        "乙方为甲方提供校园保洁及相关服务，服务期内派驻保洁员二名。",
        "乙方为甲方提供相关服务，包括门卫值守、夜间巡逻和监控值班。",
        "乙方向甲方提供交互式黑板及配套服务，共计二十台。",
    ],
)
def test_a_subject_named_beside_the_vague_words_is_present(sentence: str) -> None:
    text = f"服务协议\n{ADDRESSES}第一条 服务内容\n{sentence}\n第二条 费用\n费用人民币伍万元。\n"
    assert check("missing_clause:subject", text, "service") == []


def test_a_labour_agreement_is_a_generic_title() -> None:
    vague = f"劳务协议\n{ADDRESSES}一、甲方聘请乙方为甲方提供相关劳务服务，每日工作八小时。\n"
    assert check("missing_clause:subject", vague, "employment")
    named = f"劳务协议\n{ADDRESSES}一、工作岗位\n乙方在甲方学生宿舍担任宿舍管理员，负责查寝和门禁登记。\n"
    assert check("missing_clause:subject", named, "employment") == []


# --- parties ---------------------------------------------------------------------------------


def test_parties_listed_as_numbered_items_are_parties() -> None:
    text = (
        "1.1 投保人：克拉玛依市实验幼儿园，住所：克拉玛依市塔河路12号。\n"
        "1.2 保险人：中国平安财产保险股份有限公司克拉玛依中心支公司，住所：克拉玛依市世纪大道56号。\n"
        "1.3 被保险人：投保人在职教职工共计一百二十六人。\n"
    )
    assert [p.role for p in read(text).parties] == ["投保人", "保险人"]
    assert check("missing_clause:parties", text, "insurance") == []


def test_a_numbered_duty_of_a_party_is_no_party() -> None:
    text = (
        ADDRESSES
        + "第三条 双方义务\n3.1 甲方：应按时足额支付服务费\n3.2 乙方：负责做好安全保卫工作\n"
    )
    assert [p.role for p in read(text).parties] == ["甲方", "乙方"]
    assert check("missing_clause:parties", text, "service") == []


@pytest.mark.parametrize("same", ["同投保人", "即投保人", "同投保人。"])
def test_the_insured_marked_as_the_policyholder_needs_no_address(same: str) -> None:
    text = (
        "投保人：克拉玛依市第五中学\n地址：克拉玛依市长征路60号\n"
        "保险人：中国人民财产保险股份有限公司克拉玛依市分公司\n地址：克拉玛依市准噶尔路98号\n"
        f"被保险人：{same}\n"
    )
    assert check("missing_clause:parties", text, "insurance") == []
    other = text.replace(f"被保险人：{same}", "被保险人：克拉玛依市第五中学附属幼儿园")
    assert check("missing_clause:parties", other, "insurance")


# --- quantity: a batch referred to is no vague lot -------------------------------------------


@pytest.mark.parametrize("words", ["任一批次", "每一批", "同一批货物", "另一批"])
def test_a_batch_referred_to_is_not_a_vague_lot(words: str) -> None:
    text = f"服务对象为甲方教职工，共计一百二十人，分四个批次进行。\n乙方延误{words}的，应支付违约金。\n"
    assert check("missing_clause:quantity", text, "service") == []


def test_a_lot_of_goods_is_still_vague() -> None:
    text = "乙方向甲方供应办公桌椅一批，于2026年9月1日前送至甲方校内。\n"
    assert check("missing_clause:quantity", text, "procurement")


# --- performance -----------------------------------------------------------------------------

BASE = ADDRESSES + "第一条 货物\n运动套装共八百套。\n"


def test_goods_carried_to_the_school_by_a_date_are_timed() -> None:
    text = (
        BASE
        + "（四）交货\n乙方于2025年9月25日前将运动套装分班包装，运至甲方校内，经甲方清点后签收。\n"
    )
    assert check("missing_clause:performance", text, "uniform") == []


def test_what_follows_each_days_work_is_not_the_time_of_the_works() -> None:
    text = (
        ADDRESSES + "一、施工地点：甲方校内食堂一层操作间。\n二、施工方式\n"
        "乙方按甲方确认的施工方案组织施工，每日施工结束后清理现场。\n"
    )
    assert check("missing_clause:performance", text, "construction")
    timed = text + "三、工期\n工期三十日，自2026年7月10日开工。\n"
    assert check("missing_clause:performance", timed, "construction") == []


def test_paying_a_bond_is_not_the_delivery() -> None:
    text = (
        ADDRESSES + "三、交付方式\n供应商以电子授权码方式向采购人交付。\n"
        "五、供应商应于合同签订后五个工作日内向采购人缴纳履约保证金人民币贰万元整。\n"
    )
    assert check("missing_clause:performance", text, "procurement")


def test_a_list_item_alone_on_its_line_is_a_heading() -> None:
    text = "(3) 作业规范\n3.1 地面无垃圾、无积水。\n(4) 作业时间表\n每日6:00—7:30首轮保洁。\n"
    assert [(c.number, c.heading) for c in read(text).clauses if c.heading] == [
        ("(3)", "作业规范"),
        ("(4)", "作业时间表"),
    ]
    item = read("（1）按时交货，不得延误。\n")
    assert [c.heading for c in item.clauses] == [""]


def test_a_schedule_under_a_work_heading_is_time_and_manner() -> None:
    text = (
        ADDRESSES + "(1) 采购服务名称及范围\n甲方学生公寓三栋的日常保洁。\n(3) 作业规范\n"
        "3.1 地面无垃圾、无积水。\n(4) 作业时间表\n每日6:00—7:30首轮保洁。\n"
    )
    assert check("missing_clause:performance", text, "service") == []


# --- quality: the timing of an acceptance is no criterion ------------------------------------


def test_an_acceptance_timed_but_without_criteria_leaves_the_quality_vague() -> None:
    text = (
        "第三条 质量要求\n3.1 乙方提供的软件应为正版，质量合格，满足甲方日常教学使用需要。\n"
        "3.2 乙方安装完成后，甲方在十个工作日内组织验收，验收合格后双方签署验收单。\n"
    )
    assert check("missing_clause:quality", text, "procurement")
    measured = text.replace("满足甲方日常教学使用需要", "并发用户数不少于400个，响应时间2秒以内")
    assert check("missing_clause:quality", measured, "procurement") == []
