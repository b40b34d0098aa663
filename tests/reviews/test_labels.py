"""A school's rating in words: the word of the nearest point of the 1–5 scale, and an
average as people read it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from flask import Flask
from flask_babel import force_locale

from advisor.reviews.labels import rating_in_words, rating_word, rating_words


@pytest.mark.parametrize(
    ("rating", "word"),
    [
        (5, "非常满意"),
        (Decimal("4.6"), "非常满意"),
        (Decimal("4.50"), "满意"),  # halfway takes the lower word
        (Decimal("4.4"), "满意"),
        (3.5, "一般"),
        (Decimal("2.51"), "一般"),
        (2, "不满意"),
        (Decimal("1.49"), "很不满意"),
        (1, "很不满意"),
    ],
)
def test_a_rating_reads_as_the_word_of_its_nearest_point(
    app: Flask, rating: Decimal | float | int, word: str
) -> None:
    with app.test_request_context(), force_locale("zh"):
        assert rating_word(rating) == word


def test_an_average_reads_with_its_number_and_word(app: Flask) -> None:
    with app.test_request_context(), force_locale("zh"):
        assert rating_in_words(Decimal("4.50")) == "4.5 分（满意）"
        assert rating_in_words(Decimal("4.00")) == "4 分（满意）"
        assert rating_in_words(4.333333) == "4.33 分（满意）"
        # The word is the shown number's: 4.495 shows as 4.5 and reads 满意.
        assert rating_in_words(4.495) == "4.5 分（满意）"
        assert rating_in_words(Decimal("4.51")) == "4.51 分（非常满意）"
        assert rating_in_words(None) == "—"
    with app.test_request_context(), force_locale("en"):
        assert rating_in_words(Decimal("4.50")) == "4.5 (Satisfied)"
        assert rating_in_words(Decimal("1.2")) == "1.2 (Very dissatisfied)"


def test_the_words_for_a_spreadsheet_are_chinese_whatever_the_reader(app: Flask) -> None:
    with app.test_request_context(), force_locale("en"):
        assert rating_words("zh") == {
            5: "非常满意",
            4: "满意",
            3: "一般",
            2: "不满意",
            1: "很不满意",
        }
        assert rating_word(5) == "Very satisfied"
    # An export job has the application but no request.
    with app.app_context():
        assert rating_words("zh")[4] == "满意"
