"""Every rule a schedule spec must pass, each failure said with its field and its fix.

All problems are collected before raising, so a person fixes a form once, not
once per field. Field names are the API's: `schedule_type`, `timezone`,
`cron_expression`, `interval_value`, `interval_unit`, `run_at`, and `anchor` (an
interval's first fire, when it is not the moment the schedule is saved).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from agentcron.timing import zones
from agentcron.timing.cron import EXAMPLE, CronError, parse_cron
from agentcron.timing.gap import DAY_MINUTES, ever_fires, smallest_gap_below
from agentcron.timing.problems import InvalidSchedule, Problem
from agentcron.timing.spec import IntervalUnit, ScheduleSpec, ScheduleType
from agentcron.timing.wording import human_duration

MAX_INTERVAL = timedelta(days=36_500)
ISO_EXAMPLE = "2026-12-24T09:00:00+01:00"


def validate(spec: ScheduleSpec, *, min_gap: timedelta, now: datetime | None = None) -> None:
    """Raise InvalidSchedule listing every problem; `now` (aware) makes `run_at` be future."""
    problems = find_problems(spec, min_gap=min_gap, now=now)
    if problems:
        raise InvalidSchedule(problems)


def check_structure(spec: ScheduleSpec) -> None:
    """The rules that make a spec computable at all (no policy: no gap, no clock)."""
    problems = find_problems(spec, min_gap=None, now=None)
    if problems:
        raise InvalidSchedule(problems)


def find_problems(
    spec: ScheduleSpec, *, min_gap: timedelta | None, now: datetime | None
) -> list[Problem]:
    if now is not None and (now.tzinfo is None or now.utcoffset() is None):
        raise ValueError("now must be an aware datetime")
    problems: list[Problem] = []
    zone_problem = zones.problem(spec.timezone)
    kind = _schedule_type(spec.schedule_type)
    if kind is None:
        problems.append(
            Problem(
                "schedule_type",
                f"unknown schedule type {spec.schedule_type!r}",
                "use one of cron, interval, once",
            )
        )
    elif kind is ScheduleType.CRON:
        problems.extend(_cron_problems(spec.cron_expression, min_gap))
    elif kind is ScheduleType.INTERVAL:
        problems.extend(_interval_problems(spec.interval_value, spec.interval_unit, min_gap))
        problems.extend(_anchor_problems(spec.anchor))
    elif kind is ScheduleType.AFTER:
        pass  # no clock: its upstream's end starts it (checked where schedules are known)
    else:
        problems.extend(_once_problems(spec.run_at, now))
    if zone_problem is not None:
        problems.insert(0, zone_problem)
    return problems


def _schedule_type(value: object) -> ScheduleType | None:
    try:
        return ScheduleType(str(value)) if isinstance(value, str) else None
    except (ValueError, TypeError):
        return None


def _cron_problems(expression: object, min_gap: timedelta | None) -> list[Problem]:
    field = "cron_expression"
    if expression is None or (isinstance(expression, str) and not expression.strip()):
        fix = f"write five fields, e.g. {EXAMPLE} (09:00 on weekdays), or a macro such as @daily"
        return [Problem(field, "is required for a cron schedule", fix)]
    if not isinstance(expression, str):
        return [Problem(field, "must be text", f"e.g. {EXAMPLE}")]
    try:
        pattern = parse_cron(expression)
    except CronError as error:
        return [Problem(field, error.message, error.fix)]
    if not ever_fires(pattern):
        return [
            Problem(
                field,
                "never fires: no date matches its day-of-month, month and day-of-week together",
                "loosen the day fields (when both day fields are restricted, either one matches)",
            )
        ]
    if min_gap is None:
        return []
    gap = smallest_gap_below(pattern, min_gap)
    if gap is None:
        return []
    fires_every = human_duration(timedelta(minutes=gap.minutes))
    return [
        Problem(
            field,
            f"fires only {fires_every} apart ({gap}); "
            f"schedules may fire at most every {human_duration(min_gap)}",
            f"space its times at least {human_duration(min_gap)} apart, "
            f"e.g. {_example_every(min_gap)}",
        )
    ]


def _example_every(min_gap: timedelta) -> str:
    """A cron expression that fires as often as the gap allows, for the fix text."""
    minutes = -(-min_gap // timedelta(minutes=1))
    if minutes <= 1:
        return "* * * * *"
    step = next((d for d in (2, 3, 4, 5, 6, 10, 12, 15, 20, 30) if d >= minutes), None)
    if step is not None:
        return f"*/{step} * * * *"
    if minutes <= 60:
        return "@hourly (0 * * * *)"
    hours = -(-minutes // 60)
    step = next((d for d in (2, 3, 4, 6, 8, 12) if d >= hours), None)
    if step is not None:
        return f"0 */{step} * * *"
    if minutes <= DAY_MINUTES:
        return "@daily (0 0 * * *)"
    return "@weekly (0 0 * * 0)" if minutes <= 7 * DAY_MINUTES else "@monthly (0 0 1 * *)"


def _interval_problems(value: object, unit: object, min_gap: timedelta | None) -> list[Problem]:
    problems: list[Problem] = []
    units = ", ".join(u.value for u in IntervalUnit)
    good_value: int | None = None
    if value is None:
        problems.append(
            Problem(
                "interval_value",
                "is required for an interval schedule",
                "give a positive whole number, e.g. 30 with interval_unit minutes",
            )
        )
    elif isinstance(value, bool) or not isinstance(value, int):
        problems.append(
            Problem("interval_value", f"must be a whole number, got {value!r}", "e.g. 30")
        )
    elif value <= 0:
        problems.append(Problem("interval_value", f"must be positive, got {value}", "e.g. 30"))
    else:
        good_value = value
    good_unit: IntervalUnit | None = None
    if unit is None:
        problems.append(
            Problem("interval_unit", "is required for an interval schedule", f"use one of {units}")
        )
    else:
        try:
            good_unit = IntervalUnit(unit if isinstance(unit, str) else repr(unit))
        except (ValueError, TypeError):
            problems.append(
                Problem(
                    "interval_unit",
                    f"unknown unit {unit!r}",
                    f"use one of {units} (a week is 7 days)",
                )
            )
    if good_value is None or good_unit is None:
        return problems
    try:
        period = good_unit.delta(good_value)
    except OverflowError:
        period = MAX_INTERVAL + timedelta(days=1)
    if period > MAX_INTERVAL:
        problems.append(
            Problem(
                "interval_value",
                f"{good_value} {good_unit.value} is too long",
                f"use at most {human_duration(MAX_INTERVAL)}",
            )
        )
    elif min_gap is not None and period < min_gap:
        problems.append(
            Problem(
                "interval_value",
                f"every {human_duration(period)} is more often than the minimum gap "
                f"of {human_duration(min_gap)}",
                f"use an interval of at least {human_duration(min_gap)}",
            )
        )
    return problems


def _anchor_problems(anchor: object) -> list[Problem]:
    """An interval's anchor is its first fire; without one it starts when it is saved."""
    if anchor is None:
        return []
    if not isinstance(anchor, datetime) or anchor.tzinfo is None or anchor.utcoffset() is None:
        return [Problem("anchor", "must be an aware date and time", f"e.g. {ISO_EXAMPLE}")]
    try:
        in_range = 1 < anchor.astimezone(UTC).year < 9999
    except OverflowError:
        in_range = False
    if not in_range:
        return [Problem("anchor", f"{anchor.isoformat()} is out of range", f"e.g. {ISO_EXAMPLE}")]
    return []


