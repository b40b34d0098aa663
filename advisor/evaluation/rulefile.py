"""Rule sets to and from their JSON form, with validation naming every problem's location."""

from __future__ import annotations

import re
from collections.abc import Mapping
from contextlib import suppress
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from advisor.evaluation.rules import (
    COMPUTED_MEASURES,
    MANUAL_MEASURES,
    MEASURES,
    METHOD_PARAMS,
    METHODS,
    NO_DATA,
    PERIODS,
    RATES,
    Block,
    CalendarEvent,
    Grade,
    Item,
    NoData,
    Param,
    Period,
    Problem,
    RuleSet,
    RuleSetError,
    VetoItem,
)

_WHEN = re.compile(r"period_(start|end)(?:([+-])(\d{1,3})d)?\Z")
_KEY = re.compile(r"[a-z][a-z0-9_]*\Z")


def parse_when(when: str) -> tuple[str, int]:
    """``"period_end-10d"`` -> ``("end", -10)``; raises ValueError on any other shape."""
    match = _WHEN.match(when)
    if match is None:
        raise ValueError(f"not a calendar date: {when!r}")
    anchor, sign, days = match.groups()
    return anchor, (-1 if sign == "-" else 1) * int(days or 0)


# --- JSON form ---------------------------------------------------------------------------


def _dec(value: Decimal) -> str:
    return format(value, "f")


def _param_json(value: Param) -> Any:
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        return _dec(Decimal(value))
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
        "max_points": _dec(item.max_points),
        "measure": item.measure,
        "method": item.method,
        "params": {k: _param_json(v) for k, v in item.params.items()},
        "no_data": item.no_data,
        "no_data_points": None if item.no_data_points is None else _dec(item.no_data_points),
        "manual": item.manual,
    }


