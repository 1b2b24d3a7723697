"""How many times: "twice a day", "three times a week", "3x daily", "2x/week".

A count says nothing the times or days do not, so the assembler checks it against
them ("twice a day at 9am and 5pm") and refuses a count without them or a count
that disagrees: it is never turned into a guessed spacing.
"""

from __future__ import annotations

import re

from agentcron.timing.language.facts import Count, OnceOnly
from agentcron.timing.language.lexicon import NUMBER_WORDS
from agentcron.timing.language.words import Match, Words

_ADVERBS = {"twice": 2, "thrice": 3}
_PER_WORDS = {
    "daily": "day",
    "nightly": "day",
    "weekly": "week",
    "monthly": "month",
    "hourly": "hour",
    "yearly": "year",
    "annually": "year",
}
_PER_UNITS = {"day": "day", "week": "week", "month": "month", "hour": "hour", "year": "year"}
_SLASHED = re.compile(r"([0-9]{1,2})x/(day|week|month|hour|year)")
_TIMES_X = re.compile(r"([0-9]{1,2})x")


def _per(w: Words, i: int) -> tuple[int, str] | None:
    """Past "a day", "per week", "each month", "every day", "daily", "/day"."""
    word = w.at(i)
    if word in _PER_WORDS:
        return i + 1, _PER_WORDS[word]
    if word in ("a", "an", "per", "each", "every") and w.at(i + 1) in _PER_UNITS:
        return i + 2, _PER_UNITS[w.at(i + 1)]
    return None


def match_count(w: Words, i: int) -> Match | None:
    word = w.at(i)
    slashed = _SLASHED.fullmatch(word)
    if slashed:
        return i + 1, Count(int(slashed.group(1)), slashed.group(2))
    if word in _ADVERBS:
        times, j = _ADVERBS[word], i + 1
    elif (x := _TIMES_X.fullmatch(word)) is not None:
        times, j = int(x.group(1)), i + 1
    elif (word.isdigit() or word in NUMBER_WORDS) and w.at(i + 1) in ("times", "x"):
        times, j = int(word) if word.isdigit() else NUMBER_WORDS[word], i + 2
    else:
        return None
    per = _per(w, j)
    if per is None or times < 2:
        return None
    return per[0], Count(times, per[1])


_ONCE_LEADS = frozenset({"just", "only"})
_NOT_ONCE = frozenset({"a", "an", "per", "every", "each", "daily", "weekly", "monthly", "more"})


def match_once(w: Words, i: int) -> Match | None:
    """ "once", "just once", "one time" beside other timing ("once on the 24th at 9am",
    "at 9am tomorrow, just once"): a one-off. Never "once a day" (a count) nor "once the
    build passes" (a condition, with no timing right after it)."""
    j = w.skip(i, *_ONCE_LEADS)
    if w.at(j) == "once":
        end = j + 1
    elif w.seq(j, "one", "time") is not None:
        end = j + 2
    else:
        return None
    if w.at(end) in _NOT_ONCE:
        return None
    behind = w.after(i) is not None or (w.at(i - 1) == "," and w.after(i - 1) is not None)
    beside = behind or w.at(end) in _TIMING_NEXT or w.at(end)[:1].isdigit()
    return (end, OnceOnly()) if beside else None


_TIMING_NEXT = frozenset({"on", "at", "@", "tomorrow", "today", "tonight", "next", "this", "in"})
