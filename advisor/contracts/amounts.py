"""Money as typed by people: "12,000.00", "12000", "１２０００元", "¥12,000", "12万", "1.5万元",
"1.2亿" -> Decimal yuan."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from advisor.amounts import MAX_AMOUNT

_SHAPE = re.compile(r"^[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?$|^[0-9]+(\.[0-9]+)?$")
_UNITS = {"万": Decimal(10) ** 4, "亿": Decimal(10) ** 8}
CENT = Decimal("0.01")


class AmountError(ValueError):
    """Why a typed amount is not a valid sum of money (the message is a code)."""


def parse_amount(text: str) -> Decimal:
    """Parse a non-negative yuan amount to the fen. Never uses float.

    Full-width digits and commas, a leading ¥/￥, 人民币 or RMB, and a trailing 元, 万, 亿,
    万元 or 亿元 are accepted (12万 is 120000.00, 1.5万 is 15000.00, 1.2亿 is
    120000000.00); thousands separators must be in the right places. Raises AmountError
    with the codes "required", "not_a_number", "negative", "too_many_decimals" (a figure
    in yuan with more than two decimals, even zeros), "below_fen" (a figure in 万 or 亿 that comes
    to less than a fen, 1.234567万 is fine, 1.2345678万 is not), "too_large".
    """
    value = unicodedata.normalize("NFKC", text).strip().replace(" ", "")
    if not value:
        raise AmountError("required")
    for prefix in ("人民币", "¥", "RMB"):  # NFKC has made ￥ into ¥
        value = value.removeprefix(prefix)
    value = value.removesuffix("元").strip()
    unit = _UNITS.get(value[-1:])
    if unit is not None:
        value = value[:-1]
    if value.startswith("-"):
        raise AmountError("negative")
    if not _SHAPE.match(value):
        raise AmountError("not_a_number")
    try:
        figure = Decimal(value.replace(",", ""))
    except InvalidOperation as error:  # pragma: no cover - the shape check comes first
        raise AmountError("not_a_number") from error
    if unit is None and -figure.as_tuple().exponent > 2:  # type: ignore[operator]
        raise AmountError("too_many_decimals")
    amount = figure if unit is None else figure * unit
    if amount != amount.quantize(CENT):
        raise AmountError("below_fen")
    if amount > MAX_AMOUNT:
        raise AmountError("too_large")
    return amount.quantize(CENT)
