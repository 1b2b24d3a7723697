"""Properties of the sentence parser: rendered phrases fire where they say, and no text breaks it.

Sentences are rendered from generated schedules (days, times, steps, zones) in
the grammar's different spellings; every preview run of the parsed spec must
fall on the phrase's days and times, read in the schedule's zone. Then arbitrary
text and grammar-word soup: the parser answers or refuses, never anything else,
and never slowly.
"""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agentcron.timing.language import ParsedSentence, SentenceNotUnderstood, parse_sentence
from tests.support.sentences import EXAMPLE

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
# No DST transition falls in the weeks the previews cover (end of November to February).
ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Tokyo", "Australia/Sydney"]
FULL = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"]
SHORT = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]
FAST = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _clock(hour: int, minute: int, style: str) -> str:
    if style == "24h":
        return f"{hour:02d}:{minute:02d}"
    twelve, suffix = hour % 12 or 12, "am" if hour < 12 else "pm"
    if style == "spaced":
        suffix = " " + suffix.upper()
    return f"{twelve}{suffix}" if minute == 0 else f"{twelve}:{minute:02d}{suffix}"


def _sentence(timing: str, position: str) -> str:
    if position == "start":
        return f"{timing}, @alice check the logs"
    if position == "middle":
        return f"@alice check {timing} the logs"
    return f"@alice check the logs {timing}."


def _local(parsed: ParsedSentence) -> list[datetime]:
    zone = ZoneInfo(parsed.spec.timezone)
    assert parsed.next_runs
    return [run.astimezone(zone) for run in parsed.next_runs]


positions = st.sampled_from(["start", "middle", "end"])
clock_styles = st.sampled_from(["24h", "ampm", "spaced"])


@FAST
@given(
    days=st.sets(st.integers(0, 6), min_size=1, max_size=6),
    hour=st.integers(0, 23),
    minute=st.integers(0, 59),
    spelling=st.sampled_from(["every-full", "every-short", "plural"]),
    clock_style=clock_styles,
    zone=st.sampled_from(ZONES),
    position=positions,
)
def test_weekday_phrases_fire_on_their_days_at_their_time(
    days: set[int],
    hour: int,
    minute: int,
    spelling: str,
    clock_style: str,
    zone: str,
    position: str,
) -> None:
    ordered = sorted(days, key=lambda d: (d - 1) % 7)  # monday first, as people write
    if spelling == "plural":
        lead, names = "on ", [FULL[d] + "s" for d in ordered]
    else:
        lead, names = "every ", [(FULL if spelling == "every-full" else SHORT)[d] for d in ordered]
    timing = f"{lead}{_join(names)} at {_clock(hour, minute, clock_style)} {zone}"
    parsed = parse_sentence(_sentence(timing, position), now=NOW)
    assert parsed.agent == "alice"
    assert "check" in parsed.command and "logs" in parsed.command
    for run in _local(parsed):
        assert run.isoweekday() % 7 in days
        assert (run.hour, run.minute) == (hour, minute)


@FAST
@given(
    hours=st.sets(st.integers(0, 23), min_size=1, max_size=5),
    minute=st.integers(0, 59),
    clock_style=clock_styles,
    zone=st.sampled_from(ZONES),
    position=positions,
)
def test_several_times_a_day_fire_at_each_of_them(
    hours: set[int], minute: int, clock_style: str, zone: str, position: str
) -> None:
    times = _join([_clock(h, minute, clock_style) for h in sorted(hours)])
    parsed = parse_sentence(_sentence(f"every day at {times} in {zone}", position), now=NOW)
    seen = set()
    for run in _local(parsed):
        assert run.hour in hours and run.minute == minute
        seen.add(run.hour)
    assert seen == hours or len(hours) > 5 or len(seen) == 5


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


@FAST
@given(
    days=st.sets(st.integers(1, 28), min_size=1, max_size=4),
    hour=st.integers(0, 23),
    minute=st.integers(0, 59),
    zone=st.sampled_from(ZONES),
    position=positions,
)
def test_days_of_the_month_fire_on_those_days(
    days: set[int], hour: int, minute: int, zone: str, position: str
) -> None:
    listed = _join([_ordinal(d) for d in sorted(days)])
    timing = f"on the {listed} of every month at {_clock(hour, minute, '24h')} {zone}"
    parsed = parse_sentence(_sentence(timing, position), now=NOW)
    for run in _local(parsed):
        assert run.day in days
        if (run.hour, run.minute) != (hour, minute):
            # A time that spring-forward skips fires at the first minute after the gap.
            asked = run.replace(hour=hour, minute=minute, tzinfo=None)
            assert _skipped_by_dst(asked, run.tzinfo), (run, hour, minute)


