"""Number sense, negation and running text in the pre-check (issue 18, items 3 and 6):
Chinese numerals with 千/万, sums compared with the contract total and the numbers that
decided it, a dispute clause that rules litigation out, words inside longer words, and
sentences a PDF wrapped over lines short of the page width."""

from __future__ import annotations

import pytest

from advisor.precheck import Hit
from advisor.precheck.base import cn_number, make_context, prose
from advisor.precheck.engine import explanation
from tests.precheck import checking

# A long line sets the page width, so a shorter wrapped line is not unwrapped by width.
WIDE = "本合同一式肆份，甲乙双方各执贰份，具有同等法律效力，自双方签字盖章之日起生效，至双方义务履行完毕时终止。\n"


def check(
    rule: str, text: str, contract_type: str = "procurement", amount: str | None = None
) -> list[Hit]:
    """The rule's hits on one page, without a submitted amount unless a test names one."""
    return checking.check(rule, text, contract_type, amount)


@pytest.mark.parametrize(
    ("words", "value"),
    [("八千", 8000), ("一万二千", 12000), ("3万", 30000), ("两千五百", 2500), ("8,000", 8000)],
)
def test_chinese_numerals_with_thousands_and_myriads(words: str, value: int) -> None:
    assert cn_number(words) == value


def test_prose_joins_a_wrapped_sentence_and_maps_back() -> None:
    text = (
        WIDE
        + "协商不成的，可以向克拉玛依仲裁委员会申请仲裁，也可以向乌苏市\n人民法院提起诉讼。\n第九条 其他"
    )
    ctx = make_context((text,), "service", None)
    running = prose(ctx)
    assert "乌苏市人民法院" in running.text
    assert "\n第九条" in running.text
    assert all(ctx.text[at] == char for char, at in zip(running.text, running.at, strict=True))


def test_arbitration_or_litigation_over_a_wrapped_line() -> None:
    text = WIDE + "协商不成的，可以向克拉玛依仲裁委员会申请仲裁，也可以向乌苏市\n人民法院提起诉讼。"
    [hit] = check("arbitration_and_litigation", text)
    assert "申请仲裁" in hit.params["decided_by"]
    assert "提起诉讼" in hit.params["decided_by"]
    assert "Decided by" in explanation(hit)


@pytest.mark.parametrize(
    "clause",
    [
        "协商不成的，提交克拉玛依仲裁委员会仲裁。仲裁裁决是终局的，双方不得再向人民法院起诉。",
        "协商不成的，提交乌鲁木齐仲裁委员会仲裁，仲裁裁决为终局裁决，任何一方不得向人民法院起诉。",
        "协商不成的，提交克拉玛依仲裁委员会仲裁；双方均不得向人民法院提起诉讼。",
        "协商不成的，提交克拉玛依仲裁委员会仲裁。一方不履行仲裁裁决的，另一方可以向人民法院申请执行。",
    ],
)
def test_a_court_ruled_out_or_only_enforcing_is_not_litigation(clause: str) -> None:
    assert check("arbitration_and_litigation", clause) == []


def test_arbitration_ruled_out_is_not_arbitration() -> None:
    clause = "因本合同发生争议，双方不得申请仲裁，应向乌苏市人民法院提起诉讼。"
    assert check("arbitration_and_litigation", clause) == []
    assert check("arbitration_no_commission", clause) == []


def test_penalty_as_a_fixed_sum_says_its_numbers() -> None:
    text = "合同总价为人民币玖万捌仟元整（¥98,000.00）。\n乙方逾期交货超过15日的，乙方应向甲方支付违约金人民币肆万元整（¥40,000.00）。"
    [hit] = check("penalty_over_30_percent", text, amount="98000.00")
    assert hit.params["percent"] == "40.8"
    assert hit.params["decided_by"] == "违约金¥40,000.00 ÷ 合同总价¥98,000.00 = 40.8%"


def test_penalty_daily_rate_judged_by_its_cap_over_a_wrapped_line() -> None:
    capped = (
        WIDE
        + "乙方逾期交货的，每逾期一日按合同总价的1%支付违约金，违约金总额\n以合同总价的50%为限。"
    )
    [hit] = check("penalty_over_30_percent", capped)
    assert hit.params["percent"] == "50"
    assert hit.params["decided_by"] == "违约金总额上限50% > 30%"
    low = "乙方逾期交货的，每逾期一日按合同总价的千分之一支付违约金，累计不超过合同总价的10%。"
    assert check("penalty_over_30_percent", low) == []


