"""Lengths of time: "every 90 minutes", "every 2h", "every other day", "hourly", "in 30 minutes".

Weeks become days; a fractional count becomes the next smaller unit ("every 1.5
hours" is 90 minutes). Months are calendar steps ("every other month"), left to
the assembler with their day; seconds and years are not lengths a schedule can
repeat by, so they are refused with a phrase that works instead. "On the hour"
ties an hourly repetition to the clock ("every hour on the hour" is `0 * * * *`).
"""

from __future__ import annotations

import re
from datetime import timedelta

from agentcron.timing.language.facts import Every, EveryMonths, Fact, Monthly, Offset, Unsupported
from agentcron.timing.language.lexicon import NUMBER_WITH_UNIT, UNITS, number
from agentcron.timing.language.words import Match, Words

_MINUTES = {"minutes": 1, "hours": 60, "days": 1440, "weeks": 10080}
_HOURS_MINUTES = re.compile(r"([0-9]{1,2})h([0-5]?[0-9])(?:m|min|mins)?")
_EVERY_EXAMPLE = "every 15 minutes"
_COUNTS = {"other": 2, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6}
_COUNTS |= {"2nd": 2, "3rd": 3, "4th": 4, "5th": 5, "6th": 6}


def _length(w: Words, i: int) -> tuple[int, float, str] | None:
    """A length, with a smaller one added ("3 hours and 30 minutes", "1 day 6 hours")."""
    found = _one_length(w, i)
    if found is None or found[2] not in _MINUTES:
        return found
    end, count, unit = found
    more = _one_length(w, w.skip(end, "and", ","))
    if more is None or more[2] not in _MINUTES or _MINUTES[more[2]] >= _MINUTES[unit]:
        return found
    minutes = count * _MINUTES[unit] + more[1] * _MINUTES[more[2]]
    return more[0], minutes, "minutes"


def _one_length(w: Words, i: int) -> tuple[int, float, str] | None:
    """A count and a unit: "90 minutes", "2h", "an hour", "half an hour", "1.5 hours",
    "a couple of days"."""
    word = w.at(i)
    if (mixed := _HOURS_MINUTES.fullmatch(word)) is not None:  # "1h30m", "2h15"
        return i + 1, int(mixed.group(1)) + int(mixed.group(2)) / 60, "hours"
    joined = NUMBER_WITH_UNIT.fullmatch(word)
    if joined and joined.group(2) in UNITS:
        return i + 1, float(joined.group(1)), UNITS[joined.group(2)]
    if word == "half":
        j = w.skip(i + 1, "an", "a")
        if w.at(j) in ("hour", "day"):
            return j + 1, 0.5, UNITS[w.at(j)]
        return None
    if word == "half-hour":
        return i + 1, 0.5, "hours"
    couple = w.skip(w.skip(i, "a"), "couple")
    if couple > i + (word == "a"):  # "a couple of hours", "couple hours": two
        j = w.skip(couple, "of")
        unit = UNITS.get(w.at(j))
        return None if unit is None else (j + 1, 2.0, unit)
    count = 1.0 if word in ("a", "an") else number(word)
    if count is None:
        return None
    j = i + 1
    if w.at(j) == "and" and w.at(j + 1) == "a" and w.at(j + 2) == "half":
        count, j = count + 0.5, j + 3  # "2 and a half hours"
    unit = UNITS.get(w.at(j))
    if unit is None:
        return None
    j += 1
    if w.seq(j, "and", "a", "half") is not None:
        count, j = count + 0.5, j + 3  # "an hour and a half"
    return j, count, unit


def as_minutes(count: float, unit: str, example: str) -> tuple[int, str] | Unsupported:
    """(value, unit) in the largest whole unit of minutes/hours/days, or why not."""
    if unit == "seconds":
        return Unsupported("seconds are too short: schedules count minutes, hours or days", example)
    if unit in ("months", "years"):
        return Unsupported(f"{unit} have no fixed length", example)
    minutes = count * _MINUTES[unit]
    if minutes <= 0:
        return Unsupported("a length of time must be more than zero", example)
    if minutes != int(minutes):
        return Unsupported(f"{count:g} {unit} is not a whole number of minutes", example)
    whole = int(minutes)
    if unit in ("days", "weeks") and whole % 1440 == 0:
        return whole // 1440, "days"
    if unit != "minutes" and whole % 60 == 0:
        return whole // 60, "hours"
    return whole, "minutes"


