"""Amounts in Chinese capitals (大写金额): writing them, reading them, finding them in text.

Everything here is Decimal yuan at cent precision, from 0.01 to 999,999,999,999.99
(玖仟玖佰玖拾玖亿…玖角玖分): there is no 万亿, and zero is not an amount.

The standard form written by ``to_capital`` is the first form of each row of the table in
DOMAIN.md (the rules of the 支付结算办法 for bills):

- 元 (not 圆), no 人民币 prefix (the caller writes it), 壹拾 (never a bare 拾);
- 整 after 元 when there are no 角 or 分; none after 角, never after 分;
- one 零 for each run of zeros between two digits, except a run that ends at the 万 or
  元 place (or the 亿 place, which the bill rules predate) and is followed by a digit in
  the next place: that 零 may be written or left out, and the standard form leaves it
  out (壹拾万柒仟元, 壹仟陆佰捌拾元叁角贰分; but 壹佰零壹万零壹佰零壹元, 壹亿零壹元);
- 零 between 元 and 分 when there are no 角 (壹拾元零伍分);
- below one yuan only 角 and 分 (伍角, 伍分).

``parse_capital`` reads every correct form and forgives what does not change the value.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from advisor.regex import quick

MIN_AMOUNT = Decimal("0.01")
MAX_AMOUNT = Decimal("999999999999.99")
CENT = Decimal("0.01")

DIGITS = "零壹贰叁肆伍陆柒捌玖"
ZERO = "零"
_DIGIT_VALUES = {char: value for value, char in enumerate(DIGITS) if value}
_PLACES = {"拾": 1, "佰": 2, "仟": 3}
_GROUPS = (("亿", 8), ("万", 4), ("", 0))
_YUAN = "元圆"
_FRACTION_PLACES = {"角": -1, "分": -2}
_WHOLE = "整正"
CAPITAL_CHARS = frozenset(DIGITS + "拾佰仟万亿" + _YUAN + "角分" + _WHOLE)

_PREFIX = re.compile(r"人民币\s*(?:[（(]大写[）)]\s*)?[:：]?\s*")
# No accepted form is longer than 玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分 (28):
# a 零 only stands where a digit and its place are missing.
_LONGEST = 28
_STARTS = frozenset(DIGITS + "拾")
_ENDS = frozenset(_YUAN + "角分" + _WHOLE)


class Found(NamedTuple):
    """An amount found in running text: ``text[start:end]`` reads as ``amount``."""

    start: int
    end: int
    amount: Decimal


def to_capital(amount: Decimal) -> str:
    """The standard capitals of ``amount`` (see the module docstring), without 人民币.

    Raises ValueError for zero, negative or non-finite amounts, amounts over
    999,999,999,999.99, and amounts with a part smaller than a fen (1.005; 1.500 is fine).
    """
    if not amount.is_finite() or not MIN_AMOUNT <= amount <= MAX_AMOUNT:
        raise ValueError(f"{amount} is not an amount from 0.01 to 999,999,999,999.99")
    if amount != amount.quantize(CENT):
        raise ValueError(f"{amount} has a part smaller than a fen")
    yuan, cents = divmod(int(amount * 100), 100)
    jiao, fen = divmod(cents, 10)
    words = []
    if yuan:
        words.append(_integer_capital(yuan) + "元")
    if not cents:
        words.append("整")
    if jiao:
        words.append(DIGITS[jiao] + "角")
    elif fen and yuan:
        words.append(ZERO)
    if fen:
        words.append(DIGITS[fen] + "分")
    return "".join(words)


def capital_and_figure(amount: Decimal) -> str:
    """An amount as documents write it: 人民币壹万贰仟元整（¥12,000.00）.

    The capitals are ``to_capital``'s standard form; zero, which is not an amount there,
    is written 零元整. Raises ValueError as ``to_capital`` does for anything else.
    """
    capitals = "零元整" if amount == 0 else to_capital(amount)
    return f"人民币{capitals}（¥{amount:,.2f}）"


def _integer_capital(yuan: int) -> str:
    """亿, 万 and units groups of four digits; 零 before a group that starts with zeros."""
    words: list[str] = []
    for unit, power in _GROUPS:
        group = yuan // 10**power % 10**4
        if not group:
            continue
        if words and group < 1000:
            words.append(ZERO)
        words.append(_group_capital(group) + unit)
    return "".join(words)


def _group_capital(group: int) -> str:
    """1 to 9999 with 仟佰拾: one 零 per inner run of zeros, none for trailing zeros."""
    words: list[str] = []
    pending_zero = False
    for place in (3, 2, 1, 0):
        digit = group // 10**place % 10
        if not digit:
            pending_zero = bool(words)
            continue
        if pending_zero:
            words.append(ZERO)
            pending_zero = False
        words.append(DIGITS[digit] + ("", "拾", "佰", "仟")[place])
    return "".join(words)


def parse_capital(text: str) -> Decimal:
    """Read an amount in capitals; the result has two decimals.

    Accepted: a leading 人民币 with or without （大写）, a colon or spaces; 元 or 圆;
    a trailing 整 or 正 after 元 or 角; 零 written or left out wherever DOMAIN.md allows
    it, and even where a bill must write it (each digit carries its place, so the
    value is plain); a bare 拾 for 壹拾 at the very start; 零元 before 角 and 分.

    Raises ValueError, saying what is wrong, for anything else: an empty text,
    characters that are not capitals (also figures and lower-case numerals), places
    out of order or repeated, a unit without a digit or a digit without a unit, 零 at
    the start or end, 零零, 零 where no place is empty (壹仟零贰佰), 整 after 分,
    a missing 元, and a value of zero.
    """
    body = text.strip()
    prefix = _PREFIX.match(body)
    if prefix:
        body = body[prefix.end() :]
    if not body:
        raise ValueError(f"{text!r}: no amount")
    for char in body:
        if char not in CAPITAL_CHARS:
            raise ValueError(f"{text!r}: {char!r} is not a capital numeral or unit")
    whole = body[-1] in _WHOLE
    if whole:
        body = body[:-1]
    if any(char in _WHOLE for char in body):
        raise ValueError(f"{text!r}: 整 or 正 can only end the amount")
    terms = _terms(text, body)
    if whole and terms[-1][1] < -1:
        raise ValueError(f"{text!r}: 整 never follows 分")
    return Decimal(sum(digit * 10 ** (place + 2) for digit, place in terms)).scaleb(-2)


def _terms(text: str, body: str) -> list[tuple[int, int]]:
    """The (digit, place) pairs of ``body``, place 0 being 元, after checking every 零."""
    yuan_marks = [index for index, char in enumerate(body) if char in _YUAN]
    if len(yuan_marks) > 1:
        raise ValueError(f"{text!r}: 元 appears more than once")
    if yuan_marks:
        integer, fraction = body[: yuan_marks[0]], body[yuan_marks[0] + 1 :]
        if not integer:
            raise ValueError(f"{text!r}: 元 without a number before it")
        if any(char in _FRACTION_PLACES for char in integer):
            raise ValueError(f"{text!r}: 角 or 分 before 元")
    elif any(char in _PLACES or char in "万亿" for char in body):
        raise ValueError(f"{text!r}: no 元 after the yuan")
    else:
        integer, fraction = "", body
    if integer == ZERO and not fraction:
        raise ValueError(f"{text!r}: zero is not an amount")
    items: list[tuple[int, int] | None] = []  # None stands for a written 零
    if integer != ZERO:
        items += _integer_items(text, integer)
    items += _fraction_items(text, fraction)
    return _checked(text, items)


def _integer_items(text: str, integer: str) -> list[tuple[int, int] | None]:
    """Split at 亿 and 万 and read each group of up to four places."""
    items: list[tuple[int, int] | None] = []
    rest = integer
    for unit, power in _GROUPS:
        if unit:
            if rest.count(unit) > 1:
                raise ValueError(f"{text!r}: {unit} appears more than once")
            if unit not in rest:
                continue
            group, rest = rest.split(unit)
            if unit == "亿" and "万" in group:
                raise ValueError(f"{text!r}: 万 before 亿 (amounts stop below 万亿)")
            if not group.strip(ZERO):
                raise ValueError(f"{text!r}: {unit} without a digit before it")
        else:
            group = rest
        items += _group_items(text, group, power, at_start=not items)
    return items


def _group_items(
    text: str, group: str, power: int, *, at_start: bool
) -> list[tuple[int, int] | None]:
    items: list[tuple[int, int] | None] = []
    index = 0
    while index < len(group):
        char = group[index]
        following = group[index + 1 : index + 2]
        if char == ZERO:
            items.append(None)
            index += 1
        elif char in _DIGIT_VALUES and following in _PLACES:
            items.append((_DIGIT_VALUES[char], _PLACES[following] + power))
            index += 2
        elif char in _DIGIT_VALUES and not following:
            items.append((_DIGIT_VALUES[char], power))
            index += 1
        elif char in _DIGIT_VALUES:
            raise ValueError(f"{text!r}: {following!r} cannot follow {char!r}")
        elif char == "拾" and at_start and index == 0:
            items.append((1, 1 + power))
            index += 1
        elif char in _PLACES:
            raise ValueError(f"{text!r}: {char} without a digit before it")
        else:
            raise ValueError(f"{text!r}: {char} out of place")
    return items


def _fraction_items(text: str, fraction: str) -> list[tuple[int, int] | None]:
    """角 and 分 after 元 (or alone), each with its digit; 零 where 角 is empty."""
    items: list[tuple[int, int] | None] = []
    index = 0
    while index < len(fraction):
        char = fraction[index]
        following = fraction[index + 1 : index + 2]
        if char == ZERO:
            items.append(None)
            index += 1
        elif char in _DIGIT_VALUES and following in _FRACTION_PLACES:
            items.append((_DIGIT_VALUES[char], _FRACTION_PLACES[following]))
            index += 2
        elif char in _DIGIT_VALUES:
            raise ValueError(f"{text!r}: {char} after 元 needs 角 or 分")
        else:
            raise ValueError(f"{text!r}: {char} out of place")
    return items


def _checked(text: str, items: list[tuple[int, int] | None]) -> list[tuple[int, int]]:
    """Places must fall; a 零 must stand alone between two digits with an empty place.

    Before the first digit the 元 place counts as written, so 零伍分 is 0.05.
    """
    terms: list[tuple[int, int]] = []
    previous_place = 0 if items and items[0] is None else None
    zero_before = False
    for item in items:
        if item is None:
            if zero_before:
                raise ValueError(f"{text!r}: 零零")
            zero_before = True
            continue
        place = item[1]
        if previous_place is not None and place >= previous_place:
            if terms:
                raise ValueError(f"{text!r}: places out of order or repeated")
            raise ValueError(f"{text!r}: 零 before the first digit")
        if zero_before and previous_place is not None and previous_place - place < 2:
            raise ValueError(f"{text!r}: 零 where no place is empty")
        terms.append(item)
        previous_place = place
        zero_before = False
    if zero_before:
        raise ValueError(f"{text!r}: 零 after the last digit")
    if not terms:
        raise ValueError(f"{text!r}: no digit")
    return terms


def find_capitals(text: str) -> list[Found]:
    """Amounts in capitals in running text, leftmost first, each as long as it reads.

    Scans runs of capital characters; from each place where an amount can start it
    takes the longest stretch that ``parse_capital`` reads, then goes on after it.
    A 人民币 before an amount is not part of the span. Words such as 元旦, 零星 or
    整改 are not amounts; neither is 零元 (zero).
    """
    found: list[Found] = []
    start = 0
    # Where an amount may start is found by a regular expression (_CANDIDATE), not by a
    # Python loop over every character: 20 ms of a 50-page contract's pre-check.
    while (candidate := _CANDIDATE.search(text, start)) is not None:
        start = candidate.start()
        longest = _longest_capital(text, start)
        if longest is None:
            start += 1
            continue
        found.append(longest)
        start = longest.end
    return found


# A start (a digit or 拾) followed in the same run of capitals, within _LONGEST characters
# of it, by an end (元, 角, 分, 整): only there can _longest_capital find an amount.
_CANDIDATE = re.compile(
    f"[{''.join(sorted(_STARTS))}]"
    f"(?=[{''.join(sorted(CAPITAL_CHARS))}]{{0,{_LONGEST - 2}}}[{''.join(sorted(_ENDS))}])"
)


def _longest_capital(text: str, start: int) -> Found | None:
    """The longest amount that starts at ``start``, if any."""
    run_end = start
    while run_end < len(text) and run_end - start < _LONGEST and text[run_end] in CAPITAL_CHARS:
        run_end += 1
    for end in range(run_end, start, -1):
        if text[end - 1] not in _ENDS:
            continue
        try:
            return Found(start, end, parse_capital(text[start:end]))
        except ValueError:
            continue
    return None


_NUMBER = (
    r"(?:[0-9０-９]{1,3}(?:[,，][0-9０-９]{3})+|[0-9０-９]+)(?:[.．][0-9０-９]+)?"
    r"(?![0-9０-９]|[,，.．][0-9０-９])"
)
_FIGURE = re.compile(
    rf"(?<![0-9０-９])(?<![0-9０-９][,，.．])"
    rf"(?:(?P<sign>[¥￥]|人民币|RMB)\s*(?P<signed>{_NUMBER})\s*(?P<unit_after_sign>[万亿]?元)?"
    rf"|(?P<plain>{_NUMBER})\s*(?P<unit>[万亿]?元))"
)
_FIGURE = quick(_FIGURE)  # fails at once where no match can start
_MULTIPLIERS = {"元": 1, "万元": 10**4, "亿元": 10**8}


def find_figures(text: str) -> list[Found]:
    """Amounts in figures in running text: ¥12,000.00, ￥12000, 人民币12000元, 12000元,
    1.2万元, 3亿元; full-width digits too.

    A number counts only with ¥, ￥, 人民币 or RMB before it or 元, 万元 or 亿元 after it,
    so dates and clause numbers are left alone. Thousands separators must stand every
    three digits. Numbers whose value in yuan has a part smaller than a fen, is zero
    or is over 999,999,999,999.99 are skipped.
    """
    found: list[Found] = []
    for match in _FIGURE.finditer(text):
        number = match["signed"] or match["plain"]
        unit = match["unit_after_sign"] or match["unit"] or "元"
        try:
            value = Decimal(unicodedata.normalize("NFKC", number).replace(",", ""))
        except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
            continue
        amount = value * _MULTIPLIERS[unit]
        if MIN_AMOUNT <= amount <= MAX_AMOUNT and amount == amount.quantize(CENT):
            found.append(Found(match.start(), match.end(), amount.quantize(CENT)))
    return found
