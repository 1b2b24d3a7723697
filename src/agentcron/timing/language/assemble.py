"""Turning the facts of a sentence's clauses into one schedule spec, or saying why not.

Each path (one-off, yearly, interval, times of day, no time) names the facts it
accepts; anything else in the sentence is a contradiction and is refused, never
dropped.
"""

from __future__ import annotations

import zoneinfo
from datetime import UTC, date, datetime, time, timedelta
from typing import TypeVar

from agentcron.timing.language.facts import (
    CalendarDate,
    Clause,
    Clock,
    Daily,
    Every,
    Fact,
    HourWindow,
    MonthDays,
    Monthly,
    NthWeekdays,
    Offset,
    RelativeDay,
    Times,
    Unsupported,
    Weekdays,
    Weekly,
    Yearly,
    Zone,
)
from agentcron.timing.spec import IntervalUnit, ScheduleSpec, ScheduleType

DEFAULT_EXAMPLE = "every weekday at 9am"
_F = TypeVar("_F", bound=Fact)
_NAMES: dict[type, str] = {
    Times: "times of day",
    Every: "repetitions",
    Daily: "daily phrases",
    Weekly: "weekly phrases",
    Monthly: "monthly phrases",
    Yearly: "yearly phrases",
    Weekdays: "day-of-week phrases",
    HourWindow: "hour windows",
    MonthDays: "days of the month",
    NthWeekdays: "weekdays of the month",
    CalendarDate: "dates",
    RelativeDay: "days",
    Offset: "delays",
    Zone: "time zones",
}


