"""How often a cron pattern fires, worked out from its sets instead of by iterating.

Every matching day fires at the same wall-clock times (hours x minutes), so the
smallest gap between consecutive fires is the smaller of
- the smallest step between two times of one day, and
- the wrap from the day's last time to the first time of the next matching day,
  which needs the shortest distance between consecutive matching days.

The day rules (day-of-month, month, day-of-week, L, LW, #) are periodic: the
Gregorian calendar repeats every 28 years between 1901 and 2099, so one 28-year
window holds every pattern of days there is (`WINDOW`). Scanning it costs about
10 ms, so it happens only when the wrap could matter (the times span almost the
whole day) or to prove an expression never fires, and its result is cached per
set of day fields.

Gaps are judged in wall-clock minutes, the expression's own terms. DST can bring
two fires closer in real time once a year (a fixed time skipped by spring-forward
fires at the first minute after the gap; a `*` entry repeats the fall-back hour);
refusing `0 9 * * *` because one day is 23 hours long would help nobody.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from itertools import pairwise

from agentcron.timing.cron import CronPattern, parse_cron

DAY_MINUTES = 24 * 60
WINDOW_START = date(2001, 1, 1)
WINDOW_YEARS = 28
WINDOW_END = date(WINDOW_START.year + WINDOW_YEARS, 1, 8)  # a week over, to see the wrap


@dataclass(frozen=True, slots=True)
class Gap:
    """Two consecutive fires, `minutes` apart in wall-clock time, `days` calendar days apart."""

    minutes: int
    first: int  # minute of the day
    second: int
    days: int = 0

    def __str__(self) -> str:
        later = {0: "", 1: " the next day"}.get(self.days, f" {self.days} days later")
        return f"{_clock(self.first)} then {_clock(self.second)}{later}"


def _clock(minute_of_day: int) -> str:
    return f"{minute_of_day // 60:02d}:{minute_of_day % 60:02d}"


def matching_days(pattern: CronPattern) -> Iterator[date]:
    """Local dates in the 28-year window on which the pattern fires, ascending."""
    months = sorted(pattern.months)
    for year in range(WINDOW_START.year, WINDOW_END.year + 1):
        for month in months:
            day = date(year, month, 1)
            while day.month == month and day < WINDOW_END:
                if pattern.matches_day(day):
                    yield day
                day += timedelta(days=1)


def _day_key(pattern: CronPattern) -> tuple[str, str, str]:
    dom, month, dow = pattern.expression.split()[2:]
    return dom, month, dow


@lru_cache(maxsize=512)
def _fires_at_all(dom: str, month: str, dow: str) -> bool:
    return next(matching_days(parse_cron(f"0 0 {dom} {month} {dow}")), None) is not None


@lru_cache(maxsize=512)
def _shortest_day_distance(dom: str, month: str, dow: str) -> int | None:
    """Fewest days between two consecutive matching days; None if fewer than two match."""
    days = matching_days(parse_cron(f"0 0 {dom} {month} {dow}"))
    shortest: int | None = None
    previous = next(days, None)
    for day in days:
        assert previous is not None
        distance = (day - previous).days
        if shortest is None or distance < shortest:
            shortest = distance
            if shortest == 1:
                break
        previous = day
    return shortest


def ever_fires(pattern: CronPattern) -> bool:
    """False when no date in a full calendar cycle matches (`0 0 */31 * 1#5`)."""
    return _fires_at_all(*_day_key(pattern))


def smallest_gap_below(pattern: CronPattern, below: timedelta) -> Gap | None:
    """The smallest gap between consecutive fires if it is shorter than `below`, else None."""
    if below <= timedelta(0):
        return None
    threshold = -(-below // timedelta(minutes=1))  # a gap of g minutes is short if g < this
    times = pattern.times_of_day
    best: Gap | None = None
    for first, second in pairwise(times):
        step = second - first
        if step < threshold and (best is None or step < best.minutes):
            best = Gap(step, first, second)
    wrap = DAY_MINUTES + times[0] - times[-1]
    if wrap < threshold and (best is None or wrap < best.minutes):
        distance = _shortest_day_distance(*_day_key(pattern))
        if distance is not None:
            across = distance * DAY_MINUTES + times[0] - times[-1]
            if across < threshold and (best is None or across < best.minutes):
                best = Gap(across, times[-1], times[0], distance)
    return best
