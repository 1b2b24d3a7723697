"""Properties over generated expressions, checked against a small matcher of our own.

The reference matcher below re-reads cron from its definition (Vixie/Debian day
rule, L, LW, nL, n#k, names, steps) without cronsim, so agreement is evidence.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from agentcron.timing import (
    InvalidSchedule,
    ScheduleSpec,
    ScheduleType,
    build_trigger,
    check_timezone,
    describe,
    normalize_cron,
    preview,
    validate,
)
from agentcron.timing.cron import CronTrigger
from agentcron.timing.validate import find_problems

MONTHS = {name.upper(): n for n, name in enumerate(calendar.month_abbr) if name}
DAYS = {"SUN": 0, "MON": 1, "TUE": 2, "WED": 3, "THU": 4, "FRI": 5, "SAT": 6}
LIMITS = [(0, 59, {}), (0, 23, {}), (1, 31, {}), (1, 12, MONTHS), (0, 7, DAYS)]

# -- the reference matcher


def _number(text: str, names: dict[str, int]) -> int:
    return names[text] if text in names else int(text)


def _expand(term: str, low: int, high: int, names: dict[str, int]) -> set[int]:
    if "/" in term:
        base, step = term.split("/")
        if base == "*":
            start, end = low, high
        elif "-" in base:
            first, last = base.split("-")
            start, end = _number(first, names), _number(last, names)
        else:
            start, end = _number(base, names), high
        return set(range(start, end + 1, int(step)))
    if term == "*":
        return set(range(low, high + 1))
    if "-" in term:
        first, last = term.split("-")
        return set(range(_number(first, names), _number(last, names) + 1))
    return {_number(term, names)}


def _field(text: str, index: int) -> set[int]:
    low, high, names = LIMITS[index]
    return set().union(*(_expand(t, low, high, names) for t in text.split(",")))


def _last_weekday(day: date) -> int:
    last = calendar.monthrange(day.year, day.month)[1]
    weekday = date(day.year, day.month, last).weekday()
    return last - max(0, weekday - 4)


def _dom_matches(text: str, day: date) -> bool:
    last = calendar.monthrange(day.year, day.month)[1]
    for term in text.split(","):
        if term == "L" and day.day == last:
            return True
        if term == "LW" and day.day == _last_weekday(day):
            return True
        if term not in ("L", "LW") and day.day in _expand(term, 1, 31, {}):
            return True
    return False


def _dow_matches(text: str, day: date) -> bool:
    weekday = (day.weekday() + 1) % 7  # cron: Sunday is 0 (and 7)
    last = calendar.monthrange(day.year, day.month)[1]
    for term in text.split(","):
        if term.endswith("L"):
            if _number(term[:-1], DAYS) % 7 == weekday and day.day + 7 > last:
                return True
        elif "#" in term:
            wanted, nth = term.split("#")
            if _number(wanted, DAYS) % 7 == weekday and (day.day - 1) // 7 + 1 == int(nth):
                return True
        elif weekday in {v % 7 for v in _expand(term, 0, 7, DAYS)}:
            return True
    return False


def reference(expression: str) -> Callable[[datetime], bool]:
    """A matcher for one expression: does this local wall time fire?"""
    minute, hour, dom, month, dow = normalize_cron(expression).split()
    minutes, hours, months = _field(minute, 0), _field(hour, 1), _field(month, 3)
    both = dom.startswith("*") or dow.startswith("*")

    def matches(local: datetime) -> bool:
        if local.second or local.microsecond:
            return False
        if local.minute not in minutes or local.hour not in hours or local.month not in months:
            return False
        day = local.date()
        dom_ok, dow_ok = _dom_matches(dom, day), _dow_matches(dow, day)
        return (dom_ok and dow_ok) if both else (dom_ok or dow_ok)

    return matches


def just_after_a_gap(instant: datetime, zone: ZoneInfo) -> bool:
    """The first instant after clocks jumped forward: where skipped fixed times land."""
    before = (instant - timedelta(minutes=1)).astimezone(zone).utcoffset()
    after = instant.astimezone(zone).utcoffset()
    assert before is not None and after is not None
    return after > before


# -- strategies


def _atom(index: int) -> st.SearchStrategy[str]:
    low, high, names = LIMITS[index]
    value = st.integers(low, high)
    named = {v: k for k, v in names.items()}

    def show(n: int) -> st.SearchStrategy[str]:
        return st.sampled_from([str(n), named[n]]) if n in named else st.just(str(n))

    pair = st.tuples(value, value).map(sorted)
    step = st.integers(1, high - low + 1)
    atoms = [
        st.just("*"),
        step.map(lambda s: f"*/{s}"),
        value.flatmap(show),
        pair.flatmap(lambda p: st.tuples(show(p[0]), show(p[1])).map("-".join)),
        st.tuples(pair, step).map(lambda t: f"{t[0][0]}-{t[0][1]}/{t[1]}"),
        st.tuples(value, step).map(lambda t: f"{t[0]}/{t[1]}"),
    ]
    if index == 2:
        atoms.append(st.sampled_from(["L", "LW"]))
    if index == 4:
        atoms.append(st.integers(0, 7).map(lambda d: f"{d}L"))
        atoms.append(
            st.tuples(st.integers(0, 7), st.integers(1, 5)).map(lambda t: f"{t[0]}#{t[1]}")
        )
    return st.one_of(atoms)


def _cron_field(index: int) -> st.SearchStrategy[str]:
    return st.lists(_atom(index), min_size=1, max_size=3).map(",".join)


def _dense_field(index: int) -> st.SearchStrategy[str]:
    # mostly stars, so expressions fire often enough to say something in a short window
    return st.one_of(st.just("*"), _cron_field(index))


expressions = st.tuples(*(_cron_field(i) for i in range(5))).map(" ".join)
dense_expressions = st.tuples(
    _cron_field(0), _cron_field(1), _dense_field(2), _dense_field(3), _dense_field(4)
).map(" ".join)
# near the edges of the gap rule: steps that do not divide 60, times near midnight
edgy_minutes = st.one_of(
    _cron_field(0),
    st.integers(2, 59).map(lambda n: f"*/{n}"),
    st.tuples(st.integers(0, 9), st.integers(50, 59)).map(lambda t: f"{t[0]},{t[1]}"),
)
edgy_hours = st.one_of(_dense_field(1), st.sampled_from(["0,23", "23,0-1", "*/23", "0-1,22-23"]))
gap_expressions = st.tuples(
    edgy_minutes, edgy_hours, _dense_field(2), _dense_field(3), _dense_field(4)
).map(" ".join)

ZONES = [
    "UTC",
    "America/New_York",
    "Europe/London",
    "Australia/Lord_Howe",
    "Asia/Kolkata",
    "America/Santiago",  # changes at midnight
    "Pacific/Chatham",  # +12:45 / +13:45
]
TRANSITIONS = [
    datetime(2026, 3, 8, 7, tzinfo=UTC),
    datetime(2026, 11, 1, 6, tzinfo=UTC),
    datetime(2026, 3, 29, 1, tzinfo=UTC),
    datetime(2026, 10, 25, 1, tzinfo=UTC),
    datetime(2026, 4, 4, 15, tzinfo=UTC),
    datetime(2026, 10, 3, 15, 30, tzinfo=UTC),
]
starts = st.one_of(
    st.datetimes(datetime(2026, 1, 1), datetime(2030, 12, 31), timezones=st.just(UTC)),
    st.tuples(st.sampled_from(TRANSITIONS), st.integers(-24 * 60, 24 * 60)).map(
        lambda t: t[0] + timedelta(minutes=t[1])
    ),
)


def _fires(trigger: CronTrigger, start: datetime, count: int, until: datetime) -> list[datetime]:
    fires: list[datetime] = []
    instant = start
    while len(fires) < count:
        fire = trigger.next_after(instant)
        if fire is None or fire > until:
            break
        fires.append(fire)
        instant = fire
    return fires


# -- properties


@given(expression=expressions, zone=st.sampled_from(ZONES), start=starts)
@settings(max_examples=150, deadline=None)
def test_fires_strictly_increase_and_match_in_local_time(
    expression: str, zone: str, start: datetime
) -> None:
    spec = ScheduleSpec(ScheduleType.CRON, zone, cron_expression=expression)
    assume(not find_problems(spec, min_gap=None, now=None))
    tz = ZoneInfo(zone)
    matches = reference(expression)
    trigger = CronTrigger(expression, zone)
    fires = _fires(trigger, start, 25, start + timedelta(days=3 * 366))
    previous = start
    for fire in fires:
        assert fire.tzinfo is UTC
        assert fire > previous
        local = fire.astimezone(tz)
        assert matches(local) or just_after_a_gap(fire, tz), local
        previous = fire


@given(
    expression=dense_expressions,
    zone=st.sampled_from(["UTC", "Asia/Kolkata"]),
    start=st.datetimes(datetime(2026, 1, 1), datetime(2040, 12, 31), timezones=st.just(UTC)),
)
@settings(max_examples=40, deadline=None)
def test_no_matching_minute_is_skipped_without_dst(
    expression: str, zone: str, start: datetime
) -> None:
    tz = ZoneInfo(zone)
    matches = reference(expression)
    start = start.replace(second=0, microsecond=0)
    window = timedelta(days=1)
    minutes = (start + timedelta(minutes=m) for m in range(1, window // timedelta(minutes=1) + 1))
    expected = [instant for instant in minutes if matches(instant.astimezone(tz))]
    trigger = CronTrigger(expression, zone)
    assert _fires(trigger, start, 10_000, start + window) == expected


@given(
    expression=gap_expressions,
    gap_minutes=st.sampled_from([1, 2, 5, 10, 15, 30, 45, 60, 90, 120, 240, 1440]),
    zone=st.sampled_from(["UTC", "Asia/Kolkata"]),
    start=st.datetimes(datetime(2026, 1, 1), datetime(2040, 12, 31), timezones=st.just(UTC)),
)
@settings(max_examples=150, deadline=None)
def test_accepted_expressions_respect_the_minimum_gap(
    expression: str, gap_minutes: int, zone: str, start: datetime
) -> None:
    min_gap = timedelta(minutes=gap_minutes)
    spec = ScheduleSpec(ScheduleType.CRON, zone, cron_expression=expression)
    try:
        validate(spec, min_gap=min_gap)
    except InvalidSchedule as error:
        assert [p.field for p in error.problems] == ["cron_expression"]
        return
    fires = _fires(CronTrigger(expression, zone), start, 300, start + timedelta(days=60))
    for earlier, later in zip(fires, fires[1:], strict=False):
        assert later - earlier >= min_gap, (earlier, later)


def test_wrap_across_adjacent_days_is_caught_when_they_are_rare() -> None:
    # 23:58 on Feb 28 and 00:00 on Mar 1 only in non-leap years: still two minutes apart
    spec = ScheduleSpec(ScheduleType.CRON, cron_expression="0,58 0,23 28,1 2,3 *")
    try:
        validate(spec, min_gap=timedelta(minutes=5))
    except InvalidSchedule as error:
        assert "23:58 then 00:00 the next day" in str(error)
    else:
        raise AssertionError("expected a refusal")
    fires = _fires(
        CronTrigger("0,58 0,23 28,1 2,3 *", "UTC"),
        datetime(2027, 2, 28, 23, tzinfo=UTC),
        2,
        datetime(2027, 3, 2, tzinfo=UTC),
    )
    assert fires[1] - fires[0] == timedelta(minutes=2)


CRONISH = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "*",
                "*/",
                "/",
                "-",
                ",",
                "#",
                "L",
                "LW",
                "W",
                "?",
                "@",
                "@daily",
                "@reboot",
                "MON",
                "jan",
                "0",
                "1",
                "7",
                "12",
                "31",
                "59",
                "60",
                "99",
                "-1",
                "5L",
                "1#5",
                "1#6",
                "L-2",
                "*/0",
                "1-",
                "-5",
                "5-1",
                "٣",
                "²",
                "\t",
                "",
                "  ",
            ]
        ),
        st.text(alphabet="0123456789*/-,#LW?@MONJA ", max_size=8),
    ),
    max_size=8,
).map(lambda parts: " ".join(parts))


@given(
    expression=st.one_of(CRONISH, st.text(max_size=40)),
    zone=st.one_of(st.sampled_from(["UTC", "Europe/Berlin"]), st.text(max_size=20)),
)
@settings(max_examples=300, deadline=None)
def test_validate_only_ever_raises_invalid_schedule(expression: str, zone: str) -> None:
    spec = ScheduleSpec(ScheduleType.CRON, zone, cron_expression=expression)
    try:
        validate(spec, min_gap=timedelta(minutes=5), now=datetime(2026, 1, 1, tzinfo=UTC))
    except InvalidSchedule as error:
        assert error.problems
        assert {p.field for p in error.problems} <= {"cron_expression", "timezone"}
        return
    assert check_timezone(zone) == zone
    assert describe(spec).endswith(f"({zone})")
    assert build_trigger(spec).next_after(datetime(2026, 1, 1, tzinfo=UTC)) is not None
    assert len(preview(spec, datetime(2026, 1, 1, tzinfo=UTC), count=3)) == 3


@given(text=st.text(max_size=60))
@settings(max_examples=200, deadline=None)
def test_normalize_cron_never_raises_and_is_idempotent(text: str) -> None:
    once = normalize_cron(text)
    assert normalize_cron(once) == once
