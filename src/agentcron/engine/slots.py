"""Next slots for claimed rows, each distinct question asked of the timing layer once.

`build_trigger` validates and parses a cron expression on every call, and the trigger parses
it again on every `next_after`; the 9 a.m. rush asks thousands of rows the same question
(`0 9 * * 1-5` in Europe/Berlin: what comes after 09:00:00?). So cron triggers are memoised
by (expression, zone), a bounded cache of a pure function of the text that holds no
schedule, and their answers by (expression, zone, instant) for one claim batch only.
Interval and once triggers are cheap and specific to each row; they are built per row.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from agentcron.store.records import DueSchedule
from agentcron.store.schedules import spec_of
from agentcron.timing import ScheduleSpec, ScheduleType, Trigger, build_trigger

CRON_TRIGGERS_CACHED = 1024


@lru_cache(maxsize=CRON_TRIGGERS_CACHED)
def cron_trigger(expression: str, timezone: str) -> Trigger:
    return build_trigger(
        ScheduleSpec(ScheduleType.CRON, timezone=timezone, cron_expression=expression)
    )


class SlotPlanner:
    """One per claim batch: triggers for rows, and memoised cron answers."""

    def __init__(self) -> None:
        self._answers: dict[tuple[str, str, datetime], datetime | None] = {}

    def trigger(self, row: DueSchedule) -> Trigger:
        if row.schedule_type == ScheduleType.CRON.value and row.cron_expression:
            return cron_trigger(row.cron_expression, row.timezone)
        return build_trigger(spec_of(row))

    def next_after(self, row: DueSchedule, trigger: Trigger, instant: datetime) -> datetime | None:
        if row.schedule_type != ScheduleType.CRON.value or row.cron_expression is None:
            return trigger.next_after(instant)
        key = (row.cron_expression, row.timezone, instant)
        try:
            return self._answers[key]
        except KeyError:
            answer = self._answers[key] = trigger.next_after(instant)
            return answer
