"""Schedules that start from an instant computed from `now`: one-offs, repetitions by days or
weeks at a time of day ("every other friday at 5pm"), and "every N months".

A repetition by days is an interval whose anchor is its first fire, the next such
day and time in the zone ("every other friday at 5pm" on a Wednesday starts this
Friday at 17:00); the interval keeps that local time across daylight saving. "Every
N months" is cron, its months counted from the month of the next matching day.
"""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, time, timedelta

from agentcron.timing.cron import CronTrigger
from agentcron.timing.language.facts import (
    CalendarDate,
    Clock,
    Every,
    EveryMonths,
    MonthDays,
    NthWeekdays,
    Offset,
    PartOfDay,
    RelativeDay,
    Start,
    Times,
    Weekdays,
)
from agentcron.timing.language.factset import FactSet, Refusal
from agentcron.timing.language.fields import clocks, hours, period_of, spoken, start_clock
from agentcron.timing.language.months import months_field
from agentcron.timing.spec import IntervalUnit, ScheduleSpec, ScheduleType
from agentcron.timing.wallclock import local_instant

_MONTH_NAMES = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def zone_of(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
        raise Refusal(
            f'"{name}" is not a time zone I know', "tomorrow at 3pm in Europe/Berlin"
        ) from error


def _at(day: date, clock: Clock, zone: zoneinfo.ZoneInfo) -> datetime:
    return local_instant(day, time(clock.hour, clock.minute), zone)


def one_off(facts: FactSet, tz: str, now: datetime) -> datetime:
    example = "tomorrow at 3pm"
    main = CalendarDate if CalendarDate in facts.kinds else RelativeDay
    facts.only({main, Times, PartOfDay}, main, example)
    if Times not in facts.kinds:
        raise Refusal(f'"{facts.text(main)}" needs a time of day', example)
    read = clocks(facts)
    if len(read) > 1:
        raise Refusal("a one-off runs once: give one time", example)
    clock, zone = read[0], zone_of(tz)
    today = now.astimezone(zone).date()
    day = facts.get(CalendarDate)
    if day is not None:
        years = [day.year] if day.year else [today.year + k for k in range(9)]
        for year in years:
            try:
                candidate = _at(date(year, day.month, day.day), clock, zone)
            except ValueError:
                continue  # February 29 outside a leap year
            if candidate > now:
                return candidate
        raise Refusal(f'"{facts.text(CalendarDate)}" is in the past', "on december 18 at 2pm")
    relative = facts.get(RelativeDay)
    assert relative is not None
    ahead = relative.days_ahead
    if relative.weekday is not None:
        ahead = (relative.weekday - today.isoweekday() % 7) % 7
        if relative.strictly_after_today and ahead == 0:
            ahead = 7
    candidate = _at(today + timedelta(days=ahead), clock, zone)
    if candidate <= now:
        raise Refusal(
            f'"{facts.text(RelativeDay)}" at {clock.hour:02d}:{clock.minute:02d} '
            "has already passed",
            example,
        )
    return candidate


def in_days(facts: FactSet, days: int, tz: str, now: datetime) -> datetime:
    """ "in 3 days at 9am", "in two weeks at 10am": that local date, at that time."""
    facts.only({Offset, Times, PartOfDay}, Offset, "in 3 days at 9am")
    read = clocks(facts)
    if len(read) > 1:
        raise Refusal("a one-off runs once: give one time", "in 3 days at 9am")
    zone = zone_of(tz)
    return _at(now.astimezone(zone).date() + timedelta(days=days), read[0], zone)


def every_days(facts: FactSet, every: Every, tz: str, now: datetime) -> ScheduleSpec:
    """ "every 3 days at 9am", "every other friday at 5pm", "every 2 weeks on monday at 9"."""
    text = facts.text(Every)
    weeks = every.value % 7 == 0
    days = facts.get(Weekdays)
    said_weeks = "week" in text.lower() or "fortnight" in text.lower()
    if said_weeks and days is None:  # "every 2 weeks at 9am": from which day? never guessed
        what = "a day of the week" + ("" if Times in facts.kinds else " and a time of day")
        raise Refusal(f'"{text}" needs {what}', f"{text} on monday at 9am")
    if days is not None and not weeks:
        raise Refusal(
            f'"{text}" counts days; it does not combine with days of the week',
            "every other monday at 9am",
        )
    if days is not None and len(days.days) != 1:
        raise Refusal(
            f'"{facts.text(Weekdays)}" names {len(days.days)} days; a repetition by weeks '
            "starts from one day",
            "every other monday at 9am",
        )
    phrase = facts.phrase(zone=False)
    facts.only({Every, Weekdays, Times, PartOfDay, Start}, Every, f"{phrase} at 9am")
    if Times in facts.kinds and Start in facts.kinds:
        raise Refusal(
            f'"{facts.text(Times)}" and "{facts.text(Start)}" are two starts', f"{text} at 9am"
        )
    if Start in facts.kinds:
        read = [start_clock(facts)]
    elif Times in facts.kinds:
        read = clocks(facts)
    else:
        period = period_of(facts)
        example = f"{phrase} at {'7pm' if period in ('evening', 'night') else '9am'}"
        raise Refusal(f'"{phrase}" needs a time of day (I never guess one)', example)
    if len(read) > 1:
        raise Refusal(
            f'"{text}" starts from one time of day; give one',
            f"{facts.phrase({Times: 'at ' + spoken(read[0])}, zone=False)}",
        )
    return ScheduleSpec(
        ScheduleType.INTERVAL,
        timezone=tz,
        interval_value=every.value,
        interval_unit=IntervalUnit.DAYS,
        anchor=next_local(read[0], days.days if days else None, tz, now),
    )


def next_local(clock: Clock, weekdays: frozenset[int] | None, tz: str, now: datetime) -> datetime:
    """The first instant after `now` at this local time (on one of `weekdays`, if given)."""
    zone = zone_of(tz)
    day = now.astimezone(zone).date()
    while True:
        if weekdays is None or day.isoweekday() % 7 in weekdays:
            first = _at(day, clock, zone)
            if first > now:
                return first
        day += timedelta(days=1)


def every_months(facts: FactSet, tz: str, now: datetime) -> tuple[ScheduleSpec, str]:
    """ "every other month on the 1st at 9am": cron in the months counted from the next one."""
    step = facts.get(EveryMonths)
    assert step is not None
    text = facts.text(EveryMonths)
    example = f"{text} on the 1st at 9am"
    if 12 % step.count:
        raise Refusal(
            f'"{text}" does not divide the year; use 2, 3, 4 or 6 months',
            "every 3 months on the 1st at 9am",
        )
    facts.only({EveryMonths, MonthDays, NthWeekdays, Times, PartOfDay}, EveryMonths, example)
    month_days, nth = facts.get(MonthDays), facts.get(NthWeekdays)
    if month_days is None and nth is None:
        raise Refusal(f'"{text}" needs a day of the month and a time of day', example)
    if month_days is not None and nth is not None:
        raise Refusal(
            f'"{facts.text(MonthDays)}" and "{facts.text(NthWeekdays)}" cannot share one schedule',
            example,
        )
    if Times not in facts.kinds:
        phrase = facts.phrase(zone=False)
        raise Refusal(f'"{phrase}" needs a time of day (I never guess one)', f"{phrase} at 9am")
    minute, hour = hours(facts, example)
    dom = ",".join(month_days.days) if month_days is not None else "*"
    dow = ",".join(nth.items) if nth is not None else "*"
    first = CronTrigger(f"{minute} {hour} {dom} * {dow}", tz).next_after(now)
    assert first is not None
    start = first.astimezone(zone_of(tz)).month
    months = frozenset((start - 1 + k * step.count) % 12 + 1 for k in range(12 // step.count))
    ordered = [(start - 1 + k * step.count) % 12 + 1 for k in range(12 // step.count)]
    names = ", ".join(_MONTH_NAMES[m - 1] for m in ordered)
    note = f'"{text}" counted from {_MONTH_NAMES[start - 1]}: {names}'
    expression = f"{minute} {hour} {dom} {months_field(months)} {dow}"
    return ScheduleSpec(ScheduleType.CRON, timezone=tz, cron_expression=expression), note
