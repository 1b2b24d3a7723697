"""Days of the month and of the year: "on the 1st and 15th", "the first monday of every month",
"last day of the month", "every march 3rd", "on 2026-12-24", "tomorrow", "next friday",
"the 1st of january, april, july and october", "the last day of each quarter".

A date without "every"/"yearly" is a one-off ("on december 18 at 2pm"); with it, a
yearly schedule. A day of the month on its own ("on the 15th") repeats monthly;
with a list of months ("of january and july") or a quarter, in those months.
"""

from __future__ import annotations

import calendar
import re
import zoneinfo

from agentcron.timing.language.facts import (
    CalendarDate,
    Fact,
    MonthDays,
    NthWeekdays,
    RelativeDay,
    Unsupported,
)
from agentcron.timing.language.lexicon import (
    ISO_DATE,
    MONTHS,
    ORDINAL_WORDS,
    PERIODS,
    ordinal,
    weekday,
)
from agentcron.timing.language.months import QUARTER_FIRSTS, QUARTER_LASTS, month_list
from agentcron.timing.language.words import Match, Words

MONTH_DAY_EXAMPLE = "on the 1st of every month at 9am"
NTH_EXAMPLE = "on the first monday of every month at 9am"
DATE_EXAMPLE = "on december 18 at 2pm"


def _lead(w: Words, i: int) -> tuple[int, bool]:
    """Past an optional "on", "every"/"each" and "the"; whether "every" was there."""
    j = w.skip(i, "on")
    every = w.at(j) in ("every", "each")
    return w.skip(w.skip(j, "every", "each"), "the"), every


_QUARTER = frozenset({0})  # a marker: which months depends on first or last days


def _scope(w: Words, i: int) -> tuple[int, frozenset[int] | None] | None:
    """Past "of every month" (None: all months), "of each quarter" (`_QUARTER`) or
    "of january and july" (those months); None when nothing of the sort follows."""
    suffix = w.month_suffix(i)
    if suffix is not None:
        return suffix, None
    if w.at(i) == "quarterly":
        return i + 1, _QUARTER
    j = w.skip(i, "of", "in")
    if w.at(j) in ("every", "each", "the", "a") and w.at(j + 1) == "quarter":
        return j + 2, _QUARTER
    if w.at(i) == "of" and (found := month_list(w, i + 1)) is not None:
        return found[0], found[1]
    return None


def _in_quarter(ends: list[bool]) -> frozenset[int] | Unsupported:
    """The first months of each quarter, or the last ones when every day is a last day."""
    if all(ends):
        return QUARTER_LASTS
    if not any(ends):
        return QUARTER_FIRSTS
    return Unsupported(
        "first and last days of a quarter fall in different months: one schedule each",
        "on the first day of every quarter at 9am",
    )


def _month_day(w: Words, i: int) -> tuple[int, str] | None:
    word = w.at(i)
    if word == "last":
        return i + 1, "L"
    number = ordinal(word)
    return None if number is None else (i + 1, str(number))


def _numbered_days(w: Words, j: int) -> tuple[int, list[str]] | None:
    """ "days 1 and 15", "day 10": numbers after "day(s)"."""
    if w.at(j) not in ("day", "days") or not w.at(j + 1).isdigit():
        return None
    k, days = j + 2, [str(int(w.at(j + 1)))]
    while (m := w.joiner(k)) is not None and w.at(m).isdigit():
        days.append(str(int(w.at(m))))
        k = m + 1
    return k, days


def match_month_days(w: Words, i: int) -> Match | None:
    """ "on the 15th", "the 1st and 15th of every month", "last day of the month", "every 15th"."""
    j, every = _lead(w, i)
    numbered = _numbered_days(w, j)
    if numbered is not None:  # "on days 1 and 15"
        j, days = numbered
        words, day_word = days, True
    else:
        first = _month_day(w, j)
        if first is None:
            return None
        j, day = first
        days, words = [day], [w.at(j - 1)]
        while (k := w.joiner(j)) is not None:
            more = _month_day(w, w.skip(k, "the"))
            if more is None:
                break
            j, day = more
            days.append(day)
            words.append(w.at(j - 1))
        day_word = w.at(j) == "day"
        j = w.skip(j, "day")
    scope = _scope(w, j)
    j = scope[0] if scope is not None else j
    spelled = any(word in ORDINAL_WORDS or word == "last" for word in words)
    if spelled and not (day_word or scope is not None):
        return None  # "the first draft", "the last step": words, not days
    if not (w.at(i) == "on" or every or scope is not None or day_word):
        return None
    bad = [d for d in days if d != "L" and not 1 <= int(d) <= 31]
    if bad:
        return j, Unsupported(f"there is no day {bad[0]} in a month", MONTH_DAY_EXAMPLE)
    months = scope[1] if scope is not None else None
    if months is _QUARTER:
        quarter = _in_quarter([d in ("L", "LW") for d in days])
        if isinstance(quarter, Unsupported):
            return j, quarter
        months = quarter
    elif months is not None and len(months) == 1 and not every:
        return j, Unsupported(
            f'"{w.text(i, j)}": once, or every year? say "every year on …"',
            "every year on january 1st at 9am",
        )
    return j, MonthDays(tuple(dict.fromkeys(days)), months)


