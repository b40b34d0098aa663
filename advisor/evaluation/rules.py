"""Evaluation rule sets (考核细则) as data: their shape (rulefile.py reads and checks the JSON
form, defaults.py holds the default rule set).

JSON form: the fields of the dataclasses below, tuples as lists, every number of points
(and every number in ``params``) as a decimal string such as "12.5". ``validate`` reads
that form and reports every problem with its location; ``from_json`` builds a RuleSet
from it or raises RuleSetError carrying the same problems.

Measure values, as the scoring expects them: rates (``*_rate``) are fractions 0..1,
``average_rating`` is 1..5, ``spot_check`` is points, everything else is a count.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal, TypeAlias

COMPUTED_MEASURES = (
    "reviews_issued",
    "on_time_rate",
    "overdue_reviews",
    "matters_handled",
    "lectures_given",
    "average_rating",
    "ratings_count",
    "months_with_entries_rate",
    "timely_entries_rate",
    "redone_reviews",
)
MANUAL_MEASURES = ("spot_check", "discipline", "valid_complaints", "commendations", "veto")
MEASURES = COMPUTED_MEASURES + MANUAL_MEASURES
METHODS = ("proportional", "ratio_to_target", "per_unit", "deduction_per_unit", "banded", "manual")
PERIODS = ("year", "quarter")
NO_DATA = ("not_applicable", "fixed")
# How ``proportional`` turns a value into a rate: as is, or a 1..5 rating as (value - 1) / 4.
RATES = ("fraction", "rating_1_5")
# method -> (params it needs, params it may have)
METHOD_PARAMS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "proportional": ((), ("rate",)),
    "ratio_to_target": (("target",), ()),
    "per_unit": (("per_unit", "cap"), ()),
    "deduction_per_unit": (("per_unit",), ("start",)),
    "banded": (("bands",), ()),
    "manual": ((), ()),
}

Period = Literal["year", "quarter"]
NoData = Literal["not_applicable", "fixed"]
Param: TypeAlias = "Decimal | int | str | list[Param] | dict[str, Param]"


@dataclass(frozen=True, slots=True, kw_only=True)
class Item:
    key: str
    label_zh: str
    label_en: str
    max_points: Decimal
    measure: str
    method: str
    params: dict[str, Param] = field(default_factory=dict)
    no_data: NoData = "not_applicable"
    no_data_points: Decimal | None = None
    manual: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Block:
    key: str
    label_zh: str
    label_en: str
    max_points: Decimal
    items: tuple[Item, ...]
    is_bonus: bool = False


@dataclass(frozen=True, slots=True)
class Grade:
    name_zh: str
    name_en: str
    min_total: Decimal


@dataclass(frozen=True, slots=True)
class VetoItem:
    key: str
    label_zh: str
    label_en: str


@dataclass(frozen=True, slots=True)
class CalendarEvent:
    """A date relative to the period, e.g. ``period_end-10d``; the reminders read these."""

    key: str
    label_zh: str
    label_en: str
    when: str


@dataclass(frozen=True, slots=True, kw_only=True)
class RuleSet:
    name: str
    version: int
    blocks: tuple[Block, ...]
    grades: tuple[Grade, ...]  # high to low; the lowest starts at 0
    total_cap: Decimal = Decimal(100)
    bonus_cap: Decimal = Decimal(0)
    veto_items: tuple[VetoItem, ...] = ()
    periods: tuple[Period, ...] = ("year",)
    calendar: tuple[CalendarEvent, ...] = ()

    def items(self) -> Iterator[tuple[Block, Item]]:
        for block in self.blocks:
            for item in block.items:
                yield block, item


@dataclass(frozen=True, slots=True)
class Problem:
    path: str  # e.g. "blocks[1].items[0].max_points"; "" is the whole rule set
    message_key: str
    message: str
    # The values the message names (numbers, keys, the other place of a duplicate), so
    # that the pages can say the same thing in the reader's language (problems.py).
    values: Mapping[str, str] = field(default_factory=dict)


class RuleSetError(ValueError):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(f"{p.path}: {p.message}" for p in problems))
        self.problems = problems
