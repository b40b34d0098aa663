"""Rule sets without a database: the default rule set, the JSON round trip, and validation
naming every problem of a broken rule set at its place."""

from __future__ import annotations

import copy
import json
import re
from decimal import Decimal
from typing import Any

import pytest

from advisor.evaluation.defaults import default_rule_set
from advisor.evaluation.rulefile import from_json, parse_when, to_json, validate
from advisor.evaluation.rules import (
    Block,
    CalendarEvent,
    Grade,
    Item,
    RuleSet,
    RuleSetError,
    VetoItem,
)

D = Decimal


class _Delete:
    """The value that removes a member (its repr names it, so test ids are stable)."""

    def __repr__(self) -> str:
        return "DELETE"


DELETE = _Delete()


def _steps(path: str) -> list[str | int]:
    return [int(i) if i else name for name, i in re.findall(r"(\w+)|\[(\d+)\]", path)]


def changed(path: str, value: object) -> dict[str, Any]:
    """The default rule set's JSON form with one value replaced (or deleted)."""
    data = to_json(default_rule_set())
    *parents, last = _steps(path)
    target: Any = data
    for step in parents:
        target = target[step]
    if value is DELETE:
        del target[last]
    else:
        target[last] = copy.deepcopy(value)
    return data


def found(data: object) -> list[tuple[str, str]]:
    return [(p.path, p.message_key) for p in validate(data)]


# --- the default ---------------------------------------------------------------------------


def test_the_default_rule_set_is_valid() -> None:
    assert validate(to_json(default_rule_set())) == []


def test_the_default_rule_set_is_issue_6() -> None:
    data = to_json(default_rule_set())
    blocks = data["blocks"]
    assert [(b["label_zh"], b["max_points"], b["is_bonus"]) for b in blocks] == [
        ("履职情况", "40", False),
        ("服务质量", "30", False),
        ("工作规范", "20", False),
        ("工作纪律", "10", False),
        ("加分", "10", True),
    ]
    items = [i for b in blocks for i in b["items"]]
    assert [(i["key"], i["max_points"], i["measure"], i["method"], i["params"]) for i in items] == [
        ("on_time", "25", "on_time_rate", "proportional", {"rate": "fraction"}),
        (
            "matters",
            "15",
            "matters_handled",
            "ratio_to_target",
            {"target": {"year": "48", "quarter": "12"}},
        ),
        ("rating", "30", "average_rating", "proportional", {"rate": "rating_1_5"}),
        ("ledger_months", "10", "months_with_entries_rate", "proportional", {"rate": "fraction"}),
        ("ledger_timely", "10", "timely_entries_rate", "proportional", {"rate": "fraction"}),
        (
            "discipline",
            "10",
            "valid_complaints",
            "deduction_per_unit",
            {"per_unit": "5", "start": "10"},
        ),
        ("lectures", "10", "lectures_given", "per_unit", {"per_unit": "2", "cap": "10"}),
    ]
    assert [(i["no_data"], i["no_data_points"], i["manual"]) for i in items] == [
        ("not_applicable", None, False),  # no reviews issued: not applicable, never full marks
        ("fixed", "0", False),
        ("not_applicable", None, False),  # no ratings: not applicable
        ("fixed", "0", False),
        ("fixed", "0", False),
        ("fixed", "10", True),  # no complaints entered: the full 10
        ("fixed", "0", False),
    ]
    assert (data["total_cap"], data["bonus_cap"], data["periods"]) == (
        "100",
        "10",
        ["year", "quarter"],
    )
    assert [(g["name_zh"], g["min_total"]) for g in data["grades"]] == [
        ("优秀", "90"),
        ("合格", "75"),
        ("基本合格", "60"),
        ("不合格", "0"),
    ]
    assert len(data["veto_items"]) == 3
    assert [(e["key"], e["when"]) for e in data["calendar"]] == [
        ("complete_ledger", "period_end-10d"),
        ("run_evaluation", "period_end+1d"),
    ]


