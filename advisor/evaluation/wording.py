"""An item's score in words a bureau official reads aloud, in the current language.

One function per scoring method turns the numbers the scoring computed (scoring.Working)
into a sentence: what was measured (``what``, from measures.describe or the value the
bureau entered), how the points follow from it in plain words, and the points out of
the maximum, e.g. "4 件审查意见中 3 件按期出具（75%），得 18.75 分（满分 25 分）" or "3 of 4
reviews issued by their due date (75%): 18.75 of 25 points". No formulas: no "× 25 =",
no "(4.4 - 1) / 4". The sentences are stored with each result (basis_zh, basis_en), so
the result page, the API and the workbook say the same thing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import gettext

from advisor.evaluation.labels import MEASURE_LABELS
from advisor.evaluation.rules import Item
from advisor.evaluation.scoring import ItemScore, Working

TENTH = Decimal("0.1")


def _(text: str, **values: str) -> str:
    """``text`` in the current language, formatted with ``values``."""
    return str(gettext(text, **values))


def number(value: Decimal) -> str:
    """A number as people say it: 12, 12.5, 0.75 (no exponent, no trailing zeros)."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def percent(rate: Decimal) -> str:
    """A rate 0..1 as a percentage to one decimal: 95.3%, 75%."""
    return f"{number((rate * 100).quantize(TENTH, rounding=ROUND_HALF_UP))}%"


def measure_value(measure: str, value: Decimal) -> str:
    """A value in its measure's own terms: a rate as a percentage, else the number."""
    return percent(value) if measure.endswith("_rate") else number(value)


def _clauses(parts: Sequence[str]) -> str:
    """Clauses of one sentence, joined as the language joins them (", " / "，")."""
    text = parts[0]
    for part in parts[1:]:
        text = _("%(first)s, %(then)s", first=text, then=part)
    return text


def _listed(parts: Sequence[str]) -> str:
    """Items of a list, joined as the language joins them ("; " / "；")."""
    text = parts[0]
    for part in parts[1:]:
        text = _("%(first)s; %(then)s", first=text, then=part)
    return text


def _sentence(parts: Sequence[str], points: Decimal | None, max_points: Decimal) -> str:
    """The clauses, then the points out of the maximum."""
    return _(
        "%(working)s: %(points)s",
        working=_clauses(parts),
        points=_("%(points)s of %(max)s points", points=_pts(points), max=number(max_points)),
    )


def _pts(points: Decimal | None) -> str:
    return number(points) if points is not None else "0"


def _limit(working: Working) -> list[str]:
    """The clause saying which limit brought the points within the item, if one did."""
    if working.cap is not None:
        return [_("at most %(cap)s", cap=number(working.cap))]
    if working.floored:
        return [_("not below 0")]
    return []


def proportional(item: Item, score: ItemScore, what: str) -> str:
    """A rate (or a 1–5 rating) scored in proportion: the rate, or the average on the
    five-point scale, then the points."""
    w = score.working
    if item.params.get("rate") == "rating_1_5" and w.value is not None:
        parts = [
            what,
            _("average %(value)s out of 5", value=number(w.value)),
            _("an average of 1 scores nothing and 5 full marks"),
        ]
        return _sentence(parts, score.points, score.max_points)
    rate = w.raw_rate if w.raw_rate is not None else w.rate
    shown = _("%(what)s (%(rate)s)", what=what, rate=percent(rate or Decimal(0)))
    parts = [shown]
    if w.rate is not None and w.raw_rate is not None and w.rate != w.raw_rate:
        parts.append(_("counted as %(rate)s", rate=percent(w.rate)))
    return _sentence(parts, score.points, score.max_points)


def ratio_to_target(item: Item, score: ItemScore, what: str) -> str:
    """Done against a target: the target and the share of it reached, then the points."""
    w = score.working
    target = measure_value(item.measure, w.target or Decimal(0))
    if w.rate is not None and w.rate >= 1:
        parts = [what, _("the target of %(target)s reached", target=target)]
    else:
        parts = [
            what,
            _(
                "target %(target)s, %(rate)s of it reached",
                target=target,
                rate=percent(w.raw_rate or Decimal(0)),
            ),
        ]
    return _sentence(parts, score.points, score.max_points)


