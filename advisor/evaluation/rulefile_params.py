"""An item's params read for its method: the params the method needs and takes, each value
by its own rule (rulefile_values.py), thresholds that increase, points within the item's.

They are read by hand rather than declared as a model, since which params an item has, and
what each must be, depends on the item's method and the rule set's periods.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from typing import TypeVar

from pydantic_core import PydanticCustomError

from advisor.evaluation.rulefile_values import (
    ZERO,
    Found,
    Loc,
    choose,
    dec,
    decimal,
    flawed,
    found_at,
    not_above,
)
from advisor.evaluation.rules import METHOD_PARAMS, PERIODS, RATES, Param

T = TypeVar("T")


@dataclass
class Params:
    """The params of an item whose method is known; ``found`` holds their problems."""

    method: str
    max_points: Decimal | None
    periods: tuple[str, ...]
    found: list[Found] = field(default_factory=list)

    def read(self, raw: Mapping[str, object]) -> dict[str, Param]:
        needed, optional = METHOD_PARAMS[self.method]
        for name in needed:
            if name not in raw:
                message = f"method {self.method} needs {name}"
                self._add((name,), "param_missing", message, method=self.method, param=name)
        params: dict[str, Param] = {}
        for name, value in raw.items():
            if name in needed + optional:
                params[name] = getattr(self, f"_{name}")(value, (name,))
            else:
                message = f"method {self.method} takes no {name}"
                self._add((name,), "param_unknown", message, method=self.method, param=name)
        return params

    def _add(self, loc: Loc, key: str, message: str, /, **values: object) -> None:
        self.found.append(found_at(loc, key, message, **values))

    def _value(self, rule: Callable[[object], T], value: object, loc: Loc) -> T | None:
        try:
            return rule(value)
        except PydanticCustomError as error:
            self.found.append(flawed(error, loc))
            return None

    def _rate(self, value: object, loc: Loc) -> Param:
        return self._value(partial(choose, "rate", RATES), value, loc) or ""

    def _per_unit(self, value: object, loc: Loc) -> Param:
        return self._value(partial(decimal, sign="positive"), value, loc) or ZERO

    def _cap(self, value: object, loc: Loc) -> Param:
        return self._value(decimal, value, loc) or ZERO

    def _start(self, value: object, loc: Loc) -> Param:
        start = self._value(decimal, value, loc)
        self.found.extend(not_above(start, self.max_points, loc, "item's max_points"))
        return start or ZERO

    def _target(self, value: object, loc: Loc) -> Param:
        if not isinstance(value, dict):  # one target for every period
            return self._per_unit(value, loc)
        targets: dict[str, Param] = {}
        for period, target in value.items():
            if self._value(partial(choose, "period", PERIODS), period, (*loc, period)):
                targets[period] = self._per_unit(target, (*loc, period))
        for period in self.periods:
            if period not in value:
                message = f"no target for period {period}"
                self._add((*loc, period), "param_missing", message, period=period)
        return targets

    def _bands(self, value: object, loc: Loc) -> Param:
        if not isinstance(value, list) or not value:
            self._add(loc, "bands_invalid", "must be a list of [threshold, points] pairs")
            return []
        bands: list[Param] = []
        previous: Decimal | None = None
        for i, band in enumerate(value):
            if not isinstance(band, list) or len(band) != 2:
                self._add((*loc, i), "bands_invalid", "must be a [threshold, points] pair")
                continue
            threshold = self._value(partial(decimal, sign="any"), band[0], (*loc, i, 0))
            points = self._value(decimal, band[1], (*loc, i, 1))
            self.found.extend(not_above(points, self.max_points, (*loc, i, 1), "item's max_points"))
            if threshold is not None and previous is not None and threshold <= previous:
                message = f"thresholds must increase; {dec(threshold)} follows {dec(previous)}"
                self._add((*loc, i, 0), "bands_order", message, number=threshold, previous=previous)
            previous = threshold if threshold is not None else previous
            bands.append([threshold or ZERO, points or ZERO])
        return bands