def test_the_default_holds_decimals() -> None:
    rules = default_rule_set()
    matters = rules.blocks[0].items[1]
    assert matters.params == {"target": {"year": D(48), "quarter": D(12)}}
    assert isinstance(matters.max_points, Decimal) and isinstance(rules.total_cap, Decimal)


# --- the JSON form -------------------------------------------------------------------------


def test_numbers_are_written_as_decimal_strings() -> None:
    data = to_json(default_rule_set())
    assert data["total_cap"] == "100"
    assert data["blocks"][0]["items"][1]["params"] == {"target": {"year": "48", "quarter": "12"}}
    assert data["grades"][0]["min_total"] == "90"
    assert data["blocks"][3]["items"][0]["no_data_points"] == "10"


def test_the_default_round_trips_through_json_text() -> None:
    rules = default_rule_set()
    text = json.dumps(to_json(rules), ensure_ascii=False)
    assert from_json(json.loads(text)) == rules
    assert to_json(from_json(json.loads(text))) == to_json(rules)


def _every_method() -> RuleSet:
    def item(key: str, measure: str, method: str, points: str, **params: Any) -> Item:
        return Item(
            key=key,
            label_zh=key,
            label_en=key,
            max_points=D(points),
            measure=measure,
            method=method,
            params=params,
            no_data="fixed",
            no_data_points=D("0.5"),
            manual=measure in ("spot_check", "valid_complaints", "commendations"),
        )

    return RuleSet(
        name="every method",
        version=7,
        total_cap=D("50"),
        bonus_cap=D("2.5"),
        periods=("quarter",),
        blocks=(
            Block(
                key="main",
                label_zh="主要",
                label_en="Main",
                max_points=D("50"),
                items=(
                    item("a", "on_time_rate", "proportional", "12.5"),
                    item("b", "reviews_issued", "ratio_to_target", "7.5", target=D("2.5")),
                    item("c", "redone_reviews", "deduction_per_unit", "10", per_unit=D("0.5")),
                    item(
                        "d",
                        "ratings_count",
                        "banded",
                        "10",
                        bands=[[D("-1"), D(0)], [D("2.5"), D("10")]],
                    ),
                    item("e", "spot_check", "manual", "10"),
                ),
            ),
            Block(
                key="extra",
                label_zh="加分",
                label_en="Extra",
                max_points=D("2.5"),
                is_bonus=True,
                items=(
                    item("f", "commendations", "per_unit", "2.5", per_unit=D("1.25"), cap=D(2)),
                ),
            ),
        ),
        grades=(Grade("好", "Good", D("40.5")), Grade("差", "Poor", D(0))),
        veto_items=(VetoItem("v", "否决", "Veto"),),
        calendar=(CalendarEvent("start", "开始", "Start", "period_start"),),
    )


def test_every_method_round_trips_exactly() -> None:
    rules = _every_method()
    data = to_json(rules)
    assert validate(data) == []
    assert from_json(json.loads(json.dumps(data))) == rules
    assert data["blocks"][0]["items"][3]["params"]["bands"] == [["-1", "0"], ["2.5", "10"]]


def test_from_json_raises_with_every_problem() -> None:
    data = changed("blocks[0].items[0].measure", "speed")
    data["grades"][3]["min_total"] = "5"
    with pytest.raises(RuleSetError) as raised:
        from_json(data)
    assert [(p.path, p.message_key) for p in raised.value.problems] == [
        ("blocks[0].items[0].measure", "unknown_measure"),
        ("grades[3].min_total", "lowest_grade_not_zero"),
    ]
    assert "blocks[0].items[0].measure: unknown measure 'speed'" in str(raised.value)


def test_optional_fields_take_their_defaults() -> None:
    data = to_json(default_rule_set())
    del data["total_cap"], data["calendar"], data["veto_items"]
    for block in data["blocks"]:
        del block["is_bonus"]
        for item in block["items"]:
            del item["manual"]
    data["blocks"].pop()  # the bonus block, which would need is_bonus
    data["blocks"][3]["items"][0]["measure"] = "discipline"
    data["blocks"][3]["items"][0]["method"] = "manual"
    data["blocks"][3]["items"][0]["params"] = {}
    assert found(data) == [("blocks[3].items[0].manual", "manual_mismatch")]


