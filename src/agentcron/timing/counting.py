"""How many fires fall in a window, without walking them one by one.

After days of downtime the engine records how many slots each schedule missed. Walking a
five-minute cron fire by fire costs ~20 µs a step: 30 days of 300 such schedules is a
minute of CPU. Here an interval is pure arithmetic, and a cron counts whole local days
(a matching day has exactly `len(times_of_day)` fires) and walks only the days at the
window's ends and the days whose UTC offset changes (DST), where fires can be fewer or
more; an interval in days keeps its local time, so it counts its fires by index. The answer is exact; it equals `len(fires)` of walking `next_after` from `after`
while fires are `<= until`.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from agentcron.timing.cron import CronTrigger
from agentcron.timing.interval import IntervalTrigger
from agentcron.timing.once import OnceTrigger
from agentcron.timing.spec import utc
from agentcron.timing.triggers import Trigger


def count_fires(trigger: Trigger, after: datetime, until: datetime, cap: int) -> int:
    """Fires strictly after `after` and at or before `until`, at most `cap`."""
    after, until = utc(after), utc(until)
    if until <= after or cap <= 0:
        return 0
    if isinstance(trigger, IntervalTrigger):
        return min(cap, trigger.count(after, until))
    if isinstance(trigger, CronTrigger):
        return _cron(trigger, after, until, cap)
    if isinstance(trigger, OnceTrigger):
        fire = trigger.next_after(after)
        return int(fire is not None and fire <= until)
    return _walk(trigger, after, until, cap)


def _walk(trigger: Trigger, after: datetime, until: datetime, cap: int) -> int:
    if isinstance(trigger, CronTrigger):
        count = 0
        for fire_at in trigger.fires_after(after):
            if fire_at > until or count >= cap:
                break
            count += 1
        return count
    count, instant = 0, after
    while count < cap:
        fire = trigger.next_after(instant)
        if fire is None or fire > until:
            break
        count += 1
        instant = fire
    return count


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return utc(datetime.combine(day, time(0), zone))


def _cron(trigger: CronTrigger, after: datetime, until: datetime, cap: int) -> int:
    zone = ZoneInfo(trigger.timezone)
    pattern = trigger.pattern
    times = pattern.times_of_day
    tick = timedelta(microseconds=1)
    # Each local day is the window [its midnight, the next midnight). A day without a DST
    # change has its fires at `times` (minutes after midnight): counted by bisection. A day
    # with one is walked fire by fire, as the trigger itself places them.
    first_day = after.astimezone(zone).date()
    last_day = until.astimezone(zone).date()
    count, day = 0, first_day
    while day <= last_day and count < cap:
        start, end = _midnight(day, zone), _midnight(day + timedelta(days=1), zone)
        low = max(after, start - tick)  # fires strictly after `low`...
        high = min(until, end - tick)  # ...and at or before `high`
        if high <= low or not pattern.matches_day(day):
            pass
        elif end - start != timedelta(days=1):
            count += _dst_day(trigger, times, start, end, low, high, cap - count)
        else:
            count += bisect_right(times, _minutes(high - start)) - bisect_right(
                times, _minutes(low - start)
            )
        day += timedelta(days=1)
    return min(count, cap)


def _dst_day(
    trigger: CronTrigger,
    times: tuple[int, ...],
    start: datetime,
    end: datetime,
    low: datetime,
    high: datetime,
    cap: int,
) -> int:
    """A day whose UTC offset changes: fires away from the change sit at their local times
    and are counted by bisection; only the hours around the change are walked."""
    change = _offset_change(trigger.timezone, start, end)
    before, after = change - AROUND_CHANGE, change + AROUND_CHANGE
    zone = ZoneInfo(trigger.timezone)
    day = start.astimezone(zone).date()
    count = 0
    if low < before:  # local minutes of the morning, on the day's first offset
        top = min(high, before)
        count += _between(times, _local_minutes(low, zone, day), _local_minutes(top, zone, day))
        low = top
    if high > after:  # and of the rest of the day, on its second offset
        bottom = max(low, after)
        count += _between(times, _local_minutes(bottom, zone, day), _local_minutes(high, zone, day))
        high = bottom
    if high > low:
        count += _walk(trigger, low, high, cap)
    return min(count, cap)


# Walked on either side of a DST change: more than any change is long (at most 1 h today).
AROUND_CHANGE = timedelta(hours=2)


def _offset_change(timezone: str, start: datetime, end: datetime) -> datetime:
    """The instant within [start, end) where the zone's UTC offset changes, to the minute."""
    zone = ZoneInfo(timezone)
    first = start.astimezone(zone).utcoffset()
    low, high = start, end
    while high - low > timedelta(minutes=1):
        middle = low + (high - low) / 2
        if middle.astimezone(zone).utcoffset() == first:
            low = middle
        else:
            high = middle
    return high


def _local_minutes(instant: datetime, zone: ZoneInfo, day: date) -> float:
    """Wall-clock minutes after the local midnight of `day` (negative just before it)."""
    wall = instant.astimezone(zone).replace(tzinfo=None)
    return (wall - datetime.combine(day, time(0))) / timedelta(minutes=1)


def _between(times: tuple[int, ...], low: float, high: float) -> int:
    """Times (whole minutes) strictly after `low` and at or before `high`."""
    return max(0, bisect_right(times, high) - bisect_right(times, low))


def _minutes(elapsed: timedelta) -> float:
    """Minutes after midnight, for comparing with `times_of_day` (whole minutes)."""
    return elapsed / timedelta(minutes=1)
