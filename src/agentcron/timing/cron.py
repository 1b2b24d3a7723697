"""Cron expressions evaluated in an IANA zone: the only door to cronsim.

cronsim carries Debian cron's DST rules, which are what we promise users:

- an entry whose minute and hour fields both start with something other than
  `*` is a *fixed local time*: cronsim walks naive wall-clock time, so a time
  skipped by spring-forward fires once at the first minute after the gap
  (02:30 -> 03:00) and a time repeated by fall-back fires once, at its first
  occurrence (the result carries fold=0);
- an entry with `*` at the start of the minute or hour field follows elapsed
  time (`0 * * * *` fires 23 times on spring-forward day, 25 on fall-back day).

Fed an instant inside the second pass of a repeated hour, the fixed-time walk
can answer with the first pass, which is earlier in UTC; `next_after` steps past
such answers, which is exactly "fires once, at the first occurrence".

Day rule (Vixie/Debian): when day-of-month and day-of-week are both restricted
(neither starts with `*`), a day matching either fires.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from cronsim import CronSim, CronSimError

from agentcron.timing.spec import utc

MACROS: dict[str, str] = {
    "@hourly": "0 * * * *",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@weekly": "0 0 * * 0",
    "@monthly": "0 0 1 * *",
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
}

FIELD_NAMES = ("minute", "hour", "day-of-month", "month", "day-of-week")

FIELD_HELP = {
    "minute": "use 0-59, a list (0,30), a range (0-10) or a step (*/15)",
    "hour": "use 0-23, a list (9,17), a range (9-17) or a step (*/2)",
    "day-of-month": "use 1-31, L (last day) or LW (last weekday), lists, ranges or steps",
    "month": "use 1-12 or JAN-DEC, lists, ranges or steps",
    "day-of-week": (
        "use 0-7 (0 and 7 are Sunday) or SUN-SAT, 5L (last Friday of the month) "
        "or 1#2 (second Monday of the month)"
    ),
}

EXAMPLE = "0 9 * * 1-5"
MAX_LENGTH = 200

# Any instant works: the probe only needs cronsim to parse.
_PROBE_AT = datetime(2001, 1, 1, tzinfo=UTC)

_ONE_VALUE_STEP = re.compile(r"([A-Z0-9]+)-([A-Z0-9]+)/[0-9]+")
_MONTH_NAMES = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_DAY_NAMES = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
_NAMES = {name: n + 1 for n, name in enumerate(_MONTH_NAMES)} | {
    name: n for n, name in enumerate(_DAY_NAMES)
}


class CronError(ValueError):
    """A cron expression we cannot use; `message` and `fix` are meant for people."""

    def __init__(self, message: str, fix: str) -> None:
        self.message = message
        self.fix = fix
        super().__init__(f"{message} ({fix})")


class CronSyntaxError(CronError):
    """The text is not a five-field cron expression (or a known macro)."""


class CronNeverFires(CronError):
    """Well formed, but no date can ever match (30 February)."""


def _for_cronsim(text: str) -> str:
    """Work around one cronsim reading: `5-5/2` means 5 (a one-value range), not `5/2` (5-59).

    cronsim turns a stepped base holding a single value into "from there to the
    end"; that is right for `5/2`, wrong for `5-5/2`, which every cron reads as 5.
    """

    def term(text: str) -> str:
        found = _ONE_VALUE_STEP.fullmatch(text)
        if found is None:
            return text
        first, last = (_NAMES.get(v, int(v) if v.isdigit() else -1) for v in found.groups())
        return found.group(1) if first == last != -1 else text

    return " ".join(",".join(term(t) for t in part.split(",")) for part in text.split(" "))


def normalize_cron(expression: str) -> str:
    """Canonical text: macros expanded, whitespace collapsed, names upper-cased.

    Never raises: text that is not cron comes back tidied, for validation to refuse.
    """
    text = " ".join(expression.split())
    macro = MACROS.get(text.lower())
    if macro is not None:
        return macro
    if text.startswith("@"):
        return text.lower()
    return text.upper()


LAST_DAY = CronSim.LAST
"""In `CronPattern.days`: the last day of the month (`L`); in a weekday item, "the last"."""
LAST_WEEKDAY = CronSim.LAST_WEEKDAY
"""In `CronPattern.days`: the last weekday of the month (`LW`)."""

WeekdayItem = int | tuple[int, int]
"""A day of the week (0-7, Sunday both 0 and 7), or (day, n) for its n-th in the month
(`1#2`), or (day, LAST_DAY) for its last (`5L`)."""


@dataclass(frozen=True)
class CronPattern:
    """A parsed expression, as sets: what validation and descriptions reason with.

    The sets are cronsim's own reading, so what is described is what fires. `day_and`
    is the Vixie rule: when either day field starts with `*`, a day must match both
    (`0 16 */2 * 6` fires on odd-dated Saturdays only); otherwise either one.
    """

    expression: str
    minutes: frozenset[int]
    hours: frozenset[int]
    months: frozenset[int]
    days: frozenset[int]
    weekdays: frozenset[WeekdayItem]
    day_and: bool
    _sim: CronSim = field(repr=False, compare=False)

    @property
    def times_of_day(self) -> tuple[int, ...]:
        """Fire times of a matching day, as minutes after local midnight, ascending."""
        return tuple(sorted(h * 60 + m for h in self.hours for m in self.minutes))

    @property
    def follows_elapsed_time(self) -> bool:
        """True for `*` entries (DST shifts their fires); false for fixed local times."""
        minute, hour = self.expression.split()[:2]
        return minute.startswith("*") or hour.startswith("*")

    def matches_day(self, day: date) -> bool:
        """Whether any fire falls on this local date (month, day-of-month, day-of-week, L, #)."""
        return day.month in self.months and bool(self._sim.match_day(day))


def parse_cron(expression: str) -> CronPattern:
    """Parse (after `normalize_cron`), saying which field is wrong when one is.

    Raises CronSyntaxError for malformed text and CronNeverFires when the day
    fields cannot ever match together (cronsim refuses those at parse time).
    """
    text = normalize_cron(expression)
    _check_shape(text)
    try:
        sim = CronSim(_for_cronsim(text), _PROBE_AT)
    except CronSimError as error:
        bad = _bad_fields(text)
        if not bad:
            # Each field parses alone, so cronsim refused the combination: a day
            # that no month has (31 in April-only, 30 in February).
            day, month = text.split()[2:4]
            raise CronNeverFires(
                f"never fires: no month in {month!r} has a day {day}",
                "choose a day that exists in those months, or L for the last day of the month",
            ) from error
        raise _syntax_error(text, bad) from None
    return CronPattern(
        expression=text,
        minutes=frozenset(sim.minutes),
        hours=frozenset(sim.hours),
        months=frozenset(sim.months),
        days=frozenset(sim.days),
        weekdays=frozenset(sim.weekdays),
        day_and=sim.day_and,
        _sim=sim,
    )


def _check_shape(text: str) -> None:
    if not text:
        raise CronSyntaxError("is empty", f"write five fields, e.g. {EXAMPLE}")
    if len(text) > MAX_LENGTH:
        raise CronSyntaxError(
            f"is too long ({len(text)} characters, at most {MAX_LENGTH})",
            f"use ranges and steps instead of long lists, e.g. {EXAMPLE}",
        )
    if text.startswith("@"):
        names = ", ".join(MACROS)
        raise CronSyntaxError(f"{text} is not a supported macro", f"use one of {names}")
    count = len(text.split())
    if count != 5:
        extra = "; seconds and years are not supported" if count in (6, 7) else ""
        raise CronSyntaxError(
            f"has {count} field{'s' if count != 1 else ''}, expected 5{extra}",
            f"write minute hour day-of-month month day-of-week, e.g. {EXAMPLE}",
        )


def _bad_fields(text: str) -> list[tuple[str, str]]:
    """Each field tried alone (others `*`), so the error can name every bad one."""
    parts = text.split()
    bad: list[tuple[str, str]] = []
    for index, name in enumerate(FIELD_NAMES):
        probe = ["*"] * 5
        probe[index] = parts[index]
        try:
            CronSim(_for_cronsim(" ".join(probe)), _PROBE_AT)
        except CronSimError:
            bad.append((name, parts[index]))
    return bad


def _syntax_error(text: str, bad: list[tuple[str, str]]) -> CronSyntaxError:
    if not bad:  # pragma: no cover - cronsim refused the whole but no part; say so plainly
        return CronSyntaxError(f"{text!r} is not a valid cron expression", f"e.g. {EXAMPLE}")
    what = ", ".join(f"{name} field {value!r}" for name, value in bad)
    fix = "; ".join(f"{name}: {FIELD_HELP[name]}" for name, _ in bad)
    return CronSyntaxError(f"invalid {what}", fix)


class CronTrigger:
    """Next fire of a cron expression in an IANA zone; instants in and out are aware UTC."""

    def __init__(self, expression: str, timezone: str) -> None:
        self.pattern = parse_cron(expression)
        self.expression = self.pattern.expression
        self._cronsim_text = _for_cronsim(self.expression)
        self.timezone = timezone
        self._zone = ZoneInfo(timezone)

    def next_after(self, instant: datetime) -> datetime | None:
        """The first fire strictly later (in UTC) than `instant`; None if none within 50 years."""
        instant = utc(instant)
        local = instant.astimezone(self._zone)
        # cronsim drops microseconds and always moves at least one second, so its
        # answers are later in wall-clock terms; only a repeated hour can make one
        # earlier in UTC, and skipping those is the "first occurrence" rule.
        for fire in CronSim(self._cronsim_text, local):
            fire_at = fire.astimezone(UTC)
            if fire_at > instant:
                return fire_at
        return None

    def fires_after(self, instant: datetime) -> Iterator[datetime]:
        """Every fire strictly later than `instant`, ascending, from one cronsim walk: the
        same answers as calling `next_after` again and again, without parsing each time."""
        instant = utc(instant)
        for fire in CronSim(self._cronsim_text, instant.astimezone(self._zone)):
            fire_at = fire.astimezone(UTC)
            if fire_at > instant:
                instant = fire_at
                yield fire_at

    def __repr__(self) -> str:
        return f"CronTrigger({self.expression!r}, {self.timezone!r})"
