"""Classes of error found on the second corpus's third held-out batch (731–983), each
fixed in general."""

from __future__ import annotations

from tests.precheck.checking import check


def test_a_frameworks_estimated_volume_column_is_its_quantity() -> None:
    text = (
        "供应商按下列单价供应食材，预计采购量如下：\n"
        "品名 | 计量单位 | 单价（元） | 预计年采购量 | 预计金额（元）\n"
        "鲜羊肉 | 千克 | 78.00 | 1,200 | 93,600.00\n"
        "老豆腐 | 千克 | 6.20 | 6,500 | 40,300.00\n"
    )
    assert check("missing_clause:quantity", text, "catering") == []


def test_a_price_table_without_any_volume_still_has_no_quantity() -> None:
    text = "品名 | 计量单位 | 单价（元）\n鲜羊肉 | 千克 | 78.00\n老豆腐 | 千克 | 6.20\n"
    assert check("missing_clause:quantity", text, "catering")


def test_a_capital_amount_wrapped_before_a_label_is_one_amount() -> None:
    text = (
        "1. 服务费按每生每学期人民币陆佰元整（¥600.00）计，本学期服务费总额大写：人民币贰拾捌\n"
        "万捌仟元整；小写：¥288,000.00。\n"
    )
    assert check("amount_mismatch", text, "service") == []


def test_a_wrapped_capital_amount_that_disagrees_still_fires() -> None:
    text = (
        "1. 服务费按每生每学期人民币陆佰元整（¥600.00）计，本学期服务费总额大写：人民币贰拾捌\n"
        "万玖仟元整；小写：¥288,000.00。\n"
    )
    assert check("amount_mismatch", text, "service")


def test_a_party_that_is_another_declared_party_needs_no_address_of_its_own() -> None:
    text = (
        "投保人：克拉玛依市第十小学\n地址：克拉玛依区塔河路22号\n"
        "保险人：中国人民财产保险股份有限公司克拉玛依市分公司\n地址：克拉玛依区准噶尔路81号\n"
        "被保险人：克拉玛依市第十小学（同投保人）\n"
    )
    assert check("missing_clause:parties", text, "insurance") == []
    assert check("missing_clause:parties", text.replace("（同投保人）", ""), "insurance") == []


def test_a_third_party_with_another_name_and_no_address_still_fires() -> None:
    text = (
        "投保人：克拉玛依市第十小学\n地址：克拉玛依区塔河路22号\n"
        "保险人：中国人民财产保险股份有限公司克拉玛依市分公司\n地址：克拉玛依区准噶尔路81号\n"
        "被保险人：克拉玛依市第十一小学\n"
    )
    assert check("missing_clause:parties", text, "insurance")


def test_a_delivery_period_in_chinese_numerals_is_a_time_of_performance() -> None:
    text = "1. 供应商应于合同签订后二十日内将货物送至采购人校内指定教室，并在交货后五日内完成安装调试。\n"
    assert check("missing_clause:performance", text) == []


def test_a_payment_period_in_chinese_numerals_is_no_time_of_performance() -> None:
    text = "货物送至采购人校内。验收合格后十五个工作日内，采购人一次性支付合同总价。\n"
    assert check("missing_clause:performance", text)


def test_a_numeral_numbering_a_clause_is_no_count() -> None:
    text = "乙方负责外墙玻璃清洗。\n条款六 双方义务\n1. 甲方提供作业用水。\n"
    assert check("missing_clause:quantity", text, "service")


def test_an_area_left_to_the_site_is_a_vague_quantity() -> None:
    text = "4. 清洗范围为发包人指定的区域，具体面积以现场实际为准。\n"
    hits = check("missing_clause:quantity", text, "service")
    assert hits and hits[0].params.get("variant") == "vague"


def test_an_area_stated_and_adjusted_on_site_is_a_quantity() -> None:
    text = "租赁场地面积120平方米，最终面积以现场实际测量为准。\n"
    assert check("missing_clause:quantity", text, "lease") == []


def test_a_promise_of_conforming_materials_names_no_standard() -> None:
    text = (
        "五、工程质量\n乙方应保证工程质量合格，所用材料须为合格产品。工程完工后由甲方组织验收。\n"
    )
    hits = check("missing_clause:quality", text, "construction")
    assert hits and hits[0].params.get("variant") == "vague"


def test_conforming_products_beside_a_named_standard_are_a_quality() -> None:
    text = "所供货物须为合格产品，符合GB 2707《食品安全国家标准 鲜（冻）畜、禽产品》。\n"
    assert check("missing_clause:quality", text) == []


def test_what_follows_a_subject_left_to_an_annex_is_no_subject() -> None:
    text = (
        "合作协议\n甲乙双方就相关合作事宜达成如下协议：\n第一条 合作内容\n"
        "双方合作项目以双方确认的《合作项目清单》（附件一）为准，乙方按照项目清单组织实施，甲方予以配合。\n"
    )
    assert check("missing_clause:subject", text, "other")


def test_a_subject_stated_before_its_annex_is_a_subject() -> None:
    text = "合作协议\n第一条 合作内容\n乙方为甲方开发校园安防监控平台，功能清单详见附件一。\n"
    assert check("missing_clause:subject", text, "other") == []


def test_the_qualification_of_seconded_staff_is_a_quality_requirement() -> None:
    text = (
        "乙方派驻技术人员二名在甲方校内工作。派驻人员须具备计算机相关专业本科以上学历、"
        "三年以上教育信息化项目实施经验。\n"
    )
    assert check("missing_clause:quality", text, "other") == []
