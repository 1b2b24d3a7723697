"""Small bar charts drawn as inline SVG on the server: geometry here, markup in the
`chart` macro. No chart library and no script, so they work with the page's strict CSP
(colours come from CSS classes, never style attributes) and print as they look.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

WIDTH = 360
HEIGHT = 150
PAD_LEFT = 40
PAD_RIGHT = 6
PAD_TOP = 8
PAD_BOTTOM = 20
# A bar is never wider than this (in viewBox units): one run is a bar, not a wall.
MAX_BAR_WIDTH = 22.0


@dataclass(frozen=True, slots=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    css: str
    label: str


@dataclass(frozen=True, slots=True)
class Tick:
    position: float
    label: str


@dataclass
class Chart:
    title: str
    summary: str  # one sentence for screen readers
    width: int = WIDTH
    height: int = HEIGHT
    bars: list[Bar] = field(default_factory=list)
    y_ticks: list[Tick] = field(default_factory=list)
    x_ticks: list[Tick] = field(default_factory=list)
    baseline: float = HEIGHT - PAD_BOTTOM
    left: float = PAD_LEFT
    right: float = WIDTH - PAD_RIGHT
    note: str = ""  # said instead of bars: "No finished runs yet", "No tokens reported"

    @property
    def empty(self) -> bool:
        return not self.bars


def nice_ceiling(value: float) -> float:
    """The next 1, 2 or 5 times a power of ten at or above `value`: a readable axis maximum."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return float(step * power)
    return float(10 * power)  # pragma: no cover - the loop always returns


@dataclass(frozen=True, slots=True)
class Datum:
    value: float
    css: str
    label: str  # the bar's tooltip: what and when, in words
    tick: str = ""  # an x-axis label under this bar, if any


def bar_chart(
    title: str,
    summary: str,
    data: list[Datum],
    *,
    axis_max: float | None = None,
    y_label: str = "",
    min_bar: float = 0.0,
    when_empty: str = "No finished runs yet.",
    when_flat: str = "",
) -> Chart:
    """Bars left to right, one per datum, scaled to a readable axis maximum. No data says
    `when_empty`; all zeros say `when_flat` (when given) instead of an axis up to 1."""
    chart = Chart(title, summary, note=when_empty)
    if not data:
        return chart
    if when_flat and all(d.value <= 0 for d in data):
        chart.note = when_flat
        return chart
    chart.note = ""
    highest = max(d.value for d in data)
    if axis_max is not None:
        top = axis_max
    elif y_label == "ms" and highest > 60_000:  # whole minutes, not 0.83 min
        top = nice_ceiling(highest / 60_000) * 60_000
    else:
        top = nice_ceiling(highest)
    plot_height = chart.baseline - PAD_TOP
    slot = (chart.right - chart.left) / len(data)
    width = min(slot - min(4.0, slot * 0.25), MAX_BAR_WIDTH)
    for index, datum in enumerate(data):
        height = plot_height * (datum.value / top) if top else 0.0
        if datum.value > 0:
            height = max(height, 1.5)
        height = max(height, min_bar)
        x = chart.left + index * slot + (slot - width) / 2
        chart.bars.append(
            Bar(
                round(x, 2),
                round(chart.baseline - height, 2),
                round(width, 2),
                round(height, 2),
                datum.css,
                datum.label,
            )
        )
        if datum.tick:
            chart.x_ticks.append(Tick(round(x + width / 2, 2), datum.tick))
    unit = _unit(top, y_label)
    for fraction in (0.0, 0.5, 1.0):
        value = top * fraction
        chart.y_ticks.append(
            Tick(round(chart.baseline - plot_height * fraction, 2), _axis(value, unit))
        )
    return chart


# One unit for a whole axis, chosen by its top: "0 s, 2.5 s, 5 s", never "0 ms, 2.5 s".
_UNITS = {
    "%": (1.0, "%"),
    "min": (60_000.0, " min"),
    "s": (1000.0, " s"),
    "ms": (1.0, " ms"),
    "M": (1_000_000.0, "M"),
    "k": (1000.0, "k"),
    "": (1.0, ""),
}


def _unit(top: float, y_label: str) -> str:
    if y_label == "%":
        return "%"
    if y_label == "ms":
        return "min" if top >= 60_000 else "s" if top >= 1000 else "ms"
    return "M" if top >= 1_000_000 else "k" if top >= 1000 else ""


def _axis(value: float, unit: str) -> str:
    scale, suffix = _UNITS[unit]
    if unit == "%":
        return f"{value:.0f}%"
    return f"{round(value / scale, 2):g}{suffix}"


def sparse_ticks(count: int, wanted: int = 6) -> set[int]:
    """Which of `count` bars get an x label: about `wanted`, always the first and the last."""
    if count <= wanted:
        return set(range(count))
    step = math.ceil(count / wanted)
    chosen = set(range(0, count, step))
    chosen.add(count - 1)
    if count - 1 - max(chosen - {count - 1}) <= step / 2:
        chosen.discard(max(chosen - {count - 1}))
    return chosen


@dataclass(frozen=True, slots=True)
class Layer:
    """One layer of a stacked chart: its colour class, its name, and a value per bar."""

    css: str
    name: str
    values: list[float]


def stacked_chart(
    title: str,
    summary: str,
    labels: list[str],
    layers: list[Layer],
    *,
    describe: Callable[[str, str, float], str],
    y_label: str = "",
    ticks: int = 6,
    when_empty: str = "Nothing in this range.",
) -> Chart:
    """Bars with their layers stacked bottom up, one bar per label (a day, a schedule). Each
    segment's tooltip is `describe(label, layer name, value)`; a bar of zeros draws nothing,
    and a chart of zeros says `when_empty` instead of an axis up to 1."""
    chart = Chart(title, summary, note=when_empty)
    totals = [sum(layer.values[i] for layer in layers) for i in range(len(labels))]
    if not labels or not layers or all(t <= 0 for t in totals):
        return chart
    chart.note = ""
    highest = max(totals)
    if y_label == "ms" and highest > 60_000:
        top = nice_ceiling(highest / 60_000) * 60_000
    else:
        top = nice_ceiling(highest)
    plot_height = chart.baseline - PAD_TOP
    slot = (chart.right - chart.left) / len(labels)
    width = min(slot - min(4.0, slot * 0.25), MAX_BAR_WIDTH)
    shown = sparse_ticks(len(labels), ticks)
    for index, label in enumerate(labels):
        x = chart.left + index * slot + (slot - width) / 2
        bottom = chart.baseline
        for layer in layers:
            value = layer.values[index]
            if value <= 0:
                continue
            height = max(plot_height * value / top, 1.5)
            bottom -= height
            chart.bars.append(
                Bar(
                    round(x, 2),
                    round(bottom, 2),
                    round(width, 2),
                    round(height, 2),
                    layer.css,
                    describe(label, layer.name, value),
                )
            )
        if index in shown:
            chart.x_ticks.append(Tick(round(x + width / 2, 2), label))
    unit = _unit(top, y_label)
    for fraction in (0.0, 0.5, 1.0):
        chart.y_ticks.append(
            Tick(round(chart.baseline - plot_height * fraction, 2), _axis(top * fraction, unit))
        )
    return chart
