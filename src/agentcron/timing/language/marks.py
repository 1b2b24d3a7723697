"""Parts of an hour or of a day said without a clock: "on the hour", "at quarter past",
"at :15", "in the morning", "on odd days".

"On the hour" and its kin fix the minute of an hourly repetition ("every hour at
:15" is `15 * * * *`); a part of the day says how to read a bare hour said
elsewhere ("every day in the evening at 6" is 18:00). Neither is a schedule alone.
"""

from __future__ import annotations

import re

from agentcron.timing.language.facts import (
    MinuteMark,
    MonthDays,
    PartOfDay,
    Start,
    Unsupported,
    Weekdays,
)
from agentcron.timing.language.lexicon import PERIODS
from agentcron.timing.language.months import QUARTER_LASTS
from agentcron.timing.language.times_of_day import BadClock, read_clock
from agentcron.timing.language.words import Match, Words

_COLON_MINUTE = re.compile(r":([0-5][0-9])")
_FRACTIONS = {"half": 30, "quarter": 15}


def match_minute_mark(w: Words, i: int) -> Match | None:
    """ "on the hour", "at the top of the hour", "at half past", "at :15", "at 20 past"."""
    if (end := w.seq(i, "on", "the", "hour")) is not None:
        both = w.seq(w.skip(w.skip(end, "and"), "the"), "half", "hour")  # "… and half hour"
        return both or end, MinuteMark(0)
    if (end := w.seq(i, "on", "the", "half", "hour")) is not None:
        return end, MinuteMark(30)
    if (end := w.seq(i, "at", "the", "top", "of", "the", "hour")) is not None:
        return end, MinuteMark(0)
    if (end := w.seq(i, "at", "the", "bottom", "of")) is not None and _hourly_follows(w, end):
        return _past_the_hour(w, end), MinuteMark(30)  # "at the bottom of every hour"
    led = w.at(i) in ("at", "@")
    j = w.skip(i + 1, "a") if led else w.skip(i, "a")
    word = w.at(j)
    if led and (found := _COLON_MINUTE.fullmatch(word)) is not None:
        return _past_the_hour(w, j + 1), MinuteMark(int(found.group(1)))
    if word in _FRACTIONS and w.at(j + 1) in ("past", "after", "to"):
        if w.at(j + 2) and w.at(j + 2)[0].isdigit():
            return None  # "at half past 9" is a time of day
        if not (led or _hourly_follows(w, j + 2)):
            return None
        minute = _FRACTIONS[word] if w.at(j + 1) != "to" else 60 - _FRACTIONS[word]
        return _past_the_hour(w, j + 2), MinuteMark(minute)
    if word.isdigit() and len(word) <= 2 and int(word) < 60:
        k = w.skip(j + 1, "minutes", "minute", "mins", "min")
        # "10 to the hour" is :50; "at 10 to 5" is a time of day, left to the clock reader
        before = w.at(k) == "to" and int(word) > 0 and w.seq(k + 1, "the", "hour") is not None
        past = w.at(k) in ("past", "after")
        # Without "at", only where an hour follows: "15 minutes past every hour", never
        # "5 minutes after the deploy"
        if (past or before) and (led or _hourly_follows(w, k + 1)):
            return _past_the_hour(w, k + 1), MinuteMark(60 - int(word) if before else int(word))
    return None


def _hourly_follows(w: Words, j: int) -> bool:
    """ "the hour", "every hour", "each hour", "hourly" at j."""
    return (
        w.seq(j, "the", "hour") is not None
        or w.at(j) == "hourly"
        or (w.at(j) in ("every", "each") and w.at(j + 1) == "hour")
    )


def _past_the_hour(w: Words, j: int) -> int:
    return w.seq(j, "the", "hour") or j  # "every hour" after it is a clause of its own


def match_part_of_day(w: Words, i: int) -> Match | None:
    """ "in the morning", "in the evening", "at night", "in the afternoon"."""
    if w.at(i) == "in" and w.at(i + 1) == "the" and w.at(i + 2) in PERIODS:
        return i + 3, PartOfDay(PERIODS[w.at(i + 2)])
    if w.at(i) == "at" and w.at(i + 1) == "night":
        return i + 2, PartOfDay("night")
    return None


def match_odd_days(w: Words, i: int) -> Match | None:
    """ "on odd days", "on even-numbered days of the month"."""
    j = w.skip(w.skip(i, "on", "every"), "the")
    kind = w.at(j)
    if kind not in ("odd", "even", "odd-numbered", "even-numbered"):
        return None
    k = w.skip(j + 1, "numbered")
    if w.at(k) not in ("days", "dates") and not (w.at(k) == "day" and w.at(i) == "every"):
        return None
    end = w.month_suffix(k + 1) or k + 1
    return end, MonthDays(("1-31/2",) if kind.startswith("odd") else ("2-30/2",))


_EDGES = {"start": "1", "beginning": "1", "end": "L"}
_BUSINESS = ("business", "working", "work", "week")


def match_month_edge(w: Words, i: int) -> Match | None:
    """ "at the start of every month" (the 1st), "at the end of the month" (the last day),
    "on the last business day of the month" (`LW`); "the first business day" has no cron."""
    j = w.skip(w.skip(i, "at", "on", "by"), "the")
    led = w.at(i) in ("at", "on", "by")  # "the month end report" is the command's
    if led and (end := w.seq(j, "month", "end") or w.seq(j, "month-end")) is not None:
        return end, MonthDays(("L",))  # "at month end", "on month-end"
    if w.at(j) in _EDGES and w.at(j + 1) == "of":
        k = w.skip(j + 2, "the", "every", "each", "a")
        # "at the start of the week" is monday; "plan the start of the week" names no time
        if w.at(k) == "week" and k > j + 2 and w.at(i) in ("at", "on", "by"):
            if w.at(j) == "end":
                return k + 1, Unsupported(
                    f'"{w.text(i, k + 1)}": friday or sunday? name the day',
                    "every friday at 5pm",
                )
            return k + 1, Weekdays(frozenset({1}), True)
        end = w.month_suffix(j + 1)
        if end is not None:
            return end, MonthDays((_EDGES[w.at(j)],))
        return None
    if w.at(j) not in ("last", "first"):
        return None
    if w.at(j + 1) in _BUSINESS and w.at(j + 2) == "day":
        k = j + 3
    elif w.at(j + 1) in ("weekday", "workday", "business-day"):
        k = j + 2  # "the last weekday of the month" is one day, not Monday to Friday
    else:
        return None
    of = w.skip(k, "of")
    quarter = next(
        (e for d in ("every", "each", "the", "a") if (e := w.seq(of, d, "quarter")) is not None),
        None,
    )
    end = quarter or w.month_suffix(k) or (k if j > i else None)  # "quarterly on the last …"
    if end is None:
        return None
    if w.at(j) == "last":
        return end, MonthDays(("LW",), QUARTER_LASTS if quarter else None)
    return end, Unsupported(
        "the first business day of a month cannot be said in cron",
        "on the 1st of every month at 9am",
    )


def match_start(w: Words, i: int) -> Match | None:
    """ "starting at 8am", "beginning at 9:30", "from 8am": where a repetition starts counting."""
    j = w.skip(i, "starting", "beginning", "from")
    if j == i:
        return None
    lead = j
    j = w.skip(j, "at", "from")
    try:
        found = read_clock(w, j, bare=j > lead)
    except BadClock as bad:
        return bad.end, Unsupported(bad.reason, "every 4 hours starting at 8am")
    if found is None:
        return None
    return found[0], Start(found[1])
