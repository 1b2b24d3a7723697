"""Sentences to schedules: "@alice check deprecated models every weekday at 9am".

A small grammar of its own (no model, no date library), deterministic and
offline. The sentence is split into tokens; timing clauses are found wherever
they stand (start, middle or end); what they leave is the command, the leading
@handle kept. Anything not fully understood is refused with what was understood
and an example that works: the parser never guesses silently.

Decisions a caller may rely on:

- Elapsed repetition is an **interval**, anchored at `now`: "every 90 minutes",
  "hourly", "every hour", "every 2h", "every other day", "every day" and "daily"
  alone (every 24 hours from now), "weekly"/"every week" alone (every 7 days).
- Repetition tied to the clock or the calendar is **cron**: "every hour on
  weekdays" (`0 * * * 1-5`), "every 3 hours on weekdays" (`0 */3 * * 1-5`),
  "every hour between 9 and 17" (`0 9-17 * * *`). Minute steps in a window stop
  before its last hour ("every 30 minutes between 9 and 17" is `*/30 9-16 * * *`).
  Steps must divide the hour (minutes) or the day (hours) to keep to the clock.
- A bare hour after "at" is on the 24-hour clock: "at 5" is 05:00, "at 17" is
  17:00; "12am" is 00:00 and "12pm" 12:00. A period moves an hour am/pm did not
  fix: "every evening at 6" is 18:00, "every morning at 7" 07:00.
- A time alone repeats daily ("at noon", "at 9am and 5pm"); times in one
  schedule share their minute.
- A day phrase without a time ("every monday", "on the 15th", "every morning")
  is refused with an example ("every monday at 9am"); so is a lone singular day
  ("on monday": weekly or once?), "monthly" without a day, and a yearly date
  without a time.
- A day of the month without a month repeats monthly ("on the 1st and 15th");
  a calendar date without "every"/"yearly" is a one-off ("on december 18 at 2pm",
  the next such date), with it a yearly cron ("every march 3rd at 10").
- One-offs ("tomorrow at 3pm", "in 2 hours", "next friday at 10") are computed
  from `now` in the zone; "next friday" is the first Friday after today, "this
  friday" may be today. A wall time skipped by DST moves to the end of the gap.
- A zone anywhere as "Europe/Berlin", "in Asia/Tokyo", "(America/New_York)"; a
  bare "UTC"/"GMT" only at the end, after "in", in parentheses or right after
  another timing clause. Otherwise the `timezone` argument.
- Leftover words that look like timing ("5pm", "tomorrow", "at 7", "every few
  hours") cause a refusal; text in double quotes is never read as timing,
  which is the way to keep a word such as "weekly" in the command.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from agentcron.timing import describe, preview, validate
from agentcron.timing.language.reading import SentenceNotUnderstood, understand
from agentcron.timing.problems import InvalidSchedule
from agentcron.timing.spec import ScheduleSpec, utc

__all__ = ["ParsedSentence", "SentenceNotUnderstood", "parse_sentence", "refusal_json", "to_json"]


@dataclass(frozen=True)
class ParsedSentence:
    """`notes` say how words were read that a person may have meant otherwise
    ("PT" as America/Los_Angeles, "weekly" kept in "the weekly digest")."""

    agent: str | None
    command: str
    spec: ScheduleSpec
    description: str
    next_runs: list[datetime]
    notes: list[str] = field(default_factory=list)


def parse_sentence(
    text: str,
    *,
    timezone: str = "UTC",
    now: datetime,
    min_gap: timedelta = timedelta(minutes=5),
) -> ParsedSentence:
    now = utc(now)
    reading = understand(text, timezone=timezone, now=now)
    spec = reading.assembly.spec
    try:
        validate(spec, min_gap=min_gap, now=now)
    except InvalidSchedule as invalid:
        reading.understood["schedule"] = _spec_json(spec)
        minutes = max(1, math.ceil(min_gap.total_seconds() / 60))
        zone_wrong = any(problem.field == "timezone" for problem in invalid.problems)
        example = (
            "every weekday at 9am in Europe/Berlin" if zone_wrong else f"every {minutes} minutes"
        )
        reading.refuse(str(invalid), f"{reading.base} {example}")
    return ParsedSentence(
        reading.agent,
        reading.command,
        spec,
        describe(spec, now=now),
        preview(spec, now, 5),
        reading.assembly.notes,
    )


def _spec_json(spec: ScheduleSpec) -> dict[str, object]:
    """`anchor` is an interval's first fire: `now` for "every 2 hours", a later instant for
    "every other friday at 5pm" or "every 4 hours starting at 8am"; None for cron and once."""
    return {
        "schedule_type": spec.schedule_type.value,
        "cron_expression": spec.cron_expression,
        "interval_value": spec.interval_value,
        "interval_unit": spec.interval_unit.value if spec.interval_unit else None,
        "run_at": spec.run_at.isoformat() if spec.run_at else None,
        "anchor": spec.anchor.isoformat() if spec.anchor else None,
        "timezone": spec.timezone,
    }


def to_json(parsed: ParsedSentence) -> dict[str, object]:
    """The CLI's JSON for a parsed sentence."""
    return {
        "agent": parsed.agent,
        "command": parsed.command,
        **_spec_json(parsed.spec),
        "description": parsed.description,
        "next_runs": [run.isoformat() for run in parsed.next_runs],
        "notes": parsed.notes,
    }


def refusal_json(exc: SentenceNotUnderstood) -> dict[str, object]:
    """The CLI's JSON for a refused sentence."""
    return {"error": exc.message, "understood": exc.understood}
