"""Small bar charts drawn as inline SVG on the server: geometry here, markup in the
`chart` macro. No chart library and no script, so they work with the page's strict CSP
(colours come from CSS classes, never style attributes) and print as they look.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

WIDTH = 360
HEIGHT = 150
PAD_LEFT = 40
PAD_RIGHT = 6
PAD_TOP = 8
PAD_BOTTOM = 20


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
) -> Chart:
    """Bars left to right, one per datum, scaled to a readable axis maximum."""
    chart = Chart(title, summary)
    if not data:
        return chart
    top = axis_max if axis_max is not None else nice_ceiling(max(d.value for d in data))
    plot_height = chart.baseline - PAD_TOP
    slot = (chart.right - chart.left) / len(data)
    gap = min(4.0, slot * 0.25)
    for index, datum in enumerate(data):
        height = plot_height * (datum.value / top) if top else 0.0
        if datum.value > 0:
            height = max(height, 1.5)
        height = max(height, min_bar)
        x = chart.left + index * slot + gap / 2
        chart.bars.append(
            Bar(
                round(x, 2),
                round(chart.baseline - height, 2),
                round(slot - gap, 2),
                round(height, 2),
                datum.css,
                datum.label,
            )
        )
        if datum.tick:
            chart.x_ticks.append(Tick(round(x + (slot - gap) / 2, 2), datum.tick))
    for fraction in (0.0, 0.5, 1.0):
        value = top * fraction
        chart.y_ticks.append(
            Tick(round(chart.baseline - plot_height * fraction, 2), _axis(value, y_label))
        )
    return chart


def _axis(value: float, unit: str) -> str:
    if unit == "%":
        return f"{value:.0f}%"
    if unit == "ms":
        if value >= 60_000:
            return f"{value / 60_000:g} min"
        if value >= 1000:
            return f"{value / 1000:g} s"
        return f"{value:g} ms"
    if value >= 1_000_000:
        return f"{value / 1_000_000:g}M"
    if value >= 1000:
        return f"{value / 1000:g}k"
    return f"{value:g}"


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