def test_bond_as_a_share_of_the_price() -> None:
    text = "乙方应提交履约保证金，金额为合同价款的15%，即人民币贰万柒仟玖佰陆拾元整（¥27,960.00）。"
    [hit] = check("procurement_bond_over_10_percent", text, contract_type="construction")
    assert hit.params["percent"] == "15"
    assert hit.params["decided_by"] == "履约保证金15% > 10%"


def test_deposit_inside_another_word_is_not_a_deposit() -> None:
    text = "甲方于合同签订后5日内按约定金额的50%向乙方预付货款。"
    assert check("deposit_over_20_percent", text) == []
    real = "合同签订后3日内，甲方向乙方支付定金人民币叁万元整（¥30,000.00）。合同总价¥120,000.00。"
    [hit] = check("deposit_over_20_percent", real, amount="120000.00")
    assert hit.params["decided_by"] == "定金¥30,000.00 ÷ 合同总价¥120,000.00 = 25%"


def test_renewal_by_subscription() -> None:
    text = "服务期满前30日，甲方未以书面形式通知乙方终止的，本协议自动续订一年。"
    [hit] = check("auto_renewal", text, contract_type="other")
    assert hit.params["term"] == "自动续订"


@pytest.mark.parametrize(
    ("text", "years"),
    [("租期三十年，自2025年9月1日起算。", "30"), ("租赁期限：300个月。", "25")],
)
def test_lease_term_in_numerals_and_months(text: str, years: str) -> None:
    [hit] = check("lease_over_20_years", text, contract_type="lease")
    assert hit.params["years"] == years


def test_lease_of_exactly_twenty_years_in_months() -> None:
    assert check("lease_over_20_years", "租期240个月。", contract_type="lease") == []


@pytest.mark.parametrize(
    "text",
    [
        "甲方食堂由学校自主经营，不实行承包经营或委托管理。",
        "本合同为餐食配送，甲方不将任何食堂场所交由乙方经营。",
    ],
)
def test_a_canteen_not_handed_over(text: str) -> None:
    assert check("catering_outsourced", text, contract_type="catering") == []


def test_a_canteen_handed_over() -> None:
    text = "甲方将学校食堂交由乙方承包经营，承包期三年。"
    assert len(check("catering_outsourced", text, contract_type="catering")) == 1


def test_a_capital_amount_wrapped_over_two_lines_is_one_amount() -> None:
    text = WIDE + "定金为合同总金额的20%，即人民币捌仟伍佰贰拾\n元壹角（¥8,520.10）。"
    assert check("amount_mismatch", text) == []
    wrong = WIDE + "定金为合同总金额的20%，即人民币捌仟伍佰贰拾\n元壹角（¥8,520.00）。"
    assert len(check("amount_mismatch", wrong)) == 1


@pytest.mark.parametrize(
    "text",
    [
        "合同签订后，乙方择期将货物送至甲方学校。",
        "乙方应根据需要及时送货，送货地点为甲方食堂。",
        "具体开工时间视情况安排。",
    ],
)
def test_vague_time_words(text: str) -> None:
    [hit] = check("vague_performance_time", text)
    assert hit.params["term"] in hit.excerpt


@pytest.mark.parametrize(
    "text",
    [
        "乙方应根据需要及时送货。\n乙方每日7:30前将食材送达甲方食堂。",
        "发现问题及时通知乙方整改。",
        "维修报修及时处理，一般报修2小时内到场。",
    ],
)
def test_diligence_or_a_deadline_elsewhere_is_not_vague(text: str) -> None:
    assert check("vague_performance_time", text) == []


def test_a_per_unit_penalty_states_no_total() -> None:
    text = "合同总价¥20,000.00。\n每发现一次不合格餐食，乙方支付违约金人民币8,000元。"
    assert check("penalty_over_30_percent", text, amount="20000.00") == []


def test_a_numbered_heading_is_not_joined_to_its_first_sentence() -> None:
    text = WIDE + "第十条 争议解决及法律适用\n因本合同发生的争议，双方协商解决。"
    running = prose(make_context((text,), "service", None))
    assert "第十条 争议解决及法律适用\n因本合同" in running.text
