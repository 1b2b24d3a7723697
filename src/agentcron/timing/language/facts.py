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
class MinuteMark:
    """ "on the hour", "at :15", "at quarter past": the minute of an hourly repetition."""

    minute: int


@dataclass(frozen=True, slots=True)
class PartOfDay:
    """ "in the morning", "at night": how to read a bare hour said elsewhere."""

    period: str


@dataclass(frozen=True, slots=True)
class ExceptDays:
    """ "except on sundays" said apart from its day phrase; `days` are the days left."""

    days: frozenset[int]


@dataclass(frozen=True, slots=True)
class Start:
    """ "starting at 8am": where a repetition by minutes or hours begins counting."""

    clock: Clock


@dataclass(frozen=True, slots=True)
class Every:
    """Repetition by a length: "every 90 minutes", "hourly", "every other day".

    `aligned` ("every hour on the hour") keeps to the clock instead of counting from now.
    """

    value: int
    unit: str  # minutes | hours | days
    aligned: bool = False
    note: str | None = None  # how an ambiguous word was read ("biweekly")


@dataclass(frozen=True, slots=True)
class WeeksApart:
    """ "every other friday", "every 3rd tuesday": one day, every `weeks` weeks."""

    weeks: int
    days: frozenset[int]
    period: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class EveryMonths:
    """ "every other month", "every 3 months": counted from the next matching month."""

    count: int


@dataclass(frozen=True, slots=True)
class Months:
    """ "in january and july", "from june to august": the months a schedule fires in."""

    months: frozenset[int]


@dataclass(frozen=True, slots=True)
class Quarterly:
    """ "quarterly", "every quarter": the first month of each quarter, or the last when
    the day is the last of its month."""


@dataclass(frozen=True, slots=True)
class Count:
    """ "twice a day", "three times a week": checked against the times or days given."""

    times: int
    per: str  # day | week | month | hour | year


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
    """Whole hours, first to last; `days` when the phrase names them too ("business hours")."""

    first: int
    last: int
    days: frozenset[int] | None = None


@dataclass(frozen=True, slots=True)
class MonthDays:
    days: tuple[str, ...]  # "1".."31" or "L"
    months: frozenset[int] | None = None  # "of january and july", "of every quarter"


@dataclass(frozen=True, slots=True)
class NthWeekdays:
    items: tuple[str, ...]  # cron day-of-week items such as "1#1" or "5L"
    explicit_month: bool
    months: frozenset[int] | None = None


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
class OnceOnly:
    """ "once", "just once", "one time": the first fire of the rest of the timing, alone."""


@dataclass(frozen=True, slots=True)
class Zone:
    """An IANA zone; `note` says how a word such as "PT" or "Berlin time" was read."""

    name: str
    note: str | None = None
    # A fixed offset as said ("+02:00", "UTC+2"): right for one instant, wrong for a
    # repetition across daylight saving, so only a one-off takes it.
    fixed: str | None = None


@dataclass(frozen=True, slots=True)
class Unsupported:
    """A clause that was recognised but cannot become a schedule, with a phrase that can."""

    reason: str
    example: str


Fact = (
    Times
    | ExceptDays
    | Start
    | MinuteMark
    | PartOfDay
    | Every
    | WeeksApart
    | EveryMonths
    | Months
    | Quarterly
    | Count
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
    | OnceOnly
    | Zone
    | Unsupported
)


@dataclass(frozen=True, slots=True)
class Clause:
    start: int  # token index
    end: int  # token index, exclusive
    text: str
    fact: Fact
