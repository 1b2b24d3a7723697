"""Counting fires in a window equals walking them one by one, across DST, month ends, L,
# and the Vixie day rule; and it is fast enough for a month of five-minute slots."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agentcron.timing import IntervalUnit, ScheduleSpec, ScheduleType, build_trigger
from agentcron.timing.counting import count_fires

EXPRESSIONS = [
    "*/5 * * * *",
    "0 * * * *",
    "30 2 * * *",
    "0 9 * * 1-5",
    "15,45 1-3 * * *",
    "0 0 L * *",
    "0 12 * * 5L",
    "0 8 * * 1#2",
    "0 16 */2 * 6",
    "*/30 9-17 1,15 * 1",
    "0 0 29 2 *",
]
ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "America/Santiago"]


def _walk(spec: ScheduleSpec, after: datetime, until: datetime) -> int:
    trigger, count, instant = build_trigger(spec), 0, after
    while True:
        fire = trigger.next_after(instant)
        if fire is None or fire > until:
            return count
        count += 1
        instant = fire


@pytest.mark.parametrize("expression", EXPRESSIONS)
@pytest.mark.parametrize("zone", ZONES)
def test_cron_counts_match_walking_across_dst_seasons(expression: str, zone: str) -> None:
    spec = ScheduleSpec(ScheduleType.CRON, timezone=zone, cron_expression=expression)
    # Windows that cover both DST changes of both hemispheres and odd start instants.
    for after, days in (
        (datetime(2026, 3, 1, 7, 13, 11, tzinfo=UTC), 45),
        (datetime(2026, 9, 20, 23, 59, 59, 999999, tzinfo=UTC), 50),
        (datetime(2026, 2, 27, 0, 0, tzinfo=UTC), 3),
    ):
        until = after + timedelta(days=days, minutes=7)
        assert count_fires(build_trigger(spec), after, until, 10**6) == _walk(spec, after, until)


@settings(max_examples=60, deadline=None)
@given(
    value=st.integers(1, 500),
    unit=st.sampled_from(list(IntervalUnit)),
    anchor_offset=st.integers(-(10**6), 10**6),
    span=st.integers(0, 10**7),
)
def test_interval_counts_are_arithmetic_and_exact(
    value: int, unit: IntervalUnit, anchor_offset: int, span: int
) -> None:
    after = datetime(2026, 5, 1, tzinfo=UTC)
    spec = ScheduleSpec(
        ScheduleType.INTERVAL,
        timezone="UTC",
        interval_value=value,
        interval_unit=unit,
        anchor=after + timedelta(seconds=anchor_offset),
    )
    until = after + timedelta(seconds=span)
    expected = _walk(spec, after, until) if span < 2 * 10**6 or value > 50 else None
    counted = count_fires(build_trigger(spec), after, until, 10**9)
    if expected is not None:
        assert counted == expected


@settings(max_examples=80, deadline=None)
@given(
    value=st.integers(1, 40),
    zone=st.sampled_from(ZONES),
    anchor=st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 1, 1)),
    start=st.integers(-40, 400),
    span=st.integers(0, 400),
)
def test_day_interval_counts_in_a_zone_match_walking_across_dst(
    value: int, zone: str, anchor: datetime, start: int, span: int
) -> None:
    """Days keep their local time, so a DST change moves one fire by an hour: still exact."""
    spec = ScheduleSpec(
        ScheduleType.INTERVAL,
        timezone=zone,
        interval_value=value,
        interval_unit=IntervalUnit.DAYS,
        anchor=anchor.replace(tzinfo=UTC),
    )
    after = anchor.replace(tzinfo=UTC) + timedelta(days=start, minutes=start)
    until = after + timedelta(days=span, hours=span % 24)
    assert count_fires(build_trigger(spec), after, until, 10**6) == _walk(spec, after, until)


def test_the_cap_bounds_the_answer() -> None:
    spec = ScheduleSpec(ScheduleType.CRON, timezone="Europe/Berlin", cron_expression="*/5 * * * *")
    after = datetime(2026, 1, 1, tzinfo=UTC)
    assert count_fires(build_trigger(spec), after, after + timedelta(days=30), 1000) == 1000
    assert count_fires(build_trigger(spec), after, after + timedelta(days=30), 10**6) == 8640


def test_a_month_of_five_minute_slots_is_counted_without_walking_them() -> None:
    # Catch-up after downtime counts missed slots inside the claim; walking 8,640 fires per
    # schedule made 30 days of downtime hold the database for most of a minute (issue #15).
    spec = ScheduleSpec(
        ScheduleType.CRON, timezone="America/New_York", cron_expression="*/5 * * * *"
    )
    trigger = build_trigger(spec)
    calls = 0
    original = trigger.next_after

    def counted(instant: datetime) -> datetime | None:
        nonlocal calls
        calls += 1
        return original(instant)

    trigger.next_after = counted  # type: ignore[method-assign]
    after = datetime(2026, 2, 20, 5, 2, tzinfo=UTC)  # spans the spring-forward day
    # `*` in the minute field follows elapsed time: 288 a day, DST or not.
    assert count_fires(trigger, after, after + timedelta(days=30), 10**6) == 30 * 288
    assert calls < 400  # the DST day is walked (276 fires); every other day is arithmetic


@settings(max_examples=80, deadline=None)
@given(
    expression=st.sampled_from(EXPRESSIONS),
    zone=st.sampled_from([*ZONES, "Asia/Kolkata", "Europe/London", "America/Havana"]),
    start=st.datetimes(
        min_value=datetime(2026, 1, 1),
        max_value=datetime(2027, 12, 31),  # noqa: DTZ001
    ),
    span_min=st.integers(0, 12 * 24 * 60),
)
def test_cron_counts_equal_walking_for_any_window(
    expression: str, zone: str, start: datetime, span_min: int
) -> None:
    spec = ScheduleSpec(ScheduleType.CRON, timezone=zone, cron_expression=expression)
    after = start.replace(tzinfo=UTC)
    until = after + timedelta(minutes=span_min)
    assert count_fires(build_trigger(spec), after, until, 10**6) == _walk(spec, after, until)
