"""The rule-set form and problems as units (no page, no query): the form holds every part of
a rule set, a problem's path finds its field, and problems read in words."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from advisor.evaluation.defaults import default_rule_set
from advisor.evaluation.forms import RuleSetForm, field_at, form_values, rules_json
from advisor.evaluation.problems import problem_text, where
from advisor.evaluation.rulefile import from_json, to_json, validate


def _banded() -> dict[str, Any]:
    data = to_json(default_rule_set())
    item = data["blocks"][0]["items"][0]
    item["method"], item["params"] = "banded", {"bands": [["0.5", "10"], ["0.9", "25"]]}
    data["blocks"][0]["items"][1]["params"] = {"target": "4"}  # one target for every period
    return data


def test_the_form_holds_every_part_of_a_rule_set(app: Flask) -> None:
    """Filled from a stored rule set and read back, the form gives the same rules."""

    def through_form(data: dict[str, Any]) -> dict[str, Any]:
        with app.test_request_context():
            return rules_json(RuleSetForm(formdata=None, data=form_values(data)))

    default = through_form(to_json(default_rule_set()))
    assert from_json({**default, "version": 1}) == default_rule_set()
    banded = through_form(_banded())
    items = banded["blocks"][0]["items"]
    assert items[0]["params"] == {"bands": [["0.5", "10"], ["0.9", "25"]]}
    # One target for every period comes back as that target for each period.
    assert items[1]["params"] == {"target": {"year": "4", "quarter": "4"}}
    assert validate({**banded, "version": 1}) == []


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("name", "name"),
        ("periods[1]", "periods"),
        ("blocks", "blocks"),
        ("blocks[1].items", "blocks-1-items"),
        ("blocks[0].items[1].params.target.quarter", "blocks-0-items-1-target_quarter"),
        ("blocks[0].items[1].params.target", "blocks-0-items-1-target_year"),
        ("blocks[0].items[0].params.bands[1][0]", "blocks-0-items-0-bands"),
        ("blocks[0].items[0].params.rate", "blocks-0-items-0-rate"),
        ("blocks[4].items[0].params.cap", "blocks-4-items-0-cap"),
        ("blocks[0].items[0].params.speed", "blocks-0-items-0-method"),
        ("blocks[0].items[0].params", "blocks-0-items-0-method"),
        ("blocks[3].items[0].no_data_points", "blocks-3-items-0-no_data_points"),
        ("grades[3].min_total", "grades-3-min_total"),
        ("calendar[1].when", "calendar-1-when"),
        ("blocks[9].key", None),
        ("blocks[0]", None),
        ("blocks[0].nonsense", None),
        ("version", None),
        ("", None),
    ],
)
def test_a_problem_finds_its_field(app: Flask, path: str, name: str | None) -> None:
    with app.test_request_context():
        form = RuleSetForm(formdata=None, data=form_values(to_json(default_rule_set())))
        found = field_at(form, path)
    assert (found.name if found else None) == name


def test_problems_read_in_words(app: Flask) -> None:
    data = to_json(default_rule_set())
    data["blocks"][1]["items"][0]["key"] = "on_time"
    data["blocks"][0]["items"][0]["manual"] = True
    data["blocks"][0]["items"][0]["params"] = {"bands": [["0.5", "1"]]}
    with app.test_request_context(headers={"Accept-Language": "en"}):
        texts = {p.path: problem_text(p) for p in validate(data)}
        assert where("blocks[1].items[0].max_points") == "Block 2 › Item 1 › Maximum points"
        assert where("blocks[0].items[0].params.bands[1][0]") == "Block 1 › Item 1 › Bands, line 2"
        assert (
            where("blocks[0].items[1].params.target.year") == "Block 1 › Item 2 › Target per year"
        )
        assert where("periods[3]") == "Periods" and where("") == "The whole rule set"
    assert texts == {
        "blocks[1].items[0].key": "“on_time” is used twice; also at Block 1 › Item 1 › Key.",
        "blocks[0].items[0].manual": (
            "On-time review rate is computed: untick “Entered by the bureau”."
        ),
        "blocks[0].items[0].params.bands": "The method “Proportional” does not use Bands"
        " (threshold:points, one per line).",
    }