class Refusal(ValueError):
    """Why the clauses make no schedule, and a timing phrase that would."""

    def __init__(self, reason: str, example: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.example = example


class _Facts:
    """The clauses by kind; at most one of each kind."""

    def __init__(self, clauses: list[Clause]) -> None:
        self.by_kind: dict[type, Clause] = {}
        for clause in clauses:
            if isinstance(clause.fact, Unsupported):
                raise Refusal(clause.fact.reason, clause.fact.example)
            kind = type(clause.fact)
            if kind in self.by_kind:
                first = self.by_kind[kind].text
                raise Refusal(
                    f'two {_NAMES[kind]}: "{first}" and "{clause.text}"; one schedule takes one',
                    DEFAULT_EXAMPLE,
                )
            self.by_kind[kind] = clause
        self.kinds = set(self.by_kind) - {Zone}

    def get(self, kind: type[_F]) -> _F | None:
        clause = self.by_kind.get(kind)
        return clause.fact if clause is not None and isinstance(clause.fact, kind) else None

    def text(self, kind: type) -> str:
        return self.by_kind[kind].text

    def only(self, allowed: set[type], main: type, example: str) -> None:
        extra = sorted(self.kinds - allowed, key=lambda k: self.by_kind[k].start)
        if extra:
            raise Refusal(f'"{self.text(extra[0])}" does not go with "{self.text(main)}"', example)


def assemble(clauses: list[Clause], *, timezone: str, now: datetime) -> ScheduleSpec:
    facts = _Facts(clauses)
    zone = facts.get(Zone)
    tz = zone.name if zone else timezone
    if not facts.kinds:
        raise Refusal("found no schedule in the sentence", DEFAULT_EXAMPLE)
    offset = facts.get(Offset)
    if offset:
        facts.only({Offset}, Offset, "in 30 minutes")
        return ScheduleSpec(ScheduleType.ONCE, timezone=tz, run_at=now + offset.delta)
    day = facts.get(CalendarDate)
    if (day and day.recurring) or Yearly in facts.kinds:
        return ScheduleSpec(ScheduleType.CRON, timezone=tz, cron_expression=_yearly(facts))
    if day or RelativeDay in facts.kinds:
        return ScheduleSpec(ScheduleType.ONCE, timezone=tz, run_at=_one_off(facts, tz, now))
    if Every in facts.kinds:
        return _every(facts, tz, now)
    if Times in facts.kinds:
        return ScheduleSpec(ScheduleType.CRON, timezone=tz, cron_expression=_at_times(facts))
    return _without_time(facts, tz, now)


def _hours(facts: _Facts, period: str | None, example: str) -> tuple[str, str]:
    """The minute and hour fields for the sentence's times of day."""
    times = facts.get(Times)
    assert times is not None
    clocks = [_in_period(clock, times.period or period) for clock in times.clocks]
    minutes = {clock.minute for clock in clocks}
    if len(minutes) > 1:
        raise Refusal("times with different minutes need one schedule each", example)
    hours = sorted({clock.hour for clock in clocks})
    return str(minutes.pop()), ",".join(str(h) for h in hours)


_PERIOD_FITS = {
    "morning": lambda h: h < 12,
    "afternoon": lambda h: h >= 12,
    "evening": lambda h: h >= 12,
    "night": lambda h: h >= 18 or h < 6,
}


def _in_period(clock: Clock, period: str | None) -> Clock:
    """ "every evening at 6" is 18:00: a period moves an hour that am/pm did not fix."""
    if period is None:
        return clock
    hour = clock.hour
    if not clock.fixed:
        if period == "morning" and hour == 12:
            hour = 0
        elif period in ("afternoon", "evening") and 1 <= hour <= 11:
            hour += 12
        elif period == "night":
            hour = 0 if hour == 12 else hour + 12 if 6 <= hour <= 11 else hour
    if not _PERIOD_FITS[period](hour):
        raise Refusal(
            f"{clock.hour:02d}:{clock.minute:02d} is not in the {period}",
            f"every {period} at {'7am' if period == 'morning' else '7pm'}",
        )
    return Clock(hour, clock.minute, True)


def dow_field(days: frozenset[int]) -> str:
    """Cron day-of-week: Sunday = 0, runs of three or more as ranges ("1-5", "0,6")."""
    if len(days) == 7:
        return "*"
    ordered, parts, k = sorted(days), [], 0
    while k < len(ordered):
        stop = k
        while stop + 1 < len(ordered) and ordered[stop + 1] == ordered[stop] + 1:
            stop += 1
        if stop - k >= 2:
            parts.append(f"{ordered[k]}-{ordered[stop]}")
        else:
            parts.extend(str(d) for d in ordered[k : stop + 1])
        k = stop + 1
    return ",".join(parts)


def _weekdays(facts: _Facts, example: str) -> str:
    days = facts.get(Weekdays)
    assert days is not None
    if not days.days:
        raise Refusal(f'"{facts.text(Weekdays)}" leaves no day', example)
    if not days.recurring and Weekly not in facts.kinds and Every not in facts.kinds:
        text = facts.text(Weekdays).removeprefix("on ")
        raise Refusal(
            f'"{text}" could be once or every week: say "every {text}" or "next {text}"',
            f"every {text} at 9am",
        )
    return dow_field(days.days)


def _at_times(facts: _Facts) -> str:
    example = "every monday at 9am"
    if HourWindow in facts.kinds:
        raise Refusal(
            f'"{facts.text(HourWindow)}" needs a repetition, not a time of day',
            "every hour between 9am and 5pm",
        )
    allowed = {Times, Daily, Weekly, Monthly, Weekdays, MonthDays, NthWeekdays}
    facts.only(allowed, Times, example)
    day_kinds = [k for k in (Daily, Weekdays, MonthDays, NthWeekdays) if k in facts.kinds]
    if len(day_kinds) > 1:
        raise Refusal(
            f'"{facts.text(day_kinds[0])}" and "{facts.text(day_kinds[1])}" '
            "cannot share one schedule",
            example,
        )
    daily, weekdays = facts.get(Daily), facts.get(Weekdays)
    period = (daily.period if daily else None) or (weekdays.period if weekdays else None)
    minute, hour = _hours(facts, period, "every day at 9am")
    dom, dow = "*", "*"
    marker = Monthly if Monthly in facts.kinds else Weekly if Weekly in facts.kinds else None
    if weekdays:
        if marker is Monthly:
            raise Refusal(
                f'"{facts.text(Weekdays)}" does not say which week of the month',
                "on the first monday of every month at 9am",
            )
        dow = _weekdays(facts, "every weekday at 9am")
    elif (days := facts.get(MonthDays)) is not None:
        if marker is Weekly:
            facts.only(allowed - {Weekly}, MonthDays, "on the 1st of every month at 9am")
        dom = ",".join(days.days)
    elif (nth := facts.get(NthWeekdays)) is not None:
        if not nth.explicit_month and marker is not Monthly:
            raise Refusal(
                f'"{facts.text(NthWeekdays)}" of what? say "of every month"',
                "on the first monday of every month at 9am",
            )
        dow = ",".join(nth.items)
    elif marker is Monthly:
        raise Refusal("monthly, but on which day of the month?", "monthly on the 1st at 9am")
    elif marker is Weekly:
        raise Refusal("weekly, but on which day?", "weekly on monday at 9am")
    return f"{minute} {hour} {dom} * {dow}"


def _yearly(facts: _Facts) -> str:
    example = "every year on march 3rd at 9am"
    day = facts.get(CalendarDate)
    if day is None:
        raise Refusal("yearly, but on which date?", example)
    if day.year is not None:
        raise Refusal("a yearly date takes no year", example)
    if Times not in facts.kinds:
        raise Refusal(f'"{facts.text(CalendarDate)}" needs a time of day', example)
    facts.only({CalendarDate, Yearly, Times}, CalendarDate, example)
    minute, hour = _hours(facts, None, example)
    return f"{minute} {hour} {day.day} {day.month} *"


def _one_off(facts: _Facts, tz: str, now: datetime) -> datetime:
    example = "tomorrow at 3pm"
    main = CalendarDate if CalendarDate in facts.kinds else RelativeDay
    facts.only({main, Times}, main, example)
    times = facts.get(Times)
    if times is None:
        raise Refusal(f'"{facts.text(main)}" needs a time of day', example)
    if len(times.clocks) > 1:
        raise Refusal("a one-off runs once: give one time", example)
    zone = _zone(tz)
    relative = facts.get(RelativeDay)
    clock = _in_period(times.clocks[0], times.period or (relative.period if relative else None))
    today = now.astimezone(zone).date()
    day = facts.get(CalendarDate)
    if day is not None:
        years = [day.year] if day.year else [today.year + k for k in range(9)]
        for year in years:
            try:
                candidate = local_instant(date(year, day.month, day.day), clock, zone)
            except ValueError:
                continue  # February 29 outside a leap year
            if candidate > now:
                return candidate
        raise Refusal(f'"{facts.text(CalendarDate)}" is in the past', "on december 18 at 2pm")
    assert relative is not None
    ahead = relative.days_ahead
    if relative.weekday is not None:
        ahead = (relative.weekday - today.isoweekday() % 7) % 7
        if relative.strictly_after_today and ahead == 0:
            ahead = 7
    candidate = local_instant(today + timedelta(days=ahead), clock, zone)
    if candidate <= now:
        raise Refusal(
            f'"{facts.text(RelativeDay)}" at {clock.hour:02d}:{clock.minute:02d} '
            "has already passed",
            example,
        )
    return candidate


def _zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
        raise Refusal(
            f'"{name}" is not a time zone I know', "tomorrow at 3pm in Europe/Berlin"
        ) from error


def local_instant(day: date, clock: Clock, zone: zoneinfo.ZoneInfo) -> datetime:
    """The UTC instant of a wall-clock time; a time skipped by DST moves to the end of the gap,
    a repeated one takes its first occurrence (as cron does)."""
    wall = datetime.combine(day, time(clock.hour, clock.minute))
    for step in range(181):
        candidate = wall + timedelta(minutes=step)
        aware = candidate.replace(tzinfo=zone)
        if aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == candidate:
            return aware.astimezone(UTC)
    return wall.replace(tzinfo=zone).astimezone(UTC)


def _every(facts: _Facts, tz: str, now: datetime) -> ScheduleSpec:
    every = facts.get(Every)
    assert every is not None
    text = facts.text(Every)
    if Times in facts.kinds and every.unit == "days":
        raise Refusal(
            f'"{text}" counts days from now and cannot also keep to a time of day',
            "every day at 9am",
        )
    if Times in facts.kinds:
        raise Refusal(
            f'"{text}" and "{facts.text(Times)}" contradict each other',
            f"{text} between 9am and 5pm",
        )
    daily = facts.get(Daily)
    if daily is not None and daily.period is not None:
        facts.only({Every}, Every, text)
    facts.only({Every, Weekdays, HourWindow, MonthDays, Daily}, Every, f"{text} on weekdays")
    if not facts.kinds & {Weekdays, HourWindow, MonthDays}:
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
        minute = "*" if value == 1 else f"*/{value}"
        last = window.last - 1 if window else 0
        hour = (
            "*"
            if window is None
            else str(window.first)
            if last == window.first
            else f"{window.first}-{last}"
        )
    elif unit == "hours":
        minute = "0"
        step = "" if value == 1 else f"/{value}"
        if window is not None:
            hour = f"{window.first}-{window.last}{step}"
        elif 24 % value:
            raise Refusal(
                f'"{text}" cannot keep to the clock; use a step that divides the day',
                "every 3 hours on weekdays",
            )
        else:
            hour = f"*{step}"
    else:
        raise Refusal(
            f'"{text}" counts elapsed days; it does not combine with days or hours',
            "every weekday at 9am",
        )
    dom = ",".join(d.days) if (d := facts.get(MonthDays)) else "*"
    dow = _weekdays(facts, f"{text} on weekdays") if Weekdays in facts.kinds else "*"
    return ScheduleSpec(
        ScheduleType.CRON, timezone=tz, cron_expression=f"{minute} {hour} {dom} * {dow}"
    )


def _without_time(facts: _Facts, tz: str, now: datetime) -> ScheduleSpec:
    daily = facts.get(Daily)
    if facts.kinds == {Daily} and daily is not None and daily.period is None:
        return ScheduleSpec(
            ScheduleType.INTERVAL,
            timezone=tz,
            interval_value=1,
            interval_unit=IntervalUnit.DAYS,
            anchor=now,
        )
    if facts.kinds == {Weekly}:
        return ScheduleSpec(
            ScheduleType.INTERVAL,
            timezone=tz,
            interval_value=7,
            interval_unit=IntervalUnit.DAYS,
            anchor=now,
        )
    if HourWindow in facts.kinds:
        raise Refusal(
            f'"{facts.text(HourWindow)}" needs a repetition', "every hour between 9am and 5pm"
        )
    weekdays = facts.get(Weekdays)
    if weekdays is not None and not weekdays.recurring and Weekly not in facts.kinds:
        _weekdays(facts, DEFAULT_EXAMPLE)
    first = min(facts.kinds, key=lambda k: facts.by_kind[k].start)
    if first in (Monthly, Yearly, Weekly) and len(facts.kinds) == 1:
        example = {
            Monthly: "monthly on the 1st at 9am",
            Yearly: "every year on march 3rd at 9am",
            Weekly: "weekly on monday at 9am",
        }[first]
        raise Refusal(f'"{facts.text(first)}" needs a day and a time of day', example)
    phrase = " ".join(
        c.text
        for c in sorted(facts.by_kind.values(), key=lambda c: c.start)
        if not isinstance(c.fact, Zone)
    )
    return _refuse_timeless(phrase)


def _refuse_timeless(phrase: str) -> ScheduleSpec:
    raise Refusal(f'"{phrase}" needs a time of day (I never guess one)', f"{phrase} at 9am")
