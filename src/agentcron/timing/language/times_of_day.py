"""Times of day: "at 9", "9:30 pm", "21h", "noon", "at 9am, 1pm and 6pm", "between 9 and 17".

A bare number is a time only after "at" (or inside "between"/"from"). A clock
whose am/pm is not said is kept unfixed (`Clock.fixed` False) for the assembler:
a period ("every evening") moves it ("at 6" becomes 18:00), 7 to 11 are morning,
12 is noon, and 1 to 6 are refused with both readings. 0, 13-23 and zero-padded
hours ("05:00") are the 24-hour clock. In a window the last hour may take pm from
the first ("from 9 to 5" is 09:00-17:00).
"""

from __future__ import annotations

import re

from agentcron.timing.language.facts import Clock, Every, HourWindow, Times, Unsupported
from agentcron.timing.language.lexicon import PERIODS
from agentcron.timing.language.words import Match, Words

_COLON = re.compile(r"([0-9]{1,2})(?::([0-9]{2}))?([ap]\.?m\.?)?")
_DOTTED = re.compile(r"([0-9]{1,2})\.([0-9]{2})([ap]\.?m\.?)?")
_SUFFIX_H = re.compile(r"([0-9]{1,2})h([0-9]{2})?")
_MILITARY = re.compile(r"([01][0-9]|2[0-3])([0-5][0-9])")
_MERIDIEM = re.compile(r"[ap]\.?m\.?")
_OCLOCK = ("o'clock", "oclock")
_NAMED_CLOCKS = {
    "noon": Clock(12, 0, True),
    "midday": Clock(12, 0, True),
    "midnight": Clock(0, 0, True),
}
EXAMPLE = "at 9am"
WINDOW_EXAMPLE = "every hour between 9am and 5pm"


