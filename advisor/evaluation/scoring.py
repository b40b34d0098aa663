"""Scoring an advisor against a rule set: each item's points and how they follow from its
value, the blocks, total and grade.

Pure: the measures come in as values (their units are in rules.py's docstring). Decimal
throughout, never float; points are rounded to 0.01, half up. The numbers of each item's
working are kept (``Working``) so that evaluation.wording can say them in words.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from advisor.evaluation.rules import Grade, Item, Param, RuleSet

CENT = Decimal("0.01")
_ZERO = Decimal(0)
_ONE = Decimal(1)


@dataclass(frozen=True, slots=True)
class Working:
    """How an item's points follow from its value, as numbers: those its method uses."""

    value: Decimal | None  # None: no data
    raw: Decimal | None = None  # the points before any limit and rounding
    rate: Decimal | None = None  # proportional, ratio_to_target: the rate counted, 0..1
    raw_rate: Decimal | None = None  # the rate before it was kept within 0..1
    target: Decimal | None = None  # ratio_to_target
    per_unit: Decimal | None = None  # per_unit, deduction_per_unit
    start: Decimal | None = None  # deduction_per_unit
    cap: Decimal | None = None  # the upper limit, when the points were brought down to it
    floored: bool = False  # the points were raised to 0
    threshold: Decimal | None = None  # banded: the band reached
    lowest: Decimal | None = None  # banded: the lowest threshold, when none was reached


@dataclass(frozen=True, slots=True)
class ItemScore:
    key: str
    points: Decimal | None  # None: not applicable
    max_points: Decimal
    working: Working
    # An adjustment by the bureau: the score as computed, and the points asked for when
    # they had to be brought within 0..max_points.
    computed: ItemScore | None = None
    asked: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Result:
    items: tuple[ItemScore, ...]  # unscaled, against each item's own max_points
    blocks: dict[str, Decimal]  # non-bonus blocks rescaled; bonus blocks capped at their max
    bonus: Decimal
    total: Decimal
    grade: Grade
    vetoed: bool
    scale: Decimal  # the rescaling factor to 4 places, for display; 1 when all items apply