def test_json_numbers_that_are_whole_or_decimal_are_accepted_floats_are_not() -> None:
    assert found(changed("blocks[0].items[0].max_points", 25)) == []
    assert found(changed("blocks[0].items[0].max_points", D("25.0"))) == []
    assert found(changed("blocks[0].items[0].max_points", 25.0)) == [
        ("blocks[0].items[0].max_points", "not_a_number")
    ]


# --- validation ------------------------------------------------------------------------------

BROKEN = [
    # what the items compute with
    ("blocks[0].items[0].measure", "speed", [("blocks[0].items[0].measure", "unknown_measure")]),
    ("blocks[0].items[0].method", "guess", [("blocks[0].items[0].method", "unknown_method")]),
    (
        "blocks[0].items[0].params.rate",
        "percent",
        [("blocks[0].items[0].params.rate", "unknown_rate")],
    ),
    (
        "blocks[0].items[0].params.target",
        "3",
        [("blocks[0].items[0].params.target", "param_unknown")],
    ),
    ("blocks[0].items[0].params", [], [("blocks[0].items[0].params", "not_an_object")]),
    # params each method needs
    (
        "blocks[0].items[1].params.target",
        DELETE,
        [("blocks[0].items[1].params.target", "param_missing")],
    ),
    (
        "blocks[0].items[1].params.target.quarter",
        DELETE,
        [("blocks[0].items[1].params.target.quarter", "param_missing")],
    ),
    (
        "blocks[0].items[1].params.target.month",
        "1",
        [("blocks[0].items[1].params.target.month", "unknown_period")],
    ),
    (
        "blocks[0].items[1].params.target",
        "0",
        [("blocks[0].items[1].params.target", "not_positive")],
    ),
    ("blocks[4].items[0].params.cap", DELETE, [("blocks[4].items[0].params.cap", "param_missing")]),
    (
        "blocks[4].items[0].params.per_unit",
        DELETE,
        [("blocks[4].items[0].params.per_unit", "param_missing")],
    ),
    (
        "blocks[4].items[0].params.per_unit",
        "0",
        [("blocks[4].items[0].params.per_unit", "not_positive")],
    ),
    (
        "blocks[3].items[0].params.per_unit",
        DELETE,
        [("blocks[3].items[0].params.per_unit", "param_missing")],
    ),
    ("blocks[3].items[0].params.start", "12", [("blocks[3].items[0].params.start", "above_max")]),
    # points
    ("blocks[0].items[0].max_points", "-25", [("blocks[0].items[0].max_points", "negative")]),
    ("blocks[0].items[0].max_points", "abc", [("blocks[0].items[0].max_points", "not_a_number")]),
    ("blocks[0].items[0].max_points", "NaN", [("blocks[0].items[0].max_points", "not_a_number")]),
    ("blocks[0].items[0].max_points", "20", [("blocks[0].max_points", "items_sum_mismatch")]),
    ("blocks[4].items[0].max_points", "20", []),  # bonus items may add up to more than the block
    (
        "blocks[3].max_points",
        "15",
        [("blocks[3].max_points", "items_sum_mismatch"), ("total_cap", "blocks_sum_mismatch")],
    ),
    ("total_cap", "90", [("total_cap", "blocks_sum_mismatch")]),
    ("total_cap", "0", [("total_cap", "not_positive")]),
    ("bonus_cap", "-1", [("bonus_cap", "negative")]),
    # no data
    (
        "blocks[3].items[0].no_data_points",
        None,
        [("blocks[3].items[0].no_data_points", "no_data_points_missing")],
    ),
    (
        "blocks[3].items[0].no_data_points",
        DELETE,
        [("blocks[3].items[0].no_data_points", "no_data_points_missing")],
    ),
    (
        "blocks[3].items[0].no_data_points",
        "11",
        [("blocks[3].items[0].no_data_points", "above_max")],
    ),
    (
        "blocks[1].items[0].no_data_points",
        "0",
        [("blocks[1].items[0].no_data_points", "no_data_points_unused")],
    ),
    ("blocks[1].items[0].no_data", "zero", [("blocks[1].items[0].no_data", "unknown_no_data")]),
    # manual entries
    ("blocks[3].items[0].manual", False, [("blocks[3].items[0].manual", "manual_mismatch")]),
    ("blocks[0].items[0].manual", True, [("blocks[0].items[0].manual", "manual_mismatch")]),
    ("blocks[0].items[0].manual", "yes", [("blocks[0].items[0].manual", "not_a_boolean")]),
    # keys
    ("blocks[1].items[0].key", "on_time", [("blocks[1].items[0].key", "duplicate_key")]),
    ("blocks[1].key", "duty", [("blocks[1].key", "duplicate_key")]),
    ("blocks[1].key", "Service Quality", [("blocks[1].key", "invalid_key")]),
    ("veto_items[1].key", "sanction", [("veto_items[1].key", "duplicate_key")]),
    ("calendar[1].key", "complete_ledger", [("calendar[1].key", "duplicate_key")]),
    ("grades[1].name_zh", "优秀", [("grades[1].name_zh", "duplicate_key")]),
    ("blocks[0].label_zh", "  ", [("blocks[0].label_zh", "empty_text")]),
    # grades
    ("grades[1].min_total", "90", [("grades[1].min_total", "grades_order")]),
    ("grades[2].min_total", "80", [("grades[2].min_total", "grades_order")]),
    ("grades[3].min_total", "10", [("grades[3].min_total", "lowest_grade_not_zero")]),
    ("grades[0].min_total", "101", [("grades[0].min_total", "above_max")]),
    ("grades", [], [("grades", "empty")]),
    # periods and calendar
    ("periods", ["year", "month"], [("periods[1]", "unknown_period")]),
    ("periods", ["year", "year"], [("periods[1]", "duplicate_key")]),
    ("periods", [], [("periods", "empty")]),
    ("calendar[0].when", "end-10", [("calendar[0].when", "invalid_when")]),
    # shape
    ("name", DELETE, [("name", "required")]),
    ("version", 0, [("version", "not_a_version")]),
    ("colour", "red", [("colour", "unknown_field")]),
    ("blocks[0].items[0].weight", "1", [("blocks[0].items[0].weight", "unknown_field")]),
    ("blocks", {}, [("blocks", "not_a_list")]),
    ("blocks[2].items", [], [("blocks[2].items", "empty")]),
    ("blocks", [], [("blocks", "empty")]),
    ("blocks[2]", "records", [("blocks[2]", "not_an_object")]),
    ("blocks[0].items[0]", "on_time", [("blocks[0].items[0]", "not_an_object")]),
    ("blocks[0].items[0].max_points", DELETE, [("blocks[0].items[0].max_points", "required")]),
    ("grades[1]", None, [("grades[1]", "not_an_object")]),
    ("veto_items[0]", None, [("veto_items[0]", "not_an_object")]),
    ("calendar[0]", None, [("calendar[0]", "not_an_object")]),
]


