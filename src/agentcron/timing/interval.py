"""Every N minutes, hours or days of elapsed time, pinned to an anchor.

Fires are anchor + k * period for k >= 0, computed from the anchor every time
(integer arithmetic on timedeltas), never from the previous run: however late an
execution ends, the next slot stays on the grid.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from agentcron.timing.spec import IntervalUnit, utc


class IntervalTrigger:
    def __init__(self, value: int, unit: IntervalUnit, anchor: datetime) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise ValueError(f"interval must be a positive whole number, got {value!r}")
        self.value = value
        self.unit = IntervalUnit(unit)
        self.period: timedelta = self.unit.delta(value)
        self.anchor = utc(anchor)

    def next_after(self, instant: datetime) -> datetime | None:
        """The smallest anchor + k * period (k >= 0) strictly later than `instant`."""
        instant = utc(instant)
        if instant < self.anchor:
            return self.anchor
        steps = (instant - self.anchor) // self.period + 1
        try:
            return self.anchor + steps * self.period
        except OverflowError:  # past year 9999: nothing left to fire
            return None

    def __repr__(self) -> str:
        return f"IntervalTrigger({self.value}, {self.unit.value!r}, {self.anchor.isoformat()!r})"