def _skipped_by_dst(wall: datetime, zone: Any) -> bool:
    """Whether this wall-clock time does not exist in `zone` (it falls in a DST gap)."""
    there = wall.replace(tzinfo=zone)
    return there.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != wall


@FAST
@given(
    step=st.sampled_from([1, 2, 3, 4, 6, 8, 12]),
    days=st.sets(st.integers(0, 6), min_size=1, max_size=7),
    zone=st.sampled_from(ZONES),
)
def test_hours_on_days_keep_to_the_clock(step: int, days: set[int], zone: str) -> None:
    every = "every hour" if step == 1 else f"every {step} hours"
    names = _join([FULL[d] + "s" for d in sorted(days)])
    parsed = parse_sentence(f"@alice check {every} on {names} {zone}", now=NOW)
    for run in _local(parsed):
        assert run.isoweekday() % 7 in days
        assert run.minute == 0 and run.hour % step == 0


@FAST
@given(
    first=st.integers(0, 22),
    length=st.integers(1, 23),
    step=st.sampled_from([1, 2, 3]),
    style=st.sampled_from(["padded", "ampm", "24h"]),
)
def test_hour_windows_hold_their_runs(first: int, length: int, step: int, style: str) -> None:
    last = min(first + length, 23)
    every = "every hour" if step == 1 else f"every {step} hours"
    start, stop = (
        (f"{first:02d}", f"{last:02d}")
        if style == "padded"
        else (_clock(first, 0, style), _clock(last, 0, style))
    )
    parsed = parse_sentence(f"@alice check {every} between {start} and {stop}", now=NOW)
    for run in _local(parsed):
        assert first <= run.hour <= last and run.minute == 0
        assert (run.hour - first) % step == 0


UNIT_SPELLINGS = {
    "minutes": ["minutes", "minute", "mins", "min", "m"],
    "hours": ["hours", "hour", "hrs", "h"],
    "days": ["days", "day", "d"],
}


@FAST
@given(
    unit=st.sampled_from(["minutes", "hours"]),
    value=st.integers(1, 300),
    data=st.data(),
    position=positions,
)
def test_intervals_repeat_by_their_length(
    unit: str, value: int, data: st.DataObject, position: str
) -> None:
    if unit == "minutes":
        value = max(value, 5)
    spelled = data.draw(st.sampled_from(UNIT_SPELLINGS[unit]))
    glue = data.draw(st.sampled_from(["", " "])) if len(spelled) <= 3 else " "
    parsed = parse_sentence(_sentence(f"every {value}{glue}{spelled}", position), now=NOW)
    length = timedelta(**{unit: value})
    assert parsed.spec.interval_unit is not None and parsed.spec.interval_value is not None
    assert timedelta(**{parsed.spec.interval_unit.value: parsed.spec.interval_value}) == length
    runs = parsed.next_runs
    assert runs[0] == NOW + length
    assert all(b - a == length for a, b in zip(runs, runs[1:], strict=False))


# Zones whose clocks move; previews of up to 5 runs spaced by up to 60 days cross a change.
DST_ZONES = ["Europe/Berlin", "America/New_York", "America/Los_Angeles", "Australia/Sydney"]


