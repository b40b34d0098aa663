"""Money as typed by people: "12,000.00", "12000", "１２０００元", "¥12,000" -> Decimal yuan."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from advisor.amounts import MAX_AMOUNT

_SHAPE = re.compile(r"^[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?$|^[0-9]+(\.[0-9]+)?$")


class AmountError(ValueError):
    """Why a typed amount is not a valid sum of money (the message is a code)."""


def parse_amount(text: str) -> Decimal:
    """Parse a non-negative yuan amount with at most two decimals. Never uses float.

    Full-width digits and commas, a leading ¥/￥ or 人民币 and a trailing 元 are accepted;
    thousands separators must be in the right places. Raises AmountError with the
    codes "required", "not_a_number", "negative", "too_many_decimals", "too_large".
    """
    value = unicodedata.normalize("NFKC", text).strip().replace(" ", "")
    if not value:
        raise AmountError("required")
    for prefix in ("人民币", "¥", "￥", "RMB"):
        value = value.removeprefix(prefix)
    value = value.removesuffix("元").strip()
    if value.startswith("-"):
        raise AmountError("negative")
    if not _SHAPE.match(value):
        raise AmountError("not_a_number")
    try:
        amount = Decimal(value.replace(",", ""))
    except InvalidOperation as error:  # pragma: no cover - the shape check comes first
        raise AmountError("not_a_number") from error
    if -amount.as_tuple().exponent > 2:  # type: ignore[operator]
        raise AmountError("too_many_decimals")
    if amount > MAX_AMOUNT:
        raise AmountError("too_large")
    return amount.quantize(Decimal("0.01"))
