"""Fires by hour: exactly what walking `next_after` finds, grouped by the viewer's hours."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from agentcron.timing.cron import CronTrigger
from agentcron.timing.hours import fires_by_hour
from agentcron.timing.interval import IntervalTrigger
from agentcron.timing.once import OnceTrigger
from agentcron.timing.spec import IntervalUnit
from agentcron.timing.triggers import Trigger


def _walked(trigger: Trigger, after: datetime, until: datetime, zone: ZoneInfo) -> Counter[tuple]:
    found: Counter[tuple] = Counter()
    at = trigger.next_after(after)
    while at is not None and at < until:
        local = at.astimezone(zone)
        found[(local.date(), local.hour)] += 1
        at = trigger.next_after(at)
    return found


CASES = [
    # (trigger, viewer zone, window start): DST changes in the schedule's zone, the viewer's,
    # and a viewer half an hour off the schedule's hours.
    (CronTrigger("*/5 * * * *", "Europe/Berlin"), "Europe/Berlin", "2026-03-27T10:02:00"),
    (CronTrigger("30 2 * * *", "Europe/Berlin"), "UTC", "2026-03-25T00:00:00"),
    (CronTrigger("0,30 1-3 * * *", "America/New_York"), "Asia/Kolkata", "2026-10-29T00:00:00"),
    (CronTrigger("15 9 * * 1-5", "UTC"), "America/New_York", "2026-11-28T12:00:00"),
    (CronTrigger("0 17 L * *", "Europe/London"), "Europe/London", "2026-01-27T00:00:00"),
    (
        IntervalTrigger(7, IntervalUnit.MINUTES, datetime(2026, 3, 1, 0, 3, tzinfo=UTC)),
        "Europe/Berlin",
        "2026-03-27T00:00:00",
    ),
    (
        IntervalTrigger(90, IntervalUnit.MINUTES, datetime(2026, 3, 1, tzinfo=UTC)),
        "Australia/Lord_Howe",
        "2026-04-02T00:00:00",
    ),
    (
        IntervalTrigger(
            1, IntervalUnit.DAYS, datetime(2026, 3, 1, 16, 0, tzinfo=UTC), "Europe/Berlin"
        ),
        "Europe/Berlin",
        "2026-03-26T00:00:00",
    ),
    (OnceTrigger(datetime(2026, 3, 30, 9, 41, tzinfo=UTC)), "Europe/Berlin", "2026-03-27T00:00:00"),
]


@pytest.mark.parametrize(("trigger", "zone_name", "start"), CASES)
def test_fires_by_hour_match_a_walk(trigger: Trigger, zone_name: str, start: str) -> None:
    zone = ZoneInfo(zone_name)
    after = datetime.fromisoformat(start).replace(tzinfo=UTC)
    until = after + timedelta(days=7)

    hours = fires_by_hour(trigger, after, until, zone)

    grouped: Counter[tuple] = Counter()
    for hour in hours:
        grouped[(hour.day, hour.hour)] += hour.count
        local = hour.first.astimezone(zone)
        assert (local.date(), local.hour) == (hour.day, hour.hour)
        assert after < hour.first < until
    assert grouped == _walked(trigger, after, until, zone)
    assert [h.first for h in hours] == sorted(h.first for h in hours)


def test_a_five_minute_schedule_is_twelve_a_full_hour() -> None:
    trigger = CronTrigger("*/5 * * * *", "UTC")
    after = datetime(2026, 5, 4, 9, 0, tzinfo=UTC) - timedelta(microseconds=1)

    hours = fires_by_hour(trigger, after, after + timedelta(hours=3), ZoneInfo("UTC"))

    assert [(h.hour, h.count) for h in hours] == [(9, 12), (10, 12), (11, 12)]
    assert hours[0].first == datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
