"""Scoring without a database: every method at its edges, rescaling when items do not apply,
bonus and total caps, veto, adjustments, grade boundaries, and a hand-computed advisor."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from advisor.evaluation.defaults import default_rule_set
from advisor.evaluation.rules import (
    MANUAL_MEASURES,
    Block,
    Grade,
    Item,
    RuleSet,
)
from advisor.evaluation.scoring import Working, score_advisor, score_item

D = Decimal
GRADES = default_rule_set().grades


def item(
    method: str, max_points: str = "10", measure: str = "reviews_issued", **params: Any
) -> Item:
    return Item(
        key="x",
        label_zh="x",
        label_en="x",
        max_points=D(max_points),
        measure=measure,
        method=method,
        params=params,
        manual=measure in MANUAL_MEASURES,
    )


def points(it: Item, value: str | None, period: str = "year") -> Decimal | None:
    return score_item(it, None if value is None else D(value), period=period).points


# --- each method -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0", "0.00"),
        ("0.8", "20.00"),
        ("1", "25.00"),
        ("1.2", "25.00"),
        ("-0.1", "0.00"),
        ("0.333", "8.33"),
    ],
)
def test_proportional(value: str, expected: str) -> None:
    assert points(item("proportional", "25", rate="fraction"), value) == D(expected)


def test_proportional_without_a_rate_takes_the_value_as_the_rate() -> None:
    assert points(item("proportional", "25"), "0.5") == D("12.50")


@pytest.mark.parametrize(
    ("average", "expected"),
    [
        ("1", "0.00"),
        ("3", "15.00"),
        ("4.5", "26.25"),
        ("5", "30.00"),
        ("5.5", "30.00"),
        ("0.5", "0.00"),
        ("4.99", "29.93"),
    ],
)
def test_proportional_to_a_1_to_5_rating(average: str, expected: str) -> None:
    assert points(item("proportional", "30", "average_rating", rate="rating_1_5"), average) == D(
        expected
    )


@pytest.mark.parametrize(
    ("value", "period", "expected"),
    [
        ("0", "year", "0.00"),
        ("9", "year", "11.25"),
        ("11", "year", "13.75"),
        ("12", "year", "15.00"),
        ("30", "year", "15.00"),
        ("2", "quarter", "10.00"),
        ("3", "quarter", "15.00"),
        ("4", "quarter", "15.00"),
    ],
)
def test_ratio_to_target_per_period(value: str, period: str, expected: str) -> None:
    it = item("ratio_to_target", "15", "matters_handled", target={"year": D(12), "quarter": D(3)})
    assert points(it, value, period) == D(expected)


def test_ratio_to_a_single_target() -> None:
    assert points(item("ratio_to_target", "15", target=D(4)), "1") == D("3.75")


def test_ratio_to_target_without_a_target_for_the_period() -> None:
    with pytest.raises(ValueError, match="no target for period quarter"):
        points(item("ratio_to_target", "15", target={"year": D(12)}), "1", "quarter")


@pytest.mark.parametrize(
    ("value", "cap", "expected"),
    [
        ("0", "10", "0.00"),
        ("3", "10", "6.00"),
        ("5", "10", "10.00"),
        ("6", "10", "10.00"),
        ("4", "7", "7.00"),
        ("9", "50", "10.00"),
    ],
)
def test_per_unit_is_capped_at_the_cap_or_the_max(value: str, cap: str, expected: str) -> None:
    assert points(item("per_unit", "10", "lectures_given", per_unit=D(2), cap=D(cap)), value) == D(
        expected
    )


@pytest.mark.parametrize(
    ("complaints", "expected"), [("0", "10.00"), ("1", "5.00"), ("2", "0.00"), ("3", "0.00")]
)
def test_deduction_per_unit_is_floored_at_zero(complaints: str, expected: str) -> None:
    it = item("deduction_per_unit", "10", "valid_complaints", per_unit=D(5), start=D(10))
    assert points(it, complaints) == D(expected)


def test_deduction_starts_from_the_max_unless_told() -> None:
    assert points(item("deduction_per_unit", "20", "overdue_reviews", per_unit=D(3)), "2") == D(
        "14.00"
    )
    assert points(
        item("deduction_per_unit", "20", "overdue_reviews", per_unit=D(3), start=D(15)), "2"
    ) == D("9.00")


BANDS = [[D("0.6"), D(4)], [D("0.8"), D(8)], [D("0.95"), D(10)]]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0", "0.00"),
        ("0.5999", "0.00"),
        ("0.6", "4.00"),
        ("0.7999", "4.00"),
        ("0.8", "8.00"),
        ("0.95", "10.00"),
        ("1", "10.00"),
    ],
)
def test_banded_takes_the_highest_band_reached(value: str, expected: str) -> None:
    assert points(item("banded", "10", "on_time_rate", bands=BANDS), value) == D(expected)


def test_bands_need_not_be_in_order_to_be_scored() -> None:
    assert points(item("banded", "10", bands=list(reversed(BANDS))), "0.85") == D("8.00")


@pytest.mark.parametrize(
    ("value", "expected"),
    [("0", "0.00"), ("7.5", "7.50"), ("10", "10.00"), ("12", "10.00"), ("-1", "0.00")],
)
def test_manual_is_clamped_to_the_item(value: str, expected: str) -> None:
    assert points(item("manual", "10", "spot_check"), value) == D(expected)


def test_points_round_half_up_to_the_cent() -> None:
    assert points(item("manual", "10", "spot_check"), "2.345") == D("2.35")
    assert points(item("manual", "10", "spot_check"), "2.344") == D("2.34")
    assert points(item("proportional", "1"), "0.125") == D("0.13")


def test_no_data_is_not_applicable_or_a_fixed_score() -> None:
    assert points(item("proportional", "30"), None) is None
    it = Item(
        key="x",
        label_zh="x",
        label_en="x",
        max_points=D(10),
        measure="valid_complaints",
        method="deduction_per_unit",
        params={"per_unit": D(5)},
        no_data="fixed",
        no_data_points=D(10),
        manual=True,
    )
    assert score_item(it, None, period="year").points == D("10.00")
    assert score_item(it, None, period="year").working == Working(None, raw=D("10.00"))


def test_the_working_keeps_the_numbers_the_words_need() -> None:
    on_time = item("proportional", "25", "on_time_rate")
    assert score_item(on_time, D("0.8"), period="year").working == Working(
        D("0.8"), raw=D("20.0"), rate=D("0.8"), raw_rate=D("0.8")
    )
    over = score_item(on_time, D("1.2"), period="year").working
    assert (over.rate, over.raw_rate) == (D(1), D("1.2"))
    rating = item("proportional", "30", "average_rating", rate="rating_1_5")
    assert score_item(rating, D("4.5"), period="year").working.rate == D("0.875")
    matters = item("ratio_to_target", "15", target={"year": D(12)})
    reached = score_item(matters, D(14), period="year").working
    assert (reached.target, reached.rate) == (D(12), D(1))
    assert reached.raw_rate is not None and reached.raw_rate > 1
    lectures = item("per_unit", "10", per_unit=D(2), cap=D(10))
    assert score_item(lectures, D(6), period="year").working == Working(
        D(6), raw=D(12), per_unit=D(2), cap=D(10)
    )
    assert score_item(lectures, D(3), period="year").working.cap is None
    discipline = item("deduction_per_unit", "10", per_unit=D(5))
    assert score_item(discipline, D(3), period="year").working == Working(
        D(3), raw=D(-5), per_unit=D(5), start=D(10), floored=True
    )
    banded = item("banded", "10", bands=BANDS)
    assert score_item(banded, D("0.5"), period="year").working == Working(
        D("0.5"), raw=D(0), lowest=D("0.6")
    )
    assert score_item(banded, D("0.85"), period="year").working.threshold == D("0.8")


def test_an_unknown_method_or_a_missing_param_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown method"):
        points(item("guess"), "1")
    with pytest.raises(ValueError, match="needs param per_unit"):
        points(item("per_unit", cap=D(10)), "1")


# --- the whole sheet -------------------------------------------------------------------------

EXAMPLE = {
    "on_time_rate": D(8) / D(10),
    "matters_handled": D(36),
    "average_rating": D("4.5"),
    "ratings_count": D(6),
    "months_with_entries_rate": D(11) / D(12),
    "timely_entries_rate": D("0.9"),
    "valid_complaints": D(1),
    "lectures_given": D(3),
}
PERFECT = {
    "on_time_rate": D(1),
    "matters_handled": D(48),
    "average_rating": D(5),
    "months_with_entries_rate": D(1),
    "timely_entries_rate": D(1),
    "valid_complaints": D(0),
    "lectures_given": D(0),
}


def test_a_hand_computed_advisor_over_a_year() -> None:
    # on time      8 / 10 = 80%            × 25 = 20.00
    # matters      36 / 48 = 75%           × 15 = 11.25   履职情况 31.25
    # rating       (4.5 - 1) / 4 = 87.5%   × 30 = 26.25   服务质量 26.25
    # months       11 / 12 = 91.67%        × 10 =  9.17
    # timely       90%                     × 10 =  9.00   工作规范 18.17
    # discipline   10 - 1 × 5                   =  5.00   工作纪律  5.00
    # all items apply, so no rescaling: 31.25 + 26.25 + 18.17 + 5.00 = 80.67
    # bonus        3 lectures × 2 = 6.00 (cap 10)         加分 6.00
    # total        80.67 + 6.00 = 86.67 -> ≥ 75 and < 90: 合格
    result = score_advisor(default_rule_set(), EXAMPLE, period="year")
    assert [s.points for s in result.items] == [
        D(p) for p in ("20.00", "11.25", "26.25", "9.17", "9.00", "5.00", "6.00")
    ]
    assert result.blocks == {
        "duty": D("31.25"),
        "quality": D("26.25"),
        "records": D("18.17"),
        "conduct": D("5.00"),
        "bonus": D("6.00"),
    }
    assert (result.bonus, result.total, result.scale) == (D("6.00"), D("86.67"), D(1))
    assert (result.grade.name_zh, result.vetoed) == ("合格", False)


def test_the_same_advisor_over_a_quarter_has_a_smaller_target() -> None:
    # matters 8 / 12 × 15 = 10.00 instead of 11.25: 86.67 - 1.25 = 85.42
    result = score_advisor(
        default_rule_set(), {**EXAMPLE, "matters_handled": D(8)}, period="quarter"
    )
    assert result.items[1].points == D("10.00")
    assert result.total == D("85.42")


def test_no_ratings_rescales_the_other_items_to_the_same_total() -> None:
    # The rating (30) does not apply, so the other 70 points count for 100: × 100 / 70.
    # raw 20.00 + 11.25 + 9.17 + 9.00 + 5.00 = 54.42; 54.42 × 100 / 70 = 77.742… -> 77.74
    # blocks: duty 31.25 → 44.642…, records 18.17 → 25.957…, conduct 5.00 → 7.142…
    #   rounded down 44.64 + 25.95 + 7.14 = 77.73; the spare cent goes to records (.714 left)
    # total 77.74 + 6.00 bonus = 83.74 -> 合格
    values = {**EXAMPLE, "average_rating": None, "ratings_count": D(0)}
    result = score_advisor(default_rule_set(), values, period="year")
    assert result.items[2].points is None
    assert result.items[2].working == Working(None) and result.items[2].computed is None
    assert result.blocks == {
        "duty": D("44.64"),
        "quality": D("0.00"),
        "records": D("25.96"),
        "conduct": D("7.14"),
        "bonus": D("6.00"),
    }
    assert (result.total, result.scale, result.grade.name_zh) == (D("83.74"), D("1.4286"), "合格")


def test_a_perfect_advisor_reaches_the_cap_even_with_items_not_applicable() -> None:
    for missing in ({}, {"average_rating": None}, {"average_rating": None, "on_time_rate": None}):
        result = score_advisor(default_rule_set(), {**PERFECT, **missing}, period="year")
        assert result.total == D("100.00"), missing
        assert sum(result.blocks.values()) == D("100.00")
        assert result.grade.name_zh == "优秀"


def _sheet(
    *blocks: tuple[str, str, bool, list[Item]], bonus_cap: str = "10", total_cap: str = "100"
) -> RuleSet:
    return RuleSet(
        name="test",
        version=1,
        total_cap=D(total_cap),
        bonus_cap=D(bonus_cap),
        blocks=tuple(
            Block(
                key=key,
                label_zh=key,
                label_en=key,
                max_points=D(max_points),
                is_bonus=is_bonus,
                items=tuple(items),
            )
            for key, max_points, is_bonus, items in blocks
        ),
        grades=GRADES,
    )


def _manual(key: str, measure: str, max_points: str) -> Item:
    return Item(
        key=key,
        label_zh=key,
        label_en=key,
        max_points=D(max_points),
        measure=measure,
        method="manual",
        manual=True,
    )


def test_rescaled_blocks_add_up_to_the_total_exactly() -> None:
    # Three blocks of 10 apply, 70 do not: each 10 × 100 / 30 = 33.333…, rounded down 33.33;
    # 99.99 is a cent short of 100.00, and the first block (ties go to the earlier) gets it.
    rules = _sheet(
        ("a", "10", False, [_manual("a", "spot_check", "10")]),
        ("b", "10", False, [_manual("b", "discipline", "10")]),
        ("c", "10", False, [_manual("c", "commendations", "10")]),
        ("d", "70", False, [_manual("d", "valid_complaints", "70")]),
    )
    values = {"spot_check": D(10), "discipline": D(10), "commendations": D(10)}
    result = score_advisor(rules, values, period="year")
    assert result.blocks == {"a": D("33.34"), "b": D("33.33"), "c": D("33.33"), "d": D("0.00")}
    assert result.total == D("100.00")


def test_an_advisor_with_nothing_to_show() -> None:
    # No reviews and no ratings: on time and rating do not apply (25 + 30). Matters, months and
    # timely entries score their fixed 0 and discipline its fixed 10, so 45 points apply:
    # 10 × 100 / 45 = 22.22; one lecture adds 2.00: 24.22 -> 不合格
    values = {"on_time_rate": None, "average_rating": None, "lectures_given": D(1)}
    result = score_advisor(default_rule_set(), values, period="year")
    assert [s.points for s in result.items] == [
        None,
        D("0.00"),
        None,
        D("0.00"),
        D("0.00"),
        D("10.00"),
        D("2.00"),
    ]
    assert result.blocks == {
        "duty": D("0.00"),
        "quality": D("0.00"),
        "records": D("0.00"),
        "conduct": D("22.22"),
        "bonus": D("2.00"),
    }
    assert (result.total, result.grade.name_zh) == (D("24.22"), "不合格")


def test_with_no_item_applicable_only_the_bonus_counts() -> None:
    item_a = Item(
        key="a",
        label_zh="a",
        label_en="a",
        max_points=D(100),
        measure="spot_check",
        method="manual",
        manual=True,
    )
    rules = _sheet(
        ("a", "100", False, [item_a]), ("extra", "10", True, [_manual("c", "commendations", "10")])
    )
    result = score_advisor(rules, {"commendations": D(3)}, period="year")
    assert (result.blocks, result.total, result.scale) == (
        {"a": D("0.00"), "extra": D("3.00")},
        D("3.00"),
        D(0),
    )


def _bonus_sheet(bonus_cap: str, block_max: str) -> RuleSet:
    lectures = Item(
        key="lectures",
        label_zh="l",
        label_en="l",
        max_points=D(10),
        measure="lectures_given",
        method="per_unit",
        params={"per_unit": D(2), "cap": D(10)},
    )
    praise = Item(
        key="praise",
        label_zh="p",
        label_en="p",
        max_points=D(10),
        measure="commendations",
        method="per_unit",
        params={"per_unit": D(5), "cap": D(10)},
        manual=True,
    )
    return _sheet(
        ("all", "100", False, [_manual("spot", "spot_check", "100")]),
        ("extra", block_max, True, [lectures, praise]),
        bonus_cap=bonus_cap,
    )


def test_the_bonus_is_capped_by_its_block_and_by_the_bonus_cap() -> None:
    values = {"spot_check": D(50), "lectures_given": D(5), "commendations": D(1)}  # 10 + 5 = 15
    assert score_advisor(_bonus_sheet("20", "20"), values, period="year").bonus == D("15.00")
    assert score_advisor(_bonus_sheet("10", "20"), values, period="year").bonus == D("10.00")
    capped_block = score_advisor(_bonus_sheet("20", "8"), values, period="year")
    assert (capped_block.blocks["extra"], capped_block.bonus, capped_block.total) == (
        D("8.00"),
        D("8.00"),
        D("58.00"),
    )


def test_the_total_is_capped() -> None:
    # 100 + 10 bonus (5 lectures × 2) is capped at 100
    result = score_advisor(default_rule_set(), {**PERFECT, "lectures_given": D(5)}, period="year")
    assert (result.bonus, result.total) == (D("10.00"), D("100.00"))
    near = score_advisor(
        default_rule_set(),
        {**PERFECT, "valid_complaints": D(1), "lectures_given": D(2)},
        period="year",
    )
    assert (near.bonus, near.total) == (D("4.00"), D("99.00"))  # 95 + 4


def test_a_veto_gives_the_lowest_grade_whatever_the_total() -> None:
    result = score_advisor(default_rule_set(), PERFECT, period="year", veto=True)
    assert (result.total, result.vetoed, result.grade.name_zh) == (D("100.00"), True, "不合格")


def test_an_adjustment_replaces_an_items_points_before_the_totals() -> None:
    # discipline computed 5.00 (one complaint) adjusted to 8: 86.67 - 5.00 + 8.00 = 89.67
    result = score_advisor(
        default_rule_set(), EXAMPLE, period="year", adjustments={"discipline": D(8)}
    )
    assert result.items[5].points == D("8.00")
    computed = result.items[5].computed
    assert computed is not None and computed.points == D("5.00")
    assert (computed.working.value, computed.working.per_unit) == (D(1), D(5))
    assert result.items[5].asked is None
    assert (result.blocks["conduct"], result.total) == (D("8.00"), D("89.67"))


@pytest.mark.parametrize(
    ("asked", "kept"), [("12", "10.00"), ("-3", "0.00"), ("9.995", "10.00"), ("0", "0.00")]
)
def test_an_adjustment_is_kept_within_the_item(asked: str, kept: str) -> None:
    result = score_advisor(
        default_rule_set(), EXAMPLE, period="year", adjustments={"discipline": D(asked)}
    )
    assert result.items[5].points == D(kept)
    clamped = asked in ("12", "-3")
    assert result.items[5].asked == (D(asked) if clamped else None)
    computed = result.items[5].computed
    assert computed is not None and computed.points == D("5.00")


def test_an_adjusted_not_applicable_item_counts_again() -> None:
    # rating adjusted to 24 although there were no ratings: no rescaling, 54.42 + 24 + 6 = 84.42
    values = {**EXAMPLE, "average_rating": None}
    result = score_advisor(default_rule_set(), values, period="year", adjustments={"rating": D(24)})
    assert (result.scale, result.blocks["quality"], result.total) == (D(1), D("24.00"), D("84.42"))
    computed = result.items[2].computed
    assert result.items[2].points == D("24.00")
    assert computed is not None and computed.points is None and computed.working.value is None


def test_adjusting_an_unknown_item_or_scoring_an_unknown_period_is_an_error() -> None:
    with pytest.raises(ValueError, match="no item speed to adjust"):
        score_advisor(default_rule_set(), EXAMPLE, period="year", adjustments={"speed": D(1)})
    with pytest.raises(ValueError, match="does not apply to period 'month'"):
        score_advisor(default_rule_set(), EXAMPLE, period="month")


@pytest.mark.parametrize(
    ("total", "grade"),
    [
        ("100", "优秀"),
        ("90.00", "优秀"),
        ("89.99", "合格"),
        ("75", "合格"),
        ("74.99", "基本合格"),
        ("60", "基本合格"),
        ("59.99", "不合格"),
        ("0", "不合格"),
    ],
)
def test_grade_boundaries(total: str, grade: str) -> None:
    rules = _sheet(("all", "100", False, [_manual("spot", "spot_check", "100")]))
    result = score_advisor(rules, {"spot_check": D(total)}, period="year")
    assert (result.total, result.grade.name_zh) == (D(total).quantize(D("0.01")), grade)


def test_missing_measures_are_no_data() -> None:
    result = score_advisor(default_rule_set(), {}, period="year")
    assert result.items[0].points is None and result.items[2].points is None
    assert result.items[5].points == D("10.00")  # no complaints entered: the fixed 10


def test_a_custom_grade_vocabulary_is_used_as_given() -> None:
    grades = (Grade("称职", "Competent", D(60)), Grade("不称职", "Not competent", D(0)))
    rules = replace(
        _sheet(("all", "100", False, [_manual("spot", "spot_check", "100")])), grades=grades
    )
    assert score_advisor(rules, {"spot_check": D(60)}, period="year").grade.name_zh == "称职"
    assert score_advisor(rules, {"spot_check": D("59.99")}, period="year").grade.name_zh == "不称职"


rates = st.decimals(min_value=0, max_value=1, places=4)
counts = st.integers(min_value=0, max_value=60).map(D)  # beyond the year's target of 48


@given(
    on_time=st.none() | rates,
    matters=counts,
    rating=st.none() | st.decimals(min_value=1, max_value=5, places=2),
    months=rates,
    timely=st.none() | rates,
    complaints=st.none() | st.integers(min_value=0, max_value=4).map(D),
    lectures=counts,
    period=st.sampled_from(["year", "quarter"]),
)
def test_any_advisor_scores_within_the_caps_and_the_blocks_add_up(
    on_time: Decimal | None,
    matters: Decimal,
    rating: Decimal | None,
    months: Decimal,
    timely: Decimal | None,
    complaints: Decimal | None,
    lectures: Decimal,
    period: str,
) -> None:
    values = {
        "on_time_rate": on_time,
        "matters_handled": matters,
        "average_rating": rating,
        "months_with_entries_rate": months,
        "timely_entries_rate": timely,
        "valid_complaints": complaints,
        "lectures_given": lectures,
    }
    result = score_advisor(default_rule_set(), values, period=period)
    base = sum(v for k, v in result.blocks.items() if k != "bonus")
    assert D(0) <= base <= D(100)
    assert D(0) <= result.bonus <= D(10)
    assert result.total == min(base + result.bonus, D(100))
    for score in result.items:
        assert score.points is None or D(0) <= score.points <= score.max_points
    assert all(v == v.quantize(D("0.01")) for v in [*result.blocks.values(), result.total])