def per_unit(item: Item, score: ItemScore, what: str) -> str:
    """Points for each one counted, up to a cap."""
    w = score.working
    parts = [what, _("%(per_unit)s points each", per_unit=number(w.per_unit or Decimal(0)))]
    return _sentence([*parts, *_limit(w)], score.points, score.max_points)


def deduction_per_unit(item: Item, score: ItemScore, what: str) -> str:
    """Points off for each one counted, from a starting score, down to 0."""
    w = score.working
    off = number(w.per_unit or Decimal(0))
    if not w.value:
        rule = _("nothing deducted")
    elif w.start is not None and w.start != score.max_points:
        rule = _("%(per_unit)s points off each from %(start)s", per_unit=off, start=number(w.start))
    else:
        rule = _("%(per_unit)s points off each", per_unit=off)
    limit = [_("down to 0")] if w.floored else _limit(w)
    return _sentence([what, rule, *limit], score.points, score.max_points)


def banded(item: Item, score: ItemScore, what: str) -> str:
    """The band the value reached (or that it reached none), then the points."""
    w = score.working
    if w.threshold is None:
        rule = _(
            "below the lowest band (%(lowest)s)",
            lowest=measure_value(item.measure, w.lowest or Decimal(0)),
        )
    else:
        rule = _(
            "in the band from %(threshold)s", threshold=measure_value(item.measure, w.threshold)
        )
    return _sentence([what, rule, *_limit(w)], score.points, score.max_points)


def manual(item: Item, score: ItemScore, what: str) -> str:
    """Points the bureau entered, kept within the item."""
    return _sentence([what, *_limit(score.working)], score.points, score.max_points)


METHODS: dict[str, Callable[[Item, ItemScore, str], str]] = {
    "proportional": proportional,
    "ratio_to_target": ratio_to_target,
    "per_unit": per_unit,
    "deduction_per_unit": deduction_per_unit,
    "banded": banded,
    "manual": manual,
}


def no_data(item: Item, score: ItemScore, what: str) -> str:
    """No value: the item does not count (the others are scaled up), or it has the fixed
    score the rules give when there is no data."""
    if score.points is None:
        return _(
            "%(what)s: not counted; the other items are scaled up to make up for it",
            what=what or _("no data"),
        )
    return _(
        "%(what)s; as the rules set when there is no data, %(points)s of %(max)s points",
        what=what or _("no data"),
        points=_pts(score.points),
        max=number(score.max_points),
    )


def computed(item: Item, score: ItemScore, what: str) -> str:
    """How the score was computed, by the item's method."""
    if score.working.value is None:
        return no_data(item, score, what)
    return METHODS[item.method](item, score, what)


def adjusted(item: Item, score: ItemScore, what: str) -> str:
    """The points the bureau set, and what had been computed."""
    before = score.computed or score
    was = computed(item, before, what)
    if score.asked is not None:
        return _(
            "The bureau set %(points)s of %(max)s points (it asked for %(asked)s; an item"
            " scores 0 to %(max)s). Computed: %(was)s",
            points=_pts(score.points),
            max=number(score.max_points),
            asked=number(score.asked),
            was=was,
        )
    return _(
        "The bureau set %(points)s of %(max)s points. Computed: %(was)s",
        points=_pts(score.points),
        max=number(score.max_points),
        was=was,
    )


def basis(item: Item, score: ItemScore, what: str) -> str:
    """The item's score in words: computed, or as the bureau adjusted it."""
    if score.computed is not None:
        return adjusted(item, score, what)
    return computed(item, score, what)


def entered(measure: str, value: str | None) -> str:
    """What a measure the bureau enters says: its value, or that it is not entered yet."""
    label = MEASURE_LABELS.get(measure, measure)
    if value is None:
        return _("%(measure)s not entered yet", measure=label)
    return _("%(measure)s %(value)s", measure=label, value=value)


def veto(labels: Sequence[str], grade: str) -> str:
    """A veto in words: what it was for and the grade it gives whatever the points."""
    return _(
        "Veto: %(items)s. Graded %(grade)s whatever the points.",
        items=_listed(labels) if labels else _("set by the bureau"),
        grade=grade,
    )
