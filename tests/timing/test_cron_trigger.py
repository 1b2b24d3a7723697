"""Cron trigger outside DST: macros, L, #, the Vixie day rule, strictness, bad input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from agentcron.timing import normalize_cron
from agentcron.timing.cron import CronNeverFires, CronSyntaxError, CronTrigger, parse_cron


def next_fires(expression: str, start: datetime, count: int, zone: str = "UTC") -> list[datetime]:
    trigger = CronTrigger(expression, zone)
    fires: list[datetime] = []
    instant = start
    for _ in range(count):
        fire = trigger.next_after(instant)
        assert fire is not None
        fires.append(fire)
        instant = fire
    return fires


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("@hourly", "0 * * * *"),
        ("@daily", "0 0 * * *"),
        ("@midnight", "0 0 * * *"),
        ("@weekly", "0 0 * * 0"),
        ("@monthly", "0 0 1 * *"),
        ("@yearly", "0 0 1 1 *"),
        ("@annually", "0 0 1 1 *"),
        ("  @Daily ", "0 0 * * *"),
        ("0  9 *\t* mon-fri", "0 9 * * MON-FRI"),
        (" 0 0 l * * ", "0 0 L * *"),
        ("@Reboot", "@reboot"),
        ("", ""),
    ],
)
def test_normalize_cron(text: str, expected: str) -> None:
    assert normalize_cron(text) == expected


@pytest.mark.parametrize(
    ("expression", "start", "expected"),
    [
        ("@hourly", at(2026, 1, 1, 10, 30), [at(2026, 1, 1, 11), at(2026, 1, 1, 12)]),
        ("@daily", at(2026, 1, 1, 10), [at(2026, 1, 2), at(2026, 1, 3)]),
        ("@weekly", at(2026, 1, 1), [at(2026, 1, 4), at(2026, 1, 11)]),  # Sundays
        ("@monthly", at(2026, 1, 1), [at(2026, 2, 1), at(2026, 3, 1)]),
        ("@yearly", at(2026, 1, 1), [at(2027, 1, 1), at(2028, 1, 1)]),
        # L: last day of the month, leap years included
        ("0 0 L * *", at(2028, 1, 15), [at(2028, 1, 31), at(2028, 2, 29), at(2028, 3, 31)]),
        ("0 0 L 2 *", at(2026, 1, 1), [at(2026, 2, 28), at(2027, 2, 28), at(2028, 2, 29)]),
        # LW: last weekday (Jan 31 2026 is a Saturday)
        ("0 0 LW * *", at(2026, 1, 1), [at(2026, 1, 30), at(2026, 2, 27)]),
        # 5L: last Friday; 1#2: second Monday; SUN#1 first Sunday
        ("0 9 * * 5L", at(2026, 1, 1), [at(2026, 1, 30, 9), at(2026, 2, 27, 9)]),
        ("0 9 * * 1#2", at(2026, 1, 1), [at(2026, 1, 12, 9), at(2026, 2, 9, 9)]),
        ("0 9 * * SUN#1", at(2026, 1, 1), [at(2026, 1, 4, 9), at(2026, 2, 1, 9)]),
        # fifth Monday of February: only in leap years starting on a Monday
        ("0 0 * 2 1#5", at(2026, 1, 1), [at(2044, 2, 29)]),
        # Vixie rule: both day fields restricted -> either matches (1st, or any Monday)
        ("0 0 1 * MON", at(2026, 1, 1), [at(2026, 1, 5), at(2026, 1, 12), at(2026, 1, 19)]),
        ("0 0 1 * MON", at(2026, 1, 26, 1), [at(2026, 2, 1), at(2026, 2, 2)]),
        # a field starting with * counts as unrestricted -> both must match (Debian)
        ("0 0 */10 * MON", at(2026, 1, 1), [at(2026, 5, 11), at(2026, 6, 1)]),  # 1,11,21,31
        ("0 9 * * 7", at(2026, 1, 1), [at(2026, 1, 4, 9)]),  # 7 is Sunday too
        ("0 9 * * 0", at(2026, 1, 1), [at(2026, 1, 4, 9)]),
        ("*/20 9-10 * * *", at(2026, 1, 1), [at(2026, 1, 1, 9, m) for m in (0, 20, 40)]),
    ],
)
def test_cron_fires(expression: str, start: datetime, expected: list[datetime]) -> None:
    assert next_fires(expression, start, len(expected)) == expected


def test_cron_is_evaluated_in_the_schedule_zone() -> None:
    fires = next_fires("0 9 * * *", at(2026, 1, 1), 2, zone="Asia/Kolkata")
    assert fires == [at(2026, 1, 1, 3, 30), at(2026, 1, 2, 3, 30)]
    assert fires[0].tzinfo is UTC


def test_next_fire_is_strictly_later_even_on_a_fire_time() -> None:
    trigger = CronTrigger("0 9 * * *", "UTC")
    assert trigger.next_after(at(2026, 1, 1, 9)) == at(2026, 1, 2, 9)
    just_after = at(2026, 1, 1, 9) + timedelta(microseconds=1)
    assert trigger.next_after(just_after) == at(2026, 1, 2, 9)
    just_before = at(2026, 1, 1, 9) - timedelta(microseconds=1)
    assert trigger.next_after(just_before) == at(2026, 1, 1, 9)


def test_instant_in_another_zone_is_accepted() -> None:
    trigger = CronTrigger("0 9 * * *", "UTC")
    berlin = datetime(2026, 1, 1, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))  # 09:00 UTC
    assert trigger.next_after(berlin) == at(2026, 1, 2, 9)


def test_naive_instant_is_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        CronTrigger("0 9 * * *", "UTC").next_after(datetime(2026, 1, 1))


def test_expression_that_fires_only_beyond_fifty_years_ends() -> None:
    # cronsim gives up after 50 years; validation refuses these before they get here
    assert CronTrigger("0 0 */31 * 1#5", "UTC").next_after(at(2026, 1, 1)) is None


@pytest.mark.parametrize(
    ("expression", "says"),
    [
        ("61 * * * *", "minute field '61'"),
        ("0 24 * * *", "hour field '24'"),
        ("0 0 32 * *", "day-of-month field '32'"),
        ("0 0 * 13 *", "month field '13'"),
        ("0 0 * * 8", "day-of-week field '8'"),
        ("0 0 * * MON#6", "day-of-week field 'MON#6'"),
        ("0 0 * * L", "day-of-week field 'L'"),
        ("0 0 ? * *", "day-of-month field '?'"),
        ("x 25 * * *", "minute field 'X', hour field '25'"),
        ("*/0 * * * *", "minute field '*/0'"),
        ("5-1 * * * *", "minute field '5-1'"),
        ("0 0 * * * *", "6 fields"),
        ("0 0 * *", "4 fields"),
        ("@reboot", "not a supported macro"),
        ("", "empty"),
        ("0 " * 150, "too long"),
    ],
)
def test_syntax_errors_name_the_bad_part(expression: str, says: str) -> None:
    with pytest.raises(CronSyntaxError) as caught:
        parse_cron(expression)
    assert says in caught.value.message
    assert caught.value.fix


@pytest.mark.parametrize("expression", ["0 0 31 2 *", "0 0 30 2 *", "0 0 31 4,6,9,11 *"])
def test_days_no_month_has_never_fire(expression: str) -> None:
    with pytest.raises(CronNeverFires, match="never fires"):
        parse_cron(expression)


def test_pattern_sets() -> None:
    pattern = parse_cron("0,30 9-10 * * 1-5")
    assert pattern.times_of_day == (540, 570, 600, 630)
    assert not pattern.follows_elapsed_time
    assert parse_cron("*/30 9 * * *").follows_elapsed_time
    assert parse_cron("0 * * * *").follows_elapsed_time
