"""Times of day and days as cron fields, with the readings a person must not be guessed at.

A clock whose am/pm was not said is read here: a period of the day moves it ("every
evening at 6" is 18:00), 7 to 11 are morning, 12 is noon, and 1 to 6 are refused
with both readings ("at 5" could be 5am or 5pm), never silently 05:00.
"""

from __future__ import annotations

from agentcron.timing.language.cron_lists import runs_field
from agentcron.timing.language.facts import (
    Clock,
    Daily,
    MonthDays,
    Months,
    NthWeekdays,
    PartOfDay,
    Quarterly,
    RelativeDay,
    Start,
    Times,
    Weekdays,
    Weekly,
)
from agentcron.timing.language.factset import FactSet, Refusal
from agentcron.timing.language.months import QUARTER_FIRSTS, QUARTER_LASTS, months_field

_PERIOD_FITS = {
    "morning": lambda h: h < 12,
    "afternoon": lambda h: h >= 12,
    "evening": lambda h: h >= 12,
    "night": lambda h: h >= 18 or h < 6,
}


def spoken(clock: Clock) -> str:
    """ "5pm", "9:30am", "noon", "midnight": how the example sentences say a time."""
    if clock.minute == 0 and clock.hour in (0, 12):
        return "midnight" if clock.hour == 0 else "noon"
    twelve, suffix = clock.hour % 12 or 12, "am" if clock.hour < 12 else "pm"
    return f"{twelve}{suffix}" if clock.minute == 0 else f"{twelve}:{clock.minute:02d}{suffix}"


def _with_period(clock: Clock, period: str) -> Clock:
    """ "every evening at 6" is 18:00: a period moves an hour that am/pm did not fix."""
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


def _read(clock: Clock, period: str | None) -> Clock | None:
    """The clock as a 24-hour time, or None when am/pm is needed and not said."""
    if period is not None:
        return _with_period(clock, period)
    if clock.fixed:
        return clock
    if 1 <= clock.hour <= 6:
        return None
    return Clock(clock.hour, clock.minute, True)  # 7-11 are morning, 12 is noon


def period_of(facts: FactSet) -> str | None:
    """The part of the day a day phrase carries ("every evening", "friday mornings")."""
    times = facts.get(Times)
    said = (times, facts.get(Daily), facts.get(Weekdays), facts.get(RelativeDay))
    for fact in (*said, facts.get(PartOfDay)):
        period = getattr(fact, "period", None)
        if isinstance(period, str):
            return period
    return None


def clocks(facts: FactSet) -> list[Clock]:
    """The sentence's times of day on the 24-hour clock; refuses a bare 1-6 with both readings."""
    times = facts.get(Times)
    assert times is not None
    period = period_of(facts)
    read = [_read(clock, period) for clock in times.clocks]
    if period is None and any(c.fixed and (c.hour >= 13 or c.hour == 0) for c in times.clocks):
        # "at 6 and 18": a list on the 24-hour clock reads its small hours as morning
        read = [
            done or Clock(clock.hour, clock.minute, True)
            for clock, done in zip(times.clocks, read, strict=True)
        ]
    unclear = [clock for clock, done in zip(times.clocks, read, strict=True) if done is None]
    if not unclear:
        return [clock for clock in read if clock is not None]
    first = unclear[0]
    shown = f"{first.hour}:{first.minute:02d}" if first.minute else str(first.hour)
    am = spoken(Clock(first.hour, first.minute, True))
    pm = spoken(Clock(first.hour + 12, first.minute, True))
    said = [
        done if done is not None else Clock(clock.hour + 12, clock.minute, True)
        for clock, done in zip(times.clocks, read, strict=True)
    ]
    listed = ", ".join(spoken(c) for c in said[:-1]) + " and " if len(said) > 1 else ""
    example = facts.phrase({Times: f"at {listed}{spoken(said[-1])}"})
    raise Refusal(f'"{facts.text(Times)}": {shown} could be {am} or {pm}, say which', example)


def start_clock(facts: FactSet) -> Clock:
    """The 24-hour time of "starting at 8am"; refuses a bare 1-6 as `clocks` does."""
    start = facts.get(Start)
    assert start is not None
    read = _read(start.clock, period_of(facts))
    if read is not None:
        return read
    clock = start.clock
    shown = f"{clock.hour}:{clock.minute:02d}" if clock.minute else str(clock.hour)
    am, pm = (spoken(Clock(h, clock.minute, True)) for h in (clock.hour, clock.hour + 12))
    example = facts.phrase({Start: f"starting at {pm}"})
    raise Refusal(f'"{facts.text(Start)}": {shown} could be {am} or {pm}, say which', example)


def hours(facts: FactSet, example: str) -> tuple[str, str]:
    """The minute and hour fields for the sentence's times of day."""
    read = clocks(facts)
    minutes = sorted({clock.minute for clock in read})
    hours = sorted({clock.hour for clock in read})
    # one cron line fires at every minute of its list in every hour of its list: "9:15 and
    # 9:45" is 15,45 past 9, while "9:15 and 10:45" would also fire at 9:45 and 10:15
    if len(minutes) > 1 and {(c.hour, c.minute) for c in read} != {
        (h, m) for h in hours for m in minutes
    }:
        raise Refusal("times with different minutes need one schedule each", example)
    return ",".join(str(m) for m in minutes), ",".join(str(h) for h in hours)


def dow_field(days: frozenset[int]) -> str:
    """Cron day-of-week: Sunday = 0, runs of three or more as ranges ("1-5", "0,6")."""
    return "*" if len(days) == 7 else runs_field(days)


def weekdays_field(facts: FactSet, example: str, *, marked: bool = False) -> str:
    """The day-of-week field; a lone "on monday" needs "every", "weekly" or a repetition."""
    days = facts.get(Weekdays)
    assert days is not None
    if not days.days:
        raise Refusal(f'"{facts.text(Weekdays)}" leaves no day', example)
    if not (days.recurring or marked or Weekly in facts.kinds):
        text = facts.text(Weekdays).removeprefix("on ")
        raise Refusal(
            f'"{text}" could be once or every week: say "every {text}" or "next {text}"',
            f"every {text} at 9am",
        )
    return dow_field(days.days)


def month_field(facts: FactSet) -> str:
    """The month field from "in january and july", "quarterly" or "of each quarter"."""
    sources: list[tuple[str, frozenset[int]]] = []
    listed = facts.get(Months)
    if listed is not None:
        sources.append((facts.text(Months), listed.months))
    for kind in (MonthDays, NthWeekdays):
        fact = facts.get(kind)
        months = getattr(fact, "months", None)
        if isinstance(months, frozenset):
            sources.append((facts.text(kind), months))
    if Quarterly in facts.kinds:
        days = facts.get(MonthDays)
        nth = facts.get(NthWeekdays)
        last = (days is not None and set(days.days) <= {"L", "LW"}) or (
            nth is not None and all(item.endswith("L") for item in nth.items)
        )
        sources.append((facts.text(Quarterly), QUARTER_LASTS if last else QUARTER_FIRSTS))
    if not sources:
        return "*"
    if len({months for _, months in sources}) > 1:
        raise Refusal(
            f'"{sources[0][0]}" and "{sources[1][0]}" name different months',
            "on the 1st of january and july at 9am",
        )
    return months_field(sources[0][1])
