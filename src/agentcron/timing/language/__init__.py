"""Sentences to schedules: "@alice check deprecated models every weekday at 9am".

A small grammar of its own (no model, no date library), deterministic and
offline. The sentence is split into tokens; timing clauses are found wherever
they stand (start, middle or end); what they leave is the command, the leading
@handle kept. Anything not fully understood is refused with what was understood
and an example that works: the parser never guesses silently.

Decisions a caller may rely on:

- Elapsed repetition by minutes or hours is an **interval** from `now`: "every 90
  minutes", "hourly", "every 2h"; "starting at 8am" moves its start to the next
  08:00. Repetition by days or weeks needs a time of day and is an interval whose
  `anchor` is its first fire, the next such day and time: "every 3 days at 9am",
  "every other friday at 5pm" (14 days from the next Friday 17:00); it keeps that
  local time across daylight saving. Said without a time ("every 2 days", "daily",
  "weekly", "every 2 weeks") it counts from `now`, as hours do, with a note that a
  time of day would tie it to the clock; no time of day is ever guessed, so "every
  monday" alone is refused, and so is a timing word that is only an adjective of the
  command ("send the weekly digest").
- Repetition tied to the clock or the calendar is **cron**: "every hour on
  weekdays" (`0 * * * 1-5`), "every 3 hours on weekdays" (`0 */3 * * 1-5`),
  "every hour between 9 and 17" (`0 9-17 * * *`), "every hour on the hour",
  "every 30 min during business hours" (Mon-Fri 9-17: `*/30 9-16 * * 1-5`).
  Minute steps in a window stop before its last hour. Steps must divide the hour
  (minutes) or the day (hours) to keep to the clock.
- Hours: am/pm, a part of the day ("every evening at 6" is 18:00), the 24-hour
  clock ("17", "05:00", "0930") or noon/midnight decide. A bare 7-11 is morning and
  12 is noon; a bare 1-6 ("at 5", "at 5:30") is refused with both readings, unless
  its list is on the 24-hour clock ("at 6 and 18"). In a window the last hour takes pm
  from the first ("from 9 to 5" is 9-17); a window may pass midnight ("from 10pm to
  6am"), but not with weekdays (its early hours would count on the next day).
- A time alone repeats daily ("at noon", "at 9am and 5pm"); times in one schedule
  share their minutes across their hours ("at 9 and 9:30", not "at 9:15 and 10:45"). "twice a day" and kin must agree with the times or days given.
- A day phrase without a time ("every monday", "on the 15th", "every morning") is
  refused with an example; so is a lone singular day ("on monday": weekly or
  once?), "monthly" without a day, and a yearly date without a time.
- A day of the month without a month repeats monthly ("on the 1st and 15th");
  with months ("of january and july", "every quarter", "in jun-aug") in those
  months; "every other month" counts from the month of the next such day. A
  calendar date without "every"/"yearly" is a one-off ("on december 18 at 2pm",
  "on 25.12.2026 at 8am"), with it a yearly cron ("every march 3rd at 10").
- One-offs ("tomorrow at 3pm", "in 2 hours", "in 3 days at 9am", "next friday at
  10") are computed from `now` in the zone; "next friday" is the first Friday after
  today, "this friday" may be today. A wall time skipped by DST moves to the end of
  the gap.
- Zones: IANA names anywhere; abbreviations, region, country and city words map to
  an IANA zone that follows its place's daylight saving ("PT"/"PST"/"PDT" are all
  America/Los_Angeles, "EST" is Eastern time as "ET" is, "GMT"/"Z" are UTC, "BST"
  is UK time); "IST" and the like are read from the `timezone` argument when it
  keeps the same clock as one reading, else refused. Where they stand is in
  `zonewords`. Each reading is a note on the result. Otherwise the `timezone`
  argument. A fixed offset ("+02:00", "UTC+2", the tail of "2026-12-24T09:00+02:00")
  is taken for a one-off, whose instant it fixes, and refused for a repetition,
  which it would keep off daylight saving.
- A timing word that describes a noun of the command ("the weekly digest", "the
  nightly build") stays in the command when the rest of the timing makes a
  schedule naming its days; when the rest needs it, it also says when.
- Leftover words that look like timing ("5pm", "until march", "for two weeks",
  "every few hours", a zone abbreviation) cause a refusal saying what was
  understood; text in double quotes is never read as timing.
- Every refusal ends with an example that parses (checked before it is offered).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from agentcron.timing import describe, preview, validate
from agentcron.timing.language.chained import WORDS, read_chain
from agentcron.timing.language.reading import SentenceNotUnderstood, understand
from agentcron.timing.problems import InvalidSchedule
from agentcron.timing.spec import ScheduleSpec, ScheduleType, utc

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
    # A chain ("… after daily-check succeeds"): the upstream as written (id or key) and
    # the outcome it waits for; the spec is then `after`, with no clock.
    after: str | None = None
    after_on: str | None = None


def parse_sentence(
    text: str,
    *,
    timezone: str = "UTC",
    now: datetime,
    min_gap: timedelta = timedelta(minutes=5),
) -> ParsedSentence:
    now = utc(now)
    chained = read_chain(text)
    if chained is not None:
        spec = ScheduleSpec(ScheduleType.AFTER, timezone=timezone, anchor=now)
        return ParsedSentence(
            chained.agent,
            chained.command,
            spec,
            f"After {chained.upstream} {WORDS[chained.after_on]}",
            [],
            after=chained.upstream,
            after_on=chained.after_on,
        )
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
    """`anchor` is where an interval counts from: `now` for "every 2 hours" (first fire
    now + 2 h), its first fire for "every other friday at 5pm" or "every 4 hours starting
    at 8am"; None for cron and once."""
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
        **({"after": parsed.after, "after_on": parsed.after_on} if parsed.after else {}),
    }


def refusal_json(exc: SentenceNotUnderstood) -> dict[str, object]:
    """The CLI's JSON for a refused sentence."""
    return {"error": exc.message, "understood": exc.understood}
