"""One line a person can read back: "At 09:00, Monday through Friday (America/New_York)".

The times of day of a cron expression come from cron-descriptor (in English, on
the 24-hour clock, matching the `Once at 2026-12-24 09:00` form); its days and
months are written by `cron_words` from the sets cronsim fires on, because
cron-descriptor misreads several day rules. The zone is appended by us;
cron-descriptor knows nothing of zones.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from cron_descriptor import ExpressionDescriptor, Options

from agentcron.timing import cron_words
from agentcron.timing.cron import CronError, CronPattern, normalize_cron, parse_cron
from agentcron.timing.spec import IntervalUnit, ScheduleSpec, ScheduleType, utc
from agentcron.timing.validate import check_structure
from agentcron.timing.wording import every, plural


@lru_cache(maxsize=1)
def _options() -> Options:
    # Explicit locale: autodetection warns on hosts without one, and output must not vary by host.
    return Options(locale_code="en_US", use_24hour_time_format=True)


@lru_cache(maxsize=4096)
def describe_cron(expression: str) -> str:
    """The sentence for an expression; "Cron <text>" if it is not one we can fire.

    Cached: cron-descriptor re-reads its translation catalogue on every call, which made
    a list of 50 schedules cost 15 ms in descriptions alone; the sentence depends on the
    expression only."""
    text = normalize_cron(expression)
    try:
        pattern = parse_cron(text)
    except CronError:
        return f"Cron {text}"
    try:
        times = _times_of_day(pattern)
    except Exception:  # a description is a courtesy: never fail a request over it
        return f"Cron {text}"
    phrases = [times, cron_words.days_phrase(pattern), cron_words.months_phrase(pattern)]
    return ", ".join(p for p in phrases if p)


def _times_of_day(pattern: CronPattern) -> str:
    minute, hour = pattern.expression.split()[:2]
    minute = _plain_field(minute, pattern.minutes, 60)
    hour = _plain_field(hour, pattern.hours, 24)
    return str(ExpressionDescriptor(f"{minute} {hour} * * *", _options()).get_description())


def _plain_field(text: str, values: frozenset[int], cycle: int) -> str:
    """A step that does not say what fires, as the plain list cronsim reads.

    cron-descriptor says "every 45 minutes" of `*/45` (which fires at :00 and :45, 15
    minutes apart across the hour) and "every 30 hours" of `5/30` (only 05:00); a step
    is kept only where it divides the hour or the day from its first value, or runs
    within a window that ends before the hour or the day does ("9-17/2")."""
    if "/" not in text:
        return text
    base, _, step = text.partition("/")
    even = cycle % int(step) == 0 and (base == "*" or (base.isdigit() and int(base) < int(step)))
    window = "-" in base and not base.endswith(f"-{cycle - 1}")  # "9-17/2", not "15-59/30"
    kept = "," not in text and len(values) > 1 and (window or even)
    return text if kept else ",".join(str(v) for v in sorted(values))


def describe_instant(instant: datetime, timezone: str) -> str:
    local = instant.astimezone(ZoneInfo(timezone))
    return local.strftime("%Y-%m-%d %H:%M:%S" if local.second else "%Y-%m-%d %H:%M")


def _start(spec: ScheduleSpec) -> str:
    assert spec.anchor is not None
    start = utc(spec.anchor).astimezone(ZoneInfo(spec.timezone))
    when = start.strftime("%a %Y-%m-%d %H:%M:%S" if start.second else "%a %Y-%m-%d %H:%M")
    return f"{when} ({spec.timezone})"


def describe(spec: ScheduleSpec, *, now: datetime | None = None) -> str:
    """Raises InvalidSchedule for a spec that could not be scheduled at all.

    An interval in days says where it starts, in its zone ("Every 2 weeks from Fri
    2026-12-11 17:00 (America/Los_Angeles)"): its fires keep that local time. One in
    minutes or hours says so too when it starts later than `now` ("every 4 hours
    starting at 8am"); otherwise it starts when saved and "Every 4 hours" says it all.
    """
    check_structure(spec)
    kind = ScheduleType(spec.schedule_type)
    if kind is ScheduleType.AFTER:
        return "After another schedule finishes (no clock of its own)"
    if kind is ScheduleType.CRON:
        assert spec.cron_expression is not None
        return f"{describe_cron(spec.cron_expression)} ({spec.timezone})"
    if kind is ScheduleType.INTERVAL:
        assert spec.interval_value is not None and spec.interval_unit is not None
        unit = IntervalUnit(spec.interval_unit)
        later = spec.anchor is not None and now is not None and utc(spec.anchor) > utc(now)
        if unit is not IntervalUnit.DAYS and later:
            return f"{every(unit.delta(spec.interval_value))} from {_start(spec)}"
        if unit is not IntervalUnit.DAYS or spec.anchor is None:
            return every(unit.delta(spec.interval_value))
        value = spec.interval_value
        length = (
            ("week" if value == 7 else plural(value // 7, "week"))
            if value % 7 == 0
            else ("day" if value == 1 else plural(value, "day"))
        )
        return f"Every {length} from {_start(spec)}"
    assert spec.run_at is not None
    return f"Once at {describe_instant(spec.run_at, spec.timezone)} ({spec.timezone})"
