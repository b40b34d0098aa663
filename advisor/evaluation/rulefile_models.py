"""The JSON form of a rule set as Pydantic models: each field's own rule is its type
(rulefile_values.py), the rules between values are checks of the part that holds them.

Every part gathers its problems in reading order: unknown fields first, then field by field
that field's problems (and those of the parts it holds), each followed by the part's
``_check_<field>``. The checks read what was read: a value that broke its own rule is
``Unread``, and a check that needs it is skipped, so that no problem is told twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Annotated, Any, Self, cast

from pydantic import (
    BaseModel,
    ConfigDict,
    PrivateAttr,
    ValidationInfo,
    field_validator,
    model_validator,
)

from advisor.evaluation.rulefile_params import Params
from advisor.evaluation.rulefile_values import (
    GIVEN,
    KEY,
    WHEN,
    ZERO,
    Flag,
    Found,
    Loc,
    Points,
    Text,
    Unread,
    Version,
    choice,
    dec,
    found_at,
    keep_reading,
    known,
    not_above,
    not_empty,
    number,
    read,
    required,
    unique,
)
from advisor.evaluation.rules import (
    COMPUTED_MEASURES,
    MANUAL_MEASURES,
    MEASURES,
    METHOD_PARAMS,
    METHODS,
    NO_DATA,
    PERIODS,
    Block,
    CalendarEvent,
    Grade,
    Item,
    NoData,
    Period,
    Problem,
    RuleSet,
    VetoItem,
)

Checks = Iterator[Found]
Context = dict[str, Any]  # the validation's context: {"periods": the periods read}


def _within(value: object, loc: Loc) -> Checks:
    if isinstance(value, Unread | _Part):
        yield from (f.under(*loc) for f in value.found)
    elif isinstance(value, list):
        for i, each in enumerate(value):
            yield from _within(each, (*loc, i))


class _Part(BaseModel):
    """A part of the JSON form; ``found`` holds every problem in it, in reading order."""

    # Unknown fields are refused as problems of the part, not by extra="forbid": Pydantic's
    # extra_forbidden would fail the part and hide the problems of its other fields.
    model_config = ConfigDict(frozen=True, strict=True, extra="allow")
    _found: list[Found] = PrivateAttr(default_factory=list)

    @property
    def found(self) -> list[Found]:
        return self._found

    @model_validator(mode="after")
    def _gather(self, info: ValidationInfo) -> Self:
        context = cast(Context, info.context)
        unknown = self.model_extra or {}
        self._found = [
            found_at((n,), "unknown_field", f"unknown field {n!r}", field=n) for n in unknown
        ]
        for name in type(self).model_fields:
            self._found.extend(_within(getattr(self, name), (name,)))
            check: Callable[[Context], Checks] | None = getattr(self, f"_check_{name}", None)
            if check is not None:
                self._found.extend(check(context))
        return self


class _Labelled(_Part):
    key: Text = required()
    label_zh: Text = required()
    label_en: Text = required()

    def _check_key(self, context: Context) -> Checks:
        if known(self.key) and not KEY.match(self.key):
            message = "must be lower-case letters, digits and _, starting with a letter"
            yield found_at(("key",), "invalid_key", message)


def _key(part: _Labelled | Unread) -> str:
    return read(part.key) if isinstance(part, _Labelled) else ""


class ItemModel(_Labelled):
    max_points: Points = required()
    measure: Annotated[str, choice("measure", MEASURES), keep_reading("")] = required()
    method: Annotated[str, choice("method", METHODS), keep_reading("")] = required()
    params: Annotated[dict[str, Any], keep_reading({})] = {}
    no_data: Annotated[NoData, choice("no_data", NO_DATA), keep_reading("")] = required()
    no_data_points: Points = None
    manual: Flag = False

    def _params(self, periods: tuple[str, ...]) -> Params:
        params = Params(read(self.method), read(self.max_points), periods)
        params.read(self.params)
        return params

    def _check_params(self, context: Context) -> Checks:
        if known(self.params) and read(self.method) in METHOD_PARAMS:
            yield from (f.under("params") for f in self._params(context["periods"]).found)

    def _check_manual(self, context: Context) -> Checks:
        # The last field: these follow every problem of the item's own values.
        yield from self._no_data_problems()
        measure, manual = read(self.measure), read(self.manual)
        if measure and manual != (measure in MANUAL_MEASURES):
            flag = "false" if manual else "true"
            kind = "entered by the bureau" if flag == "true" else "computed"
            message = f"{measure} is {kind}; manual must be {flag}"
            yield found_at(("manual",), "manual_mismatch", message, measure=measure, manual=flag)
        if read(self.method) == "manual" and measure in COMPUTED_MEASURES:
            message = f"method manual needs a measure the bureau enters, not {measure}"
            yield found_at(("method",), "manual_method_computed_measure", message, measure=measure)

    def _no_data_problems(self) -> Checks:
        at: Loc = ("no_data_points",)
        points, no_data = read(self.no_data_points), read(self.no_data)
        if no_data == "fixed" and points is None and known(self.no_data_points):
            yield found_at(
                at, "no_data_points_missing", "no_data is fixed, so no_data_points is needed"
            )
        if no_data == "not_applicable" and points is not None:
            yield found_at(
                at, "no_data_points_unused", "only used when no_data is fixed; leave it empty"
            )
        yield from not_above(points, read(self.max_points), at, "item's max_points")

    def item(self, periods: tuple[str, ...]) -> Item:
        return Item(
            key=self.key,
            label_zh=self.label_zh,
            label_en=self.label_en,
            max_points=self.max_points or ZERO,
            measure=self.measure,
            method=self.method,
            params=Params(self.method, self.max_points, periods).read(self.params),
            no_data=self.no_data,
            no_data_points=self.no_data_points,
            manual=self.manual,
        )


class BlockModel(_Labelled):
    max_points: Points = required()
    is_bonus: Flag = False
    items: Annotated[
        list[Annotated[ItemModel, keep_reading()]],
        GIVEN,
        not_empty("a block needs at least one item"),
        keep_reading(()),
    ] = required()

    def _check_items(self, context: Context) -> Checks:
        items, max_points = read(self.items), read(self.max_points)
        if max_points is None or read(self.is_bonus) or not known(self.items):
            return
        points = [i.max_points if isinstance(i, ItemModel) else i for i in items]
        if all(known(p) for p in points):
            total = sum((p or ZERO for p in points), ZERO)
            if total != max_points:
                message = f"items add up to {dec(total)}, not {dec(max_points)}"
                yield found_at(
                    ("max_points",), "items_sum_mismatch", message, sum=total, max=max_points
                )

    def block(self, periods: tuple[str, ...]) -> Block:
        return Block(
            key=self.key,
            label_zh=self.label_zh,
            label_en=self.label_en,
            max_points=self.max_points or ZERO,
            items=tuple(i.item(periods) for i in self.items),
            is_bonus=self.is_bonus,
        )


class VetoItemModel(_Labelled):
    def veto_item(self) -> VetoItem:
        return VetoItem(self.key, self.label_zh, self.label_en)


class CalendarEventModel(_Labelled):
    when: Text = required()

    def _check_when(self, context: Context) -> Checks:
        if known(self.when) and not WHEN.match(self.when):
            message = 'must look like "period_end-10d" or "period_start+5d"'
            yield found_at(("when",), "invalid_when", message)

    def event(self) -> CalendarEvent:
        return CalendarEvent(self.key, self.label_zh, self.label_en, self.when)


class GradeModel(_Part):
    name_zh: Text = required()
    name_en: Text = required()
    min_total: Points = required()

    def grade(self) -> Grade:
        return Grade(self.name_zh, self.name_en, self.min_total or ZERO)


def _periods(periods: list[Period]) -> tuple[Period, ...]:
    """The periods read, each once."""
    return tuple(dict.fromkeys(p for p in map(read, read(periods)) if p))


class RuleSetModel(_Part):
    """The whole JSON form: ``problems`` lists every problem, ``rule_set`` reads a sound one."""

    name: Text = required()
    version: Version = required()
    total_cap: Annotated[
        Decimal | None, number("positive", default=Decimal(100)), keep_reading()
    ] = Decimal(100)
    bonus_cap: Points = required()
    periods: Annotated[
        list[Annotated[Period, choice("period", PERIODS), keep_reading("")]],
        GIVEN,
        not_empty("at least one period is needed"),
        keep_reading(()),
    ] = required()
    blocks: Annotated[
        list[Annotated[BlockModel, keep_reading()]],
        GIVEN,
        not_empty("at least one block is needed"),
        keep_reading(()),
    ] = required()
    veto_items: Annotated[list[Annotated[VetoItemModel, keep_reading()]], keep_reading(())] = []
    grades: Annotated[
        list[Annotated[GradeModel, keep_reading()]],
        GIVEN,
        not_empty("at least one grade is needed"),
        keep_reading(()),
    ] = required()
    calendar: Annotated[list[Annotated[CalendarEventModel, keep_reading()]], keep_reading(())] = []

    @field_validator("periods")
    @classmethod
    def _tell_the_items(cls, periods: list[Period], info: ValidationInfo) -> list[Period]:
        """An item's targets are checked against the periods: read before the blocks."""
        cast(Context, info.context)["periods"] = _periods(periods)
        return periods

    def _check_periods(self, context: Context) -> Checks:
        periods = enumerate(read(self.periods))
        yield from unique(((("periods", i), read(p)) for i, p in periods), "period")

    def _check_blocks(self, context: Context) -> Checks:
        blocks = read(self.blocks)
        yield from unique(
            ((("blocks", i, "key"), _key(b)) for i, b in enumerate(blocks)), "block key"
        )
        items = [
            (("blocks", i, "items", j, "key"), _key(item))
            for i, block in enumerate(blocks)
            if isinstance(block, BlockModel)
            for j, item in enumerate(read(block.items))
        ]
        yield from unique(items, "item key")
        yield from self._blocks_sum(blocks)

    def _blocks_sum(self, blocks: list[BlockModel]) -> Checks:
        total_cap = read(self.total_cap)
        if total_cap is None or not known(self.blocks):
            return
        if all(isinstance(b, BlockModel) and known(b.max_points) for b in blocks):
            base = sum((b.max_points or ZERO for b in blocks if not read(b.is_bonus)), ZERO)
            if base != total_cap:
                message = f"blocks other than bonus add up to {dec(base)}, not {dec(total_cap)}"
                yield found_at(
                    ("total_cap",), "blocks_sum_mismatch", message, sum=base, max=total_cap
                )

    def _check_veto_items(self, context: Context) -> Checks:
        vetoes = enumerate(read(self.veto_items))
        yield from unique(((("veto_items", i, "key"), _key(v)) for i, v in vetoes), "veto key")

    def _check_grades(self, context: Context) -> Checks:
        grades = [g if isinstance(g, GradeModel) else None for g in read(self.grades)]
        for name in ("name_zh", "name_en"):
            names = enumerate(read(getattr(g, name)) if g else "" for g in grades)
            yield from unique(((("grades", i, name), n) for i, n in names), "grade name")
        floors = [read(g.min_total) for g in grades if g]
        if grades and len(floors) == len(grades) and None not in floors:
            yield from self._grades_order(cast(list[Decimal], floors))

    def _grades_order(self, floors: list[Decimal]) -> Checks:
        for i in range(1, len(floors)):
            if floors[i] >= floors[i - 1]:
                message = f"must be below the grade above ({dec(floors[i - 1])})"
                yield found_at(
                    ("grades", i, "min_total"), "grades_order", message, above=floors[i - 1]
                )
        if floors[-1] != 0:
            message = f"the lowest grade must start at 0, not {dec(floors[-1])}"
            at = ("grades", len(floors) - 1, "min_total")
            yield found_at(at, "lowest_grade_not_zero", message, number=floors[-1])
        top: Loc = ("grades", 0, "min_total")
        yield from not_above(floors[0], read(self.total_cap), top, "total_cap")

    def _check_calendar(self, context: Context) -> Checks:
        events = enumerate(read(self.calendar))
        yield from unique(((("calendar", i, "key"), _key(e)) for i, e in events), "calendar key")

    def problems(self) -> list[Problem]:
        return [f.problem() for f in self.found]

    def rule_set(self) -> RuleSet:
        periods = _periods(self.periods)
        return RuleSet(
            name=self.name,
            version=self.version,
            blocks=tuple(b.block(periods) for b in self.blocks),
            grades=tuple(g.grade() for g in self.grades),
            total_cap=self.total_cap or ZERO,
            bonus_cap=self.bonus_cap or ZERO,
            veto_items=tuple(v.veto_item() for v in self.veto_items),
            periods=periods,
            calendar=tuple(e.event() for e in self.calendar),
        )
