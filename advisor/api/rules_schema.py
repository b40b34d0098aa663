"""The JSON Schema of a rule set (考核细则) as GET /rulesets gives it and POST takes it.

Hand-written until the rule file is read by models (issue 17, item 2); its enums come
from advisor.evaluation.rules, which the rule file reader checks against.
"""

from __future__ import annotations

from typing import Any

from advisor.evaluation.rules import MEASURES, METHODS, NO_DATA, PERIODS

_DECIMAL = {"type": "string", "examples": ["12.5"]}
_LABELS = {
    "key": {
        "type": "string",
        "pattern": "^[a-z][a-z0-9_]*$",
        "description": "Optional: generated from the Chinese label when left out",
    },
    "label_zh": {"type": "string"},
    "label_en": {"type": "string", "description": "Optional: the Chinese label when left out"},
}
RULES: dict[str, Any] = {
    "type": "object",
    "description": "A rule set (考核细则); every number of points is a decimal string.",
    "required": ["name", "periods", "blocks", "grades"],
    "properties": {
        "name": {"type": "string", "maxLength": 100},
        "version": {"type": "integer", "minimum": 1},
        "total_cap": {**_DECIMAL, "default": "100"},
        "bonus_cap": {**_DECIMAL, "default": "0"},
        "periods": {"type": "array", "items": {"enum": list(PERIODS)}, "minItems": 1},
        "blocks": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["label_zh", "max_points", "items"],
                "properties": {
                    **_LABELS,
                    "max_points": _DECIMAL,
                    "is_bonus": {"type": "boolean"},
                    "items": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": [
                                "label_zh",
                                "max_points",
                                "measure",
                                "method",
                                "no_data",
                            ],
                            "properties": {
                                **_LABELS,
                                "max_points": _DECIMAL,
                                "measure": {"enum": list(MEASURES)},
                                "method": {"enum": list(METHODS)},
                                "params": {
                                    "type": "object",
                                    "description": (
                                        "proportional: rate (fraction | rating_1_5);"
                                        " ratio_to_target: target (a number, or one per"
                                        " period); per_unit: per_unit, cap;"
                                        " deduction_per_unit: per_unit, start?;"
                                        " banded: bands, [[threshold, points], ...]"
                                    ),
                                },
                                "no_data": {"enum": list(NO_DATA)},
                                "no_data_points": {"type": ["string", "null"]},
                                "manual": {"type": "boolean"},
                            },
                        },
                    },
                },
            },
        },
        "veto_items": {"type": "array", "items": {"type": "object", "properties": _LABELS}},
        "grades": {
            "type": "array",
            "description": "From the highest grade to the lowest, which starts at 0",
            "items": {
                "type": "object",
                "required": ["name_zh", "min_total"],
                "properties": {
                    "name_zh": {"type": "string"},
                    "name_en": {"type": "string"},
                    "min_total": _DECIMAL,
                },
            },
        },
        "calendar": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    **_LABELS,
                    "when": {"type": "string", "examples": ["period_end-10d"]},
                },
            },
        },
    },
}
