"""Turning the facts of a sentence's clauses into one schedule spec, or saying why not.

Each path (one-off, yearly, repetition by a length, times of day, no time) names
the facts it accepts; anything else in the sentence is a contradiction and is
refused, never dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from agentcron.timing.cron import CronTrigger
from agentcron.timing.language.by_hours import every_hours
from agentcron.timing.language.facts import (
    CalendarDate,
    Clause,
    Count,
    Daily,
    Every,
    EveryMonths,
    HourWindow,
    MinuteMark,
    MonthDays,
    Monthly,
    Months,
    NthWeekdays,
    Offset,
    OnceOnly,
    PartOfDay,
    Quarterly,
    RelativeDay,
    Times,
    Weekdays,
    Weekly,
    WeeksApart,
    Yearly,
    Zone,
)
from agentcron.timing.language.factset import DEFAULT_EXAMPLE, FactSet, Refusal
from agentcron.timing.language.fields import (
    hours,
    month_field,
    period_of,
    weekdays_field,
)
from agentcron.timing.language.instants import (
    every_days,
    every_months,
    in_days,
    one_off,
)
from agentcron.timing.spec import IntervalUnit, ScheduleSpec, ScheduleType

__all__ = ["Assembly", "Refusal", "assemble"]

_DAY_KINDS = (Daily, Weekdays, MonthDays, NthWeekdays)


@dataclass(frozen=True)
class Assembly:
    spec: ScheduleSpec
    notes: list[str] = field(default_factory=list)


def assemble(
    clauses: list[Clause], *, timezone: str, now: datetime, from_now: bool = True
) -> Assembly:
    """`from_now=False` refuses "daily" or "every 2 days" without a time, as when the word
    is only an adjective of the command ("send the weekly digest")."""
    if any(isinstance(c.fact, OnceOnly) for c in clauses):
        return _once(clauses, timezone=timezone, now=now)
    facts = FactSet(clauses)
    zone = facts.get(Zone)
    if zone is None or zone.fixed is None:
        return _assemble(facts, zone.name if zone else timezone, now, from_now)
    # "at 2026-12-24T09:00+02:00": one instant, shown in the user's own zone
    assembly = _assemble(facts, zone.name, now, from_now)
    if assembly.spec.schedule_type is not ScheduleType.ONCE:
        raise Refusal(
            f'"{zone.fixed}": name the zone instead of a fixed offset, so daylight saving '
            "is followed",
            "every weekday at 9am in Europe/Berlin",
        )
    note = f'"{zone.fixed}" read as a fixed offset from UTC for this one run'
    return Assembly(replace(assembly.spec, timezone=timezone), [*assembly.notes, note])


_REPEATING = (Every, EveryMonths, Daily, Weekly, Monthly, Yearly, Quarterly, Count, WeeksApart)


def _once(clauses: list[Clause], *, timezone: str, now: datetime) -> Assembly:
    """ "once on the 24th at 9am", "just once, friday at 5pm": the first fire of what the
    rest says, as a one-off; a repetition beside "once" contradicts it."""
    rest = [c for c in clauses if not isinstance(c.fact, OnceOnly)]
    said = next(c.text for c in clauses if isinstance(c.fact, OnceOnly))
    example = "once on the 24th at 9am"
    repeating = [
        c
        for c in rest
        if isinstance(c.fact, _REPEATING) or (isinstance(c.fact, Weekdays) and c.fact.recurring)
    ]
    if repeating:
        raise Refusal(f'"{said}" and "{repeating[0].text}" contradict each other', example)
    if not any(not isinstance(c.fact, Zone) for c in rest):
        raise Refusal(f'"{said}" needs a day and a time of day', example)
    # "once on friday": the next friday, which a weekly reading would fire first
    rest = [
        replace(c, fact=replace(c.fact, recurring=True)) if isinstance(c.fact, Weekdays) else c
        for c in rest
    ]
    assembly = assemble(rest, timezone=timezone, now=now, from_now=False)
    spec = assembly.spec
    if spec.schedule_type is ScheduleType.ONCE:
        return assembly
    if spec.schedule_type is not ScheduleType.CRON or spec.cron_expression is None:
        raise Refusal(f'"{said}" and a repetition contradict each other', example)
    first = CronTrigger(spec.cron_expression, spec.timezone).next_after(now)
    if first is None:
        raise Refusal(f'"{said}": that day and time never come', example)
    once = ScheduleSpec(ScheduleType.ONCE, timezone=spec.timezone, run_at=first)
    return Assembly(once, [*assembly.notes, f'"{said}": only the first of those times'])


def _assemble(facts: FactSet, tz: str, now: datetime, from_now: bool) -> Assembly:
    if not facts.kinds:
        raise Refusal("found no schedule in the sentence", DEFAULT_EXAMPLE)
    notes = list(facts.notes)
    offset = facts.get(Offset)
    if offset and Times in facts.kinds and offset.delta % timedelta(days=1) == timedelta(0):
        # "in 3 days at 9am": that day, at that time
        run_at = in_days(facts, offset.delta.days, tz, now)
        return Assembly(ScheduleSpec(ScheduleType.ONCE, timezone=tz, run_at=run_at), notes)
    if offset:
        facts.only({Offset}, Offset, "in 30 minutes")
        spec = ScheduleSpec(ScheduleType.ONCE, timezone=tz, run_at=now + offset.delta)
        return Assembly(spec, notes)
    day = facts.get(CalendarDate)
    if (day and day.recurring) or Yearly in facts.kinds:
        spec = ScheduleSpec(ScheduleType.CRON, timezone=tz, cron_expression=_yearly(facts))
        return Assembly(spec, notes)
    if day or RelativeDay in facts.kinds:
        spec = ScheduleSpec(ScheduleType.ONCE, timezone=tz, run_at=one_off(facts, tz, now))
        return Assembly(spec, notes)
    if EveryMonths in facts.kinds:
        spec, counted = every_months(facts, tz, now)
        return Assembly(spec, [*notes, counted])
    every = facts.get(Every)
    from_now_reading = _counted_from_now(facts, every, tz, now) if from_now else None
    if from_now_reading is not None:
        spec, note = from_now_reading
        return Assembly(spec, [*notes, note])
    if MinuteMark in facts.kinds and (every is None or every.unit == "days"):
        text = facts.text(MinuteMark)
        raise Refusal(f'"{text}" needs a repetition by hours', f"every hour {text}")
    if every is not None and every.unit == "days":
        return Assembly(every_days(facts, every, tz, now), notes)
    if every is not None:
        return Assembly(every_hours(facts, every, tz, now), notes)
    if Times in facts.kinds:
        spec = ScheduleSpec(ScheduleType.CRON, timezone=tz, cron_expression=_at_times(facts))
        return Assembly(spec, notes)
    raise _without_time(facts)


def _counted_from_now(
    facts: FactSet, every: Every | None, tz: str, now: datetime
) -> tuple[ScheduleSpec, str] | None:
    """ "every 2 days", "daily", "weekly" and nothing else: a length of elapsed time, counted
    from now as "every 6 hours" is. The note says so, because a person may have meant a
    time of day; naming one ("every 2 days at 9am") ties the schedule to the clock."""
    daily, weekly = facts.get(Daily), Weekly in facts.kinds
    if every is not None and every.unit == "days" and facts.kinds == {Every}:
        days = every.value
    elif daily is not None and daily.period is None and facts.kinds == {Daily}:
        days = 1
    elif weekly and facts.kinds == {Weekly}:
        days = 7
    else:
        return None
    phrase = facts.phrase(zone=False)
    clock = "on monday at 9am" if days % 7 == 0 else "at 9am"
    spec = ScheduleSpec(
        ScheduleType.INTERVAL,
        timezone=tz,
        interval_value=days,
        interval_unit=IntervalUnit.DAYS,
        anchor=now,
    )
    note = (
        f'"{phrase}" has no time of day: counted from now, like "every 6 hours"; '
        f'say "{phrase} {clock}" to keep to the clock'
    )
    return spec, note


def _counted(facts: FactSet, times: int) -> None:
    """ "twice a day at 9am and 5pm": the count must say what the times or days say."""
    count = facts.get(Count)
    if count is None:
        return
    text = facts.text(Count)
    if count.per in ("hour", "year"):
        example = (
            "every 30 minutes" if count.per == "hour" else "on the 1st of january and july at 9am"
        )
        raise Refusal(f'"{text}" is not a repetition I can keep to', example)
    if count.per == "day":
        given, what = times, "times of day"
    elif count.per == "week":
        days = facts.get(Weekdays)
        given, what = (len(days.days) if days else 0), "days of the week"
    else:
        month_days, nth = facts.get(MonthDays), facts.get(NthWeekdays)
        given = len(month_days.days) if month_days else len(nth.items) if nth else 0
        what = "days of the month"
    if given != count.times:
        what = what.replace("times", "time").replace("days", "day") if given == 1 else what
        raise Refusal(f'"{text}" but {given} {what} given', _COUNT_EXAMPLES[count.per])


_COUNT_EXAMPLES = {
    "day": "twice a day at 9am and 5pm",
    "week": "twice a week on monday and thursday at 9am",
    "month": "twice a month on the 1st and 15th at 9am",
}


def _at_times(facts: FactSet) -> str:
    example = "every monday at 9am"
    if HourWindow in facts.kinds:
        raise Refusal(
            f'"{facts.text(HourWindow)}" needs a repetition, not a time of day',
            "every hour between 9am and 5pm",
        )
    allowed = {Times, Daily, Weekly, Monthly, Weekdays, MonthDays, NthWeekdays, Months}
    facts.only(allowed | {Quarterly, Count, PartOfDay}, Times, example)
    day_kinds = [k for k in _DAY_KINDS if k in facts.kinds]
    if len(day_kinds) > 1:
        raise Refusal(
            f'"{facts.text(day_kinds[0])}" and "{facts.text(day_kinds[1])}" '
            "cannot share one schedule",
            example,
        )
    minute, hour = hours(facts, "every day at 9am")
    count = facts.get(Count)
    _counted(facts, len(hour.split(",")))
    marker = (
        Monthly
        if Monthly in facts.kinds or (count and count.per == "month")
        else Weekly
        if Weekly in facts.kinds or (count and count.per == "week")
        else None
    )
    dom, dow = "*", "*"
    if Weekdays in facts.kinds:
        if marker is Monthly or Quarterly in facts.kinds:
            raise Refusal(
                f'"{facts.text(Weekdays)}" does not say which week of the month',
                "on the first monday of every month at 9am",
            )
        dow = weekdays_field(facts, "every weekday at 9am", marked=marker is Weekly)
    elif (days := facts.get(MonthDays)) is not None:
        if marker is Weekly:
            facts.only(allowed - {Weekly}, MonthDays, "on the 1st of every month at 9am")
        dom = ",".join(days.days)
    elif (nth := facts.get(NthWeekdays)) is not None:
        scoped = nth.explicit_month or marker is Monthly or Quarterly in facts.kinds
        if not scoped and Months not in facts.kinds:
            raise Refusal(
                f'"{facts.text(NthWeekdays)}" of what? say "of every month"',
                "on the first monday of every month at 9am",
            )
        dow = ",".join(nth.items)
    elif Quarterly in facts.kinds:
        raise Refusal("quarterly, but on which day?", "quarterly on the 1st at 9am")
    elif marker is Monthly:
        raise Refusal("monthly, but on which day of the month?", "monthly on the 1st at 9am")
    elif marker is Weekly:
        raise Refusal("weekly, but on which day?", "weekly on monday at 9am")
    elif Months in facts.kinds and Daily not in facts.kinds:
        text = facts.text(Months)
        raise Refusal(
            f'"{text}" names months but no days: every day, or which?',
            f"every day {text} at 9am",
        )
    return f"{minute} {hour} {dom} {month_field(facts)} {dow}"


def _yearly(facts: FactSet) -> str:
    example = "every year on march 3rd at 9am"
    day = facts.get(CalendarDate)
    if day is None:
        raise Refusal("yearly, but on which date?", example)
    if day.year is not None:
        raise Refusal("a yearly date takes no year", example)
    if Times not in facts.kinds:
        raise Refusal(f'"{facts.text(CalendarDate)}" needs a time of day', example)
    facts.only({CalendarDate, Yearly, Times, PartOfDay}, CalendarDate, example)
    minute, hour = hours(facts, example)
    return f"{minute} {hour} {day.day} {day.month} *"


_NEEDS: dict[type, tuple[str, str]] = {
    Monthly: ("a day and a time of day", "monthly on the 1st at 9am"),
    Yearly: ("a day and a time of day", "every year on march 3rd at 9am"),
    Weekly: ("a day and a time of day", "weekly on monday at 9am"),
    Quarterly: ("a day and a time of day", "quarterly on the 1st at 9am"),
}


def _without_time(facts: FactSet) -> Refusal:
    """Every way a sentence can say when without a time of day; each is refused."""
    if HourWindow in facts.kinds:
        return Refusal(
            f'"{facts.text(HourWindow)}" needs a repetition', "every hour between 9am and 5pm"
        )
    if Weekdays in facts.kinds and Weekly not in facts.kinds:
        weekdays_field(facts, DEFAULT_EXAMPLE)  # a lone "on monday" is refused as ambiguous
    count = facts.get(Count)
    if count is not None:
        if count.per not in _COUNT_EXAMPLES:
            _counted(facts, 0)  # a count per hour or year is refused for what it is
        example = _COUNT_EXAMPLES[count.per]
        return Refusal(f'"{facts.text(Count)}" needs its times (I never guess them)', example)
    marker = facts.first(*_NEEDS)
    if marker is not None and not facts.kinds & {Weekdays, MonthDays, NthWeekdays, CalendarDate}:
        what, example = _NEEDS[marker]
        return Refusal(f'"{facts.text(marker)}" needs {what}', example)
    if facts.kinds == {Months}:
        text = facts.text(Months)
        return Refusal(f'"{text}" needs a day and a time of day', f"every day {text} at 9am")
    phrase = facts.phrase(zone=False)
    return Refusal(f'"{phrase}" needs a time of day (I never guess one)', f"{phrase} {at(facts)}")


_PERIOD_EXAMPLES = {
    "morning": "at 9am",
    "afternoon": "at 3pm",
    "evening": "at 7pm",
    "night": "at 10pm",
}


def at(facts: FactSet) -> str:
    """A time of day for an example that fits the sentence's part of the day."""
    return _PERIOD_EXAMPLES.get(period_of(facts) or "morning", "at 9am")
