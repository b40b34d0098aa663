"""Classes of error found on the second corpus's tenth held-out batch (95 contracts), each
fixed in general: parties labelled by any role of their own naming (客户（甲方）, 托运方
（以下简称甲方）), parties in a key-terms table or a letter of confirmation, spaced-out
address labels and shop names; damages for a delayed claim payment; a vague works period
as a stated time; a named standard with 试行; the buyer's use as a vague quality; a remedy
for a problem found as no standard."""

from __future__ import annotations

import pytest

from tests.precheck.checking import check

# --- parties ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "客户（甲方）：乌鲁木齐市育英启航教育集团有限公司\n地址：乌鲁木齐市北京南路388号\n"
        "服务商（乙方）：新疆云苗信息科技有限公司\n地址：乌鲁木齐市高新街217号\n",
        "托运方（以下简称甲方）：玛纳斯县第二中学\n住所：玛纳斯县凤凰大道西段188号\n"
        "承运方（以下简称乙方）：玛纳斯县通达客运有限责任公司\n住所：玛纳斯县乌伊路北侧\n",
        "委托方（甲方）：奎屯市博爱特殊教育学校\n地　　址：奎屯市北京东路188号\n"
        "受托方（乙方）：新疆启航特教职业培训学校\n地　　址：乌鲁木齐市南湖东路118号\n",
    ],
)
def test_parties_labelled_by_a_role_of_their_own_naming(text: str) -> None:
    assert check("missing_clause:parties", text, "service") == []


def test_parties_in_a_key_terms_table() -> None:
    text = (
        "合同要素表\n要素\t内容\n"
        "采购人（甲方）\t宁波市北仑区明港职业技术学校，住所：宁波市北仑区明港路188号\n"
        "供应商（乙方）\t宁波甬华服饰有限公司，住所：宁波市海曙区丰成路89号\n"
        "合同金额\t人民币肆拾玖万元整\n"
    )
    assert check("missing_clause:parties", text, "uniform") == []


def test_a_key_terms_table_with_an_address_row_per_party() -> None:
    text = (
        "项目\t内容\n"
        "投保人/被保险人\t宁波市北仑区明港职业技术学校\n"
        "投保人地址\t宁波市北仑区明港路188号\n"
        "保险人\t中国人民财产保险股份有限公司宁波市北仑支公司\n"
        "保险人地址\t宁波市北仑区明州路501号\n"
    )
    assert check("missing_clause:parties", text, "insurance") == []
    without = text.replace("保险人地址\t宁波市北仑区明州路501号\n", "")
    assert check("missing_clause:parties", without, "insurance")


def test_a_party_row_on_its_own_line_where_a_pdf_broke_the_table() -> None:
    text = (
        "要素               内容\n"
        "采购人（甲方）          宁波市北仑区明港职业技术学校，住所：宁波市北仑区明港\n"
        "                 路188号\n"
        "供应商（乙方）          宁波甬华服饰有限公司，住所：宁波市海曙区丰成路\n"
        "                 89号\n"
    )
    assert check("missing_clause:parties", text, "uniform") == []


def test_the_parties_of_a_letter_of_confirmation() -> None:
    text = (
        "作业本采购确认函\n"
        "致：沙湾市文华文化用品商行（经营者：王春梅；地址：沙湾市步行街B座12号）\n"
        "我校（沙湾市博尔通古乡中心学校，地址：沙湾市博尔通古乡团结路18号）向贵店采购作业本。\n"
    )
    assert check("missing_clause:parties", text) == []


def test_a_shop_name_run_into_its_address_label() -> None:
    text = (
        "甲方：沙湾市博尔通古乡中心学校地址：沙湾市团结路18号\n"
        "乙方：沙湾市佳和家电商行地址：沙湾市人民路佳和商厦一楼\n"
    )
    assert check("missing_clause:parties", text) == []


# --- breach, performance, quality ------------------------------------------------------------


def test_damages_for_a_delayed_claim_payment_are_liability() -> None:
    text = "违约责任\n保险人未按上述期限履行赔偿义务的，除支付保险金外，应当赔偿被保险人因此受到的损失。"
    assert check("missing_clause:breach_liability", text, "insurance") == []
    cover = "保险人按本保险单约定的责任限额赔偿被保险人因学生人身伤害依法应承担的赔偿责任。"
    assert check("missing_clause:breach_liability", cover, "insurance")


def test_a_vague_works_period_is_a_time_stated() -> None:
    text = (
        "一、工程概况\n2. 工程地点：宁波市北仑区明港路188号甲方校内实训楼。\n"
        "二、合同工期\n开工日期：以发包人书面开工通知为准。\n"
        "竣工日期：视天气情况及现场施工条件而定，承包人应抓紧施工。\n"
    )
    assert check("missing_clause:performance", text, "construction") == []


ADDRESSES = (
    "甲方：乌鲁木齐市育英启航教育集团有限公司\n地址：乌鲁木齐市北京南路388号\n"
    "乙方：古丽米拉\n住址：乌鲁木齐市天津南路河滩小区5栋\n"
)


def test_a_named_standard_marked_as_a_trial_is_a_standard() -> None:
    text = ADDRESSES + "二、工作内容\n岗位职责及考核标准按《幼儿园教师专业标准（试行）》执行。\n"
    assert check("missing_clause:quality", text, "employment") == []


def test_the_buyers_use_as_the_only_quality_is_vague() -> None:
    text = ADDRESSES + "三、质量要求\n乙方提供的货物应质量合格，符合甲方的使用要求。\n"
    hits = check("missing_clause:quality", text)
    assert hits and hits[0].params.get("variant") == "vague"


def test_a_remedy_for_a_problem_found_is_no_standard() -> None:
    text = ADDRESSES + (
        "三、质量要求\n乙方配送的餐食应质量合格，符合甲方要求。"
        "甲方发现餐食质量问题的，有权要求乙方当餐补送或退换。\n"
    )
    assert check("missing_clause:quality", text, "catering")
