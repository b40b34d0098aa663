"""Amounts as people type them, parsed to Decimal yuan (never float), or refused with a code."""

from __future__ import annotations

from decimal import Decimal

import pytest

from advisor.contracts.amounts import MAX_AMOUNT, AmountError, parse_amount
from advisor.contracts.forms import AMOUNT_MESSAGES, amount_problem


@pytest.mark.parametrize(
    "text",
    [
        "12,000.00",
        "12000",
        "12000.0",
        "１２，０００元",  # full-width digits and comma
        "１２０００",
        "¥12,000",
        "￥12,000.00",
        "人民币12000元",
        "RMB12000",
        " 12 000 ",
        "12000元",
    ],
)
def test_accepted_forms_of_twelve_thousand(text: str) -> None:
    amount = parse_amount(text)
    assert type(amount) is Decimal
    assert amount == Decimal("12000.00")
    assert str(amount) == "12000.00"  # always two decimals, exactly


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0", "0.00"),
        ("0.5", "0.50"),
        ("0.1", "0.10"),
        ("1,234,567.89", "1234567.89"),
        ("999,999,999,999.99", "999999999999.99"),
        ("１２３.４５", "123.45"),
    ],
)
def test_exact_values(text: str, expected: str) -> None:
    amount = parse_amount(text)
    assert isinstance(amount, Decimal) and not isinstance(amount, float)
    assert str(amount) == expected
    assert amount.as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12万", "120000.00"),
        ("12万元", "120000.00"),
        ("1.5万", "15000.00"),
        ("1.5万元", "15000.00"),
        ("１．５万", "15000.00"),
        ("￥1.5万", "15000.00"),
        ("人民币12万元", "120000.00"),
        ("1,200万", "12000000.00"),
        ("0.01万", "100.00"),
        ("1.234567万", "12345.67"),  # 万 to the fen: six decimals
        ("1.2亿", "120000000.00"),
        ("1.2亿元", "120000000.00"),
        ("0.00000001亿", "1.00"),
        ("9999.9999999999亿", "999999999999.99"),  # the largest amount, in 亿
        ("0万", "0.00"),
        ("12000.00元", "12000.00"),
    ],
)
def test_amounts_in_wan_and_yi(text: str, expected: str) -> None:
    amount = parse_amount(text)
    assert type(amount) is Decimal and str(amount) == expected


def test_the_largest_amount_is_exact() -> None:
    # 15 significant digits: exact as Decimal, the limit of what a float would keep.
    assert parse_amount("999999999999.99") == MAX_AMOUNT


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("12,00", "not_a_number"),  # a comma that is not a thousands separator
        ("1,2345", "not_a_number"),
        ("12,0000.00", "not_a_number"),
        (",000", "not_a_number"),
        ("-5", "negative"),
        ("-12,000.00", "negative"),
        ("－5", "negative"),  # full-width minus
        ("abc", "not_a_number"),
        ("12元5角", "not_a_number"),
        ("1.234", "too_many_decimals"),
        ("0.001", "too_many_decimals"),
        ("1e5", "not_a_number"),
        ("NaN", "not_a_number"),
        ("Infinity", "not_a_number"),
        ("1.", "not_a_number"),
        (".5", "not_a_number"),
        ("", "required"),
        ("   ", "required"),
        ("1000000000000", "too_large"),
        ("10000亿", "too_large"),
        ("100000000万", "too_large"),
        ("1.2345678万", "below_fen"),  # 12,345.678 yuan
        ("0.00000000001亿", "below_fen"),  # 0.001 yuan
        ("万", "not_a_number"),
        ("12万万", "not_a_number"),
        ("1万亿", "not_a_number"),  # amounts stop below 万亿
        ("12万5千", "not_a_number"),
        ("1.2.3万", "not_a_number"),
        ("12千", "not_a_number"),
        ("-1.5万", "negative"),
        ("壹万元", "not_a_number"),
    ],
)
def test_refused_with_the_right_code(text: str, code: str) -> None:
    with pytest.raises(AmountError) as caught:
        parse_amount(text)
    assert str(caught.value) == code
    assert code in AMOUNT_MESSAGES  # every code has a message for the form


def test_amount_problem_for_the_form() -> None:
    assert amount_problem("12,000.00") is None
    assert amount_problem("-5") is AMOUNT_MESSAGES["negative"]
    assert amount_problem("abc") is AMOUNT_MESSAGES["not_a_number"]
    assert amount_problem("12万") is None
    assert amount_problem("1.2345678万") is AMOUNT_MESSAGES["below_fen"]
