"""Charts drawn on the server as SVG geometry: no script, no network, prints as it shows.

A chart here is only numbers and positions; ``templates/reports/_charts.html`` draws it.
Every bar carries its value as text, and the template puts the same numbers in a table
under the chart. Series differ by shade and by hatching, so they survive greyscale print.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

ROW = 26  # height of one horizontal bar's row
LABEL = 150  # width kept for the labels left of horizontal bars
PLOT = 280  # width of the bars' area
WIDTH = LABEL + PLOT + 60  # room for the value after the longest bar

COLUMN_HEIGHT = 160  # height of the column chart's plot area
COLUMN_SLOT = 44  # width of one category (month) in a column chart
TOP = 16
BOTTOM = 34


@dataclass(frozen=True, slots=True)
class Item:
    label: str
    value: int
    href: str | None = None


@dataclass(frozen=True, slots=True)
class Bar:
    item: Item
    y: int
    width: float


@dataclass(slots=True)
class BarChart:
    """Horizontal bars, one per item, longest scaled to the plot width."""

    title: str
    unit: str
    bars: list[Bar] = field(default_factory=list)
    row: int = ROW
    label_width: int = LABEL
    width: int = WIDTH

    @property
    def height(self) -> int:
        return max(1, len(self.bars)) * self.row + 4


def bar_chart(title: str, items: Sequence[Item], unit: str = "") -> BarChart:
    peak = max((item.value for item in items), default=0)
    chart = BarChart(str(title), str(unit))
    for i, item in enumerate(items):
        width = PLOT * item.value / peak if peak else 0.0
        chart.bars.append(Bar(item, i * ROW + 2, round(width, 1)))
    return chart


@dataclass(frozen=True, slots=True)
class Column:
    series: int
    value: int
    x: float
    y: float
    height: float


@dataclass(slots=True)
class ColumnChart:
    """Grouped columns: for each category one column per series, with a legend."""

    title: str
    categories: list[str]
    series: list[str]
    values: list[list[int]]  # values[series][category]
    columns: list[Column] = field(default_factory=list)
    ticks: list[tuple[float, int]] = field(default_factory=list)  # (y, value) of gridlines
    slot: int = COLUMN_SLOT
    plot_height: int = COLUMN_HEIGHT
    top: int = TOP
    left: int = 36
    column_width: float = 0.0

    @property
    def width(self) -> int:
        return self.left + self.slot * len(self.categories) + 8

    @property
    def height(self) -> int:
        return self.top + self.plot_height + BOTTOM

    @property
    def baseline(self) -> int:
        return self.top + self.plot_height

    def rows(self) -> list[tuple[str, list[int]]]:
        """The numbers by category, for the table under the chart."""
        return [
            (category, [values[i] for values in self.values])
            for i, category in enumerate(self.categories)
        ]


def nice_ceiling(value: int) -> int:
    """The smallest of 1, 2, 5 × 10^k at or above ``value`` (at least 1)."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


def column_chart(
    title: str, categories: Sequence[str], series: Sequence[tuple[str, Sequence[int]]]
) -> ColumnChart:
    chart = ColumnChart(
        str(title),
        list(categories),
        [str(name) for name, _ in series],
        [list(v) for _, v in series],
    )
    top = nice_ceiling(max((v for values in chart.values for v in values), default=0))
    width = (COLUMN_SLOT - 10) / max(1, len(series))
    for s, values in enumerate(chart.values):
        for i, value in enumerate(values):
            height = COLUMN_HEIGHT * value / top
            chart.columns.append(
                Column(
                    s,
                    value,
                    round(chart.left + i * COLUMN_SLOT + 5 + s * width, 1),
                    round(chart.baseline - height, 1),
                    round(height, 1),
                )
            )
    marks = [0, top // 2, top] if top % 2 == 0 else [0, top]
    chart.ticks = [(round(chart.baseline - COLUMN_HEIGHT * m / top, 1), m) for m in marks]
    chart.column_width = round(width, 1)
    return chart
