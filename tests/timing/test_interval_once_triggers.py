"""Interval triggers stay on anchor + k * period; once triggers fire once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agentcron.timing import IntervalUnit
from agentcron.timing.interval import IntervalTrigger
from agentcron.timing.once import OnceTrigger
from agentcron.timing.wallclock import local_instant

ANCHOR = datetime(2026, 3, 1, 8, 0, 0, 123456, tzinfo=UTC)


def test_interval_fires_on_the_grid_however_late_the_question() -> None:
    trigger = IntervalTrigger(30, IntervalUnit.MINUTES, ANCHOR)
    # a run that ended 7 minutes 13 seconds late does not shift the grid
    late = ANCHOR + timedelta(minutes=30 * 5 + 7, seconds=13)
    assert trigger.next_after(late) == ANCHOR + timedelta(minutes=30 * 6)


def test_interval_next_is_strictly_later_on_a_slot() -> None:
    trigger = IntervalTrigger(2, IntervalUnit.HOURS, ANCHOR)
    assert trigger.next_after(ANCHOR) == ANCHOR + timedelta(hours=2)
    slot = ANCHOR + timedelta(hours=10)
    assert trigger.next_after(slot) == slot + timedelta(hours=2)
    assert trigger.next_after(slot - timedelta(microseconds=1)) == slot


def test_interval_before_its_anchor_fires_at_the_anchor() -> None:
    trigger = IntervalTrigger(1, IntervalUnit.DAYS, ANCHOR)
    assert trigger.next_after(ANCHOR - timedelta(days=400)) == ANCHOR


def test_interval_counts_elapsed_time_across_dst_in_utc() -> None:
    anchor = datetime(2026, 3, 7, 9, tzinfo=ZoneInfo("America/New_York"))
    trigger = IntervalTrigger(1, IntervalUnit.DAYS, anchor)  # the schedule's zone is UTC
    fire = trigger.next_after(anchor)
    assert fire is not None
    assert fire - anchor == timedelta(days=1)
    assert fire.astimezone(ZoneInfo("America/New_York")).hour == 10  # 24 h later, clocks moved
    assert fire.tzinfo is UTC


def test_interval_does_not_drift_over_a_million_periods() -> None:
    trigger = IntervalTrigger(7, IntervalUnit.MINUTES, ANCHOR)
    far = ANCHOR + timedelta(minutes=7 * 1_000_000, seconds=1)
    assert trigger.next_after(far) == ANCHOR + timedelta(minutes=7 * 1_000_001)


@given(
    value=st.integers(1, 1000),
    unit=st.sampled_from(list(IntervalUnit)),
    offset=st.timedeltas(min_value=timedelta(days=-30), max_value=timedelta(days=3650)),
)
@settings(max_examples=200, deadline=None)
def test_interval_property_next_is_the_first_slot_after(
    value: int, unit: IntervalUnit, offset: timedelta
) -> None:
    trigger = IntervalTrigger(value, unit, ANCHOR)
    period = unit.delta(value)
    instant = ANCHOR + offset
    fire = trigger.next_after(instant)
    assert fire is not None
    assert fire > instant
    assert fire >= ANCHOR
    assert (fire - ANCHOR) % period == timedelta(0)
    assert fire - period <= instant or fire == ANCHOR


def test_days_keep_the_anchors_local_time_in_the_schedules_zone() -> None:
    """Every other Friday 17:00 in Los Angeles stays 17:00 there when the clocks move."""
    pacific = ZoneInfo("America/Los_Angeles")
    anchor = datetime(2027, 2, 26, 17, tzinfo=pacific)  # PST; DST starts 2027-03-14
    trigger = IntervalTrigger(14, IntervalUnit.DAYS, anchor, "America/Los_Angeles")
    fires, instant = [], anchor - timedelta(seconds=1)
    for _ in range(4):
        fire = trigger.next_after(instant)
        assert fire is not None and fire.tzinfo is UTC
        fires.append(fire)
        instant = fire
    local = [fire.astimezone(pacific) for fire in fires]
    assert [(f.month, f.day, f.hour) for f in local] == [
        (2, 26, 17),
        (3, 12, 17),
        (3, 26, 17),
        (4, 9, 17),
    ]
    assert fires[2] - fires[1] == timedelta(days=14, hours=-1)  # 13 days 23 hours of real time


def test_days_skipped_by_spring_forward_fire_after_the_gap() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    anchor = datetime(2027, 3, 27, 2, 30, tzinfo=berlin)  # 02:30 does not exist on 03-28
    trigger = IntervalTrigger(1, IntervalUnit.DAYS, anchor, "Europe/Berlin")
    fire = trigger.next_after(anchor)
    assert fire is not None
    assert fire.astimezone(berlin).replace(tzinfo=None) == datetime(2027, 3, 28, 3, 0)
    after = trigger.next_after(fire)
    assert after is not None
    assert after.astimezone(berlin).replace(tzinfo=None) == datetime(2027, 3, 29, 2, 30)


@given(
    value=st.integers(1, 60),
    zone=st.sampled_from(["Europe/Berlin", "America/New_York", "Australia/Sydney", "UTC"]),
    anchor=st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2030, 1, 1)),
    offset=st.timedeltas(min_value=timedelta(days=-3), max_value=timedelta(days=2000)),
)
@settings(max_examples=200, deadline=None)
def test_days_in_a_zone_fire_on_the_anchors_wall_clock(
    value: int, zone: str, anchor: datetime, offset: timedelta
) -> None:
    tz = ZoneInfo(zone)
    start = anchor.replace(tzinfo=UTC)
    trigger = IntervalTrigger(value, IntervalUnit.DAYS, start, zone)
    instant = start + offset
    fire = trigger.next_after(instant)
    assert fire is not None and fire > instant
    first = start.astimezone(tz)
    days = (fire.astimezone(tz).date() - first.date()).days
    assert days % value == 0
    k = days // value
    if k == 0:
        assert fire == start
        return
    wall = first.timetz().replace(tzinfo=None)
    assert fire == local_instant(first.date() + timedelta(days=days), wall, tz)
    before = k - 1
    previous = (
        start
        if before == 0
        else local_instant(first.date() + timedelta(days=before * value), wall, tz)
    )
    assert previous <= instant  # the slot before is not after the question: none skipped


@pytest.mark.parametrize("value", [0, -5, True])
def test_interval_refuses_non_positive_values(value: int) -> None:
    with pytest.raises(ValueError, match="positive whole number"):
        IntervalTrigger(value, IntervalUnit.MINUTES, ANCHOR)


def test_interval_refuses_a_naive_anchor() -> None:
    with pytest.raises(ValueError, match="naive"):
        IntervalTrigger(5, IntervalUnit.MINUTES, datetime(2026, 1, 1))


def test_once_fires_once() -> None:
    run_at = datetime(2026, 12, 24, 9, tzinfo=ZoneInfo("Europe/Berlin"))
    trigger = OnceTrigger(run_at)
    first = trigger.next_after(run_at - timedelta(days=1))
    assert first == datetime(2026, 12, 24, 8, tzinfo=UTC)
    assert first is not None and first.tzinfo is UTC
    assert trigger.next_after(first) is None
    assert trigger.next_after(first + timedelta(seconds=1)) is None
    assert trigger.next_after(first - timedelta(microseconds=1)) == first


def test_once_refuses_naive_times() -> None:
    with pytest.raises(ValueError, match="naive"):
        OnceTrigger(datetime(2026, 12, 24, 9))
    with pytest.raises(ValueError, match="naive"):
        OnceTrigger(ANCHOR).next_after(datetime(2026, 1, 1))
