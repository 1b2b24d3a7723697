"""Which days: "every weekday", "mon-fri", "tuesdays", "every day except weekends", "daily",
"every other friday".

A lone singular day ("on monday") is kept but marked not recurring: the
assembler refuses it as ambiguous (weekly or once?) unless "weekly" says which.
"Every other friday" is every two weeks; so is "every second friday", read that
way with a note (the second Friday of each month is "the second friday of every
month").
"""

from __future__ import annotations

from agentcron.timing.language.facts import (
    Daily,
    ExceptDays,
    Fact,
    Monthly,
    Weekdays,
    Weekly,
    WeeksApart,
    Yearly,
)
from agentcron.timing.language.lexicon import PERIODS, weekday
from agentcron.timing.language.words import Match, Words

ALL_DAYS = frozenset(range(7))
WORKDAYS = frozenset(range(1, 6))
WEEKEND = frozenset({0, 6})
_GROUPS = {
    "weekday": WORKDAYS,
    "weekdays": WORKDAYS,
    "workday": WORKDAYS,
    "workdays": WORKDAYS,
    "weekend": WEEKEND,
    "weekends": WEEKEND,
    "m-f": WORKDAYS,
}
_GROUP_PAIRS = {"work": WORKDAYS, "working": WORKDAYS, "business": WORKDAYS, "weekend": WEEKEND}
_RANGE_WORDS = ("-", "to", "through", "thru", "till", "until")
_EXCEPT = ("except", "excluding", "but")
_ONCE_PER = ("a", "per", "each", "every")  # "once a day", "once per week"


def _day_range(first: int, last: int) -> frozenset[int]:
    return frozenset((first + k) % 7 for k in range((last - first) % 7 + 1))


class _Item:
    """One list item and what it says about recurrence."""

    def __init__(self, end: int, days: frozenset[int], plural: bool, abbreviated: bool) -> None:
        self.end, self.days, self.plural, self.abbreviated = end, days, plural, abbreviated


def _item(w: Words, i: int) -> _Item | None:
    word = w.at(i)
    if word in _GROUPS:
        end = w.skip(i + 1, "days") if word in ("weekend",) else i + 1
        return _Item(end, _GROUPS[word], True, False)
    if word in _GROUP_PAIRS and w.at(i + 1) in ("day", "days"):
        return _Item(i + 2, _GROUP_PAIRS[word], True, False)
    if word == "from" or word == "between":
        joiner = "and" if word == "between" else None
        first, last = weekday(w.at(i + 1)), weekday(w.at(i + 3))
        sep_ok = w.at(i + 2) == joiner if joiner else w.at(i + 2) in _RANGE_WORDS
        if first and last and sep_ok:
            return _Item(i + 4, _day_range(first[0], last[0]), True, False)
        return None
    parts = word.split("-")
    if len(parts) == 2:
        first, last = weekday(parts[0]), weekday(parts[1])
        if first and last:
            return _Item(i + 1, _day_range(first[0], last[0]), True, False)
        return None
    slashed = [weekday(part) for part in word.split("/")]
    if len(slashed) > 1:  # "mon/wed/fri"
        if all(slashed):
            return _Item(i + 1, frozenset(d[0] for d in slashed if d), True, False)
        return None
    day = weekday(word)
    if day is None:
        return None
    number, abbreviated, plural = day
    if w.at(i + 1) in _RANGE_WORDS:
        last = weekday(w.at(i + 2))
        if last:
            return _Item(i + 3, _day_range(number, last[0]), True, False)
    return _Item(i + 1, frozenset({number}), plural, abbreviated)


def day_list(w: Words, i: int) -> tuple[int, list[_Item]] | None:
    first = _item(w, i)
    if first is None:
        return None
    items, j = [first], first.end
    while (k := w.joiner(j)) is not None:
        more = _item(w, w.skip(w.skip(k, "on"), "every", "each"))  # "… and every thursday"
        if more is None:
            break
        items.append(more)
        j = more.end
    return j, items


def _union(items: list[_Item]) -> frozenset[int]:
    days: set[int] = set()
    for item in items:
        days |= item.days
    return frozenset(days)


def _except(w: Words, i: int, days: frozenset[int]) -> tuple[int, frozenset[int]]:
    if w.at(i) not in _EXCEPT:
        return i, days
    j = w.skip(i + 1, "not") if w.at(i) == "but" else i + 1
    found = day_list(w, w.skip(j, "on", "for"))
    if found is None:
        return i, days
    end, items = found
    return end, days - _union(items)


_APART = {"other": 2, "alternate": 2, "second": 2, "2nd": 2, "third": 3, "3rd": 3}
_APART |= {"fourth": 4, "4th": 4}


