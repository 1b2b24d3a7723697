"""Repetition by minutes and hours: an interval counted from now ("every 90 minutes"), or
cron when something ties it to the clock: days ("every 3 hours on weekdays"), a window
("every 30 minutes from 9 to 5", also past midnight), a minute mark ("every hour at :15"),
or times that say the same as the step ("every 12 hours at 6am and 6pm").
"""

from __future__ import annotations

from datetime import datetime

from agentcron.timing.language.cron_lists import runs_field
from agentcron.timing.language.facts import (
    Daily,
    Every,
    HourWindow,
    MinuteMark,
    MonthDays,
    Months,
    Start,
    Times,
    Weekdays,
)
from agentcron.timing.language.factset import FactSet, Refusal
from agentcron.timing.language.fields import (
    hours,
    month_field,
    start_clock,
    weekdays_field,
)
from agentcron.timing.language.instants import next_local
from agentcron.timing.spec import IntervalUnit, ScheduleSpec, ScheduleType

__all__ = ["every_hours"]


def every_hours(facts: FactSet, every: Every, tz: str, now: datetime) -> ScheduleSpec:
    """Minutes and hours: an interval from now, or cron when days, hours or months bound it."""
    text = facts.text(Every)
    if Times in facts.kinds:
        agreed = _times_agree(facts, every)
        if agreed is None:
            raise Refusal(
                f'"{text}" and "{facts.text(Times)}" contradict each other',
                f"{text} between 9am and 5pm",
            )
        return ScheduleSpec(ScheduleType.CRON, timezone=tz, cron_expression=agreed)
    daily = facts.get(Daily)
    if daily is not None and daily.period is not None:
        facts.only({Every}, Every, text)
    bounds = {Weekdays, HourWindow, MonthDays, Months}
    if Start in facts.kinds:  # "every 4 hours starting at 8am": counted from the next 08:00
        facts.only({Every, Start, Daily}, Every, f"{text} starting at 8am")
        return ScheduleSpec(
            ScheduleType.INTERVAL,
            timezone=tz,
            interval_value=every.value,
            interval_unit=IntervalUnit(every.unit),
            anchor=next_local(start_clock(facts), None, tz, now),
        )
    facts.only({Every, Daily, MinuteMark} | bounds, Every, f"{text} on weekdays")
    mark = facts.get(MinuteMark)
    if not (facts.kinds & bounds or every.aligned or mark):
        return ScheduleSpec(
            ScheduleType.INTERVAL,
            timezone=tz,
            interval_value=every.value,
            interval_unit=IntervalUnit(every.unit),
            anchor=now,
        )
    value, unit = (
        (1, "hours") if (every.value, every.unit) == (60, "minutes") else (every.value, every.unit)
    )
    window = facts.get(HourWindow)
    if unit == "minutes":
        if 60 % value:
            raise Refusal(
                f'"{text}" cannot keep to the clock; use a step that divides the hour',
                "every 30 minutes on weekdays",
            )
        offset = mark.minute % value if mark else 0  # "every 30 min at :15" is 15 and 45
        minute = "*" if value == 1 else f"*/{value}" if not offset else f"{offset}-59/{value}"
        # minute steps stop before the window's last hour: "9 to 5" ends at 16:59
        hour = "*" if window is None else runs_field(_window_hours(window, 1)[:-1])
    else:
        minute = str(mark.minute) if mark else "0"
        step = "" if value == 1 else f"/{value}"
        if window is not None and window.first > window.last:
            hour = runs_field(_window_hours(window, value))
        elif window is not None:
            hour = f"{window.first}-{window.last}{step}"
        elif 24 % value:
            raise Refusal(
                f'"{text}" cannot keep to the clock; use a step that divides the day',
                "every 3 hours on weekdays",
            )
        else:
            hour = f"*{step}"
    if window is not None and window.first > window.last and Weekdays in facts.kinds:
        raise Refusal(
            f'"{facts.text(HourWindow)}" runs past midnight: its early hours would count on '
            "the next day's weekday; give the nights as two schedules",
            "every hour between 10pm and midnight on weekdays",
        )
    dom = ",".join(d.days) if (d := facts.get(MonthDays)) else "*"
    dow = (
        weekdays_field(facts, f"{text} on weekdays", marked=True)
        if Weekdays in facts.kinds
        else "*"
    )
    return ScheduleSpec(
        ScheduleType.CRON,
        timezone=tz,
        cron_expression=f"{minute} {hour} {dom} {month_field(facts)} {dow}",
    )


def _times_agree(facts: FactSet, every: Every) -> str | None:
    """ "every 12 hours at 6am and 6pm": the times say the same as the step, all day long;
    cron at those times, or None when they say something else ("every 2 hours at 9")."""
    if every.unit != "hours" or 24 % every.value or facts.kinds - {Every, Times, Daily, Weekdays}:
        return None
    minute, hour = hours(facts, "every 12 hours at 6am and 6pm")
    listed = [int(h) for h in hour.split(",")]
    if len(listed) != 24 // every.value or "," in minute:
        return None
    if {(listed[0] + k * every.value) % 24 for k in range(len(listed))} != set(listed):
        return None
    dow = (
        weekdays_field(facts, "every 12 hours on weekdays", marked=True)
        if Weekdays in facts.kinds
        else "*"
    )
    return f"{minute} {hour} * * {dow}"


def _window_hours(window: HourWindow, step: int) -> list[int]:
    """The hours of a window, first to last inclusive, every `step`; past midnight when
    the last comes before the first ("from 10pm to 6am": 22, 23, 0 … 6)."""
    span = (window.last - window.first) % 24
    return [(window.first + k) % 24 for k in range(0, span + 1, step)]