def _nth(word: str) -> str | None:
    if word == "last":
        return "L"
    number = ordinal(word)
    return None if number is None else str(number)


def match_nth_weekdays(w: Words, i: int) -> Match | None:
    """ "the first monday of every month", "last friday of the month", "1st and 3rd tuesday"."""
    j, every = _lead(w, i)
    had_the = w.at(j - 1) == "the"
    pending: list[str] = []
    items: list[str] = []
    end = None
    while True:
        nth = _nth(w.at(j))
        if nth is None:
            break
        pending.append(nth)
        j += 1
        day = weekday(w.at(j))
        if day is not None:
            j += 1
            items.extend(f"{day[0]}L" if n == "L" else f"{day[0]}#{n}" for n in pending)
            pending, end = [], j
        k = w.joiner(j)
        if k is None:
            break
        j = w.skip(k, "the")
    if end is None:
        return None
    scope = _scope(w, end)
    if not (scope is not None or every or had_the):
        return None
    end = scope[0] if scope is not None else end
    bad = [item for item in items if "#" in item and not 1 <= int(item.split("#")[1]) <= 5]
    if bad:
        return end, Unsupported("a month has at most five of each weekday", NTH_EXAMPLE)
    months = scope[1] if scope is not None else None
    if months is _QUARTER:
        quarter = _in_quarter([item.endswith("L") for item in items])
        if isinstance(quarter, Unsupported):
            return end, quarter
        months = quarter
    elif months is not None and len(months) == 1 and not every:
        return end, Unsupported(
            f'"{w.text(i, end)}": once, or every year? say "every …"',
            "every first monday of january at 9am",
        )
    # "every first monday", "every last friday", "every 2nd and 4th tuesday" can only mean
    # each month; a lone "every second tuesday" is every other week (days.match_weeks_apart).
    monthly = every and (len(items) > 1 or all(item.endswith(("#1", "L")) for item in items))
    return end, NthWeekdays(tuple(dict.fromkeys(items)), scope is not None or monthly, months)


def _day_number(word: str) -> int | None:
    if word.isascii() and word.isdigit() and len(word) <= 2:
        return int(word)
    return ordinal(word)


def _year(w: Words, i: int) -> tuple[int, int | None]:
    j = i + 1 if w.at(i) == "," else i
    word = w.at(j)
    if len(word) == 4 and word.isascii() and word.isdigit():
        return j + 1, int(word)
    return i, None


def _yearly_suffix(w: Words, i: int) -> int | None:
    if w.at(i) in ("yearly", "annually"):
        return i + 1
    j = w.skip(i, "of")
    if w.at(j) in ("every", "each") and w.at(j + 1) == "year":
        return j + 2
    return None


def _holiday(w: Words, j: int) -> tuple[int, tuple[int, int]] | None:
    for size in (3, 2, 1):
        key = tuple(w.at(j + k) for k in range(size))
        if key in HOLIDAYS:
            return j + size, HOLIDAYS[key]
    return None


def match_date(w: Words, i: int) -> Match | None:
    """ "december 18", "18th of december 2026", "2026-12-24", "every march 3rd", "christmas"."""
    j, every = _lead(w, i)
    if w.at(i) in ("at", "@") and ISO_DATE.fullmatch(w.at(i + 1)):
        j = i + 1  # "at 2026-12-24 09:00", as machines write an instant
    holiday = _holiday(w, j)
    if holiday is not None and (every or w.at(i) == "on"):  # not "the christmas card list"
        end, (holiday_month, holiday_day) = holiday
        suffix = _yearly_suffix(w, end)
        yearly = every or suffix is not None
        return suffix or end, _checked_date(holiday_month, holiday_day, None, recurring=yearly)
    numeric = _NUMERIC_DATE.fullmatch(w.at(j))
    # "the 9/11 documentary" is no date; "on 24/12" and "12/20/2026" (with its year) are
    if numeric and not every and (w.at(i) == "on" or numeric.group(4)):
        return j + 1, _numeric_date(w.tokens[j].text, *numeric.groups())
    iso = ISO_DATE.fullmatch(w.at(j))
    if iso and not every:
        iso_year, iso_month, iso_day = (int(part) for part in iso.groups())
        return j + 1, _checked_date(iso_month, iso_day, iso_year, recurring=False)
    month: int | None = MONTHS.get(w.at(j))
    day: int | None
    if month is not None:
        day = _day_number(w.at(j + 1))
        j += 2
    else:
        day = _day_number(w.at(j))
        k = w.skip(j + 1, "of")
        month = MONTHS.get(w.at(k))
        j = k + 1
    if month is None or day is None:
        return None
    j, year = _year(w, j)
    suffix = _yearly_suffix(w, j)
    j = suffix if suffix is not None else j
    return j, _checked_date(month, day, year, recurring=every or suffix is not None)


