"""The days and months of a cron pattern in words, from the sets cronsim fires on.

cron-descriptor reads each field's text on its own and gets the days wrong where
cron's rules are subtle: `0 16 */2 * sat` is "every 2 days, or on Saturday" but
fires on odd-dated Saturdays only (a field starting with `*` makes the two day
fields AND, the Vixie rule); `6/1` in day-of-week is "every 1 weeks, only on
Saturday" but is Saturday and Sunday (a start without an end runs to 7); ranges
and `#` items lose their "or"; `1#1,1#3` loses its ordinals. So the day and month
phrases are written here from the pattern's sets, in cron-descriptor's style
("only on Monday", "Monday through Friday", "on day 1 and 15 of the month", "only
in January"), and cron-descriptor says only the times of day.
"""

from __future__ import annotations

from collections.abc import Sequence

from agentcron.timing.cron import LAST_DAY, LAST_WEEKDAY, CronPattern

DAY_NAMES = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", LAST_DAY: "last"}
_MONTH_DAYS = frozenset(range(1, 32))
_ODD = frozenset(range(1, 32, 2))
_EVEN = frozenset(range(2, 31, 2))


def join(items: Sequence[str], word: str = "and") -> str:
    """ "a", "a and b", "a, b, and c" (cron-descriptor's serial comma)."""
    if len(items) <= 2:
        return f" {word} ".join(items)
    return ", ".join(items[:-1]) + f", {word} " + items[-1]


def _runs(values: list[int]) -> list[list[int]]:
    runs: list[list[int]] = []
    for value in values:
        if runs and value == runs[-1][-1] + 1:
            runs[-1].append(value)
        else:
            runs.append([value])
    return runs


def days_phrase(pattern: CronPattern) -> str:
    """Which days fire, or "" for every day."""
    dom = dom_restricted(pattern)
    plain = {d % 7 for d in pattern.weekdays if isinstance(d, int)}
    dow = plain != set(range(7))
    if pattern.day_and:
        if dom and dow:
            return f"{weekdays_phrase(pattern)}, {_dom_condition(pattern)}"
        return month_days_phrase(pattern) if dom else weekdays_phrase(pattern) if dow else ""
    if not (dom and dow):
        return ""  # either field matching every day makes every day match
    either = weekdays_phrase(pattern).removeprefix("only ")
    return f"{month_days_phrase(pattern)}, or {either}"


def dom_restricted(pattern: CronPattern) -> bool:
    return not pattern.days >= _MONTH_DAYS


def month_days_phrase(pattern: CronPattern) -> str:
    numbers = sorted(d for d in pattern.days if d > 0)
    parts = []
    if numbers:
        parts.append(_numbers_phrase(numbers))
    if LAST_DAY in pattern.days:
        parts.append("on the last day of the month")
    if LAST_WEEKDAY in pattern.days:
        parts.append("on the last weekday of the month")
    return join(parts)


def _numbers_phrase(numbers: list[int]) -> str:
    found = frozenset(numbers)
    if found == _ODD:
        return "on odd days of the month"
    if found == _EVEN:
        return "on even days of the month"
    if len(numbers) >= 3 and len(_runs(numbers)) == 1:
        return f"between day {numbers[0]} and {numbers[-1]} of the month"
    return f"on day {join([str(n) for n in numbers])} of the month"


def _dom_condition(pattern: CronPattern) -> str:
    """The day-of-month test of an AND pattern, said after its weekdays."""
    numbers = sorted(d for d in pattern.days if d > 0)
    found = frozenset(numbers)
    tests = []
    if found == _ODD:
        tests.append("odd")
    elif found == _EVEN:
        tests.append("even")
    elif len(numbers) >= 3 and len(_runs(numbers)) == 1:
        tests.append(f"between {numbers[0]} and {numbers[-1]}")
    elif numbers:
        tests.append(join([str(n) for n in numbers], "or"))
    if LAST_DAY in pattern.days:
        tests.append("the last of the month")
    if LAST_WEEKDAY in pattern.days:
        tests.append("the last weekday of the month")
    return f"if the day of the month is {join(tests, 'or')}"


def weekdays_phrase(pattern: CronPattern) -> str:
    plain = sorted({d % 7 for d in pattern.weekdays if isinstance(d, int)}, key=_monday_first)
    parts = []
    if plain:
        parts.append(_plain_days(plain))
    nth: dict[int, list[int]] = {}
    for item in pattern.weekdays:
        if isinstance(item, tuple):
            nth.setdefault(item[0] % 7, []).append(item[1])
    if nth:
        each = []
        for day in sorted(nth, key=_monday_first):
            counts = sorted(nth[day], key=lambda n: 99 if n == LAST_DAY else n)
            each.append(f"{join([_ORDINALS[n] for n in counts])} {DAY_NAMES[day]}")
        phrase = "the " + join(each, "and the") if len(each) > 1 else "the " + each[0]
        parts.append(f"on {phrase} of the month")
    return ", or ".join(parts)


def _monday_first(day: int) -> int:
    return (day - 1) % 7


def _plain_days(days: list[int]) -> str:
    """Days in Monday-first order; one run of three or more is "Monday through Friday"."""
    if len(days) >= 3:
        cycle = [_monday_first(d) for d in days]
        runs = _runs(cycle)
        if len(runs) == 2 and runs[0][0] == 0 and runs[-1][-1] == 6:
            runs = [runs[1] + runs[0]]  # Saturday through Monday wraps the week
        if len(runs) == 1:
            first, last = runs[0][0], runs[0][-1]
            return f"{DAY_NAMES[(first + 1) % 7]} through {DAY_NAMES[(last + 1) % 7]}"
    return "only on " + join([DAY_NAMES[d] for d in days])


def months_phrase(pattern: CronPattern) -> str:
    """Which months fire, or "" for every month."""
    months = sorted(pattern.months)
    if len(months) == 12:
        return ""
    if len(months) >= 3 and len(_runs(months)) == 1:
        return f"{MONTH_NAMES[months[0] - 1]} through {MONTH_NAMES[months[-1] - 1]}"
    return "only in " + join([MONTH_NAMES[m - 1] for m in months])