@pytest.mark.parametrize(
    ("path", "value", "expected"), BROKEN, ids=[f"{c[0]}={c[1]!r}" for c in BROKEN]
)
def test_each_kind_of_break_is_found_at_its_place(
    path: str, value: object, expected: list[tuple[str, str]]
) -> None:
    assert found(changed(path, value)) == expected


@pytest.mark.parametrize(
    ("method", "params", "expected"),
    [
        ("banded", {}, [("params.bands", "param_missing")]),
        ("banded", {"bands": []}, [("params.bands", "bands_invalid")]),
        ("banded", {"bands": [["0.5"]]}, [("params.bands[0]", "bands_invalid")]),
        (
            "banded",
            {"bands": [["0.8", "20"], ["0.5", "10"]]},
            [("params.bands[1][0]", "bands_order")],
        ),
        ("banded", {"bands": [["0.5", "26"]]}, [("params.bands[0][1]", "above_max")]),
        (
            "banded",
            {"bands": [["x", "-1"]]},
            [("params.bands[0][0]", "not_a_number"), ("params.bands[0][1]", "negative")],
        ),
        ("banded", {"bands": [["-1", "0"], ["0.5", "10"], ["0.9", "25"]]}, []),
        ("ratio_to_target", {"target": "10"}, []),
        ("per_unit", {"per_unit": "1"}, [("params.cap", "param_missing")]),
        ("manual", {}, [("method", "manual_method_computed_measure")]),
    ],
)
def test_params_are_checked_for_their_method(
    method: str, params: dict[str, Any], expected: list[tuple[str, str]]
) -> None:
    data = changed("blocks[0].items[0].method", method)
    data["blocks"][0]["items"][0]["params"] = params
    at = "blocks[0].items[0]."
    assert found(data) == [(at + path, key) for path, key in expected]