class BadClock(ValueError):
    """Shaped like a time, but not one ("25:00", "13pm"); `end` is past the offending tokens."""

    def __init__(self, reason: str, end: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.end = end


_HOURS_WORDS = ("hours", "hrs", "hundred")  # "1300 hours", "13:00 hrs", "thirteen hundred"


def read_clock(w: Words, i: int, *, bare: bool) -> tuple[int, Clock] | None:
    """A time of day starting at token i; `bare` allows a plain "9" (after "at")."""
    word = w.at(i)
    bare_word = word.removesuffix("ish").removesuffix("-")
    if bare_word != word and _COLON.fullmatch(bare_word):  # "9ish", "5pmish", "3pm-ish"
        word = bare_word
    if word == "12" and w.at(i + 1) in _NAMED_CLOCKS:
        word, i = w.at(i + 1), i + 1
    if word in _NAMED_CLOCKS:
        return i + 1, _NAMED_CLOCKS[word]
    if word in ("half", "quarter") and w.at(i + 1) in ("past", "after", "to"):
        return _fraction(w, i + 1, 30 if word == "half" else 15)
    if bare and word.isdigit() and 0 < int(word) < 60:
        k = w.skip(i + 1, "minutes", "minute", "mins", "min")
        # "at 10 past 9", "at 20 to 6pm"; "to" only right after "at": "from 9 to 5" is a window
        ahead = ("past", "after", "to") if w.at(i - 1) in ("at", "@") else ("past", "after")
        if w.at(k) in ahead and w.seq(k + 1, "the", "hour") is None:
            return _fraction(w, k, int(word))
    if bare and word in _HOUR_WORDS and w.at(i + 1) not in ("of", "or", "more"):
        return _spelled(w, i)  # "at one of the servers" is not a time
    found = _COLON.fullmatch(word)
    if found:
        hour_text, minute_text, meridiem = found.groups()
        j = i + 1
        if meridiem is None and _MERIDIEM.fullmatch(w.at(j)):
            meridiem, j = w.at(j), j + 1
        oclock = minute_text is None and w.at(j) in _OCLOCK
        if oclock:
            j += 1
            if meridiem is None and _MERIDIEM.fullmatch(w.at(j)):
                meridiem, j = w.at(j), j + 1
        if meridiem is None and minute_text is None and not oclock and not bare:
            return None
        if meridiem is None and minute_text is not None:
            j = w.skip(j, *_HOURS_WORDS)  # "13:00 hrs"
        return j, make_clock(hour_text, minute_text, meridiem, j)
    found = _MILITARY.fullmatch(word)
    if found and bare:  # "at 0900", "at 1730 hours": the 24-hour clock
        end = w.skip(i + 1, *_HOURS_WORDS)
        return end, make_clock(found.group(1), found.group(2), None, end)
    found = _DOTTED.fullmatch(word)
    if found and (bare or found.group(3)):
        return i + 1, make_clock(found.group(1), found.group(2), found.group(3), i + 1)
    found = _SUFFIX_H.fullmatch(word)
    if found and (bare or found.group(2) or int(found.group(1)) >= 13):
        clock = make_clock(found.group(1), found.group(2), None, i + 1)
        return i + 1, Clock(clock.hour, clock.minute, True)  # "6h" is the 24-hour clock
    return None


_HOUR_WORDS = {
    word: n
    for n, word in enumerate(
        [
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
        ],
        start=1,
    )
}
_MINUTE_WORDS = {"fifteen": 15, "thirty": 30, "forty-five": 45, "forty five": 45}


def _spelled(w: Words, i: int) -> tuple[int, Clock]:
    """ "nine", "nine thirty", "five pm", "seven o'clock": a spelled hour after "at"."""
    hour, j = _HOUR_WORDS[w.at(i)], i + 1
    minute = 0
    pair = f"{w.at(j)} {w.at(j + 1)}"
    if pair in _MINUTE_WORDS:
        minute, j = _MINUTE_WORDS[pair], j + 2
    elif w.at(j) in _MINUTE_WORDS:
        minute, j = _MINUTE_WORDS[w.at(j)], j + 1
    elif w.at(j) in _OCLOCK:
        j += 1
    meridiem = None
    if _MERIDIEM.fullmatch(w.at(j)):
        meridiem, j = w.at(j), j + 1
    return j, make_clock(str(hour), f"{minute:02d}" if minute else None, meridiem, j)


def make_clock(hour_text: str, minute_text: str | None, meridiem: str | None, end: int) -> Clock:
    hour, minute = int(hour_text), int(minute_text or 0)
    shown = f"{hour_text}:{minute_text}" if minute_text else hour_text
    if minute > 59:
        raise BadClock(f'"{shown}" is not a time of day (minutes run 0-59)', end)
    if meridiem:
        if not 1 <= hour <= 12:
            raise BadClock(f'"{shown}{meridiem}" is not a time of day (am/pm hours run 1-12)', end)
        return Clock(hour % 12 + (12 if meridiem.startswith("p") else 0), minute, True)
    if hour > 23:
        raise BadClock(f'"{shown}" is not a time of day (hours run 0-23)', end)
    fixed = hour == 0 or hour >= 13 or hour_text.startswith("0")
    return Clock(hour, minute, fixed)


def _fraction(w: Words, k: int, minutes: int) -> tuple[int, Clock] | None:
    """ "half past 9", "quarter to 5pm", "10 past 9": `k` is the "past"/"to" word."""
    base = read_clock(w, k + 1, bare=True)
    if base is None:
        return None
    end, clock = base
    if clock.minute:
        raise BadClock(f"{w.text(k - 1, end)} is not a time of day", end)
    if w.at(k) == "to":
        hour = (clock.hour - 1) % 24 if clock.fixed else (clock.hour - 1) % 12 or 12
        return end, Clock(hour, 60 - minutes, clock.fixed)
    return end, Clock(clock.hour, minutes, clock.fixed)


def read_period(w: Words, i: int) -> tuple[int, str] | None:
    """ "in the morning", "in the evening", "at night"."""
    if w.at(i) == "in" and w.at(i + 1) == "the" and w.at(i + 2) in PERIODS:
        return i + 3, PERIODS[w.at(i + 2)]
    if w.at(i) == "at" and w.at(i + 1) == "night":
        return i + 2, "night"
    return None


_APPROXIMATELY = ("around", "about", "approximately", "approx", "roughly", "circa", "~")


def match_times(w: Words, i: int) -> Match | None:
    """ "at 9am", "9:30 pm", "at 9, 12 and 15", "around 9am", "at 9 sharp", "9ish"."""
    after_at = w.at(i) in ("at", "@")  # a bare "9" is a time only after "at"
    j = w.skip(w.skip(i, "at", "@"), *_APPROXIMATELY)  # fires on the minute: "about 9" is 9
    try:
        first = read_clock(w, j, bare=after_at)
        if first is None:
            return None
        j, clock = first
        clocks = [clock]
        while (k := w.joiner(j)) is not None:
            at = w.skip(w.skip(k, "again"), "at")  # "at 9am and again at 5pm"
            more = read_clock(w, at, bare=after_at or at != k)
            if more is None:
                break
            j, clock = more
            clocks.append(clock)
    except BadClock as bad:
        return bad.end, Unsupported(bad.reason, EXAMPLE)
    j = w.skip(j, "sharp")
    j = w.seq(j, "on", "the", "dot") or j
    period = read_period(w, j)
    if period:
        return period[0], Times(tuple(clocks), period[1])
    return j, Times(tuple(clocks))


WORKDAYS = frozenset(range(1, 6))
_WORK_WORDS = ("business", "work", "working", "office")


def match_business_hours(w: Words, i: int) -> Match | None:
    """ "during business hours", "in office hours", "during the workday": Mon-Fri 9-17."""
    lead = w.at(i)
    j = w.skip(i, "during", "in", "within", "over")
    if lead == "outside" or (lead == "after" and w.at(i + 1) in _WORK_WORDS):
        j = i + 1
        if w.at(j) in _WORK_WORDS and w.at(j + 1) == "hours":
            return j + 2, Unsupported(
                f'"{w.text(i, j + 2)}" is not a window I can keep to', WINDOW_EXAMPLE
            )
        return None
    if w.at(j) in _WORK_WORDS and w.at(j + 1) == "hours":
        if j == i and not isinstance(w.after(i), Every):
            return None  # "host office hours" is a command; "during office hours" is timing
        return j + 2, HourWindow(9, 17, WORKDAYS)
    k = w.skip(j, "the")
    if j == i:
        return None  # "the workday" without "during" is a noun, not hours
    if w.at(k) == "workday":
        return k + 1, HourWindow(9, 17, WORKDAYS)
    end = w.seq(k, "work", "day") or w.seq(k, "working", "day")
    return None if end is None else (end, HourWindow(9, 17, WORKDAYS))


def match_hour_window(w: Words, i: int) -> Match | None:
    """ "between 9 and 17", "from 9am to 5pm", "9am-5pm": whole hours, first before last.

    "9-5" without am/pm is a window only right after a repetition ("every hour 9-5").
    """
    lead = w.at(i)
    if lead not in ("between", "from"):
        return _hyphenated_window(
            w, i, needs_meridiem=not isinstance(w.after(i), Every)
        ) or _bare_window(w, i)
    joiners = ("and",) if lead == "between" else ("to", "till", "until", "through", "thru", "-")
    try:
        first = read_clock(w, i + 1, bare=True)
        if first is None:
            return _hyphenated_window(w, i + 1, needs_meridiem=False, start=i)
        j, start = first
        if w.at(j) not in joiners:
            return None
        last = read_clock(w, j + 1, bare=True)
        if last is None:
            return None
        end, stop = last
    except BadClock as bad:
        return bad.end, Unsupported(bad.reason, WINDOW_EXAMPLE)
    return end, window(w.text(i, end), start, stop)


def _bare_window(w: Words, i: int) -> Match | None:
    """ "9am to 5pm" right after a repetition ("every 30 minutes 9am to 5pm")."""
    if not isinstance(w.after(i), Every):
        return None
    try:
        first = read_clock(w, i, bare=False)
        if first is None or w.at(first[0]) not in ("to", "till", "until", "through", "thru"):
            return None
        last = read_clock(w, first[0] + 1, bare=True)
    except BadClock as bad:
        return bad.end, Unsupported(bad.reason, WINDOW_EXAMPLE)
    if last is None:
        return None
    return last[0], window(w.text(i, last[0]), first[1], last[1])


def _hyphenated_window(
    w: Words, i: int, *, needs_meridiem: bool, start: int | None = None
) -> Match | None:
    word = w.at(i)
    parts = word.split("-")
    if len(parts) != 2 or not all(parts):
        return None
    if needs_meridiem and not any(_MERIDIEM.search(p) for p in parts):
        return None
    first = i if start is None else start
    try:
        clocks = [_single(p) for p in parts]
    except BadClock as bad:
        return i + 1, Unsupported(bad.reason, WINDOW_EXAMPLE)
    if clocks[0] is None or clocks[1] is None:
        return None
    return i + 1, window(w.text(first, i + 1), clocks[0], clocks[1])


def _single(word: str) -> Clock | None:
    """One token read as a clock, the way `read_clock` reads it after "at"."""
    for pattern in (_COLON, _DOTTED):
        found = pattern.fullmatch(word)
        if found:
            return make_clock(found.group(1), found.group(2), found.group(3), 0)
    found = _SUFFIX_H.fullmatch(word)
    if found:
        return make_clock(found.group(1), found.group(2), None, 0)
    return _NAMED_CLOCKS.get(word)


def window(text: str, start: Clock, stop: Clock) -> HourWindow | Unsupported:
    """Whole hours; an unfixed first hour is morning (7-11) or noon, or takes pm from a
    later fixed last hour ("from 1 to 5pm"); an unfixed last hour before the first is pm."""
    if start.minute or stop.minute:
        return Unsupported(
            f'"{text}": a window runs from one whole hour to another', WINDOW_EXAMPLE
        )
    first, last = start.hour, stop.hour
    if not start.fixed and 1 <= first <= 6:
        if not (stop.fixed and last > first + 12):
            return Unsupported(
                f'"{text}": {first} could be {first}am or {first}pm, say which', WINDOW_EXAMPLE
            )
        first += 12
    if not stop.fixed and last <= first and last + 12 > first:
        last += 12
    if last == first:
        return Unsupported(f'"{text}" starts and ends at the same hour', WINDOW_EXAMPLE)
    if last < first and not (stop.fixed or last + 12 <= first):
        return Unsupported(f'"{text}" ends before it starts: say am or pm', WINDOW_EXAMPLE)
    return HourWindow(first, last)  # last < first: past midnight ("from 10pm to 6am")
