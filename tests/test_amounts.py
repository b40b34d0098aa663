"""Amounts in Chinese capitals: DOMAIN.md's table both ways, the edges, garbage refused,
round trips over the whole range, and amounts found in running text."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from advisor.amounts import (
    DIGITS,
    MAX_AMOUNT,
    find_capitals,
    find_figures,
    parse_capital,
    to_capital,
)

# DOMAIN.md, "Amounts in Chinese capitals": every form listed is correct; the first is
# the standard form to_capital writes.
DOMAIN_TABLE = [
    ("1409.50", ["壹仟肆佰零玖元伍角", "壹仟肆佰零玖元伍角整"]),
    ("6007.14", ["陆仟零柒元壹角肆分"]),
    ("1680.32", ["壹仟陆佰捌拾元叁角贰分", "壹仟陆佰捌拾元零叁角贰分"]),
    ("107000.53", ["壹拾万柒仟元伍角叁分", "壹拾万柒仟元零伍角叁分", "壹拾万零柒仟元伍角叁分"]),
    ("16409.02", ["壹万陆仟肆佰零玖元零贰分"]),
    ("325.04", ["叁佰贰拾伍元零肆分"]),
    ("532.00", ["伍佰叁拾贰元整"]),
    ("100000000.10", ["壹亿元壹角", "壹亿元壹角整"]),
    ("1010101.01", ["壹佰零壹万零壹佰零壹元零壹分"]),
]

EDGES = [
    ("0.01", "壹分"),
    ("0.05", "伍分"),
    ("0.1", "壹角"),
    ("0.50", "伍角"),
    ("0.55", "伍角伍分"),
    ("1", "壹元整"),
    ("10", "壹拾元整"),
    ("10.05", "壹拾元零伍分"),
    ("11", "壹拾壹元整"),
    ("100", "壹佰元整"),
    ("101", "壹佰零壹元整"),
    ("110", "壹佰壹拾元整"),
    ("1000.01", "壹仟元零壹分"),
    ("1001.10", "壹仟零壹元壹角"),
    ("10000", "壹万元整"),
    ("100010", "壹拾万零壹拾元整"),
    ("1000000.00", "壹佰万元整"),
    ("1007000", "壹佰万柒仟元整"),
    ("100000000", "壹亿元整"),
    ("100000001", "壹亿零壹元整"),
    ("100001000", "壹亿壹仟元整"),
    ("100010000", "壹亿零壹万元整"),
    ("1010000000", "壹拾亿壹仟万元整"),
    ("240000", "贰拾肆万元整"),
    ("999999999999.99", "玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
]

STANDARD = [(figure, forms[0]) for figure, forms in DOMAIN_TABLE] + EDGES


@pytest.mark.parametrize(("figure", "capitals"), STANDARD)
def test_to_capital_writes_the_standard_form(figure: str, capitals: str) -> None:
    assert to_capital(Decimal(figure)) == capitals


@pytest.mark.parametrize(
    ("figure", "capitals"),
    [(figure, form) for figure, forms in DOMAIN_TABLE for form in forms] + EDGES,
)
def test_parse_capital_reads_every_listed_form(figure: str, capitals: str) -> None:
    amount = parse_capital(capitals)
    assert amount == Decimal(figure)
    assert amount.as_tuple().exponent == -2
    assert parse_capital("人民币" + capitals) == Decimal(figure)


@pytest.mark.parametrize(
    ("text", "figure"),
    [
        ("人民币壹佰元整", "100"),
        ("人民币：壹佰元整", "100"),
        ("人民币:壹佰元整", "100"),
        ("人民币 壹佰元整", "100"),
        ("人民币（大写）：贰拾肆万元整", "240000"),
        ("人民币(大写)贰拾肆万元整", "240000"),
        ("  壹佰元整 ", "100"),
        ("壹佰圆整", "100"),
        ("壹佰元正", "100"),
        ("壹佰圆正", "100"),
        ("壹佰元", "100"),  # 整 left out
        ("拾元零伍分", "10.05"),  # a bare 拾 at the start
        ("拾万元整", "100000"),
        ("拾伍元", "15"),
        ("伍角整", "0.50"),
        ("零元伍角", "0.50"),
        ("零元零伍分", "0.05"),
        ("零伍分", "0.05"),
        ("壹亿零壹仟元整", "100001000"),  # the optional 零 written
        ("壹拾亿零壹仟万元整", "1010000000"),
        ("壹佰万零柒仟元整", "1007000"),
        ("壹亿元零壹角", "100000000.10"),
        ("壹仟肆佰玖元伍角", "1409.50"),  # a 零 a bill must write, missing
        ("壹佰元伍分", "100.05"),
        ("壹亿壹元", "100000001"),
    ],
)
def test_parse_capital_reads_variants(text: str, figure: str) -> None:
    assert parse_capital(text) == Decimal(figure)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("", "no amount"),
        ("   ", "no amount"),
        ("人民币", "no amount"),
        ("元", "元 without a number"),
        ("整", "no digit"),
        ("零元整", "zero"),
        ("零元", "zero"),
        ("壹仟2佰元", "'2' is not a capital"),
        ("壹仟贰佰元5角", "'5' is not a capital"),
        ("一千元", "'一' is not a capital"),
        ("壹佰佰元", "佰 without a digit"),
        ("佰壹元", "佰 without a digit"),
        ("壹拾拾元", "拾 without a digit"),
        ("壹亿拾万元", "拾 without a digit"),
        ("万元", "万 without a digit"),
        ("壹元元", "元 appears more than once"),
        ("壹元伍角贰圆", "元 appears more than once"),
        ("壹亿壹亿元", "亿 appears more than once"),
        ("壹万贰万元", "万 appears more than once"),
        ("壹万壹亿元", "万 before 亿"),
        ("壹万亿元", "万 before 亿"),
        ("伍角壹元", "角 or 分 before 元"),
        ("壹角贰角", "out of order or repeated"),
        ("伍分伍角", "out of order or repeated"),
        ("壹佰贰仟元", "out of order or repeated"),
        ("壹元伍", "needs 角 or 分"),
        ("壹贰元", "cannot follow"),
        ("壹仟", "no 元"),
        ("壹元伍分整", "整 never follows 分"),
        ("壹元整整", "can only end"),
        ("整壹元", "can only end"),
        ("壹仟零零伍元", "零零"),
        ("零壹元", "零 before the first digit"),
        ("壹佰零元", "零 after the last digit"),
        ("壹元零", "零 after the last digit"),
        ("壹仟零贰佰元", "no place is empty"),
        ("玖元零伍角", "no place is empty"),
        ("人民币人民币壹元", "'人' is not a capital"),
        ("壹元 整", "' ' is not a capital"),
        ("¥100", "'¥' is not a capital"),
    ],
)
def test_parse_capital_refuses_garbage(text: str, why: str) -> None:
    with pytest.raises(ValueError, match=why):
        parse_capital(text)


@pytest.mark.parametrize(
    "amount",
    [
        "0",
        "0.00",
        "-1",
        "-0.01",
        "0.001",
        "1.005",
        "1000000000000",
        "999999999999.995",
        "NaN",
        "Infinity",
    ],
)
def test_to_capital_refuses_what_is_not_an_amount(amount: str) -> None:
    with pytest.raises(ValueError):
        to_capital(Decimal(amount))


def test_to_capital_takes_trailing_zeros_and_exponents() -> None:
    assert to_capital(Decimal("1.500")) == "壹元伍角"
    assert to_capital(Decimal("1E+3")) == "壹仟元整"


def cents_to_amount(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


# Uniform cents hardly ever hold a zero run, so also draw amounts whose digits are mostly 0.
amounts = st.one_of(
    st.integers(1, 99_999_999_999_999),
    st.integers(1, 1_000_000),
    st.lists(st.sampled_from("0000019"), min_size=14, max_size=14)
    .map(lambda digits: int("".join(digits)))
    .filter(bool),
).map(cents_to_amount)


@settings(max_examples=400)
@given(amounts)
@example(Decimal("0.01"))
@example(MAX_AMOUNT)
def test_round_trip(amount: Decimal) -> None:
    capitals = to_capital(amount)
    assert parse_capital(capitals) == amount
    assert "零零" not in capitals
    assert not capitals.startswith("零")
    assert capitals.endswith(("元整", "角", "分"))


PLACE_NAMES = {
    -2: "分",
    -1: "角",
    **{place: ("", "拾", "佰", "仟")[place % 4] for place in range(12)},
}


def every_zero_written(amount: Decimal) -> str:
    """Another writer, digit by digit: 零 for every run of zeros, and 整 after 角 as well."""
    digits = f"{int(amount * 100):014d}"
    words: list[str] = []
    zeros = False
    for index, char in enumerate(digits):
        place = 11 - index
        if char != "0":
            words += ["零"] * zeros + [DIGITS[int(char)] + PLACE_NAMES[place]]
            zeros = False
        elif words:
            zeros = True
        group = digits[max(index - 3, 0) : index + 1]
        if (place == 8 or place == 4) and group.strip("0"):
            words.append("亿" if place == 8 else "万")
        if place == 0 and digits[:12].strip("0"):
            words.append("元")
    if digits[-1] == "0":
        words.append("整")
    return "".join(words)


@settings(max_examples=300)
@given(amounts, st.data())
def test_parse_capital_reads_the_variants_of_any_amount(
    amount: Decimal, data: st.DataObject
) -> None:
    standard = to_capital(amount)
    prefix = data.draw(st.sampled_from(["", "人民币", "人民币：", "人民币 ", "人民币（大写）"]))
    variant = prefix + standard
    if data.draw(st.booleans()):
        variant = variant.replace("元", "圆")
    if data.draw(st.booleans()):
        variant = variant.replace("整", "正")
    if data.draw(st.booleans()) and standard.startswith("壹拾"):
        variant = variant.replace("壹拾", "拾", 1)
    assert parse_capital(variant) == amount
    assert parse_capital(every_zero_written(amount)) == amount
    assert parse_capital(standard.replace("零", "")) == amount


def test_every_zero_written_is_the_long_form_of_the_table() -> None:
    assert every_zero_written(Decimal("107000.53")) == "壹拾万零柒仟元零伍角叁分"
    assert every_zero_written(Decimal("1680.32")) == "壹仟陆佰捌拾元零叁角贰分"
    assert every_zero_written(Decimal("1409.50")) == "壹仟肆佰零玖元伍角整"
    assert every_zero_written(Decimal("100000000.10")) == "壹亿元零壹角整"


CONTRACT = (
    "第四条 合同价款：人民币贰拾肆万元整（¥204,000.00），元旦前付清；"
    "零星维修费用另计，整改费用伍万元分两期支付，首期壹万元贰万元之间。"
)


def test_find_capitals_in_running_text() -> None:
    found = find_capitals(CONTRACT)
    assert [(CONTRACT[start:end], amount) for start, end, amount in found] == [
        ("贰拾肆万元整", Decimal("240000.00")),
        ("伍万元", Decimal("50000.00")),
        ("壹万元", Decimal("10000.00")),
        ("贰万元", Decimal("20000.00")),
    ]


@pytest.mark.parametrize(
    "text", ["", "元旦", "零星采购", "整改", "单位：万元", "零元整", "角色分工"]
)
def test_find_capitals_passes_over_words_that_are_not_amounts(text: str) -> None:
    assert find_capitals(text) == []


def test_find_capitals_in_a_long_run_of_capital_characters() -> None:
    text = "壹元" * 5_000 + "零" * 5_000
    found = find_capitals(text)
    assert len(found) == 5_000
    assert found[-1] == (9_998, 10_000, Decimal("1.00"))


@settings(max_examples=200)
@given(amounts)
def test_find_capitals_finds_any_amount_between_words(amount: Decimal) -> None:
    before = "合同总价为人民币"
    text = f"{before}{to_capital(amount)}（小写：¥{amount:,.2f}）。"
    end = len(before) + len(to_capital(amount))
    assert find_capitals(text) == [(len(before), end, amount)]
    figures = find_figures(text)
    assert [figure.amount for figure in figures] == [amount]
    assert text[figures[0].start : figures[0].end] == f"¥{amount:,.2f}"


@pytest.mark.parametrize(
    ("text", "found", "figure"),
    [
        ("合同价款，¥12,000.00，", "¥12,000.00", "12000"),
        ("￥12000", "￥12000", "12000"),
        ("¥ 12,000.5", "¥ 12,000.5", "12000.50"),
        ("人民币12000元整", "人民币12000元", "12000"),
        ("RMB 3,000", "RMB 3,000", "3000"),
        ("总价12000元", "12000元", "12000"),
        ("总价 12000.00 元", "12000.00 元", "12000"),
        ("约1.2万元", "1.2万元", "12000"),
        ("共3亿元", "3亿元", "300000000"),
        ("１２，０００．５元", "１２，０００．５元", "12000.50"),
    ],
)
def test_find_figures(text: str, found: str, figure: str) -> None:
    [(start, end, amount)] = find_figures(text)
    assert text[start:end] == found
    assert amount == Decimal(figure)
    assert amount.as_tuple().exponent == -2


@pytest.mark.parametrize(
    "text",
    [
        "2026年3月1日",
        "第5条第2款",
        "电话13800000000",
        "12,0000元",  # separators not every three digits
        "1.005元",  # less than a fen
        "0元",
        "¥0.00",
        "10000亿元",  # over the range
    ],
)
def test_find_figures_passes_over_what_is_not_money(text: str) -> None:
    assert find_figures(text) == []
