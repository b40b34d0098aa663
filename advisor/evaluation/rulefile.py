"""Rule sets to and from their JSON form, with validation naming every problem's location."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from advisor.evaluation.rulefile_models import RuleSetModel
from advisor.evaluation.rulefile_values import WHEN, dec, found_in
from advisor.evaluation.rules import Item, Param, Problem, RuleSet, RuleSetError


def parse_when(when: str) -> tuple[str, int]:
    """``"period_end-10d"`` -> ``("end", -10)``; raises ValueError on any other shape."""
    match = WHEN.match(when)
    if match is None:
        raise ValueError(f"not a calendar date: {when!r}")
    anchor, sign, days = match.groups()
    return anchor, (-1 if sign == "-" else 1) * int(days or 0)


# --- JSON form ---------------------------------------------------------------------------


def _param_json(value: Param) -> Any:
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        return dec(Decimal(value))
    if isinstance(value, list):
        return [_param_json(v) for v in value]
    if isinstance(value, dict):
        return {k: _param_json(v) for k, v in value.items()}
    return value


def _item_json(item: Item) -> dict[str, Any]:
    return {
        "key": item.key,
        "label_zh": item.label_zh,
        "label_en": item.label_en,
        "max_points": dec(item.max_points),
        "measure": item.measure,
        "method": item.method,
        "params": {k: _param_json(v) for k, v in item.params.items()},
        "no_data": item.no_data,
        "no_data_points": None if item.no_data_points is None else dec(item.no_data_points),
        "manual": item.manual,
    }


def to_json(rule_set: RuleSet) -> dict[str, Any]:
    """The JSON form (see the module docstring); ``from_json`` reads it back unchanged."""
    return {
        "name": rule_set.name,
        "version": rule_set.version,
        "total_cap": dec(rule_set.total_cap),
        "bonus_cap": dec(rule_set.bonus_cap),
        "periods": list(rule_set.periods),
        "blocks": [
            {
                "key": b.key,
                "label_zh": b.label_zh,
                "label_en": b.label_en,
                "max_points": dec(b.max_points),
                "is_bonus": b.is_bonus,
                "items": [_item_json(i) for i in b.items],
            }
            for b in rule_set.blocks
        ],
        "veto_items": [
            {"key": v.key, "label_zh": v.label_zh, "label_en": v.label_en}
            for v in rule_set.veto_items
        ],
        "grades": [
            {"name_zh": g.name_zh, "name_en": g.name_en, "min_total": dec(g.min_total)}
            for g in rule_set.grades
        ],
        "calendar": [
            {"key": c.key, "label_zh": c.label_zh, "label_en": c.label_en, "when": c.when}
            for c in rule_set.calendar
        ],
    }


# --- reading and validation (the models are in rulefile_models.py) ------------------------


def _read(data: object) -> tuple[RuleSetModel | None, list[Problem]]:
    try:
        model = RuleSetModel.model_validate(data, context={})
    except ValidationError as error:  # not an object at all: nothing more can be read
        return None, [found_in(e).problem() for e in error.errors()]
    return model, model.problems()


def validate(data: object) -> list[Problem]:
    """Every problem in the JSON form of a rule set, in reading order; [] when it is sound."""
    return _read(data)[1]


def from_json(data: object) -> RuleSet:
    """The RuleSet of a JSON form; raises RuleSetError listing every problem."""
    model, problems = _read(data)
    if model is None or problems:
        raise RuleSetError(problems)
    return model.rule_set()
