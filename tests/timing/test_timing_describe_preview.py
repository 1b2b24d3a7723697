"""describe(), preview() and build_trigger(): the public face as the API and parser use it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from agentcron.timing import (
    IntervalUnit,
    InvalidSchedule,
    ScheduleSpec,
    ScheduleType,
    build_trigger,
    describe,
    preview,
)
from agentcron.timing.describe import describe_cron

AFTER = datetime(2026, 3, 5, 12, tzinfo=UTC)  # a Thursday


@pytest.mark.parametrize(
    ("expression", "zone", "text"),
    [
        ("0 9 * * 1-5", "America/New_York", "At 09:00, Monday through Friday (America/New_York)"),
        ("0 9 * * mon-fri", "UTC", "At 09:00, Monday through Friday (UTC)"),
        ("*/15 * * * *", "UTC", "Every 15 minutes (UTC)"),
        ("@daily", "Europe/Berlin", "At 00:00 (Europe/Berlin)"),
        ("@hourly", "UTC", "Every hour (UTC)"),
        ("@weekly", "UTC", "At 00:00, only on Sunday (UTC)"),
        ("@monthly", "UTC", "At 00:00, on day 1 of the month (UTC)"),
        ("@yearly", "UTC", "At 00:00, on day 1 of the month, only in January (UTC)"),
        ("30 14 * * *", "UTC", "At 14:30 (UTC)"),
        ("0 0 L * *", "UTC", "At 00:00, on the last day of the month (UTC)"),
        ("0 0 LW * *", "UTC", "At 00:00, on the last weekday of the month (UTC)"),
        ("0 9 * * 5L", "UTC", "At 09:00, on the last Friday of the month (UTC)"),
        ("0 9 * * 1#2", "UTC", "At 09:00, on the second Monday of the month (UTC)"),
        ("0 9 15 * MON", "UTC", "At 09:00, on day 15 of the month, or on Monday (UTC)"),
    ],
)
def test_describe_cron(expression: str, zone: str, text: str) -> None:
    spec = ScheduleSpec(ScheduleType.CRON, zone, cron_expression=expression)
    assert describe(spec) == text


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (30, IntervalUnit.MINUTES, "Every 30 minutes"),
        (1, IntervalUnit.MINUTES, "Every minute"),
        (90, IntervalUnit.MINUTES, "Every 90 minutes"),
        (60, IntervalUnit.MINUTES, "Every hour"),
        (1, IntervalUnit.HOURS, "Every hour"),
        (36, IntervalUnit.HOURS, "Every 36 hours"),
        (1, IntervalUnit.DAYS, "Every day"),
        (2, IntervalUnit.DAYS, "Every 2 days"),
    ],
)
def test_describe_interval(value: int, unit: IntervalUnit, text: str) -> None:
    spec = ScheduleSpec(ScheduleType.INTERVAL, interval_value=value, interval_unit=unit)
    assert describe(spec) == text


def test_describe_once_in_the_schedule_zone() -> None:
    run_at = datetime(2026, 12, 24, 8, tzinfo=UTC)
    spec = ScheduleSpec(ScheduleType.ONCE, "Europe/Berlin", run_at=run_at)
    assert describe(spec) == "Once at 2026-12-24 09:00 (Europe/Berlin)"
    spec = ScheduleSpec(ScheduleType.ONCE, "UTC", run_at=run_at + timedelta(seconds=5))
    assert describe(spec) == "Once at 2026-12-24 08:00:05 (UTC)"


def test_describe_refuses_what_cannot_be_scheduled() -> None:
    with pytest.raises(InvalidSchedule) as caught:
        describe(ScheduleSpec(ScheduleType.CRON, cron_expression="0 0 31 2 *"))
    assert caught.value.problems[0].field == "cron_expression"


def test_describe_ignores_the_gap_policy() -> None:
    spec = ScheduleSpec(ScheduleType.CRON, cron_expression="* * * * *")
    assert describe(spec) == "Every minute (UTC)"


def test_describe_cron_never_raises() -> None:
    assert describe_cron("not cron") == "Cron NOT CRON"


def test_preview_cron() -> None:
    spec = ScheduleSpec(ScheduleType.CRON, "America/New_York", cron_expression="0 9 * * 1-5")
    assert preview(spec, AFTER, count=3) == [
        datetime(2026, 3, 5, 14, tzinfo=UTC),
        datetime(2026, 3, 6, 14, tzinfo=UTC),
        datetime(2026, 3, 9, 13, tzinfo=UTC),  # Monday after spring-forward: EDT
    ]
    assert len(preview(spec, AFTER)) == 5
    assert preview(spec, AFTER, count=0) == []


def test_preview_interval_uses_its_anchor_or_the_start() -> None:
    spec = ScheduleSpec(ScheduleType.INTERVAL, interval_value=2, interval_unit=IntervalUnit.HOURS)
    assert preview(spec, AFTER, count=2) == [AFTER + timedelta(hours=2), AFTER + timedelta(hours=4)]
    anchored = spec.with_anchor(AFTER - timedelta(minutes=30))
    assert preview(anchored, AFTER, count=2) == [
        AFTER + timedelta(minutes=90),
        AFTER + timedelta(minutes=210),
    ]


def test_preview_once_gives_at_most_one() -> None:
    run_at = AFTER + timedelta(days=1)
    spec = ScheduleSpec(ScheduleType.ONCE, run_at=run_at)
    assert preview(spec, AFTER) == [run_at]
    assert preview(spec, run_at) == []


def test_preview_is_strictly_after() -> None:
    spec = ScheduleSpec(ScheduleType.CRON, cron_expression="0 12 * * *")
    assert preview(spec, AFTER, count=1) == [AFTER + timedelta(days=1)]


def test_preview_refuses_bad_counts_and_naive_instants() -> None:
    spec = ScheduleSpec(ScheduleType.CRON, cron_expression="0 12 * * *")
    with pytest.raises(ValueError, match="count"):
        preview(spec, AFTER, count=-1)
    with pytest.raises(ValueError, match="naive"):
        preview(spec, datetime(2026, 1, 1))


def test_build_trigger_for_each_type() -> None:
    cron = build_trigger(ScheduleSpec(ScheduleType.CRON, cron_expression="@daily"))
    assert cron.next_after(AFTER) == datetime(2026, 3, 6, tzinfo=UTC)
    spec = ScheduleSpec(
        ScheduleType.INTERVAL, interval_value=5, interval_unit=IntervalUnit.MINUTES, anchor=AFTER
    )
    assert build_trigger(spec).next_after(AFTER) == AFTER + timedelta(minutes=5)
    once = build_trigger(ScheduleSpec(ScheduleType.ONCE, run_at=AFTER))
    assert once.next_after(AFTER) is None


def test_build_trigger_refuses_unusable_specs() -> None:
    with pytest.raises(InvalidSchedule) as caught:
        build_trigger(ScheduleSpec(ScheduleType.CRON, "Nowhere/Land", cron_expression="61 * * * *"))
    assert [p.field for p in caught.value.problems] == ["timezone", "cron_expression"]
    unanchored = ScheduleSpec(ScheduleType.INTERVAL, interval_value=5, interval_unit="minutes")  # type: ignore[arg-type]
    with pytest.raises(InvalidSchedule, match="anchor"):
        build_trigger(unanchored)


def test_build_trigger_does_not_apply_the_gap_policy() -> None:
    trigger = build_trigger(ScheduleSpec(ScheduleType.CRON, cron_expression="* * * * *"))
    assert trigger.next_after(AFTER) == AFTER + timedelta(minutes=1)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1, "Every day from Fri 2026-12-04 17:00 (America/Los_Angeles)"),
        (3, "Every 3 days from Fri 2026-12-04 17:00 (America/Los_Angeles)"),
        (7, "Every week from Fri 2026-12-04 17:00 (America/Los_Angeles)"),
        (14, "Every 2 weeks from Fri 2026-12-04 17:00 (America/Los_Angeles)"),
    ],
)
def test_describe_an_interval_in_days_from_its_anchor(value: int, text: str) -> None:
    anchor = datetime(2026, 12, 5, 1, 0, tzinfo=UTC)  # Friday 17:00 in Los Angeles
    spec = ScheduleSpec(
        ScheduleType.INTERVAL,
        "America/Los_Angeles",
        interval_value=value,
        interval_unit=IntervalUnit.DAYS,
        anchor=anchor,
    )
    assert describe(spec) == text


def test_describe_an_interval_in_hours_ignores_its_anchor() -> None:
    spec = ScheduleSpec(
        ScheduleType.INTERVAL, interval_value=2, interval_unit=IntervalUnit.HOURS, anchor=AFTER
    )
    assert describe(spec) == "Every 2 hours"


def test_preview_of_an_interval_anchored_in_the_future_starts_at_the_anchor() -> None:
    anchor = AFTER + timedelta(days=3, hours=5)
    spec = ScheduleSpec(
        ScheduleType.INTERVAL,
        "UTC",
        interval_value=14,
        interval_unit=IntervalUnit.DAYS,
        anchor=anchor,
    )
    assert preview(spec, AFTER, 3) == [
        anchor,
        anchor + timedelta(days=14),
        anchor + timedelta(days=28),
    ]


def test_a_naive_anchor_is_a_problem_of_its_own() -> None:
    from agentcron.timing import validate

    spec = ScheduleSpec(
        ScheduleType.INTERVAL,
        interval_value=1,
        interval_unit=IntervalUnit.DAYS,
        anchor=datetime(2026, 12, 4, 17),
    )
    with pytest.raises(InvalidSchedule) as caught:
        validate(spec, min_gap=timedelta(minutes=5))
    assert [p.field for p in caught.value.problems] == ["anchor"]
