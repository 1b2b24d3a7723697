"""Months: "in january and july", "from june to august", "quarterly", "every other month".

A month name alone is an ordinary word ("may", "march"); it is a month after "in",
"during", "throughout", "every", "each", "except", or as "from <month> to <month>".
Quarters are calendar quarters: their first months (January, April, July,
October), or their last when the day is the last of its month ("the last day of
the quarter" is March 31, June 30 …). "Every N months" counts from the next
matching month, so it needs N to divide the year.
"""

from __future__ import annotations

from agentcron.timing.language.cron_lists import runs_field
from agentcron.timing.language.facts import Months, Quarterly, Unsupported
from agentcron.timing.language.lexicon import MONTHS
from agentcron.timing.language.words import Match, Words

QUARTER_FIRSTS = frozenset({1, 4, 7, 10})
QUARTER_LASTS = frozenset({3, 6, 9, 12})
_RANGE_WORDS = ("to", "through", "thru", "till", "until", "-")
_LEADS = ("in", "during", "throughout", "every", "each")


def _month_range(first: int, last: int) -> list[int]:
    return [(first - 1 + k) % 12 + 1 for k in range((last - first) % 12 + 1)]


def _item(w: Words, i: int) -> tuple[int, list[int]] | None:
    """One month, "june to august" or "jun-aug"."""
    word = w.at(i)
    parts = word.split("-")
    if len(parts) == 2 and parts[0] in MONTHS and parts[1] in MONTHS:
        return i + 1, _month_range(MONTHS[parts[0]], MONTHS[parts[1]])
    first = MONTHS.get(word)
    if first is None:
        return None
    if w.at(i + 1) in _RANGE_WORDS and w.at(i + 2) in MONTHS:
        return i + 3, _month_range(first, MONTHS[w.at(i + 2)])
    return i + 1, [first]


def month_list(w: Words, i: int) -> tuple[int, frozenset[int], int] | None:
    """(end, months, how many items) for "january, april, july and october", "jun-aug"."""
    first = _item(w, i)
    if first is None:
        return None
    j, months, items = first[0], set(first[1]), 1
    while (k := w.joiner(j)) is not None:
        more = _item(w, w.skip(k, "in"))
        if more is None:
            break
        j = more[0]
        months.update(more[1])
        items += 1
    return j, frozenset(months), items


def match_months(w: Words, i: int) -> Match | None:
    """ "in january and july", "during jun-aug", "from june to august", "except december"."""
    lead = w.at(i)
    if lead == "from" and w.at(i + 1) in MONTHS:
        item = _item(w, i + 1)
        if item is None or len(item[1]) == 1:
            return None  # "from june" alone is a start date, which a schedule does not take
        return item[0], Months(frozenset(item[1]))
    if lead in ("except", "excluding") and w.after(i) is not None:
        found = month_list(w, w.skip(i + 1, "in", "during"))
        if found is None:
            return None
        left = frozenset(range(1, 13)) - found[1]
        if not left:
            return found[0], Unsupported("that leaves no month", "every day in december at 9am")
        return found[0], Months(left)
    if lead not in _LEADS:
        return None
    listed = month_list(w, i + 1)
    if listed is None:
        return None
    end, months, items = listed
    if lead in ("every", "each") and items == 1 and len(months) == 1:
        return None  # "every march 3rd" is a date; "every march" alone says too little
    return end, Months(months)


def match_quarterly(w: Words, i: int) -> Match | None:
    """ "quarterly", "every quarter", "each quarter", "once a quarter"."""
    word = w.at(i)
    if word == "quarterly":
        return i + 1, Quarterly()
    if word in ("every", "each") and w.at(i + 1) == "quarter":
        return i + 2, Quarterly()
    if w.seq(i, "once", "a", "quarter") is not None or w.seq(i, "once", "per", "quarter"):
        return i + 3, Quarterly()
    return None


def months_field(months: frozenset[int]) -> str:
    """Cron month field: "*", "6-8", "1,4,7,10"."""
    if len(months) == 12:
        return "*"
    return runs_field(months)
