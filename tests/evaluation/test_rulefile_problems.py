"""Every kind of problem a rule file can have, pinned whole: its place, its key, the English
message, the values it names and how it reads in Chinese. Written against the hand-written
reader before the rule file was described as Pydantic models, so that the models say exactly
what it said; and a valid rule file of any shape round-trips through its JSON form."""

from __future__ import annotations

import copy
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor.evaluation.defaults import default_rule_set
from advisor.evaluation.problems import problem_text
from advisor.evaluation.rulefile import from_json, to_json, validate
from advisor.evaluation.rules import (
    COMPUTED_MEASURES,
    MANUAL_MEASURES,
    METHOD_PARAMS,
    Block,
    CalendarEvent,
    Grade,
    Item,
    RuleSet,
    VetoItem,
)

DELETE = "<delete>"
# Each case: changes to the default rule set's JSON form (or a whole file) and every problem
# found, as [path, key, English message, values, Chinese text].
CASES = json.loads((Path(__file__).parent / "rulefile_problems.json").read_text("utf-8"))


def _broken(changes: Any) -> object:
    """The default rule set's JSON form with each (path, value) set (or deleted); a value
    that is not a list of changes is the whole file."""
    if not isinstance(changes, list):
        return changes
    data: Any = to_json(default_rule_set())
    for path, value in changes:
        *parents, last = [int(i) if i else n for n, i in re.findall(r"(\w+)|\[(\d+)\]", path)]
        target = data
        for step in parents:
            target = target[step]
        if value == DELETE:
            del target[last]
        else:
            target[last] = copy.deepcopy(value)
    return data


@pytest.mark.parametrize("case", CASES, ids=[c["case"] for c in CASES])
def test_each_problem_is_told_as_before(case: dict[str, Any]) -> None:
    found = [
        [p.path, p.message_key, p.message, p.values] for p in validate(_broken(case["changes"]))
    ]
    assert found == [p[:4] for p in case["problems"]]


def test_each_problem_reads_in_chinese_as_before(app: Flask) -> None:
    with app.test_request_context(headers={"Accept-Language": "zh"}):
        for case in CASES:
            texts = [problem_text(p) for p in validate(_broken(case["changes"]))]
            assert texts == [p[4] for p in case["problems"]], case["case"]


# --- any valid rule set round-trips ----------------------------------------------------------

_KEYS = st.from_regex(r"[a-z][a-z0-9_]{0,11}", fullmatch=True)
_TEXT = st.text(min_size=1, max_size=12).filter(str.strip)


def _up_to(limit: Decimal | int, low: Decimal | int = 0) -> st.SearchStrategy[Decimal]:
    # Written as read back: a zero is read as 0, so "0.000000" would come back as "0".
    return st.decimals(min_value=low, max_value=limit, places=6).map(Decimal.normalize)


_POINTS = _up_to(10**6)
_POSITIVE = _up_to(10**6, Decimal("0.000001"))


@st.composite
def _items(draw: st.DrawFn, key: str) -> Item:
    measure = draw(st.sampled_from(COMPUTED_MEASURES + MANUAL_MEASURES))
    methods = [m for m in METHOD_PARAMS if m != "manual" or measure in MANUAL_MEASURES]
    method = draw(st.sampled_from(methods))
    max_points = draw(_POINTS)
    params: dict[str, Any] = {}
    if method == "proportional" and draw(st.booleans()):
        params["rate"] = draw(st.sampled_from(["fraction", "rating_1_5"]))
    elif method == "ratio_to_target":
        params["target"] = draw(
            _POSITIVE | st.fixed_dictionaries({"year": _POSITIVE, "quarter": _POSITIVE})
        )
    elif method == "per_unit":
        params.update(per_unit=draw(_POSITIVE), cap=draw(_POINTS))
    elif method == "deduction_per_unit":
        params["per_unit"] = draw(_POSITIVE)
        if draw(st.booleans()):
            params["start"] = draw(_up_to(max_points))
    elif method == "banded":
        thresholds = sorted(draw(st.sets(st.integers(-50, 50), min_size=1, max_size=4)))
        points = _up_to(max_points)
        params["bands"] = [[Decimal(t) / 10, draw(points)] for t in thresholds]
    fixed = draw(st.booleans())
    return Item(
        key=key,
        label_zh=draw(_TEXT),
        label_en=draw(_TEXT),
        max_points=max_points,
        measure=measure,
        method=method,
        params=params,
        no_data="fixed" if fixed else "not_applicable",
        no_data_points=(draw(_up_to(max_points)) if fixed else None),
        manual=measure in MANUAL_MEASURES,
    )


@st.composite
def _rule_sets(draw: st.DrawFn) -> RuleSet:
    keys = iter(draw(st.lists(_KEYS, min_size=20, max_size=20, unique=True)))
    blocks = []
    for n in range(draw(st.integers(1, 3))):
        items = tuple(draw(_items(next(keys))) for _ in range(draw(st.integers(1, 3))))
        is_bonus = n > 0 and draw(st.booleans())
        total = sum((i.max_points for i in items), Decimal(0))
        max_points = draw(_POINTS) if is_bonus else total
        blocks.append(
            Block(
                key=next(keys),
                label_zh=draw(_TEXT),
                label_en=draw(_TEXT),
                max_points=max_points,
                items=items,
                is_bonus=is_bonus,
            )
        )
    total_cap = sum((b.max_points for b in blocks if not b.is_bonus), Decimal(0))
    if total_cap <= 0:  # the first block holds the whole total, which must be above 0
        first = blocks[0]
        item = Item(**{**_fields(first.items[0]), "max_points": Decimal(1)})
        items = (item, *first.items[1:])
        total = sum((i.max_points for i in items), Decimal(0))
        blocks[0] = Block(**{**_fields(first), "items": items, "max_points": total})
        total_cap = total
    floors = sorted(draw(st.sets(_up_to(total_cap), max_size=3)), reverse=True)
    floors = [f for f in floors if f > 0] + [Decimal(0)]
    names = draw(st.lists(_TEXT, min_size=2 * len(floors), max_size=2 * len(floors), unique=True))
    return RuleSet(
        name=draw(_TEXT),
        version=draw(st.integers(1, 10**6)),
        total_cap=total_cap,
        bonus_cap=draw(_POINTS),
        periods=tuple(draw(st.sampled_from([["year"], ["quarter"], ["year", "quarter"]]))),
        blocks=tuple(blocks),
        grades=tuple(Grade(names[2 * i], names[2 * i + 1], f) for i, f in enumerate(floors)),
        veto_items=(VetoItem(next(keys), draw(_TEXT), draw(_TEXT)),),
        calendar=(CalendarEvent(next(keys), draw(_TEXT), draw(_TEXT), "period_end-10d"),),
    )


def _fields(part: Item | Block) -> dict[str, Any]:
    return {name: getattr(part, name) for name in part.__slots__}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_rule_sets())
def test_a_valid_rule_set_round_trips(rules: RuleSet) -> None:
    data = json.loads(json.dumps(to_json(rules), ensure_ascii=False))
    assert validate(data) == []
    assert from_json(data) == rules
    assert to_json(from_json(data)) == data