_NUMERIC_DATE = re.compile(r"([0-9]{1,2})([./])([0-9]{1,2})(?:\2([0-9]{4}))?")


def _numeric_date(text: str, first: str, sep: str, second: str, year: str | None) -> Fact:
    """ "24.12.2026" is day.month (with its year: "9.30" is a time); "12/24" and "24/12"
    are read only when one part cannot be a month, "03/04" is March 4 or April 3."""
    a, b = int(first), int(second)
    if sep == ".":
        if year is None:
            return Unsupported(f'"{text}" needs its year, or a month name', DATE_EXAMPLE)
        return _checked_date(b, a, int(year), recurring=False)
    if a > 12 >= b:
        return _checked_date(b, a, int(year) if year else None, recurring=False)
    if b > 12 >= a:
        return _checked_date(a, b, int(year) if year else None, recurring=False)
    return Unsupported(f'"{text}" could be month/day or day/month: name the month', DATE_EXAMPLE)


def _checked_date(month: int, day: int, year: int | None, *, recurring: bool) -> Fact:
    if not 1 <= month <= 12:
        return Unsupported(f"there is no month {month}", DATE_EXAMPLE)
    if year is not None and not 1970 <= year <= 2999:
        return Unsupported(f"the year {year} is out of reach", DATE_EXAMPLE)
    if recurring and year is not None:
        return Unsupported("a yearly date takes no year", "every year on march 3rd at 9am")
    length = calendar.monthrange(year or 2000, month)[1]  # 2000 was a leap year
    if not 1 <= day <= length:
        name = calendar.month_name[month]
        return Unsupported(f"{name} has no day {day}", DATE_EXAMPLE)
    return CalendarDate(month, day, year, recurring)


_DAYS_AHEAD = {"today": 0, "tomorrow": 1, "tmrw": 1, "tonight": 0}
# Holidays on a fixed date; the ones that move (Easter, Thanksgiving) are refused as
# leftovers that look like timing.
HOLIDAYS: dict[tuple[str, ...], tuple[int, int]] = {
    ("christmas",): (12, 25),
    ("christmas", "day"): (12, 25),
    ("xmas",): (12, 25),
    ("christmas", "eve"): (12, 24),
    ("new", "year's", "day"): (1, 1),
    ("new", "years", "day"): (1, 1),
    ("new", "year's", "eve"): (12, 31),
    ("new", "years", "eve"): (12, 31),
    ("halloween",): (10, 31),
    ("valentine's", "day"): (2, 14),
    ("valentines", "day"): (2, 14),
}


def _in_next_week(w: Words, j: int) -> tuple[int, RelativeDay] | None:
    """ "next week on wednesday", "wednesday next week": that day of the coming calendar
    week (Monday to Sunday), counted from today in the caller's zone."""
    day, end = None, None
    if (after := w.seq(j, "next", "week")) is not None:
        k = w.skip(after, "on")
        day, end = weekday(w.at(k)), k + 1
    elif (found := weekday(w.at(j))) is not None and w.seq(j + 1, "next", "week") is not None:
        day, end = found, j + 3
    if day is None or end is None or day[2]:  # "next week on mondays" is no one day
        return None
    try:
        today = w.now.astimezone(zoneinfo.ZoneInfo(w.context)).date()
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):  # refused later, for the zone
        today = w.now.date()
    ahead = (7 - today.weekday()) + (day[0] - 1) % 7  # to next Monday, then to the day
    return end, RelativeDay(ahead)


def match_relative_day(w: Words, i: int) -> Match | None:
    """ "today", "tomorrow morning", "tonight", "the day after tomorrow", "next friday"."""
    j = w.skip(i, "on")
    word = w.at(j)
    if word in _DAYS_AHEAD:
        period = "night" if word == "tonight" else None
        end, fact = j + 1, RelativeDay(_DAYS_AHEAD[word], period=period)
    elif (after := w.seq(w.skip(j, "the"), "day", "after", "tomorrow")) is not None:
        end, fact = after, RelativeDay(2)
    elif word == "this" and w.at(j + 1) in PERIODS and not w.at(j + 1).endswith("s"):
        return j + 2, RelativeDay(0, period=PERIODS[w.at(j + 1)])
    elif (week := _in_next_week(w, j)) is not None:
        end, fact = week
    elif word in ("next", "this", "coming"):
        k = w.skip(j + 1, "coming") if word == "this" else j + 1
        day = weekday(w.at(k))
        if day is None or day[2]:
            return None
        end, fact = k + 1, RelativeDay(0, weekday=day[0], strictly_after_today=word == "next")
    else:
        return None
    if fact.period is None and w.at(end) in PERIODS and not w.at(end).endswith("s"):
        return end + 1, RelativeDay(
            fact.days_ahead, fact.weekday, fact.strictly_after_today, PERIODS[w.at(end)]
        )
    return end, fact
