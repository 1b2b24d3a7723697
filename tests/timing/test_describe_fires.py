"""A cron description never contradicts the fires: what it promises is what cronsim fires.

The table pins the wording of cases cron-descriptor got wrong. The property reads a
generated description back (days of the week, days of the month, months, hours,
in the words `describe` uses) and compares the promise with 50 real fires: every
fire is on a promised day at a promised hour, every promised day between the
first and the last fire has fires, at every promised hour.
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from agentcron.timing.cron import CronError, CronTrigger, parse_cron
from agentcron.timing.describe import describe_cron
from agentcron.timing.gap import ever_fires

DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = list(calendar.month_name)[1:]
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "last": -1}


@pytest.mark.parametrize(
    ("expression", "text"),
    [
        # the two: the Vixie AND rule, and a step from Saturday that runs to Sunday
        ("0 16 */2 * sat", "At 16:00, only on Saturday, if the day of the month is odd"),
        ("0 0 * * 6/1", "At 00:00, only on Saturday and Sunday"),
        ("0 0 * * 5/2", "At 00:00, only on Friday and Sunday"),
        ("0 0 * * */2", "At 00:00, only on Tuesday, Thursday, Saturday, and Sunday"),
        (
            "0 9 1 * */2",
            "At 09:00, only on Tuesday, Thursday, Saturday, and Sunday, "
            "if the day of the month is 1",
        ),
        (
            "0 9 */10 * 1-5",
            "At 09:00, Monday through Friday, if the day of the month is 1, 11, 21, or 31",
        ),
        # either day field matching, with the "or" cron-descriptor dropped
        ("0 9 15 * 1-5", "At 09:00, on day 15 of the month, or Monday through Friday"),
        (
            "0 9 1-7 * 5#1",
            "At 09:00, between day 1 and 7 of the month, or on the first Friday of the month",
        ),
        ("0 9 L * 5", "At 09:00, on the last day of the month, or on Friday"),
        ("0 9 1-31 * 1", "At 09:00"),  # either field matches every day
        # lists cron-descriptor garbled
        ("0 10 * * 1#1,1#3", "At 10:00, on the first and third Monday of the month"),
        ("0 9 * * 1,5L", "At 09:00, only on Monday, or on the last Friday of the month"),
        ("0 9 1,L * *", "At 09:00, on day 1 of the month and on the last day of the month"),
        ("0 9 * * 0,7", "At 09:00, only on Sunday"),
        ("0 9 * * 5-7", "At 09:00, Friday through Sunday"),
        ("0 9 * * 6,0,1", "At 09:00, Saturday through Monday"),
        # steps that do not say what fires are said as what fires
        ("*/45 * * * *", "At 0 and 45 minutes past the hour"),
        ("0 */5 * * *", "At 00:00, 05:00, 10:00, 15:00 and 20:00"),
        ("0 5/30 * * *", "At 05:00"),
        ("40/15 * * * *", "At 40 and 55 minutes past the hour"),
        ("0 9 */2 * *", "At 09:00, on odd days of the month"),
        ("0 9 2/5 * *", "At 09:00, on day 2, 7, 12, 17, 22, and 27 of the month"),
        ("0 9 * 2/3 *", "At 09:00, only in February, May, August, and November"),
        # what was right stays as it was
        ("0 9 * * 1-5", "At 09:00, Monday through Friday"),
        ("*/15 9-16 * * 1-5", "Every 15 minutes, between 09:00 and 16:59, Monday through Friday"),
        ("0 9-17/2 * * *", "Every 2 hours, between 09:00 and 17:59"),
        ("0 0 1 1 *", "At 00:00, on day 1 of the month, only in January"),
        ("0 9 * 6-8 *", "At 09:00, June through August"),
    ],
)
def test_description(expression: str, text: str) -> None:
    assert describe_cron(expression) == text


# --- reading a description back ----------------------------------------------------------------

_DAY = "|".join(DAYS)
_DAYS_START = re.compile(
    rf", (?=only on |(?:{_DAY}) through |on day |between day |on odd days|on even days"
    r"|on the (?:last|first|second|third|fourth|fifth) )"
)
_MONTHS_END = re.compile(
    rf", (only in [A-Za-z, ]+|(?:{'|'.join(MONTHS)}) through (?:{'|'.join(MONTHS)}))$"
)


def _names(text: str, names: list[str]) -> list[int]:
    return [names.index(word) for word in re.findall(r"[A-Z][a-z]+", text) if word in names]


def _cycle(first: int, last: int, size: int) -> set[int]:
    return {(first + k) % size for k in range((last - first) % size + 1)}


class Promise:
    """What a description says: which days, which hours."""

    def __init__(self, text: str) -> None:
        self.months: set[int] = set(range(12))
        found = _MONTHS_END.search(text)
        if found:
            text = text[: found.start()]
            self.months = self._months(found.group(1))
        start = _DAYS_START.search(text)
        times, days = (text[: start.start()], text[start.end() :]) if start else (text, "")
        self.hours = self._hours(times)
        self.condition: str | None = None
        if ", if the day of the month is " in days:
            days, self.condition = days.split(", if the day of the month is ")
        self.pieces = [p for p in days.split(", or ") if p] if days else []

    @staticmethod
    def _months(phrase: str) -> set[int]:
        if phrase.startswith("only in "):
            return set(_names(phrase, MONTHS))
        first, last = _names(phrase, MONTHS)
        return _cycle(first, last, 12)

    @staticmethod
    def _hours(times: str) -> set[int]:
        between = re.search(r"between (\d\d):00 and (\d\d):59", times)
        step = re.search(r"every (\d+) hours", times, re.IGNORECASE)
        if between:
            first, last = int(between.group(1)), int(between.group(2))
            return set(range(first, last + 1, int(step.group(1)) if step else 1))
        if step:
            start = re.search(r"starting at (\d\d):00", times)
            return set(range(int(start.group(1)) if start else 0, 24, int(step.group(1))))
        hours: set[int] = set()
        for first, last in re.findall(r"(\d\d):00 through (\d\d):59", times):
            hours |= set(range(int(first), int(last) + 1))
        times = re.sub(r"\d\d:00 through \d\d:59", "", times)
        hours |= {int(h) for h in re.findall(r"(\d\d):\d\d", times)}
        return hours or set(range(24))

    @staticmethod
    def _condition(condition: str, day: date) -> bool:
        """ "odd", "between 1 and 7", "1, 11, 21, or 31", "15 or the last of the month"."""
        length = calendar.monthrange(day.year, day.month)[1]
        if "the last weekday of the month" in condition and _dom(
            "last weekday of the month", day, length
        ):
            return True
        if "the last of the month" in condition and day.day == length:
            return True
        rest = condition.replace("the last weekday of the month", "").replace(
            "the last of the month", ""
        )
        if rest.strip() in ("odd", "even"):
            return _dom(f"{rest.strip()} days", day, length)
        if (between := re.search(r"between (\d+) and (\d+)", rest)) is not None:
            return int(between.group(1)) <= day.day <= int(between.group(2))
        return day.day in {int(n) for n in re.findall(r"\d+", rest)}

    def day(self, day: date) -> bool:
        if day.month - 1 not in self.months:
            return False
        if self.pieces and not any(self._piece(piece, day) for piece in self.pieces):
            return False
        return self.condition is None or self._condition(self.condition, day)

    @staticmethod
    def _piece(piece: str, day: date) -> bool:
        weekday, length = day.weekday(), calendar.monthrange(day.year, day.month)[1]
        if piece.startswith("only on ") or piece.startswith("on ") and piece[3:4].isupper():
            return weekday in _names(piece, DAYS)
        if " through " in piece:
            first, last = _names(piece, DAYS)
            return weekday in _cycle(first, last, 7)
        if "of the month" in piece and any(
            f" {d} of" in piece or f" {d} and" in piece for d in DAYS
        ):
            for counts, name in re.findall(
                rf"((?:(?:first|second|third|fourth|fifth|last)(?:, and |, | and )?)+) ({_DAY})",
                piece,
            ):
                if DAYS.index(name) != weekday:
                    continue
                for word in re.findall(r"first|second|third|fourth|fifth|last", counts):
                    n = ORDINALS[word]
                    if (n == -1 and day.day + 7 > length) or (
                        n > 0 and (day.day - 1) // 7 + 1 == n
                    ):
                        return True
            return False
        return any(_dom(part, day, length) for part in piece.split(" and on "))


def _dom(part: str, day: date, length: int) -> bool:
    if "last day of the month" in part:
        return day.day == length
    if "last weekday of the month" in part:
        last = date(day.year, day.month, length)
        while last.weekday() > 4:
            last -= timedelta(days=1)
        return day == last
    if "odd days" in part:
        return day.day % 2 == 1
    if "even days" in part:
        return day.day % 2 == 0
    if (between := re.search(r"between day (\d+) and (\d+)", part)) is not None:
        return int(between.group(1)) <= day.day <= int(between.group(2))
    return day.day in {int(n) for n in re.findall(r"\d+", part)}


# --- a corpus of expressions -----------------------------------------------------------------

MINUTES = ["0", "30", "0,30", "*/15", "*/20", "5/15", "*/45", "50/20", "15-59/30", "10-40/10"]
HOURS = ["9", "9,17", "0,12", "8-18", "*/6", "*/5", "9-17/2", "1/3", "*", "22-23", "5/30", "0-23/4"]


@st.composite
def dom_fields(draw: st.DrawFn) -> str:
    kind = draw(
        st.sampled_from(["*", "n", "list", "range", "step", "start", "rstep", "L", "LW", "nL"])
    )
    n = draw(st.integers(1, 28))
    m = draw(st.integers(1, 31))
    step = draw(st.integers(1, 10))
    return {
        "*": "*",
        "n": str(n),
        "list": f"{min(n, m)},{max(n, m)}" if n != m else str(n),
        "range": f"{min(n, m)}-{max(n, m)}",
        "step": f"*/{step}",
        "start": f"{n}/{step}",
        "rstep": f"{min(n, m)}-{max(n, m)}/{step}",
        "L": "L",
        "LW": "LW",
        "nL": f"{n},L",
    }[kind]


@st.composite
def dow_fields(draw: st.DrawFn) -> str:
    kind = draw(
        st.sampled_from(
            [
                "*",
                "n",
                "list",
                "range",
                "step",
                "start",
                "rstep",
                "last",
                "nth",
                "nths",
                "mixed",
                "name",
            ]
        )
    )
    a, b = sorted(draw(st.lists(st.integers(0, 7), min_size=2, max_size=2, unique=True)))
    step = draw(st.integers(1, 4))
    nth = draw(st.integers(1, 5))
    names = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]
    return {
        "*": "*",
        "n": str(a),
        "list": f"{a},{b}",
        "range": f"{a}-{b}",
        "step": f"*/{step}",
        "start": f"{a}/{step}",
        "rstep": f"{a}-{b}/{step}",
        "last": f"{a % 7}L",
        "nth": f"{a % 7}#{nth}",
        "nths": f"{a % 7}#1,{a % 7}#3",
        "mixed": f"{b % 7},{a % 7}L",
        "name": f"{names[a % 7]}-{names[max(b % 7, a % 7)]}",
    }[kind]


MONTH_FIELDS = ["*", "*", "*", "1", "1,7", "6-8", "*/3", "2/4", "11-12"]


@settings(max_examples=400, deadline=None)
@given(
    minute=st.sampled_from(MINUTES),
    hour=st.sampled_from(HOURS),
    dom=dom_fields(),
    month=st.sampled_from(MONTH_FIELDS),
    dow=dow_fields(),
    start=st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2030, 12, 31)),
)
def test_a_description_promises_exactly_what_fires(
    minute: str, hour: str, dom: str, month: str, dow: str, start: datetime
) -> None:
    expression = f"{minute} {hour} {dom} {month} {dow}"
    try:
        pattern = parse_cron(expression)
    except CronError:
        assume(False)
        return
    assume(ever_fires(pattern))
    text = describe_cron(expression)
    promise = Promise(text)
    trigger = CronTrigger(expression, "UTC")
    fires: list[datetime] = []
    instant = start.replace(tzinfo=UTC)
    while len(fires) < 50:
        fire = trigger.next_after(instant)
        assert fire is not None
        fires.append(fire)
        instant = fire
    by_day: dict[date, set[int]] = {}
    for fire in fires:
        assert promise.day(fire.date()), (text, fire)
        assert fire.hour in promise.hours, (text, fire)
        by_day.setdefault(fire.date(), set()).add(fire.hour)
    day = fires[0].date()
    while day <= fires[-1].date():
        assert promise.day(day) == (day in by_day), (text, day)
        if fires[0].date() < day < fires[-1].date() and day in by_day:
            assert by_day[day] == promise.hours, (text, day)
        day += timedelta(days=1)
