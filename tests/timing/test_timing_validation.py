"""validate(): every rule, each problem naming its API field and a fix, all listed together."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from agentcron.timing import (
    IntervalUnit,
    InvalidSchedule,
    Problem,
    ScheduleSpec,
    ScheduleType,
    check_timezone,
    validate,
)

GAP = timedelta(minutes=5)
NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)


def problems(
    spec: ScheduleSpec, min_gap: timedelta = GAP, now: datetime | None = NOW
) -> list[Problem]:
    try:
        validate(spec, min_gap=min_gap, now=now)
    except InvalidSchedule as error:
        assert error.problems
        assert all(p.fix for p in error.problems)
        return error.problems
    return []


def cron(expression: Any, timezone: str = "UTC") -> ScheduleSpec:
    return ScheduleSpec(ScheduleType.CRON, timezone, cron_expression=expression)


def interval(value: Any, unit: Any) -> ScheduleSpec:
    return ScheduleSpec(ScheduleType.INTERVAL, interval_value=value, interval_unit=unit)


def once(run_at: Any) -> ScheduleSpec:
    return ScheduleSpec(ScheduleType.ONCE, "Europe/Berlin", run_at=run_at)


def only(spec: ScheduleSpec, field: str, says: str, **kwargs: Any) -> Problem:
    found = problems(spec, **kwargs)
    assert [p.field for p in found] == [field], found
    assert says in found[0].message, found[0]
    return found[0]


@pytest.mark.parametrize(
    "spec",
    [
        cron("0 9 * * 1-5", "America/New_York"),
        cron("*/5 * * * *"),
        cron("@hourly"),
        cron("@daily", "Australia/Lord_Howe"),
        cron("0 0 L * *"),
        cron("0 9 * * 5L"),
        cron("0 9 * * 1#2"),
        cron("0 0 * 2 1#5"),  # fires, if rarely (2044)
        cron("0 0 29 2 *"),
        cron("55 23 * * *"),
        cron("0,5 0 * * *"),
        cron("0 0,23 * * *"),
        cron("0 9 * * *", "US/Eastern"),  # backward-compatible link names are IANA too
        interval(5, IntervalUnit.MINUTES),
        interval(1, "hours"),
        interval(3, IntervalUnit.DAYS),
        once(datetime(2026, 12, 24, 9, tzinfo=UTC)),
    ],
)
def test_valid_specs_pass(spec: ScheduleSpec) -> None:
    assert problems(spec) == []


# -- cron


@pytest.mark.parametrize(
    ("expression", "says"),
    [
        ("*/2 * * * *", "2 minutes apart (00:00 then 00:02)"),
        ("0,1 9 * * *", "1 minute apart (09:00 then 09:01)"),
        ("* * * * *", "1 minute apart"),
        ("*/7 * * * *", "4 minutes apart (00:56 then 01:00)"),  # the wrap into the next hour
        ("58 23 * * *,59 0 * * *", "fields"),  # not cron at all
        ("0,58 0,23 * * *", "2 minutes apart (23:58 then 00:00 the next day)"),
        ("0,58 0,23 1,L * *", "2 minutes apart (23:58 then 00:00 the next day)"),
        ("0,58 0,23 * * 5,6", "2 minutes apart (23:58 then 00:00 the next day)"),
        ("0,58 0,23 28 2 3L", "2 minutes apart (23:58 then 00:00 the next day)"),
    ],
)
def test_cron_refused_by_its_smallest_gap(expression: str, says: str) -> None:
    found = only(cron(expression), "cron_expression", says)
    if "apart" in says:
        assert "5 minutes" in found.message and "*/5 * * * *" in found.fix


@pytest.mark.parametrize(
    "expression",
    [
        "0,58 0,23 1 * *",  # 23:58 and 00:00 never on consecutive days
        "0,58 0,23 15 * 3#1",  # 15th or first Wednesday: never adjacent
        "0,58 0,23 * * 1,3",
    ],
)
def test_cron_wrap_only_counts_when_matching_days_are_adjacent(expression: str) -> None:
    assert problems(cron(expression)) == []


def test_cron_gap_check_respects_the_configured_gap() -> None:
    assert problems(cron("*/5 * * * *"), min_gap=timedelta(minutes=5)) == []
    only(cron("*/5 * * * *"), "cron_expression", "5 minutes apart", min_gap=timedelta(minutes=6))
    only(cron("0 * * * *"), "cron_expression", "1 hour apart", min_gap=timedelta(hours=2))
    assert problems(cron("0 */2 * * *"), min_gap=timedelta(hours=2)) == []
    only(cron("0 9 * * *"), "cron_expression", "1 day apart", min_gap=timedelta(days=2))
    assert problems(cron("0 9 * * 1"), min_gap=timedelta(days=7)) == []
    # a gap that is not a whole number of minutes
    only(cron("* * * * *"), "cron_expression", "1 minute", min_gap=timedelta(seconds=90))
    assert problems(cron("*/2 * * * *"), min_gap=timedelta(seconds=90)) == []
    assert problems(cron("* * * * *"), min_gap=timedelta(0)) == []


def test_cron_gap_is_judged_on_the_wall_clock_not_on_dst() -> None:
    # spring-forward makes one real gap 23 h; the expression itself says daily
    assert problems(cron("0 9 * * *", "America/New_York"), min_gap=timedelta(hours=24)) == []


@pytest.mark.parametrize(
    ("expression", "says"),
    [
        ("61 * * * *", "minute field '61'"),
        ("0 9 * * MON#6", "day-of-week field 'MON#6'"),
        ("0 9 * * * *", "6 fields"),
        ("@reboot", "not a supported macro"),
        ("0 0 31 2 *", "never fires"),
        ("0 0 30 2 *", "never fires"),
        ("0 0 */31 * 1#5", "never fires"),  # only day 1 and the fifth Monday: never both
        ("0 0 */40 4 6#5", "never fires"),  # day 1 that is the fifth Saturday
        ("", "required"),
        ("   ", "required"),
        (None, "required"),
        (42, "must be text"),
    ],
)
def test_cron_syntax_and_impossible_days(expression: Any, says: str) -> None:
    only(cron(expression), "cron_expression", says)


# -- time zones


@pytest.mark.parametrize(
    ("zone", "suggestion"),
    [
        ("europe/berlin", "did you mean Europe/Berlin?"),
        ("Europe/Berln", "did you mean Europe/Berlin?"),
        ("America/NewYork", "did you mean America/New_York?"),
        ("Berlin", "did you mean Europe/Berlin?"),
        (" Europe/Berlin", "did you mean Europe/Berlin?"),
        ("Mars/Olympus_Mons", "IANA name"),
        ("localtime", "IANA name"),  # the host's zone is not a schedule's zone
        ("posix/Europe/Berlin", "Europe/Berlin"),
        ("../../etc/passwd", "IANA name"),
        ("Europe/", ""),
    ],
)
def test_unknown_zone_suggests_close_names(zone: str, suggestion: str) -> None:
    found = only(cron("0 9 * * *", zone), "timezone", "unknown time zone")
    assert suggestion in found.fix
    with pytest.raises(InvalidSchedule):
        check_timezone(zone)


def test_empty_zone_is_required() -> None:
    only(cron("0 9 * * *", ""), "timezone", "is required")


def test_check_timezone_returns_the_name() -> None:
    assert check_timezone("Australia/Lord_Howe") == "Australia/Lord_Howe"
    assert check_timezone("UTC") == "UTC"


# -- interval


@pytest.mark.parametrize(
    ("value", "unit", "field", "says"),
    [
        (0, "minutes", "interval_value", "must be positive"),
        (-3, "hours", "interval_value", "must be positive"),
        (1.5, "hours", "interval_value", "whole number"),
        ("5", "minutes", "interval_value", "whole number"),
        (True, "minutes", "interval_value", "whole number"),
        (None, "minutes", "interval_value", "required"),
        (5, None, "interval_unit", "required"),
        (5, "weeks", "interval_unit", "unknown unit 'weeks'"),
        (5, "Minutes", "interval_unit", "unknown unit"),
        (2, IntervalUnit.MINUTES, "interval_value", "every 2 minutes is more often"),
        (4, "minutes", "interval_value", "minimum gap of 5 minutes"),
        (40_000, "days", "interval_value", "too long"),
        (10**20, "days", "interval_value", "too long"),
    ],
)
def test_interval_rules(value: Any, unit: Any, field: str, says: str) -> None:
    only(interval(value, unit), field, says)


def test_interval_at_exactly_the_gap_is_fine() -> None:
    assert problems(interval(5, "minutes")) == []
    assert problems(interval(1, "hours"), min_gap=timedelta(hours=1)) == []
    only(interval(59, "minutes"), "interval_value", "1 hour", min_gap=timedelta(hours=1))


# -- once


@pytest.mark.parametrize(
    ("run_at", "says"),
    [
        (None, "required"),
        (datetime(2026, 12, 24, 9), "no time zone"),
        ("2026-12-24T09:00:00Z", "must be a date and time"),
        (NOW, "not in the future"),
        (NOW - timedelta(days=1), "not in the future"),
    ],
)
def test_once_rules(run_at: Any, says: str) -> None:
    only(once(run_at), "run_at", says)


def test_once_in_the_past_is_fine_without_a_now() -> None:
    assert problems(once(NOW - timedelta(days=1)), now=None) == []


def test_naive_now_is_a_caller_bug() -> None:
    with pytest.raises(ValueError, match="aware"):
        validate(once(NOW), min_gap=GAP, now=datetime(2026, 1, 1))


# -- all together


def test_every_problem_is_listed_together() -> None:
    spec = replace(interval(0, "weeks"), timezone="Europe/Berln")
    with pytest.raises(InvalidSchedule) as caught:
        validate(spec, min_gap=GAP, now=NOW)
    fields = [p.field for p in caught.value.problems]
    assert fields == ["timezone", "interval_value", "interval_unit"]
    text = str(caught.value)
    assert "did you mean Europe/Berlin?" in text and "weeks" in text and "positive" in text
    assert isinstance(caught.value, ValueError)


def test_unknown_schedule_type_and_zone_together() -> None:
    spec = ScheduleSpec("weekly", "Nowhere")  # type: ignore[arg-type]
    assert [p.field for p in problems(spec)] == ["timezone", "schedule_type"]


def test_missing_fields_for_each_type() -> None:
    assert [p.field for p in problems(ScheduleSpec(ScheduleType.CRON))] == ["cron_expression"]
    assert [p.field for p in problems(ScheduleSpec(ScheduleType.INTERVAL))] == [
        "interval_value",
        "interval_unit",
    ]
    assert [p.field for p in problems(ScheduleSpec(ScheduleType.ONCE))] == ["run_at"]


def test_plain_strings_for_enums_are_accepted() -> None:
    spec = ScheduleSpec("cron", cron_expression="0 9 * * *")  # type: ignore[arg-type]
    assert problems(spec) == []
