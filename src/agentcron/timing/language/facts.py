"""What one timing clause says, before the clauses are put together.

Each clause of a sentence ("every weekday", "at 9am", "in Europe/Berlin") yields
one fact; `assemble` decides whether the facts make one schedule. Keeping the two
steps apart is what lets the timing phrase stand anywhere in the sentence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True, slots=True)
class Clock:
    """A time of day; `fixed` when am/pm, noon, midnight or the 24-hour form already decided it."""

    hour: int
    minute: int
    fixed: bool


@dataclass(frozen=True, slots=True)
class Times:
    clocks: tuple[Clock, ...]
    period: str | None = None


@dataclass(frozen=True, slots=True)
class Every:
    """Elapsed-time repetition: "every 90 minutes", "hourly", "every other day"."""

    value: int
    unit: str  # minutes | hours | days


@dataclass(frozen=True, slots=True)
class Daily:
    """ "every day", "daily", "every evening": each day, at a time given elsewhere."""

    period: str | None = None


@dataclass(frozen=True, slots=True)
class Weekly:
    pass


@dataclass(frozen=True, slots=True)
class Monthly:
    pass


@dataclass(frozen=True, slots=True)
class Yearly:
    pass


@dataclass(frozen=True, slots=True)
class Weekdays:
    """Days of the week (cron numbers, Sunday = 0); `recurring` is False for a lone "monday"."""

    days: frozenset[int]
    recurring: bool
    period: str | None = None


@dataclass(frozen=True, slots=True)
class HourWindow:
    first: int
    last: int


@dataclass(frozen=True, slots=True)
class MonthDays:
    days: tuple[str, ...]  # "1".."31" or "L"


@dataclass(frozen=True, slots=True)
class NthWeekdays:
    items: tuple[str, ...]  # cron day-of-week items such as "1#1" or "5L"
    explicit_month: bool


@dataclass(frozen=True, slots=True)
class CalendarDate:
    month: int
    day: int
    year: int | None
    recurring: bool


@dataclass(frozen=True, slots=True)
class RelativeDay:
    """today, tomorrow, "next friday" (`days_ahead` fixed or counted to `weekday`)."""

    days_ahead: int
    weekday: int | None = None
    strictly_after_today: bool = False
    period: str | None = None


@dataclass(frozen=True, slots=True)
class Offset:
    delta: timedelta


@dataclass(frozen=True, slots=True)
class Zone:
    name: str


@dataclass(frozen=True, slots=True)
class Unsupported:
    """A clause that was recognised but cannot become a schedule, with a phrase that can."""

    reason: str
    example: str


Fact = (
    Times
    | Every
    | Daily
    | Weekly
    | Monthly
    | Yearly
    | Weekdays
    | HourWindow
    | MonthDays
    | NthWeekdays
    | CalendarDate
    | RelativeDay
    | Offset
    | Zone
    | Unsupported
)


@dataclass(frozen=True, slots=True)
class Clause:
    start: int  # token index
    end: int  # token index, exclusive
    text: str
    fact: Fact
