"""Checks on identifiers the directory keeps: unified social credit codes, licence numbers."""

from __future__ import annotations

import re

# GB 32100-2015: 18 characters from this alphabet (no I, O, S, V, Z); the last is a
# check character computed from the first 17 with these weights, modulo 31.
CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_CREDIT_SHAPE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$")
_LICENCE_SHAPE = re.compile(r"^[0-9]{17}$")


def credit_check_char(first17: str) -> str:
    """The check character of a unified social credit code's first 17 characters."""
    total = sum(CREDIT_ALPHABET.index(c) * w for c, w in zip(first17, CREDIT_WEIGHTS, strict=True))
    return CREDIT_ALPHABET[(31 - total % 31) % 31]


def is_valid_credit_code(code: str) -> bool:
    code = code.strip().upper()
    if not _CREDIT_SHAPE.match(code):
        return False
    return credit_check_char(code[:17]) == code[17]


def is_valid_licence_no(number: str) -> bool:
    """A lawyer's practising licence number (律师执业证号) has 17 digits."""
    return bool(_LICENCE_SHAPE.match(number.strip()))
