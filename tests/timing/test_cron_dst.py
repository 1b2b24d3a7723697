"""Cron fire times on tables of real 2026 DST transitions (checked against zoneinfo first).

Semantics (Debian cron, via cronsim): a fixed local time skipped by spring-forward
fires once at the first minute after the gap; a fixed local time repeated by
fall-back fires once, at its first occurrence; `*` entries follow elapsed time.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from agentcron.timing.cron import CronTrigger

NY, LONDON, LORD_HOWE, KOLKATA = (
    "America/New_York",
    "Europe/London",
    "Australia/Lord_Howe",
    "Asia/Kolkata",
)

# zone, local date, (offset before, offset after) in minutes east of UTC
TRANSITIONS = [
    (NY, date(2026, 3, 8), (-300, -240)),
    (NY, date(2026, 11, 1), (-240, -300)),
    (LONDON, date(2026, 3, 29), (0, 60)),
    (LONDON, date(2026, 10, 25), (60, 0)),
    (LORD_HOWE, date(2026, 4, 5), (660, 630)),
    (LORD_HOWE, date(2026, 10, 4), (630, 660)),
]


def _offsets_on(zone: str, day: date) -> list[int]:
    """Distinct UTC offsets (minutes) seen during a local day, in order, sampled per minute."""
    tz = ZoneInfo(zone)
    start = datetime(day.year, day.month, day.day, tzinfo=tz).astimezone(UTC)
    seen: list[int] = []
    for minute in range(26 * 60):
        local = (start + timedelta(minutes=minute)).astimezone(tz)
        if local.date() != day:
            break
        offset = local.utcoffset()
        assert offset is not None
        if not seen or seen[-1] != offset // timedelta(minutes=1):
            seen.append(offset // timedelta(minutes=1))
    return seen


@pytest.mark.parametrize(("zone", "day", "offsets"), TRANSITIONS)
def test_table_dates_are_real_transitions(zone: str, day: date, offsets: tuple[int, int]) -> None:
    assert _offsets_on(zone, day) == list(offsets)
    assert len(_offsets_on(zone, day - timedelta(days=1))) == 1


def test_kolkata_has_no_transition_in_2026() -> None:
    tz = ZoneInfo(KOLKATA)
    offsets = {datetime(2026, m, 1, tzinfo=tz).utcoffset() for m in range(1, 13)}
    assert offsets == {timedelta(hours=5, minutes=30)}


def fires_on(expression: str, zone: str, day: date) -> list[datetime]:
    """Every fire whose local date is `day`, in the zone, as aware local datetimes."""
    tz = ZoneInfo(zone)
    trigger = CronTrigger(expression, zone)
    instant = datetime(day.year, day.month, day.day, tzinfo=tz).astimezone(UTC)
    instant -= timedelta(microseconds=1)
    found: list[datetime] = []
    while True:
        fire = trigger.next_after(instant)
        assert fire is not None
        local = fire.astimezone(tz)
        if local.date() > day:
            return found
        found.append(local)
        instant = fire


def hhmm(fires: list[datetime]) -> list[str]:
    """Local wall time with its offset, e.g. 03:00-04:00, so a repeated hour shows twice."""
    return [f.strftime("%H:%M%z")[:-2] + ":" + f.strftime("%z")[-2:] for f in fires]


# zone, day, expression, expected local fires that day
FIXED_TIMES = [
    # spring-forward gap: fires once at the first minute after the gap
    (NY, date(2026, 3, 8), "30 2 * * *", ["03:00-04:00"]),
    (NY, date(2026, 3, 8), "0 2 * * *", ["03:00-04:00"]),
    (NY, date(2026, 3, 8), "59 2 * * *", ["03:00-04:00"]),
    (NY, date(2026, 3, 8), "30 1 * * *", ["01:30-05:00"]),
    (NY, date(2026, 3, 8), "0,30 2,3 * * *", ["03:00-04:00", "03:30-04:00"]),
    (LONDON, date(2026, 3, 29), "30 1 * * *", ["02:00+01:00"]),
    (LORD_HOWE, date(2026, 10, 4), "15 2 * * *", ["02:30+11:00"]),
    (LORD_HOWE, date(2026, 10, 4), "0 2 * * *", ["02:30+11:00"]),
    # fall-back repeat: fires once, at the first occurrence
    (NY, date(2026, 11, 1), "30 1 * * *", ["01:30-04:00"]),
    (NY, date(2026, 11, 1), "0 1 * * *", ["01:00-04:00"]),
    (NY, date(2026, 11, 1), "0 2 * * *", ["02:00-05:00"]),
    (NY, date(2026, 11, 1), "15,45 1 * * *", ["01:15-04:00", "01:45-04:00"]),
    (LONDON, date(2026, 10, 25), "30 1 * * *", ["01:30+01:00"]),
    (LORD_HOWE, date(2026, 4, 5), "45 1 * * *", ["01:45+11:00"]),
    (LORD_HOWE, date(2026, 4, 5), "30 1 * * *", ["01:30+11:00"]),
    # away from the shift nothing moves
    (NY, date(2026, 3, 8), "0 9 * * *", ["09:00-04:00"]),
    (NY, date(2026, 11, 1), "0 9 * * *", ["09:00-05:00"]),
    (KOLKATA, date(2026, 3, 8), "30 2 * * *", ["02:30+05:30"]),
    (KOLKATA, date(2026, 11, 1), "30 1 * * *", ["01:30+05:30"]),
]


@pytest.mark.parametrize(("zone", "day", "expression", "expected"), FIXED_TIMES)
def test_cron_fixed_times_on_transition_days(
    zone: str, day: date, expression: str, expected: list[str]
) -> None:
    assert hhmm(fires_on(expression, zone, day)) == expected


# `*` entries follow elapsed time: hourly fires = whole hours of wall clock that exist
HOURLY_COUNTS = [
    (NY, date(2026, 3, 8), "0 * * * *", 23),
    (NY, date(2026, 11, 1), "0 * * * *", 25),
    (LONDON, date(2026, 3, 29), "0 * * * *", 23),
    (LONDON, date(2026, 10, 25), "0 * * * *", 25),
    (LORD_HOWE, date(2026, 10, 4), "0 * * * *", 23),  # 02:00 never shows on the clock
    (LORD_HOWE, date(2026, 4, 5), "0 * * * *", 24),  # 01:30-02:00 repeats, no whole hour does
    (KOLKATA, date(2026, 3, 8), "0 * * * *", 24),
    (NY, date(2026, 3, 8), "*/30 * * * *", 46),
    (NY, date(2026, 11, 1), "*/30 * * * *", 50),
    (LORD_HOWE, date(2026, 10, 4), "*/30 * * * *", 47),
    (LORD_HOWE, date(2026, 4, 5), "*/30 * * * *", 49),
    (NY, date(2026, 3, 8), "@hourly", 23),
    (NY, date(2026, 11, 1), "*/15 1 * * *", 8),  # the repeated hour runs twice in real time
    (NY, date(2026, 11, 1), "0 */2 * * *", 12),
]


@pytest.mark.parametrize(("zone", "day", "expression", "count"), HOURLY_COUNTS)
def test_cron_star_entries_follow_elapsed_time(
    zone: str, day: date, expression: str, count: int
) -> None:
    fires = fires_on(expression, zone, day)
    assert len(fires) == count
    utc_fires = [f.astimezone(UTC) for f in fires]
    assert utc_fires == sorted(set(utc_fires))


def test_hourly_fires_one_real_hour_apart_through_fall_back() -> None:
    fires = [f.astimezone(UTC) for f in fires_on("0 * * * *", NY, date(2026, 11, 1))]
    assert {b - a for a, b in zip(fires, fires[1:], strict=False)} == {timedelta(hours=1)}


def test_asking_from_the_second_pass_of_a_repeated_hour_skips_to_the_next_day() -> None:
    trigger = CronTrigger("30 1 * * *", NY)
    second_pass = datetime(2026, 11, 1, 1, 10, fold=1, tzinfo=ZoneInfo(NY))
    assert second_pass.astimezone(UTC) == datetime(2026, 11, 1, 6, 10, tzinfo=UTC)
    assert trigger.next_after(second_pass) == datetime(2026, 11, 2, 6, 30, tzinfo=UTC)


def test_asking_from_the_first_pass_fires_at_the_first_occurrence() -> None:
    trigger = CronTrigger("30 1 * * *", NY)
    first_pass = datetime(2026, 11, 1, 5, 10, tzinfo=UTC)  # 01:10 EDT
    assert trigger.next_after(first_pass) == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)
    assert trigger.next_after(datetime(2026, 11, 1, 5, 30, tzinfo=UTC)) == datetime(
        2026, 11, 2, 6, 30, tzinfo=UTC
    )


def test_every_fire_through_a_transition_week_is_strictly_later() -> None:
    for expression in ("*/5 * * * *", "30 1,2 * * *", "0 * * * *", "*/20 1 * * *"):
        trigger = CronTrigger(expression, NY)
        instant = datetime(2026, 10, 31, tzinfo=UTC)
        for _ in range(400):
            fire = trigger.next_after(instant)
            assert fire is not None and fire > instant
            instant = fire
