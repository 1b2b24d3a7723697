"""Every N minutes, hours or days, pinned to an anchor.

Minutes and hours are elapsed time: fires are anchor + k * period for k >= 0,
computed from the anchor every time (integer arithmetic on timedeltas), never from
the previous run, so however late an execution ends the next slot stays on the grid.

Days keep the anchor's wall-clock time in the schedule's zone: "every other Friday
at 17:00" in Los Angeles fires at 17:00 there in winter and in summer, not at 18:00
once daylight saving has moved the clocks. Fire k is the anchor's local time on the
anchor's local date + k * N days, with cron's rules for a time that DST skips (the
first minute after the gap) or repeats (its first occurrence). In UTC, and in any
zone without DST, that is exactly anchor + k * period.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from agentcron.timing.spec import IntervalUnit, utc
from agentcron.timing.wallclock import local_instant


class IntervalTrigger:
    def __init__(
        self, value: int, unit: IntervalUnit, anchor: datetime, timezone: str = "UTC"
    ) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise ValueError(f"interval must be a positive whole number, got {value!r}")
        self.value = value
        self.unit = IntervalUnit(unit)
        self.period: timedelta = self.unit.delta(value)
        self.anchor = utc(anchor)
        self.timezone = timezone
        self._zone = ZoneInfo(timezone) if self.unit is IntervalUnit.DAYS else None

    def next_after(self, instant: datetime) -> datetime | None:
        """The first fire strictly later than `instant`; None past year 9999."""
        instant = utc(instant)
        if instant < self.anchor:
            return self.anchor
        steps = (instant - self.anchor) // self.period + 1
        if self._zone is None:
            try:
                return self.anchor + steps * self.period
            except OverflowError:
                return None
        # Wall-clock fire k lies within a few hours of anchor + k * period, and a period
        # is at least a day, so the answer is fire steps - 1, steps or steps + 1.
        for k in (steps - 1, steps, steps + 1):
            fire = self._wall_clock_fire(k, self._zone)
            if fire is None:
                return None
            if fire > instant:
                return fire
        return None  # pragma: no cover - one of the three is always later

    def count(self, after: datetime, until: datetime) -> int:
        """Fires strictly after `after` and at or before `until`, by arithmetic, not walking.

        Elapsed time is exact division; days in a zone are counted by their index, and
        only the last index is checked against the wall clock (DST moves a fire by an hour,
        never past its neighbours)."""
        first = self.next_after(after)
        if first is None or first > utc(until):
            return 0
        until = utc(until)
        span = (until - first) // self.period
        if self._zone is None:
            return span + 1
        zone = self._zone
        start = self._index(first, zone)
        last = start + span
        while (fire := self._wall_clock_fire(last + 1, zone)) is not None and fire <= until:
            last += 1
        while last > start and (
            (fire := self._wall_clock_fire(last, zone)) is None or fire > until
        ):
            last -= 1
        return last - start + 1

    def _index(self, fire: datetime, zone: ZoneInfo) -> int:
        """k for fire k (a fire this trigger answered): its local date's distance in periods."""
        if fire == self.anchor:
            return 0
        days = (fire.astimezone(zone).date() - self.anchor.astimezone(zone).date()).days
        return days // self.value

    def _wall_clock_fire(self, k: int, zone: ZoneInfo) -> datetime | None:
        if k == 0:
            return self.anchor
        local = self.anchor.astimezone(zone)
        try:
            day = local.date() + k * self.period
            return local_instant(day, local.timetz(), zone)
        except OverflowError:
            return None

    def __repr__(self) -> str:
        return (
            f"IntervalTrigger({self.value}, {self.unit.value!r}, {self.anchor.isoformat()!r}, "
            f"{self.timezone!r})"
        )
