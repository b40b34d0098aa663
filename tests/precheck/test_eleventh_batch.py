"""Classes of error found on the second corpus's eleventh held-out batch (96 contracts),
nearly all in the parties rule: parties in a table with a column per party, listed in a
recital with their roles in quotation marks, a third party standing for several schools
listed after it or in a table, a sole trader's 经营场所; and three others: the law that
governs the contract is no court's jurisdiction, arbitration as an event the cover pays
for, and when a suspended service resumes."""

from __future__ import annotations

import pytest

from tests.precheck.checking import check


def test_a_table_with_a_column_per_party() -> None:
    text = (
        "第一部分 合同协议书\n"
        "项目\t采购人（甲方）\t供应商（乙方）\n"
        "名称\t克拉玛依市第十一小学\t克拉玛依安顺校车运营有限公司\n"
        "住所\t克拉玛依市昆仑路56号\t克拉玛依市迎宾大道北段301号\n"
        "法定代表人\t王红梅\t马国强\n"
    )
    assert check("missing_clause:parties", text, "school_bus") == []


def test_a_party_row_a_pdf_left_on_its_own_under_the_header() -> None:
    text = (
        "                                      合同编号：WEH1Z-ST-2025-01"
        "                  学生食堂承包经营合同\n"
        "第一条合同当事人\n"
        "角色        名称              住所                  法定代表人/负责人\n"
        "甲方（发包方）   克拉玛依市乌尔禾区第一中    克拉玛依市文化路9号      阿不都热依木\n"
        "          学                                   提\n"
        "乙方（承包方）   克拉玛依味源餐饮管理有限公司    克拉玛依市长征路102号    陈晓东\n"
    )
    assert check("missing_clause:parties", text, "catering") == []


@pytest.mark.parametrize(
    "recital",
    [
        "（1）苏州工业园区星湖双语学校（“甲方”），注册地址：苏州工业园区星湖街1288号；\n"
        "（2）苏州顺安校车运营服务有限公司（“乙方”），注册地址：苏州市吴中区尹山湖路66号。\n",
        "（1）深圳市南湾国际双语学校，一所民办学校，统一社会信用代\n码52440300MJL3216070，"
        "注册地址：深圳市龙岗区康桥路18号（下称“甲方”或“学校”）；及\n"
        "（2）深圳市鲜丰源农产品配送有限公司，一家有限责任公司，注册地址：深圳市龙岗区平湖街道"
        "（下称“乙方”或“供应商”）。\n",
    ],
)
def test_parties_listed_in_a_recital_with_their_roles_in_quotes(recital: str) -> None:
    text = "本协议由以下各方签订：\n" + recital + "鉴于：\n(A) 甲方食堂由甲方自主经营；\n"
    assert check("missing_clause:parties", text, "catering") == []


TWO = (
    "甲方（采购单位）：呼图壁县教育局学校后勤服务中心\n住所：呼图壁县景化路66号\n"
    "乙方（成交供应商）：昌吉州暖源热力工程有限公司\n住所：昌吉市延安北路307号\n"
)


@pytest.mark.parametrize(
    "third",
    [
        "丙方（使用单位）：\n1．大丰镇中学，住所：呼图壁县大丰镇团结路3号；\n"
        "2．二十里店镇中心学校，住所：呼图壁县二十里店镇振兴路11号。\n",
        "丙方（实施学校）：\n呼图壁县第二小学    住所：呼图壁县园林路45号\n"
        "呼图壁县第三小学    住所：呼图壁县文化路27号\n",
        "丙方（使用单位）：呼图壁县第一中学（天山路12号）、呼图壁县第二小学（园林路45号）\n",
        "丙方（使用单位）：呼图壁县第一中学、呼图壁县第二小学\n"
        "第一条 采购图书的品种\n使用学校\t地址\t册数\n"
        "呼图壁县第一中学\t天山路12号\t1200\n呼图壁县第二小学\t园林路45号\t800\n",
    ],
)
def test_a_third_party_standing_for_schools_listed_with_their_addresses(third: str) -> None:
    assert check("missing_clause:parties", TWO + third, "service") == []


def test_a_third_party_with_no_address_anywhere_still_fires() -> None:
    assert check("missing_clause:parties", TWO + "丙方（使用单位）：呼图壁县第一中学\n", "service")


def test_a_sole_traders_place_of_business_is_its_address() -> None:
    text = (
        "甲方：克拉玛依市独山子区第三中学\n住所：克拉玛依市大庆东路45号\n"
        "乙方：独山子区博雅图文快印店（个体工商户）\n经营者：韩卫东\n"
        "住址（经营场所）：克拉玛依市天山北路22-3号门面\n"
    )
    assert check("missing_clause:parties", text) == []


def test_the_law_that_governs_the_contract_is_no_dispute_clause() -> None:
    text = "第9条 适用法律\n本合同的订立、效力、解释和履行均受中华人民共和国法律管辖并按其解释。"
    assert check("missing_clause:dispute_resolution", text, "construction")
    court = "因本合同发生的争议，由甲方所在地人民法院管辖。"
    assert check("missing_clause:dispute_resolution", court, "construction") == []


def test_arbitration_as_an_event_the_cover_pays_for_is_no_choice() -> None:
    text = (
        "被保险人因保险事故而被提起仲裁或诉讼的，应由被保险人支付的仲裁或诉讼费用，"
        "保险人按照本合同约定也负责赔偿。"
    )
    assert check("arbitration_and_litigation", text, "insurance") == []
    assert check("arbitration_no_commission", text, "insurance") == []


def test_when_a_suspended_service_resumes_is_no_vague_time() -> None:
    text = "每个上学日7:10前到达接送点。因恶劣天气停运的，恢复运行时间由甲方另行通知。"
    assert check("vague_performance_time", text, "school_bus") == []


def test_an_aside_that_points_to_an_annex_leaves_the_count_stated() -> None:
    text = (
        "投保人：某幼儿园\n地址：某路1号\n保险人：某保险公司\n地址：某路2号\n"
        "项目\t内容\n被保险人数\t在园幼儿236人（名单见附件）\n保险期间\t一年\n"
    )
    assert check("missing_clause:quantity", text, "insurance") == []
    delegated = "项目\t内容\n被保险人数\t以附件名单为准\n"
    assert check("missing_clause:quantity", delegated, "insurance")