def _q(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _param(item: Item, name: str) -> Param:
    if name not in item.params:
        raise ValueError(f"item {item.key}: method {item.method} needs param {name}")
    return item.params[name]


def _number(item: Item, value: Param, name: str) -> Decimal:
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        return Decimal(value)
    raise ValueError(f"item {item.key}: param {name} must be a number, not {value!r}")


def _rate(raw: Decimal) -> Decimal:
    """The rate kept within 0..1."""
    return min(_ONE, max(_ZERO, raw))


def _limited(points: Decimal, cap: Decimal, working: Working) -> tuple[Decimal, Working]:
    """``points`` kept within 0..cap, the working saying which limit applied."""
    working = replace(working, raw=points)
    if points > cap:
        return cap, replace(working, cap=cap)
    if points < 0:
        return _ZERO, replace(working, floored=True)
    return points, working


def _proportional(item: Item, value: Decimal, period: str) -> tuple[Decimal, Working]:
    kind = item.params.get("rate", "fraction")
    if kind == "rating_1_5":
        raw = (value - 1) / 4
    elif kind == "fraction":
        raw = value
    else:
        raise ValueError(f"item {item.key}: unknown rate {kind!r}")
    rate = _rate(raw)
    points = item.max_points * rate
    return points, Working(value, raw=points, rate=rate, raw_rate=raw)


def _ratio_to_target(item: Item, value: Decimal, period: str) -> tuple[Decimal, Working]:
    target = _param(item, "target")
    if isinstance(target, dict):
        if period not in target:
            raise ValueError(f"item {item.key}: no target for period {period}")
        target = target[period]
    goal = _number(item, target, "target")
    if goal <= 0:
        raise ValueError(f"item {item.key}: the target must be greater than 0")
    raw = value / goal
    rate = _rate(raw)
    points = item.max_points * rate
    return points, Working(value, raw=points, rate=rate, raw_rate=raw, target=goal)


def _per_unit(item: Item, value: Decimal, period: str) -> tuple[Decimal, Working]:
    per_unit = _number(item, _param(item, "per_unit"), "per_unit")
    cap = min(_number(item, _param(item, "cap"), "cap"), item.max_points)
    return _limited(value * per_unit, cap, Working(value, per_unit=per_unit))


def _deduction_per_unit(item: Item, value: Decimal, period: str) -> tuple[Decimal, Working]:
    per_unit = _number(item, _param(item, "per_unit"), "per_unit")
    start = min(_number(item, item.params.get("start", item.max_points), "start"), item.max_points)
    working = Working(value, per_unit=per_unit, start=start)
    return _limited(start - value * per_unit, item.max_points, working)


def _banded(item: Item, value: Decimal, period: str) -> tuple[Decimal, Working]:
    bands = _param(item, "bands")
    if not isinstance(bands, list) or not bands:
        raise ValueError(f"item {item.key}: bands must be a list of [threshold, points]")
    pairs = []
    for band in bands:
        if not isinstance(band, list) or len(band) != 2:
            raise ValueError(f"item {item.key}: band {band!r} is not [threshold, points]")
        pairs.append((_number(item, band[0], "bands"), _number(item, band[1], "bands")))
    reached = [(threshold, points) for threshold, points in pairs if threshold <= value]
    if not reached:
        lowest = min(threshold for threshold, _ in pairs)
        return _ZERO, Working(value, raw=_ZERO, lowest=lowest)
    threshold, points = max(reached)
    return _limited(points, item.max_points, Working(value, threshold=threshold))


def _manual(item: Item, value: Decimal, period: str) -> tuple[Decimal, Working]:
    return _limited(value, item.max_points, Working(value))


_METHODS: dict[str, Callable[[Item, Decimal, str], tuple[Decimal, Working]]] = {
    "proportional": _proportional,
    "ratio_to_target": _ratio_to_target,
    "per_unit": _per_unit,
    "deduction_per_unit": _deduction_per_unit,
    "banded": _banded,
    "manual": _manual,
}


def score_item(item: Item, value: Decimal | None, *, period: str) -> ItemScore:
    """The item's points for a measured value, with the numbers of its working.

    proportional: max × rate, the rate (the value, or (value - 1) / 4 for a 1..5 rating)
    kept within 0..1; ratio_to_target: max × min(1, value / the period's target);
    per_unit: value × per_unit, capped at the smaller of cap and max; deduction_per_unit:
    start (default max) - value × per_unit, floored at 0; banded: the points of the
    highest band whose threshold ≤ value (0 below all); manual: the value, kept within
    0..max. No value: not applicable (points None), or the fixed no_data_points. Raises
    ValueError for an unknown method or params that do not fit it.
    """
    if value is None:
        if item.no_data == "fixed":
            points = _q(min(item.max_points, max(_ZERO, item.no_data_points or _ZERO)))
            return ItemScore(item.key, points, item.max_points, Working(None, raw=points))
        return ItemScore(item.key, None, item.max_points, Working(None))
    if item.method not in _METHODS:
        raise ValueError(f"item {item.key}: unknown method {item.method!r}")
    points, working = _METHODS[item.method](item, value, period)
    return ItemScore(item.key, _q(points), item.max_points, working)


def _adjusted(score: ItemScore, points: Decimal) -> ItemScore:
    within = min(score.max_points, max(_ZERO, points))
    asked = None if within == points else points
    kept = _q(within)
    return ItemScore(score.key, kept, score.max_points, score.working, score, asked)


def _share(raw: dict[str, Decimal], cap: Decimal, applicable: Decimal) -> dict[str, Decimal]:
    """Each block's raw × cap / applicable, rounded down to the cent; the cents needed to
    reach the rounded sum go to the largest remainders (the earlier block on ties)."""
    if applicable <= 0:
        return {key: _ZERO.quantize(CENT) for key in raw}
    exact = {key: points * cap / applicable for key, points in raw.items()}
    shares = {key: value.quantize(CENT, rounding=ROUND_DOWN) for key, value in exact.items()}
    spare = int((_q(sum(exact.values(), _ZERO)) - sum(shares.values(), _ZERO)) / CENT)
    for key in sorted(exact, key=lambda k: exact[k] - shares[k], reverse=True)[:spare]:
        shares[key] += CENT
    return shares


def score_advisor(
    rule_set: RuleSet,
    values: Mapping[str, Decimal | None],
    *,
    period: str,
    veto: bool = False,
    adjustments: Mapping[str, Decimal] | None = None,
) -> Result:
    """Score every item, then the blocks, bonus, total and grade.

    ``values`` are keyed by measure (a missing measure is no data);
    ``adjustments`` by item key: an adjustment replaces the item's points, clamped to
    0..max_points, before anything is added up, and makes a not-applicable item count.

    Rescaling: when items are not applicable, the other non-bonus items carry the whole
    total: their points are multiplied by total_cap / (sum of the applicable non-bonus
    items' max_points), so a perfect advisor still reaches the cap. The non-bonus blocks
    show their share of that scaled sum, rounded so that they add up to it exactly (the
    largest remainders get the spare cents); items keep their unscaled points. With no
    applicable non-bonus item the base is 0. Then each bonus block is capped at its
    max_points and the bonus at bonus_cap; the total, base + bonus, at total_cap. A veto
    gives the lowest grade whatever the total.

    Raises ValueError for a period the rule set does not apply to, or an adjustment of an
    item it does not have.
    """
    if period not in rule_set.periods:
        raise ValueError(f"rule set {rule_set.name!r} does not apply to period {period!r}")
    adjustments = adjustments or {}
    unknown = sorted(set(adjustments) - {item.key for _, item in rule_set.items()})
    if unknown:
        raise ValueError(f"no item {', '.join(unknown)} to adjust")

    scores: list[ItemScore] = []
    raw: dict[str, Decimal] = {}
    bonus_blocks: dict[str, Decimal] = {}
    applicable = _ZERO
    for block in rule_set.blocks:
        sum_points = _ZERO
        for item in block.items:
            score = score_item(item, values.get(item.measure), period=period)
            if item.key in adjustments:
                score = _adjusted(score, adjustments[item.key])
            scores.append(score)
            if score.points is not None:
                sum_points += score.points
                if not block.is_bonus:
                    applicable += score.max_points
        if block.is_bonus:
            bonus_blocks[block.key] = min(sum_points, _q(block.max_points))
        else:
            raw[block.key] = sum_points

    shares = _share(raw, rule_set.total_cap, applicable)
    bonus = min(sum(bonus_blocks.values(), _ZERO), _q(rule_set.bonus_cap))
    total = min(sum(shares.values(), _ZERO) + bonus, _q(rule_set.total_cap))
    grade = next((g for g in rule_set.grades if total >= g.min_total), rule_set.grades[-1])
    scale = (rule_set.total_cap / applicable).quantize(Decimal("0.0001")) if applicable else _ZERO
    return Result(
        items=tuple(scores),
        blocks={b.key: shares.get(b.key, bonus_blocks.get(b.key, _ZERO)) for b in rule_set.blocks},
        bonus=bonus,
        total=total,
        grade=rule_set.grades[-1] if veto else grade,
        vetoed=veto,
        scale=scale,
    )