def to_json(rule_set: RuleSet) -> dict[str, Any]:
    """The JSON form (see the module docstring); ``from_json`` reads it back unchanged."""
    return {
        "name": rule_set.name,
        "version": rule_set.version,
        "total_cap": _dec(rule_set.total_cap),
        "bonus_cap": _dec(rule_set.bonus_cap),
        "periods": list(rule_set.periods),
        "blocks": [
            {
                "key": b.key,
                "label_zh": b.label_zh,
                "label_en": b.label_en,
                "max_points": _dec(b.max_points),
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
            {"name_zh": g.name_zh, "name_en": g.name_en, "min_total": _dec(g.min_total)}
            for g in rule_set.grades
        ],
        "calendar": [
            {"key": c.key, "label_zh": c.label_zh, "label_en": c.label_en, "when": c.when}
            for c in rule_set.calendar
        ],
    }


# --- reading and validation --------------------------------------------------------------

_ZERO = Decimal(0)
_REQUIRED: Any = object()
# Bounds on every number: far beyond any real rule, and they keep a hostile file such as
# "1e999999999" from turning into a billion-digit text when it is written out.
_DIGITS, _PLACE = 9, Decimal("0.000001")


def _shown(value: object) -> str:
    """A value as a problem names it: numbers as written, other things quoted and cut short."""
    if isinstance(value, Decimal):
        return _dec(value)
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _at(path: str, name: str | int) -> str:
    if isinstance(name, int):
        return f"{path}[{name}]"
    return f"{path}.{name}" if path else name


class _Reader:
    """Reads the JSON form, noting every problem and putting a placeholder for a bad value."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.unread: set[str] = set()  # paths whose value could not be read

    def add(self, path: str, message_key: str, message: str, **values: object) -> None:
        shown = {name: _shown(value) for name, value in values.items()}
        self.problems.append(Problem(path, message_key, message, shown))

    def known(self, *paths: str) -> bool:
        return not self.unread.intersection(paths)

    def fields(self, data: object, path: str, allowed: str) -> Mapping[str, object] | None:
        if not isinstance(data, dict):
            self.add(path, "not_an_object", "must be an object")
            self.unread.add(path)
            return None
        for name in data:
            if name not in allowed.split():
                message = f"unknown field {name!r}"
                self.add(_at(path, str(name)), "unknown_field", message, field=name)
        return cast(Mapping[str, object], data)

    def get(self, obj: Mapping[str, object], path: str, name: str, default: object) -> object:
        if name in obj:
            return obj[name]
        if default is _REQUIRED:
            self.add(_at(path, name), "required", f"{name} is required", field=name)
            self.unread.add(_at(path, name))
        return default

    def text(self, obj: Mapping[str, object], path: str, name: str, *, key: bool = False) -> str:
        value = self.get(obj, path, name, _REQUIRED)
        if value is _REQUIRED:
            return ""
        if not isinstance(value, str) or not value.strip():
            self.add(_at(path, name), "empty_text", "must be a non-empty text")
            return ""
        if key and not _KEY.match(value):
            message = "must be lower-case letters, digits and _, starting with a letter"
            self.add(_at(path, name), "invalid_key", message)
        return value

    def choice(
        self, obj: Mapping[str, object], path: str, name: str, choices: tuple[str, ...]
    ) -> str:
        value = self.get(obj, path, name, _REQUIRED)
        return "" if value is _REQUIRED else self.choose(value, _at(path, name), choices, name)

    def choose(self, value: object, path: str, choices: tuple[str, ...], what: str) -> str:
        if isinstance(value, str) and value in choices:
            return value
        message = f"unknown {what.replace('_', ' ')} {value!r}"
        self.add(path, f"unknown_{what}", message, value=value)
        return ""

    def number(
        self,
        obj: Mapping[str, object],
        path: str,
        name: str,
        *,
        default: object = _REQUIRED,
        sign: str = "not_negative",
    ) -> Decimal | None:
        value = self.get(obj, path, name, default)
        if value is _REQUIRED or value is None:
            return None if default is _REQUIRED or default is None else cast(Decimal, default)
        return self.decimal(value, _at(path, name), sign)

    def decimal(self, value: object, path: str, sign: str = "not_negative") -> Decimal | None:
        number: Decimal | None = None
        if isinstance(value, Decimal):
            number = value
        elif isinstance(value, int) and not isinstance(value, bool):
            number = Decimal(value)
        elif isinstance(value, str):
            with suppress(InvalidOperation):
                number = Decimal(value.strip())
        if number is None or not number.is_finite():
            message = f'must be a number written as text, like "12.5"; got {value!r}'
            self.add(path, "not_a_number", message, value=value)
            self.unread.add(path)
            return None
        values: dict[str, object] = {"number": number}
        if number.adjusted() >= _DIGITS:  # before anything writes the number out
            key, problem, values = "too_large", f"must be below {10**_DIGITS}", {}
        elif number != number.quantize(_PLACE):  # exact, as the number is below 10**_DIGITS
            key, problem, values = "too_precise", "must have at most 6 decimal places", {}
        elif sign == "not_negative" and number < 0:
            key, problem = "negative", f"must not be negative; got {_dec(number)}"
        elif sign == "positive" and number <= 0:
            key, problem = "not_positive", f"must be greater than 0; got {_dec(number)}"
        else:
            return number
        self.add(path, key, problem, **values)
        self.unread.add(path)
        return None

    def not_above(
        self, number: Decimal | None, limit: Decimal | None, path: str, what: str
    ) -> None:
        if number is not None and limit is not None and number > limit:
            message = f"{_dec(number)} is above the {what} {_dec(limit)}"
            self.add(path, "above_max", message, number=number, limit=limit)

    def integer(self, obj: Mapping[str, object], path: str, name: str) -> int:
        value = self.get(obj, path, name, _REQUIRED)
        if value is _REQUIRED:
            return 0
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            message = f"must be a whole number from 1; got {value!r}"
            self.add(_at(path, name), "not_a_version", message, value=value)
            return 0
        return value

    def boolean(self, obj: Mapping[str, object], path: str, name: str) -> bool:
        value = self.get(obj, path, name, False)
        if not isinstance(value, bool):
            self.add(_at(path, name), "not_a_boolean", "must be true or false")
            return False
        return value

    def array(self, obj: Mapping[str, object], path: str, name: str, empty: str = "") -> list[Any]:
        value = self.get(obj, path, name, [] if not empty else _REQUIRED)
        if value is _REQUIRED:
            return []
        if not isinstance(value, list) or (empty and not value):
            problem = (
                ("empty", empty) if isinstance(value, list) else ("not_a_list", "must be a list")
            )
            self.add(_at(path, name), *problem)
            self.unread.add(_at(path, name))
            return []
        return value

    def unique(self, keyed: list[tuple[str, str]], what: str) -> None:
        first: dict[str, str] = {}
        for path, key in keyed:
            if key in first:
                message = f"duplicate {what} {key!r} (also at {first[key]})"
                self.add(path, "duplicate_key", message, key=key, other=first[key])
            elif key:
                first[key] = path


def _target(r: _Reader, value: object, path: str, periods: tuple[Period, ...]) -> Param:
    if not isinstance(value, dict):
        return r.decimal(value, path, "positive") or _ZERO
    targets: dict[str, Param] = {}
    for period, target in value.items():
        if r.choose(period, _at(path, str(period)), PERIODS, "period"):
            targets[period] = r.decimal(target, _at(path, period), "positive") or _ZERO
    for period in periods:
        if period not in value:
            message = f"no target for period {period}"
            r.add(_at(path, period), "param_missing", message, period=period)
    return targets


def _bands(r: _Reader, value: object, path: str, max_points: Decimal | None) -> list[Param]:
    if not isinstance(value, list) or not value:
        r.add(path, "bands_invalid", "must be a list of [threshold, points] pairs")
        return []
    bands: list[Param] = []
    previous: Decimal | None = None
    for i, band in enumerate(value):
        if not isinstance(band, list) or len(band) != 2:
            r.add(_at(path, i), "bands_invalid", "must be a [threshold, points] pair")
            continue
        threshold = r.decimal(band[0], _at(_at(path, i), 0), "any")
        points = r.decimal(band[1], _at(_at(path, i), 1))
        r.not_above(points, max_points, _at(_at(path, i), 1), "item's max_points")
        if threshold is not None and previous is not None and threshold <= previous:
            message = f"thresholds must increase; {_dec(threshold)} follows {_dec(previous)}"
            r.add(_at(_at(path, i), 0), "bands_order", message, number=threshold, previous=previous)
        previous = threshold if threshold is not None else previous
        bands.append([threshold or _ZERO, points or _ZERO])
    return bands


def _params(
    r: _Reader,
    raw: object,
    path: str,
    method: str,
    max_points: Decimal | None,
    periods: tuple[Period, ...],
) -> dict[str, Param]:
    if not isinstance(raw, dict):
        r.add(path, "not_an_object", "must be an object")
        return {}
    if method not in METHOD_PARAMS:
        return {}
    needed, optional = METHOD_PARAMS[method]
    for name in needed:
        if name not in raw:
            message = f"method {method} needs {name}"
            r.add(_at(path, name), "param_missing", message, method=method, param=name)
    params: dict[str, Param] = {}
    for name, value in raw.items():
        at = _at(path, str(name))
        if name not in needed + optional:
            message = f"method {method} takes no {name}"
            r.add(at, "param_unknown", message, method=method, param=name)
        elif name == "rate":
            params[name] = r.choose(value, at, RATES, "rate")
        elif name == "target":
            params[name] = _target(r, value, at, periods)
        elif name == "bands":
            params[name] = _bands(r, value, at, max_points)
        else:
            number = r.decimal(value, at, "positive" if name == "per_unit" else "not_negative")
            if name == "start":
                r.not_above(number, max_points, at, "item's max_points")
            params[name] = number or _ZERO
    return params


_ITEM_FIELDS = (
    "key label_zh label_en max_points measure method params no_data no_data_points manual"
)


def _item(r: _Reader, data: object, path: str, periods: tuple[Period, ...]) -> Item:
    f = r.fields(data, path, _ITEM_FIELDS)
    if f is None:
        return Item(key="", label_zh="", label_en="", max_points=_ZERO, measure="", method="")
    key, label_zh, label_en = r.text(f, path, "key", key=True), *_labels(r, f, path)
    max_points = r.number(f, path, "max_points")
    measure = r.choice(f, path, "measure", MEASURES)
    method = r.choice(f, path, "method", METHODS)
    params = _params(r, f.get("params", {}), _at(path, "params"), method, max_points, periods)
    no_data = r.choice(f, path, "no_data", NO_DATA)
    no_data_points = r.number(f, path, "no_data_points", default=None)
    manual = r.boolean(f, path, "manual")
    at = _at(path, "no_data_points")
    if no_data == "fixed" and no_data_points is None and r.known(at):
        r.add(at, "no_data_points_missing", "no_data is fixed, so no_data_points is needed")
    if no_data == "not_applicable" and no_data_points is not None:
        r.add(at, "no_data_points_unused", "only used when no_data is fixed; leave it empty")
    r.not_above(no_data_points, max_points, at, "item's max_points")
    if measure and manual != (measure in MANUAL_MEASURES):
        kind, flag = ("entered by the bureau", "true") if not manual else ("computed", "false")
        message = f"{measure} is {kind}; manual must be {flag}"
        r.add(_at(path, "manual"), "manual_mismatch", message, measure=measure, manual=flag)
    if method == "manual" and measure in COMPUTED_MEASURES:
        message = f"method manual needs a measure the bureau enters, not {measure}"
        r.add(_at(path, "method"), "manual_method_computed_measure", message, measure=measure)
    return Item(
        key=key,
        label_zh=label_zh,
        label_en=label_en,
        max_points=max_points or _ZERO,
        measure=measure,
        method=method,
        params=params,
        no_data=cast(NoData, no_data or "not_applicable"),
        no_data_points=no_data_points,
        manual=manual,
    )


def _labels(r: _Reader, f: Mapping[str, object], path: str) -> tuple[str, str]:
    return r.text(f, path, "label_zh"), r.text(f, path, "label_en")


def _block(r: _Reader, data: object, path: str, periods: tuple[Period, ...]) -> Block:
    f = r.fields(data, path, "key label_zh label_en max_points is_bonus items")
    if f is None:
        return Block(key="", label_zh="", label_en="", max_points=_ZERO, items=())
    key, (label_zh, label_en) = r.text(f, path, "key", key=True), _labels(r, f, path)
    max_points, is_bonus = r.number(f, path, "max_points"), r.boolean(f, path, "is_bonus")
    raw_items = r.array(f, path, "items", empty="a block needs at least one item")
    at = [_at(_at(path, "items"), i) for i in range(len(raw_items))]
    items = tuple(_item(r, d, at[i], periods) for i, d in enumerate(raw_items))
    readable = r.known(_at(path, "items"), _at(path, "is_bonus")) and all(
        r.known(p, _at(p, "max_points")) for p in at
    )
    if max_points is not None and readable and not is_bonus:
        total = sum((i.max_points for i in items), _ZERO)
        if total != max_points:
            message = f"items add up to {_dec(total)}, not {_dec(max_points)}"
            r.add(_at(path, "max_points"), "items_sum_mismatch", message, sum=total, max=max_points)
    return Block(
        key=key,
        label_zh=label_zh,
        label_en=label_en,
        max_points=max_points or _ZERO,
        items=items,
        is_bonus=is_bonus,
    )


def _grades(r: _Reader, raw: list[Any], total_cap: Decimal | None) -> tuple[Grade, ...]:
    grades: list[tuple[str, str, Decimal | None]] = []
    for i, data in enumerate(raw):
        f = r.fields(data, f"grades[{i}]", "name_zh name_en min_total")
        if f is None:
            grades.append(("", "", None))
            continue
        name_zh, name_en = (
            r.text(f, f"grades[{i}]", "name_zh"),
            r.text(f, f"grades[{i}]", "name_en"),
        )
        grades.append((name_zh, name_en, r.number(f, f"grades[{i}]", "min_total")))
    r.unique([(f"grades[{i}].name_zh", g[0]) for i, g in enumerate(grades)], "grade name")
    r.unique([(f"grades[{i}].name_en", g[1]) for i, g in enumerate(grades)], "grade name")
    if grades and all(g[2] is not None for g in grades):
        floors = [cast(Decimal, g[2]) for g in grades]
        for i in range(1, len(floors)):
            if floors[i] >= floors[i - 1]:
                message = f"must be below the grade above ({_dec(floors[i - 1])})"
                r.add(f"grades[{i}].min_total", "grades_order", message, above=floors[i - 1])
        if floors[-1] != 0:
            message = f"the lowest grade must start at 0, not {_dec(floors[-1])}"
            at = f"grades[{len(floors) - 1}].min_total"
            r.add(at, "lowest_grade_not_zero", message, number=floors[-1])
        r.not_above(floors[0], total_cap, "grades[0].min_total", "total_cap")
    return tuple(Grade(n_zh, n_en, floor or _ZERO) for n_zh, n_en, floor in grades)


def _read(data: object) -> tuple[RuleSet, list[Problem]]:
    r = _Reader()
    top = r.fields(
        data, "", "name version total_cap bonus_cap periods blocks veto_items grades calendar"
    )
    if top is None:
        return RuleSet(name="", version=0, blocks=(), grades=()), r.problems
    name, version = r.text(top, "", "name"), r.integer(top, "", "version")
    total_cap = r.number(top, "", "total_cap", default=Decimal(100), sign="positive")
    bonus_cap = r.number(top, "", "bonus_cap")
    raw_periods = r.array(top, "", "periods", empty="at least one period is needed")
    chosen = [r.choose(p, f"periods[{i}]", PERIODS, "period") for i, p in enumerate(raw_periods)]
    r.unique([(f"periods[{i}]", p) for i, p in enumerate(chosen)], "period")
    periods = tuple(cast(Period, p) for p in dict.fromkeys(chosen) if p)

    raw_blocks = r.array(top, "", "blocks", empty="at least one block is needed")
    blocks = tuple(_block(r, d, f"blocks[{i}]", periods) for i, d in enumerate(raw_blocks))
    r.unique([(f"blocks[{i}].key", b.key) for i, b in enumerate(blocks)], "block key")
    item_keys = [
        (f"blocks[{i}].items[{j}].key", item.key)
        for i, block in enumerate(blocks)
        for j, item in enumerate(block.items)
    ]
    r.unique(item_keys, "item key")
    parts = [f"blocks[{i}]" for i in range(len(blocks))]
    if (
        total_cap is not None
        and r.known("blocks")
        and all(r.known(p, _at(p, "max_points"), _at(p, "is_bonus")) for p in parts)
    ):
        base = sum((b.max_points for b in blocks if not b.is_bonus), _ZERO)
        if base != total_cap:
            message = f"blocks other than bonus add up to {_dec(base)}, not {_dec(total_cap)}"
            r.add("total_cap", "blocks_sum_mismatch", message, sum=base, max=total_cap)

    vetoes = []
    for i, d in enumerate(r.array(top, "", "veto_items")):
        at = f"veto_items[{i}]"
        f = r.fields(d, at, "key label_zh label_en")
        if f is None:
            vetoes.append(VetoItem("", "", ""))
            continue
        vetoes.append(VetoItem(r.text(f, at, "key", key=True), *_labels(r, f, at)))
    r.unique([(f"veto_items[{i}].key", v.key) for i, v in enumerate(vetoes)], "veto key")

    grades = _grades(r, r.array(top, "", "grades", empty="at least one grade is needed"), total_cap)

    events = []
    for i, d in enumerate(r.array(top, "", "calendar")):
        at = f"calendar[{i}]"
        f = r.fields(d, at, "key label_zh label_en when")
        if f is None:
            events.append(CalendarEvent("", "", "", ""))
            continue
        key, (label_zh, label_en) = r.text(f, at, "key", key=True), _labels(r, f, at)
        when = r.text(f, at, "when")
        if when and not _WHEN.match(when):
            message = 'must look like "period_end-10d" or "period_start+5d"'
            r.add(_at(at, "when"), "invalid_when", message)
        events.append(CalendarEvent(key, label_zh, label_en, when))
    r.unique([(f"calendar[{i}].key", e.key) for i, e in enumerate(events)], "calendar key")

    rule_set = RuleSet(
        name=name,
        version=version,
        blocks=blocks,
        grades=grades,
        total_cap=total_cap or _ZERO,
        bonus_cap=bonus_cap or _ZERO,
        veto_items=tuple(vetoes),
        periods=periods,
        calendar=tuple(events),
    )
    return rule_set, r.problems


def validate(data: object) -> list[Problem]:
    """Every problem in the JSON form of a rule set, in reading order; [] when it is sound."""
    return _read(data)[1]


def from_json(data: object) -> RuleSet:
    """The RuleSet of a JSON form; raises RuleSetError listing every problem."""
    rule_set, problems = _read(data)
    if problems:
        raise RuleSetError(problems)
    return rule_set


# --- the default -------------------------------------------------------------------------
