"""Each item's score in words, per scoring method, in Chinese and English: what was
measured, how the points follow, the points out of the maximum; no formula anywhere."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from flask_babel import force_locale

from advisor.evaluation import wording
from advisor.evaluation.defaults import default_rule_set
from advisor.evaluation.rules import MANUAL_MEASURES, Item
from advisor.evaluation.scoring import score_advisor, score_item

D = Decimal
FORMULA = re.compile(r"[×÷=]|\d\s*[-+*/]\s*\d")  # "× 25 =", "(4.4 - 1) / 4"


@pytest.fixture()
def zh(app: Flask) -> Iterator[None]:
    with app.test_request_context(), force_locale("zh"):
        yield


@pytest.fixture()
def en(app: Flask) -> Iterator[None]:
    with app.test_request_context(), force_locale("en"):
        yield


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
        no_data="fixed" if "fixed" in params else "not_applicable",
        no_data_points=params.pop("fixed", None),
        manual=measure in MANUAL_MEASURES,
    )


def words(it: Item, value: str | None, what: str) -> str:
    text = wording.basis(
        it, score_item(it, None if value is None else D(value), period="year"), what
    )
    assert not FORMULA.search(text), text
    return text


ON_TIME = "4 件审查意见中 3 件按期出具"


@pytest.mark.usefixtures("zh")
def test_a_rate_reads_as_the_share_and_the_points_in_chinese() -> None:
    on_time = item("proportional", "25", "on_time_rate", rate="fraction")
    assert words(on_time, "0.75", ON_TIME) == (
        "4 件审查意见中 3 件按期出具（75%），得 18.75 分（满分 25 分）"
    )
    # 41 of 43: the share to one decimal, the points as the bureau says them.
    assert words(
        item("proportional", "10", "on_time_rate"), "0.9535", "按时出具 43 份中的 41 份"
    ) == ("按时出具 43 份中的 41 份（95.4%），得 9.54 分（满分 10 分）")
    assert words(on_time, "0", "4 件审查意见中 0 件按期出具") == (
        "4 件审查意见中 0 件按期出具（0%），得 0 分（满分 25 分）"
    )


@pytest.mark.usefixtures("en")
def test_a_rate_reads_as_the_share_and_the_points_in_english() -> None:
    on_time = item("proportional", "25", "on_time_rate")
    assert words(on_time, "0.75", "3 of 4 reviews issued by their due date") == (
        "3 of 4 reviews issued by their due date (75%): 18.75 of 25 points"
    )
    # A rate above 1 (never measured, but possible in a bureau's own measure) is counted as 100%.
    assert words(on_time, "1.2", "reviews") == ("reviews (120%), counted as 100%: 25 of 25 points")


def test_a_rating_reads_as_the_average_on_the_five_point_scale(app: Flask) -> None:
    rating = item("proportional", "30", "average_rating", rate="rating_1_5")
    with app.test_request_context(), force_locale("zh"):
        assert words(rating, "4.4", "学校评价 12 次") == (
            "学校评价 12 次，平均 4.4 分（5 分制），平均 1 分得 0 分、5 分得满分，"
            "得 25.5 分（满分 30 分）"
        )
    with app.test_request_context(), force_locale("en"):
        assert words(rating, "1", "3 school ratings") == (
            "3 school ratings, average 1 out of 5, an average of 1 scores nothing and 5 full"
            " marks: 0 of 30 points"
        )


def test_a_target_reads_as_how_much_of_it_was_reached(app: Flask) -> None:
    matters = item("ratio_to_target", "15", "matters_handled", target={"year": D(48)})
    with app.test_request_context(), force_locale("zh"):
        assert words(matters, "6", "办理事项 6 件") == (
            "办理事项 6 件，目标 48，完成 12.5%，得 1.88 分（满分 15 分）"
        )
        assert words(matters, "60", "办理事项 60 件") == (
            "办理事项 60 件，达到目标 48，得 15 分（满分 15 分）"
        )
    with app.test_request_context(), force_locale("en"):
        assert words(matters, "0", "0 matters") == (
            "0 matters, target 48, 0% of it reached: 0 of 15 points"
        )
        assert words(matters, "48", "48 matters") == (
            "48 matters, the target of 48 reached: 15 of 15 points"
        )


def test_points_per_unit_read_with_their_cap(app: Flask) -> None:
    lectures = item("per_unit", "10", "lectures_given", per_unit=D(2), cap=D(10))
    with app.test_request_context(), force_locale("zh"):
        assert words(lectures, "2", "台账记载法治讲座 2 次") == (
            "台账记载法治讲座 2 次，每次 2 分，得 4 分（满分 10 分）"
        )
        assert words(lectures, "7", "台账记载法治讲座 7 次") == (
            "台账记载法治讲座 7 次，每次 2 分，最多计 10 分，得 10 分（满分 10 分）"
        )
    with app.test_request_context(), force_locale("en"):
        assert words(lectures, "0", "0 lectures in the ledger") == (
            "0 lectures in the ledger, 2 points each: 0 of 10 points"
        )


def test_deductions_read_as_points_off_down_to_zero(app: Flask) -> None:
    discipline = item("deduction_per_unit", "10", "valid_complaints", per_unit=D(5))
    from_eight = item("deduction_per_unit", "10", "valid_complaints", per_unit=D(1), start=D(8))
    with app.test_request_context(), force_locale("zh"):
        assert words(discipline, "0", "有效投诉 0 起") == (
            "有效投诉 0 起，不扣分，得 10 分（满分 10 分）"
        )
        assert words(discipline, "1", "有效投诉 1 起") == (
            "有效投诉 1 起，每次扣 5 分，得 5 分（满分 10 分）"
        )
        assert words(discipline, "3", "有效投诉 3 起") == (
            "有效投诉 3 起，每次扣 5 分，扣完为止，得 0 分（满分 10 分）"
        )
        assert words(from_eight, "2", "有效投诉 2 起") == (
            "有效投诉 2 起，从 8 分起每次扣 1 分，得 6 分（满分 10 分）"
        )
    with app.test_request_context(), force_locale("en"):
        assert words(discipline, "3", "3 valid complaints") == (
            "3 valid complaints, 5 points off each, down to 0: 0 of 10 points"
        )


def test_bands_read_as_the_band_reached(app: Flask) -> None:
    bands = [[D("0.6"), D(4)], [D("0.8"), D(8)], [D("0.95"), D(10)]]
    banded = item("banded", "10", "on_time_rate", bands=bands)
    by_count = item("banded", "10", "lectures_given", bands=[[D(2), D(5)], [D(4), D(10)]])
    with app.test_request_context(), force_locale("zh"):
        assert words(banded, "0.85", "按期出具 85%") == (
            "按期出具 85%，达到 80% 以上档次，得 8 分（满分 10 分）"
        )
        assert words(banded, "0.5", "按期出具 50%") == (
            "按期出具 50%，低于最低档（60%），得 0 分（满分 10 分）"
        )
    with app.test_request_context(), force_locale("en"):
        assert words(by_count, "5", "5 lectures") == (
            "5 lectures, in the band from 4: 10 of 10 points"
        )


def test_points_the_bureau_enters_read_as_entered(app: Flask) -> None:
    spot = item("manual", "10", "spot_check")
    with app.test_request_context(), force_locale("zh"):
        assert words(spot, "8", wording.entered("spot_check", "8")) == (
            "抽查评分（教育局录入）：8，得 8 分（满分 10 分）"
        )
        assert words(spot, "12", wording.entered("spot_check", "12")) == (
            "抽查评分（教育局录入）：12，最多计 10 分，得 10 分（满分 10 分）"
        )
    with app.test_request_context(), force_locale("en"):
        assert words(spot, "0", wording.entered("spot_check", "0")) == (
            "Spot check (entered by the bureau) 0: 0 of 10 points"
        )


def test_no_data_reads_as_not_counted_or_the_fixed_score(app: Flask) -> None:
    rating = item("proportional", "30", "average_rating", rate="rating_1_5")
    complaints = item("deduction_per_unit", "10", "valid_complaints", per_unit=D(5), fixed=D(10))
    with app.test_request_context(), force_locale("zh"):
        assert words(rating, None, "2025年度 无学校评价") == (
            "2025年度 无学校评价，本项不计分，其余项目按比例折算"
        )
        assert words(complaints, None, wording.entered("valid_complaints", None)) == (
            "有效投诉数（教育局录入）：尚未录入，按细则无数据时计 10 分（满分 10 分）"
        )
        assert words(rating, None, "") == "无数据，本项不计分，其余项目按比例折算"
    with app.test_request_context(), force_locale("en"):
        assert words(rating, None, "no school ratings in 2025") == (
            "no school ratings in 2025: not counted; the other items are scaled up to make up"
            " for it"
        )
        assert words(complaints, None, "") == (
            "no data; as the rules set when there is no data, 10 of 10 points"
        )


def test_an_adjustment_reads_as_the_bureaus_points_then_what_was_computed(app: Flask) -> None:
    rules = default_rule_set()
    discipline = next(i for _, i in rules.items() if i.key == "discipline")
    values = {"valid_complaints": D(1)}
    set_to_8 = score_advisor(rules, values, period="year", adjustments={"discipline": D(8)})
    asked_12 = score_advisor(rules, values, period="year", adjustments={"discipline": D(12)})
    with app.test_request_context(), force_locale("zh"):
        assert wording.basis(discipline, set_to_8.items[5], "有效投诉 1 起") == (
            "教育局调整为 8 分（满分 10 分）。原计算：有效投诉 1 起，每次扣 5 分，"
            "得 5 分（满分 10 分）"
        )
    with app.test_request_context(), force_locale("en"):
        assert wording.basis(discipline, asked_12.items[5], "1 valid complaint") == (
            "The bureau set 10 of 10 points (it asked for 12; an item scores 0 to 10)."
            " Computed: 1 valid complaint, 5 points off each: 5 of 10 points"
        )


def test_a_veto_reads_as_what_it_was_for_and_the_grade(app: Flask) -> None:
    with app.test_request_context(), force_locale("zh"):
        assert wording.veto(["泄露国家秘密、工作秘密或学校信息"], "不合格") == (
            "一票否决：泄露国家秘密、工作秘密或学校信息。无论得分多少，等次定为不合格。"
        )
        assert wording.veto(["甲", "乙"], "不合格") == (
            "一票否决：甲；乙。无论得分多少，等次定为不合格。"
        )
    with app.test_request_context(), force_locale("en"):
        assert wording.veto([], "Unqualified") == (
            "Veto: set by the bureau. Graded Unqualified whatever the points."
        )


def test_numbers_read_as_people_say_them() -> None:
    assert [wording.number(D(x)) for x in ("25.00", "9.50", "0.125", "100")] == [
        "25",
        "9.5",
        "0.125",
        "100",
    ]
    assert [wording.percent(D(x)) for x in ("0.9535", "0.75", "1", "0")] == [
        "95.4%",
        "75%",
        "100%",
        "0%",
    ]