@FAST
@given(
    days=st.integers(2, 60),
    hour=st.integers(0, 23),
    minute=st.sampled_from([0, 15, 30, 45]),
    weeks=st.booleans(),
    weekday=st.integers(0, 6),
    zone=st.sampled_from(DST_ZONES + ["UTC"]),
    position=positions,
)
def test_day_repetitions_keep_their_local_time_across_dst(
    days: int, hour: int, minute: int, weeks: bool, weekday: int, zone: str, position: str
) -> None:
    if weeks:
        count = max(days // 7, 2)
        lead = "every other" if count == 2 else f"every {count} weeks on"
        timing = f"{lead} {FULL[weekday]} at {_clock(hour, minute, '24h')} {zone}"
        days = count * 7
    else:
        timing = f"every {days} days at {_clock(hour, minute, 'ampm')} {zone}"
    parsed = parse_sentence(_sentence(timing, position), now=NOW)
    runs = _local(parsed)
    assert parsed.spec.anchor == parsed.next_runs[0] > NOW
    first = runs[0]
    assert first - timedelta(days=7 if weeks else 1) <= NOW  # the first such day and time
    for k, run in enumerate(runs):
        assert (run.hour, run.minute) == (hour, minute) or _skipped(run, hour, minute)
        assert run.date() == first.date() + timedelta(days=k * days)
        if weeks:
            assert run.isoweekday() % 7 == weekday


def _skipped(run: datetime, hour: int, minute: int) -> bool:
    """A wall time DST skips moves to the first minute after the gap, as cron's do."""
    wall = run.replace(hour=hour, minute=minute, tzinfo=None)
    return run.replace(tzinfo=None) > wall and run.hour - hour <= 1 and run.minute == 0


@FAST
@given(unit=st.sampled_from(["minutes", "hours", "days"]), value=st.integers(1, 500))
def test_delays_run_once_after_their_length(unit: str, value: int) -> None:
    parsed = parse_sentence(f"@alice call in {value} {unit}", now=NOW)
    assert parsed.spec.run_at == NOW + timedelta(**{unit: value})


WORDS = [
    "@alice",
    "check",
    "the",
    "logs",
    "every",
    "each",
    "at",
    "on",
    "in",
    "and",
    ",",
    ".",
    "!",
    "day",
    "days",
    "hour",
    "hours",
    "minutes",
    "min",
    "other",
    "half",
    "quarter",
    "week",
    "weekly",
    "daily",
    "hourly",
    "monthly",
    "yearly",
    "month",
    "year",
    "morning",
    "evening",
    "night",
    "tonight",
    "today",
    "tomorrow",
    "next",
    "this",
    "monday",
    "fridays",
    "mon-fri",
    "sat",
    "weekdays",
    "weekend",
    "except",
    "but",
    "between",
    "from",
    "to",
    "first",
    "last",
    "1st",
    "15th",
    "32nd",
    "of",
    "march",
    "december",
    "18",
    "2026",
    "2026-12-24",
    "9",
    "17",
    "25",
    "0",
    "9am",
    "12pm",
    "13pm",
    "9:30",
    "21h",
    "noon",
    "midnight",
    "o'clock",
    "pm",
    "a",
    "an",
    "2h",
    "30m",
    "1.5",
    "Europe/Berlin",
    "UTC",
    "utc+2",
    "(",
    ")",
    '"',
    "-",
    "@",
    "PT",
    "EST",
    "IST",
    "Berlin",
    "time",
    "Pacific",
    "local",
    "business",
    "hours",
    "during",
    "twice",
    "times",
    "3x",
    "quarter",
    "quarterly",
    "second",
    "alternate",
    "starting",
    "except",
    "odd",
    "start",
    "end",
    "for",
    "until",
    "sharp",
    "around",
    ":15",
    "past",
    "0930",
    "25.12.2026",
    "12/25",
    "christmas",
    "biweekly",
    "digest",
    "five",
    "5",
    "6:30",
    "9-5",
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=14).map(" ".join))
def test_grammar_soup_is_parsed_or_refused(text: str) -> None:
    _answer(text)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_text_is_parsed_or_refused(text: str) -> None:
    _answer(text)


def _answer(text: str) -> None:
    try:
        parsed = parse_sentence(text, now=NOW)
    except SentenceNotUnderstood as refused:
        assert refused.message and "\n" not in refused.message
        example = EXAMPLE.search(refused.message)
        assert example, refused.message
        parse_sentence(example.group(1), now=NOW)  # the example given really works
        return
    assert parsed.command.strip()
    assert parsed.next_runs


@pytest.mark.parametrize(
    "text",
    [
        "at " * 600,
        "every " * 600,
        "1st and " * 240,
        "mon, " * 380,
        "on the 1st, " * 160,
        "between 9 and " * 140,
        ", " * 990,
        '"' * 1999,
        "9" * 1999,
        "@alice " + "check " * 300 + "every weekday at 9am",
        "first and " * 190 + "monday of every month at 9",
        "in 2 hours and a half " * 90,
    ],
)
@pytest.mark.timeout(30)  # a hang guard (runaway backtracking), not a speed assertion
def test_long_and_repetitive_text_is_answered(text: str) -> None:
    with contextlib.suppress(SentenceNotUnderstood):
        parse_sentence(text, now=NOW)


def test_text_over_the_length_limit_is_refused() -> None:
    with pytest.raises(SentenceNotUnderstood, match="longer than"):
        parse_sentence("check " * 500 + "every day at 9", now=NOW)
