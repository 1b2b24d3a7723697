"""A trigger answers one question: the next fire strictly after this instant, or None.

`build_trigger` is the registry from spec to trigger; engine and previews both
go through it, so what a person previews is what the engine fires.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from agentcron.timing.cron import CronTrigger
from agentcron.timing.interval import IntervalTrigger
from agentcron.timing.once import OnceTrigger
from agentcron.timing.problems import InvalidSchedule, Problem
from agentcron.timing.spec import IntervalUnit, ScheduleSpec, ScheduleType, utc
from agentcron.timing.validate import check_structure

MAX_PREVIEW = 1000


class Trigger(Protocol):
    def next_after(self, instant: datetime) -> datetime | None:
        """The first fire strictly later than `instant` (aware), as aware UTC; None when done."""
        ...


class NeverTrigger:
    """The trigger of an `after` schedule: it has no clock, so no fire time ever comes
    (its upstream's end creates its executions). Previews, calendars and slot counting
    see an empty future rather than a special case."""

    def next_after(self, instant: datetime) -> datetime | None:
        return None


def build_trigger(spec: ScheduleSpec) -> Trigger:
    """Raises InvalidSchedule for a spec that cannot be computed (no policy such as the gap).

    An interval spec needs its `anchor`: its first fire (created_at, or a future instant
    such as the next Friday 17:00 for "every other friday at 5pm").
    """
    check_structure(spec)
    kind = ScheduleType(spec.schedule_type)
    if kind is ScheduleType.AFTER:
        return NeverTrigger()
    if kind is ScheduleType.CRON:
        assert spec.cron_expression is not None
        return CronTrigger(spec.cron_expression, spec.timezone)
    if kind is ScheduleType.INTERVAL:
        assert spec.interval_value is not None and spec.interval_unit is not None
        if spec.anchor is None:
            raise InvalidSchedule(
                [Problem("anchor", "is required to fire an interval", "pass the schedule's start")]
            )
        return IntervalTrigger(
            spec.interval_value, IntervalUnit(spec.interval_unit), spec.anchor, spec.timezone
        )
    assert spec.run_at is not None
    return OnceTrigger(spec.run_at)


def preview(spec: ScheduleSpec, after: datetime, count: int = 5) -> list[datetime]:
    """The next `count` fires strictly after `after` (fewer when the schedule ends).

    An interval without an anchor is previewed as if it started at `after`.
    """
    if not 0 <= count <= MAX_PREVIEW:
        raise ValueError(f"count must be between 0 and {MAX_PREVIEW}, got {count}")
    instant = utc(after)
    if spec.schedule_type == ScheduleType.INTERVAL and spec.anchor is None:
        spec = spec.with_anchor(instant)
    trigger = build_trigger(spec)
    fires: list[datetime] = []
    while len(fires) < count:
        fire = trigger.next_after(instant)
        if fire is None:
            break
        fires.append(fire)
        instant = fire
    return fires