def match_weeks_apart(w: Words, i: int) -> Match | None:
    """ "every other friday", "every alternate monday and thursday", "every 3rd tuesday"."""
    j = w.skip(i, "on")
    if w.at(j) in ("alternate", "alternating"):  # "on alternate fridays"
        found = day_list(w, j + 1)
        if found is None or not any(item.plural for item in found[1]):
            return None
        return found[0], WeeksApart(2, _union(found[1]))
    if w.at(j) not in ("every", "each") or w.at(j + 1) not in _APART:
        return None
    found = day_list(w, j + 2)
    if found is None:
        return None
    end, items = found
    period = PERIODS.get(w.at(end))
    end = end + 1 if period else end
    counting = w.at(j + 1)
    weeks = _APART[counting]
    note = None
    if counting not in ("other", "alternate"):
        day = w.text(j + 2, found[0])
        note = (
            f'"{w.text(j, found[0])}" read as every {weeks} weeks; for one day of each month '
            f'say "the {counting} {day} of every month"'
        )
    return end, WeeksApart(weeks, _union(items), period, note)


def match_weekdays(w: Words, i: int) -> Match | None:
    lead = i + 1 if w.at(i) == "only" and w.at(i + 1) in ("on", "every", "each") else i
    j = w.skip(lead, "on", "during")  # "only on weekdays"; "the only monday meeting" is a noun
    every = w.at(j) in ("every", "each")
    j = w.skip(j, "every", "each")
    found = day_list(w, j)
    if found is None:
        return None
    j, items = found
    if len(items) == 1 and items[0].abbreviated and not every and j == i + 1:
        return None  # a lone "sun" or "sat" is more likely a word than a day
    period = PERIODS.get(w.at(j))
    plural_period = period is not None and w.at(j).endswith("s")
    j = j + 1 if period else j
    j, days = _except(w, j, _union(items))
    recurring = every or plural_period or len(items) > 1 or any(item.plural for item in items)
    return w.skip(j, "only"), Weekdays(days, recurring, period)  # "mondays only"


def match_except(w: Words, i: int) -> Match | None:
    """ "except on sundays", "but not on fridays" after another clause ("every day at noon ...")."""
    if w.at(i) not in _EXCEPT or w.after(i) is None:
        return None
    end, days = _except(w, i, ALL_DAYS)
    return None if end == i else (end, ExceptDays(days))


def match_daily(w: Words, i: int) -> Match | None:
    """ "every day", "daily", "every evening", "nightly"; with "except ..." it becomes weekdays."""
    word = w.at(i)
    if word in ("daily", "everyday"):
        j, period = i + 1, None
    elif word == "nightly":
        j, period = i + 1, "night"
    elif word in ("every", "each"):
        j = w.skip(i + 1, "single")
        if w.at(j) == "day":
            j, period = w.seq(j + 1, "of", "the", "week") or j + 1, None
        elif w.at(j) in PERIODS and not w.at(j).endswith("s"):
            j, period = j + 1, PERIODS[w.at(j)]
        else:
            return None
    elif word == "once" and w.at(i + 1) in _ONCE_PER and w.at(i + 2) == "day":
        j, period = i + 3, None  # "once a day", "once per day"
    elif word == "once" and w.at(i + 1) == "daily":
        j, period = i + 2, None
    elif word in ("7", "seven") and (end := w.seq(i + 1, "days", "a", "week")) is not None:
        j, period = end, None
    elif word in PERIODS and word.endswith("s") and (w.at(i + 1) in ("at", "@") or w.after(i)):
        j, period = i + 1, PERIODS[word]  # "mornings at 7": every morning, beside its time
    else:
        return None
    end, days = _except(w, j, ALL_DAYS)
    if end == j:
        return j, Daily(period)
    return end, Weekdays(days, True, period)


_MARKERS: dict[str, Fact] = {"week": Weekly(), "month": Monthly(), "year": Yearly()}
_MARKER_WORDS: dict[str, Fact] = {
    "weekly": Weekly(),
    "monthly": Monthly(),
    "yearly": Yearly(),
    "annually": Yearly(),
}


def match_marker(w: Words, i: int) -> Match | None:
    """ "weekly", "every month", "once a year": repetition whose day comes from another clause."""
    word = w.at(i)
    if word in _MARKER_WORDS:
        return i + 1, _MARKER_WORDS[word]
    if word in ("every", "each") and w.at(i + 1) in _MARKERS:
        return i + 2, _MARKERS[w.at(i + 1)]
    if word == "once" and w.at(i + 1) in _ONCE_PER and w.at(i + 2) in _MARKERS:
        return i + 3, _MARKERS[w.at(i + 2)]  # "once a week", "once per month"
    if word == "once" and w.at(i + 1) in _MARKER_WORDS:
        return i + 2, _MARKER_WORDS[w.at(i + 1)]  # "once weekly"
    return None
