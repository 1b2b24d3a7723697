"""One line a person can read back: "At 09:00, Monday through Friday (America/New_York)".

Cron text comes from cron-descriptor (in English, 24-hour clock, matching the
`Once at 2026-12-24 09:00` form), after macro expansion, with the zone appended
by us; cron-descriptor knows nothing of zones.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from cron_descriptor import ExpressionDescriptor, Options

from agentcron.timing.cron import normalize_cron
from agentcron.timing.spec import IntervalUnit, ScheduleSpec, ScheduleType
from agentcron.timing.validate import check_structure
from agentcron.timing.wording import every


@lru_cache(maxsize=1)
def _options() -> Options:
    # Explicit locale: autodetection warns on hosts without one, and output must not vary by host.
    return Options(locale_code="en_US", use_24hour_time_format=True)


@lru_cache(maxsize=4096)
def describe_cron(expression: str) -> str:
    """cron-descriptor's sentence for an expression; the expression itself if it cannot say.

    Cached: cron-descriptor re-reads its translation catalogue on every call, which made
    a list of 50 schedules cost 15 ms in descriptions alone; the sentence depends on the
    expression only."""
    text = normalize_cron(expression)
    try:
        return str(ExpressionDescriptor(text, _options()).get_description())
    except Exception:  # a description is a courtesy: never fail a request over it
        return f"Cron {text}"


def describe_instant(instant: datetime, timezone: str) -> str:
    local = instant.astimezone(ZoneInfo(timezone))
    return local.strftime("%Y-%m-%d %H:%M:%S" if local.second else "%Y-%m-%d %H:%M")


def describe(spec: ScheduleSpec) -> str:
    """Raises InvalidSchedule for a spec that could not be scheduled at all."""
    check_structure(spec)
    kind = ScheduleType(spec.schedule_type)
    if kind is ScheduleType.CRON:
        assert spec.cron_expression is not None
        return f"{describe_cron(spec.cron_expression)} ({spec.timezone})"
    if kind is ScheduleType.INTERVAL:
        assert spec.interval_value is not None and spec.interval_unit is not None
        return every(IntervalUnit(spec.interval_unit).delta(spec.interval_value))
    assert spec.run_at is not None
    return f"Once at {describe_instant(spec.run_at, spec.timezone)} ({spec.timezone})"
