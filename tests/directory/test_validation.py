"""Unit tests of the directory's identifier checks: credit codes and licence numbers."""

from __future__ import annotations

import pytest

from advisor.directory.validation import (
    CREDIT_ALPHABET,
    credit_check_char,
    is_valid_credit_code,
    is_valid_licence_no,
)

# Published codes of real organisations (GB 32100-2015 check characters).
REAL_CODES = ("91350100M000100Y43", "91110000802100433B")


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_credit_codes_are_valid(code: str) -> None:
    assert is_valid_credit_code(code)


@pytest.mark.parametrize("code", REAL_CODES)
def test_check_char_of_real_codes(code: str) -> None:
    assert credit_check_char(code[:17]) == code[17]


def test_check_char_that_would_be_31_is_zero() -> None:
    # A weighted sum divisible by 31 gives 31 - 0 = 31, which the standard writes as "0".
    assert credit_check_char("0" * 17) == "0"


def test_check_char_is_always_in_the_alphabet() -> None:
    for c in CREDIT_ALPHABET:
        first17 = "91350100M000100" + c + "4"
        assert credit_check_char(first17) in CREDIT_ALPHABET


@pytest.mark.parametrize("code", REAL_CODES)
def test_every_other_check_char_is_refused(code: str) -> None:
    wrong = [c for c in CREDIT_ALPHABET if c != code[17]]
    assert len(wrong) == 30
    for c in wrong:
        assert not is_valid_credit_code(code[:17] + c), c


def test_changing_a_body_char_breaks_the_check() -> None:
    # Position 9 (the organisation code) changed from M to N; check char kept.
    assert not is_valid_credit_code("91350100N000100Y43")


def test_swapping_two_chars_breaks_the_check() -> None:
    assert not is_valid_credit_code("91350100M000010Y43")


@pytest.mark.parametrize(
    "code",
    ["91350100M000100Y4", "91350100M000100Y433", "", "9"],
    ids=["17 chars", "19 chars", "empty", "one char"],
)
def test_wrong_length_is_refused(code: str) -> None:
    assert not is_valid_credit_code(code)


@pytest.mark.parametrize("letter", ["I", "O", "S", "V", "Z"])
def test_forbidden_letters_are_refused_even_with_a_matching_check_char(letter: str) -> None:
    # The letter sits where letters are allowed (position 9); no check char can save it.
    code = f"91350100{letter}000100Y4"
    assert len(code) == 17
    for last in CREDIT_ALPHABET:
        assert not is_valid_credit_code(code + last)


def test_forbidden_letter_as_check_char_is_refused() -> None:
    for letter in "IOSVZ":
        assert not is_valid_credit_code("91350100M000100Y4" + letter)


def test_letters_in_the_region_code_are_refused() -> None:
    # Characters 3-8 are the administrative division code: digits only.
    first17 = "9135A100M000100Y4"
    assert not is_valid_credit_code(first17 + credit_check_char(first17))


def test_lower_case_is_accepted_as_upper_case() -> None:
    assert is_valid_credit_code("91350100m000100y43")
    assert is_valid_credit_code("91110000802100433b")


def test_lower_case_does_not_rescue_a_wrong_check_char() -> None:
    assert not is_valid_credit_code("91350100m000100y44")


def test_surrounding_spaces_are_ignored() -> None:
    assert is_valid_credit_code("  91350100M000100Y43\t")


def test_inner_space_is_refused() -> None:
    assert not is_valid_credit_code("91350100 M000100Y43")


def test_full_width_digits_are_refused_not_raised() -> None:
    # A predicate answers False; it must not raise on text typed with a Chinese IME.
    assert is_valid_credit_code("91３50100M000100Y43") is False


def test_check_char_needs_exactly_17_chars() -> None:
    with pytest.raises(ValueError):
        credit_check_char("91350100M000100Y")
    with pytest.raises(ValueError):
        credit_check_char("91350100M000100Y43")


def test_check_char_refuses_chars_outside_the_alphabet() -> None:
    with pytest.raises(ValueError):
        credit_check_char("91350100I000100Y4")


@pytest.mark.parametrize(
    "number", ["16542201910123456", "00000000000000000", " 16542201910123456 "]
)
def test_seventeen_digits_are_a_licence_number(number: str) -> None:
    assert is_valid_licence_no(number)


@pytest.mark.parametrize(
    "number",
    [
        "1654220191012345",
        "165422019101234567",
        "1654220191012345X",
        "16542-01910123456",
        "16542 01910123456",
        "",
        "１６５４２２０１９１０１２３４５６",
    ],
    ids=["16 digits", "18 digits", "letter", "dash", "inner space", "empty", "full-width"],
)
def test_anything_else_is_not_a_licence_number(number: str) -> None:
    assert not is_valid_licence_no(number)


def test_newline_inside_a_licence_number_is_refused() -> None:
    assert is_valid_licence_no("16542201910123456\n")
    assert not is_valid_licence_no("1654220191\n0123456")
