"""Classes of error found on the second corpus's fourth held-out batch (761–998), each
fixed in general."""

from __future__ import annotations

import pytest

from tests.precheck.checking import check

# --- parties: a role of the parties' own naming, labelled 甲方/乙方 in brackets -------------


@pytest.mark.parametrize(
    ("first", "second"),
    [("订阅方", "服务方"), ("使用单位", "开发方"), ("主办方", "承办方"), ("借用人", "出借人")],
)
def test_a_role_labelled_by_a_known_designation_is_a_party(first: str, second: str) -> None:
    text = (
        f"{first}（甲方）：克拉玛依市第三中学\n地址：克拉玛依市大庆东路15号\n"
        f"{second}（乙方）：北京智学未来教育科技有限公司\n地址：北京市海淀区中关村东路66号\n"
    )
    assert check("missing_clause:parties", text, "other") == []


def test_a_labelled_role_without_an_address_still_fires() -> None:
    text = (
        "订阅方（甲方）：克拉玛依市第三中学\n地址：克拉玛依市大庆东路15号\n"
        "服务方（乙方）：北京智学未来教育科技有限公司\n"
    )
    assert check("missing_clause:parties", text, "other")


def test_a_contact_person_labelled_by_a_party_is_no_party() -> None:
    text = (
        "甲方：克拉玛依市第三中学\n地址：克拉玛依市大庆东路15号\n"
        "乙方：北京智学未来教育科技有限公司\n地址：北京市海淀区中关村东路66号\n"
        "联系人（甲方）：王老师\n"
    )
    assert check("missing_clause:parties", text, "other") == []


# --- quality left to a party's satisfaction or wishes is vague = missing --------------------


@pytest.mark.parametrize(
    "vague",
    [
        "服务质量以甲方满意为准。",
        "乙方应按甲方要求做好保洁工作，确保甲方满意。",
        "乙方提供的服务应令采购人满意。",
        "货物须达到甲方要求。",
        "乙方保证质量，货物质量良好。",
        "验收以学校认可为准。",
    ],
)
def test_a_quality_left_to_a_partys_satisfaction_is_missing(vague: str) -> None:
    text = f"第三条 质量要求\n{vague}\n第四条 其他\n乙方现场主管应服从甲方后勤处的日常管理和工作安排。\n"
    assert check("missing_clause:quality", text, "service")
    nested = f"3. 服务质量\n3.1 {vague}\n3.2 乙方现场主管应服从甲方后勤处的日常管理和工作安排。\n"
    assert check("missing_clause:quality", nested, "service")


@pytest.mark.parametrize(
    "criterion",
    [
        "卫生间每日清洁2次，地面无积水、无异味。",
        "货物须符合GB/T 31888-2015。",
        "客户满意率不低于95%。",
    ],
)
def test_a_criterion_beside_the_vague_words_is_a_quality(criterion: str) -> None:
    text = f"第三条 质量要求\n服务质量以甲方满意为准，{criterion}\n"
    assert check("missing_clause:quality", text, "service") == []


def test_a_quality_heading_over_concrete_lines_is_a_quality() -> None:
    text = (
        "4 服务标准\n4.1 地面无纸屑、烟头，拖洗后无明显水迹；\n"
        "4.2 门窗玻璃每两周擦拭一次，目视干净无灰尘。\n"
    )
    assert check("missing_clause:quality", text, "service") == []


# --- subject: cooperation on unnamed matters, its content in a document still to come -------


@pytest.mark.parametrize(
    "vague",
    [
        "甲方邀请乙方参与甲方的相关合作项目，具体合作内容以双方确认的合作方案为准。",
        "双方就有关合作事宜共同开展工作，具体内容按甲方审定的工作计划执行。",
        "乙方参与甲方的相关工作，合作内容以双方签订的任务书为准。",
    ],
)
def test_cooperation_on_unnamed_matters_has_no_subject(vague: str) -> None:
    text = f"合作协议\n甲方：某中学\n乙方：某中心\n第一条 合作项目\n{vague}\n"
    assert check("missing_clause:subject", text, "cooperation")


def test_a_named_cooperation_beside_a_plan_still_has_a_subject() -> None:
    text = (
        "合作协议\n甲方：某中学\n乙方：某中心\n第一条 合作项目\n"
        "乙方为甲方七年级学生开设机器人编程社团课程，具体课表以双方确认的教学计划为准。\n"
    )
    assert check("missing_clause:subject", text, "cooperation") == []


# --- quantity: a pack size or a specification is no count of the goods ----------------------


@pytest.mark.parametrize(
    "spec",
    [
        "品名 | 规格及技术参数 | 金额（元）\n羽毛球 | 鸭毛，12只装 | 1,000.00\n跳绳 | 钢丝绳，3条一组 | 800.00\n",
        "品名 | 金额（元）\n中性笔 | 10支/盒，黑色 | 300.00\n",
    ],
)
def test_a_batch_counted_only_by_pack_sizes_has_no_quantity(spec: str) -> None:
    text = f"甲方向乙方采购学校体育器材一批，明细如下：\n{spec}"
    assert check("missing_clause:quantity", text)


@pytest.mark.parametrize("vague", ["学校所需耗材适量", "办公用品按需供应"])
def test_a_quantity_left_to_need_is_vague(vague: str) -> None:
    assert check("missing_clause:quantity", f"乙方向甲方供应{vague}，单价见报价单。")


def test_a_batch_with_a_count_beside_it_is_counted() -> None:
    text = (
        "甲方向乙方采购体育器材一批，明细如下：\n"
        "品名 | 规格及技术参数 | 数量（个） | 金额（元）\n羽毛球 | 鸭毛，12只装 | 40 | 1,000.00\n"
    )
    assert check("missing_clause:quantity", text) == []
    assert check("missing_clause:quantity", "乙方按需供应打印纸，共计200箱。") == []
