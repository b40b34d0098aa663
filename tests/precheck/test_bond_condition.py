"""A performance bond named only as the condition of a payment (提交履约保证金后支付30%作为预付款)
is not that payment; a sum written with a thousands comma stays one sum."""

from __future__ import annotations

import pytest

from tests.precheck.checking import check


@pytest.mark.parametrize(
    "text",
    [
        "4.2 付款：合同签订且承包人提交履约保证金后支付合同价款的30%作为预付款。",
        "第一期\t合同签订并收到履约保证金后\t30%\t30,000.00\t2026年7月15日",
        "乙方履约保证金到账后五日内，甲方支付合同总价的40%。",
    ],
)
def test_a_bond_named_only_as_the_condition_of_a_payment_is_not_that_payment(text: str) -> None:
    assert check("procurement_bond_over_10_percent", text, amount="100000") == []


def test_a_bond_at_exactly_the_limit_does_not_fire_and_above_it_fires() -> None:
    rule = "procurement_bond_over_10_percent"
    exact = "承包人提交履约保证金人民币壹万元整（¥10,000.00），即签约合同价的10%。"
    assert check(rule, exact, amount="100000") == []
    assert check(rule, "乙方应缴纳履约保证金¥12,000.00。", amount="100000")
    assert check(rule, "乙方提交履约保证金后十日内，甲方退还；履约保证金为合同总价的15%。")


def test_a_bond_in_a_cell_of_a_payment_schedule_is_not_the_share_in_the_next_cell() -> None:
    rule = "procurement_bond_over_10_percent"
    wrapped = "第一期    合同签订并收到履约保证金     30%   30,000.00    2026年7月15日        后"
    assert check(rule, wrapped, amount="100000") == []
    assert check(rule, "履约保证金\t15%\t15,000.00", amount="100000")