_BIWEEKLY_NOTE = '"{}" read as every two weeks (for twice a week, say "twice a week")'


_HALF_YEARLY = frozenset({"semi-annually", "semiannually", "half-yearly", "biannually"})


def match_every(w: Words, i: int) -> Match | None:
    """ "every 10 min", "every 2h", "every other day", "every half hour", "hourly"."""
    if w.at(i) == "of" and w.after(i) is not None:  # "on the 15th of every other month"
        found = _every_phrase(w, i + 1)
        if found is not None and isinstance(found[1], (EveryMonths, Monthly)):
            return found
        return None
    if w.at(i) in _HALF_YEARLY:
        return i + 1, EveryMonths(6)
    found = _every_phrase(w, i)
    if found is None:
        return None
    end, fact = found
    if isinstance(fact, Every) and (fact.value, fact.unit) in ((1, "hours"), (60, "minutes")):
        top = w.seq(end, "on", "the", "hour") or w.seq(end, "at", "the", "top", "of", "the", "hour")
        if top is not None:
            return top, Every(1, "hours", aligned=True)
    return end, fact


def _every_phrase(w: Words, i: int) -> Match | None:
    word = w.at(i)
    if word == "hourly":
        return i + 1, Every(1, "hours")
    if word == "fortnightly":
        return i + 1, Every(14, "days")
    if word in ("biweekly", "bi-weekly"):
        return i + 1, Every(14, "days", note=_BIWEEKLY_NOTE.format(w.tokens[i].text))
    if word in ("bimonthly", "bi-monthly"):
        return i + 1, Unsupported(
            f'"{w.tokens[i].text}" means twice a month to some and every two months to others',
            "every other month on the 1st at 9am",
        )
    if w.seq(i, "once", "an", "hour") is not None:
        return i + 3, Every(1, "hours")
    if (top := w.seq(i, "at", "the", "top", "of", "every", "hour")) is not None:
        return top, Every(1, "hours", aligned=True)
    if word not in ("every", "each"):
        return None
    j = i + 1
    if w.at(j) in ("hour", "minute"):
        half = w.seq(j + 1, "and", "a", "half")  # "every hour and a half"
        if half is not None:
            return half, _every(1.5, UNITS[w.at(j)], w.text(i, half))
        return j + 1, Every(1, UNITS[w.at(j)])
    if w.at(j) == "fortnight":
        return j + 1, Every(14, "days")
    if w.at(j) == "quarter":
        end = w.seq(w.skip(w.skip(j + 1, "of"), "an"), "hour")
        if end is None:
            end = w.seq(j, "quarter-hour")
        return None if end is None else (end, Every(15, "minutes"))
    if w.at(j) == "quarter-hour":
        return j + 1, Every(15, "minutes")
    if w.at(j) in _COUNTS and w.at(j + 1) in UNITS:
        return j + 2, _every(_COUNTS[w.at(j)], UNITS[w.at(j + 1)], w.text(i, j + 2))
    found = _length(w, j)
    if found is None or w.at(j) in ("a", "an"):
        return None
    end, count, unit = found
    return end, _every(count, unit, w.text(i, end))


def _every(count: float, unit: str, text: str) -> Fact:
    if unit == "months" and count == int(count) and 1 <= count <= 12:
        return Monthly() if count == 1 else EveryMonths(int(count))
    if unit in ("months", "years"):
        return Unsupported(
            f'"{text}" is not supported: a schedule repeats by minutes, hours, days, weeks '
            "or whole months within a year",
            "on the 1st of every month at 9am",
        )
    value = as_minutes(count, unit, _EVERY_EXAMPLE)
    if isinstance(value, Unsupported):
        return value
    return Every(*value)


def match_offset(w: Words, i: int) -> Match | None:
    """ "in 30 minutes", "in 2h", "in an hour and a half", "2 hours from now"."""
    if w.at(i) == "in":
        found = _length(w, i + 1)
        if found is None:
            return None
        end, count, unit = found
    else:
        found = _length(w, i)
        if found is None:
            return None
        end, count, unit = found
        after = w.seq(end, "from", "now")
        if after is None:
            return None
        end = after
    value = as_minutes(count, unit, "in 30 minutes")
    if isinstance(value, Unsupported):
        return end, value
    amount, name = value
    return end, Offset(timedelta(**{name: amount}))