def test_all_problems_are_reported_at_once() -> None:
    data = changed("blocks[0].items[0].measure", "speed")
    data["blocks"][1]["items"][0]["max_points"] = "-1"
    data["periods"].append("decade")
    data["calendar"][0]["when"] = "soon"
    assert found(data) == [
        ("periods[2]", "unknown_period"),
        ("blocks[0].items[0].measure", "unknown_measure"),
        ("blocks[1].items[0].max_points", "negative"),
        ("calendar[0].when", "invalid_when"),
    ]


def test_messages_are_specific() -> None:
    (problem,) = validate(changed("blocks[0].items[0].max_points", "20"))
    assert problem.message == "items add up to 35, not 40"
    (problem,) = validate(changed("grades[3].min_total", "10"))
    assert problem.message == "the lowest grade must start at 0, not 10"
    (problem,) = validate(changed("blocks[0].items[1].params.target", DELETE))
    assert problem.message == "method ratio_to_target needs target"


def test_not_an_object_at_all() -> None:
    assert found([]) == [("", "not_an_object")]
    with pytest.raises(RuleSetError):
        from_json("rules")


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ("period_end-10d", ("end", -10)),
        ("period_end+5d", ("end", 5)),
        ("period_start", ("start", 0)),
    ],
)
def test_calendar_dates_are_relative_to_the_period(when: str, expected: tuple[str, int]) -> None:
    assert parse_when(when) == expected


@pytest.mark.parametrize("when", ["period_end-10", "end-10d", "period_end-10w", "period_end - 10d"])
def test_other_calendar_dates_are_refused(when: str) -> None:
    with pytest.raises(ValueError, match="not a calendar date"):
        parse_when(when)


# --- bounds and the values problems name ---------------------------------------------------


def test_numbers_far_beyond_any_rule_are_refused() -> None:
    at = "blocks[0].items[0].max_points"
    assert found(changed(at, "1e999999999")) == [(at, "too_large")]
    assert found(changed(at, D("1E+9"))) == [(at, "too_large")]
    assert found(changed("bonus_cap", "1e-999999999")) == [("bonus_cap", "too_precise")]
    assert found(changed("bonus_cap", "0.0000001")) == [("bonus_cap", "too_precise")]
    assert found(changed("bonus_cap", "10.000000")) == []
    assert found(changed("bonus_cap", "999999999.5")) == []


def test_problems_carry_the_values_they_name() -> None:
    (problem,) = validate(changed("blocks[0].items[0].max_points", "20"))
    assert problem.values == {"sum": "35", "max": "40"}
    (problem,) = validate(changed("blocks[1].items[0].key", "on_time"))
    assert problem.values == {"key": "on_time", "other": "blocks[0].items[0].key"}
    (problem,) = validate(changed("periods", ["year", "x" * 500]))
    assert problem.values["value"] == "x" * 57 + "..."
