"""The kinds of schedule (three clocks and `after`, which has none) and the one value that describes any of them.

A `ScheduleSpec` is plain data (what the user asked for); a trigger built from
it answers "when next, strictly after this instant?". Every instant here is an
aware UTC datetime; local time exists only inside the cron trigger.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum


class ScheduleType(StrEnum):
    CRON = "cron"
    INTERVAL = "interval"
    ONCE = "once"
    AFTER = "after"  # no clock of its own: runs when its upstream schedule finishes


class IntervalUnit(StrEnum):
    MINUTES = "minutes"
    HOURS = "hours"
    DAYS = "days"

    def delta(self, value: int) -> timedelta:
        return timedelta(**{self.value: value})


@dataclass(frozen=True, slots=True)
class ScheduleSpec:
    """What and when, without the who: enough to compute every fire time.

    `anchor` pins an interval schedule to its start (normally `created_at`), so
    runs land on anchor + k * interval however late any execution ends.
    """

    schedule_type: ScheduleType
    timezone: str = "UTC"
    cron_expression: str | None = None
    interval_value: int | None = None
    interval_unit: IntervalUnit | None = None
    run_at: datetime | None = None
    anchor: datetime | None = None

    def with_anchor(self, anchor: datetime) -> ScheduleSpec:
        return replace(self, anchor=anchor)


def utc(value: datetime) -> datetime:
    """Normalise an aware datetime to UTC; refuse naive ones, which have no meaning here."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("naive datetime: instants must carry a time zone")
    return value.astimezone(UTC)