def _once_problems(run_at: object, now: datetime | None) -> list[Problem]:
    field = "run_at"
    if run_at is None:
        return [Problem(field, "is required for a once schedule", f"e.g. {ISO_EXAMPLE}")]
    if not isinstance(run_at, datetime):
        return [Problem(field, f"must be a date and time, got {run_at!r}", f"e.g. {ISO_EXAMPLE}")]
    if run_at.tzinfo is None or run_at.utcoffset() is None:
        return [
            Problem(
                field,
                "has no time zone offset",
                f"add an offset or Z, e.g. {ISO_EXAMPLE}",
            )
        ]
    try:
        # Years 2..9998 in UTC leave room to show the instant in any zone without overflow.
        in_range = 1 < run_at.astimezone(UTC).year < 9999
    except OverflowError:
        in_range = False
    if not in_range:
        return [Problem(field, f"{run_at.isoformat()} is out of range", f"e.g. {ISO_EXAMPLE}")]
    if now is not None and run_at <= now:
        return [
            Problem(
                field,
                f"{run_at.isoformat()} is not in the future",
                f"choose a time after {now.isoformat(timespec='seconds')}",
            )
        ]
    if now is not None and run_at - now > MAX_INTERVAL:
        return [
            Problem(
                field,
                f"{run_at.isoformat()} is more than {human_duration(MAX_INTERVAL)} away",
                f"choose a time within {human_duration(MAX_INTERVAL)}",
            )
        ]
    return []
