"""Problems of a rule set told in the reader's language: what is wrong, and where."""

from __future__ import annotations

import re
from collections.abc import Mapping

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from advisor.evaluation.labels import FIELD_LABELS, MEASURE_LABELS, METHOD_LABELS
from advisor.evaluation.rules import Problem

_MESSAGES = {
    "not_an_object": _l("Must be an object { … }."),
    "unknown_field": _l("Unknown field “%(field)s”."),
    "required": _l("Required."),
    "empty_text": _l("Required."),
    "invalid_key": _l(
        "Use lower-case letters, digits and _, starting with a letter (e.g. on_time)."
    ),
    "unknown_measure": _l("Unknown measure “%(value)s”."),
    "unknown_method": _l("Unknown scoring method “%(value)s”."),
    "unknown_no_data": _l("Unknown rule for no data “%(value)s”."),
    "unknown_period": _l("Unknown period “%(value)s”: use year or quarter."),
    "unknown_rate": _l("Unknown kind of rate “%(value)s”."),
    "not_a_number": _l("“%(value)s” is not a number; write one like 12.5."),
    "too_large": _l("Too large: must be below 1000000000."),
    "too_precise": _l("At most 6 decimal places."),
    "negative": _l("Must not be negative."),
    "not_positive": _l("Must be greater than 0."),
    "above_max": _l("%(number)s is more than the maximum of %(limit)s."),
    "not_a_version": _l("Must be a whole number from 1."),
    "not_a_boolean": _l("Must be true or false."),
    "not_a_list": _l("Must be a list [ … ]."),
    "duplicate_key": _l("“%(key)s” is used twice; also at %(other)s."),
    "param_unknown": _l("The method “%(method)s” does not use %(param)s."),
    "bands_invalid": _l("Write one band per line as threshold:points, e.g. 0.9:25."),
    "bands_order": _l("Thresholds must increase: %(number)s follows %(previous)s."),
    "no_data_points_missing": _l("Give the points an item with no data gets."),
    "no_data_points_unused": _l("Only used with a fixed score; leave it empty."),
    "manual_method_computed_measure": _l(
        "Only a measure the bureau enters can be entered by the bureau; %(measure)s is computed."
    ),
    "items_sum_mismatch": _l("The items add up to %(sum)s, not %(max)s."),
    "grades_order": _l("Must be below the grade above (%(above)s)."),
    "lowest_grade_not_zero": _l("The lowest grade must start at 0, not %(number)s."),
    "blocks_sum_mismatch": _l("The blocks other than bonus add up to %(sum)s, not %(max)s."),
    "invalid_when": _l(
        "Write it like period_end-10d (10 days before the period ends) or period_start+5d."
    ),
    "too_long": _l("At most %(max)s characters."),
    "too_many": _l("At most %(max)s."),
}
_EMPTY = {
    "blocks": _l("Add at least one block."),
    "items": _l("A block needs at least one item."),
    "periods": _l("Choose at least one period."),
    "grades": _l("Add at least one grade."),
}
_TARGET_MISSING = {
    "year": _l("Give the target for a year."),
    "quarter": _l("Give the target for a quarter."),
}
_MANUAL = {
    "true": _l("%(measure)s is entered by the bureau: tick “Entered by the bureau”."),
    "false": _l("%(measure)s is computed: untick “Entered by the bureau”."),
}
_ROWS = {
    "blocks": _l("Block %(n)d"),
    "items": _l("Item %(n)d"),
    "grades": _l("Grade %(n)d"),
    "veto_items": _l("Veto item %(n)d"),
    "calendar": _l("Calendar date %(n)d"),
}
_STEP = re.compile(r"([a-z_]+)|\[(\d+)\]")


def steps(path: str) -> list[str | int]:
    """``"blocks[1].items[0].key"`` -> ``["blocks", 1, "items", 0, "key"]``."""
    return [int(i) if i else name for name, i in _STEP.findall(path)]


def where(path: str) -> str:
    """A problem's place as people say it: "Block 2 › Item 1 › Maximum points"."""
    parts: list[str] = []
    trail = steps(path)
    for n, step in enumerate(trail):
        before = trail[n - 1] if n else None
        if isinstance(step, int):
            if before in _ROWS:
                parts[-1] = str(_ROWS[str(before)]) % {"n": step + 1}
            elif before == "bands":
                parts[-1] = _("Bands, line %(n)d", n=step + 1)
            continue
        if step == "params":
            continue
        if before == "target":
            parts[-1] = str(FIELD_LABELS.get(f"target_{step}", step))
            continue
        parts.append(str(FIELD_LABELS.get(step, step)))
    return " › ".join(parts) or _("The whole rule set")


def _label(labels: Mapping[str, object], value: str) -> str:
    return str(labels.get(value, value))


class _Values(dict[str, str]):
    """A message's values; one the message needs but the problem lacks reads as "?"."""

    def __missing__(self, key: str) -> str:
        return "?"


def problem_text(problem: Problem) -> str:
    """What is wrong, in the reader's language; the rule file's English for anything new."""
    values = _Values(problem.values)
    key = problem.message_key
    last = next((s for s in reversed(steps(problem.path)) if isinstance(s, str)), "")
    if "measure" in values:
        values["measure"] = _label(MEASURE_LABELS, values["measure"])
    if "method" in values:
        values["method"] = _label(METHOD_LABELS, values["method"])
    if "param" in values:
        values["param"] = _label(FIELD_LABELS, values["param"])
    if "other" in values:
        values["other"] = where(values["other"])
    if key == "empty":
        return str(_EMPTY.get(last, problem.message))
    if key == "param_missing" and "period" in values:
        return str(_TARGET_MISSING.get(values["period"], problem.message))
    if key == "param_missing":
        return str(_("The method “%(method)s” needs this value.", method=values["method"]))
    if key == "manual_mismatch":
        return str(_MANUAL.get(values.get("manual", ""), problem.message)) % values
    if key not in _MESSAGES:
        return problem.message
    return str(_MESSAGES[key]) % values
