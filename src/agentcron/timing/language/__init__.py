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
from typing import NoReturn

from agentcron.timing import describe, preview, validate
from agentcron.timing.language import adjectives
from agentcron.timing.language.assemble import Assembly, Refusal, assemble
from agentcron.timing.language.clauses import find_clauses
from agentcron.timing.language.command import agent_of, has_words, looks_like_timing, rebuild
from agentcron.timing.language.facts import Clause, Unsupported, Zone
from agentcron.timing.language.lexicon import Kind, Token, fold, tokenize
from agentcron.timing.language.words import Words
from agentcron.timing.problems import InvalidSchedule
from agentcron.timing.spec import ScheduleSpec, utc

__all__ = ["ParsedSentence", "SentenceNotUnderstood", "parse_sentence", "refusal_json", "to_json"]

MAX_LENGTH = 2000
DEFAULT = "check the logs every weekday at 9am"


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


class SentenceNotUnderstood(ValueError):
    """A sentence that makes no schedule: `message` says why, with an example that works."""

    def __init__(self, message: str, understood: dict[str, object]) -> None:
        super().__init__(message)
        self.message = message
        self.understood = understood


def parse_sentence(
    text: str,
    *,
    timezone: str = "UTC",
    now: datetime,
    min_gap: timedelta = timedelta(minutes=5),
) -> ParsedSentence:
    now = utc(now)
    agent, command, assembly, understood, base = understand(text, timezone=timezone, now=now)
    spec = assembly.spec
    try:
        validate(spec, min_gap=min_gap, now=now)
    except InvalidSchedule as invalid:
        understood["schedule"] = _spec_json(spec)
        minutes = max(1, math.ceil(min_gap.total_seconds() / 60))
        zone_wrong = any(problem.field == "timezone" for problem in invalid.problems)
        example = (
            "every weekday at 9am in Europe/Berlin" if zone_wrong else f"every {minutes} minutes"
        )
        _refuse(str(invalid), f"{base} {example}", understood)
    return ParsedSentence(
        agent, command, spec, describe(spec), preview(spec, now, 5), assembly.notes
    )


def understand(
    text: str, *, timezone: str, now: datetime
) -> tuple[str | None, str, Assembly, dict[str, object], str]:
    """The sentence's agent, command and schedule before validation; also what was
    understood and the command to build examples from."""
    source = fold(text)
    understood: dict[str, object] = {
        "agent": None,
        "command": "",
        "timing": [],
        "timezone": timezone,
        "notes": [],
    }
    if len(source) > MAX_LENGTH:
        _refuse(f"the sentence is longer than {MAX_LENGTH} characters", DEFAULT, understood)
    tokens = tokenize(source)
    words = Words(tokens, source, timezone)

    def works(clauses: list[Clause]) -> bool:
        try:
            assemble(clauses, timezone=timezone, now=now)
        except Refusal:
            return False
        return True

    clauses, kept = adjectives.choose(words, find_clauses(words), works)
    consumed = {k for clause in clauses for k in range(clause.start, clause.end)}
    kept_tokens = {k for clause in kept for k in range(clause.start, clause.end)}
    notes = [adjectives.note(words, clause) for clause in kept]
    agent = agent_of([t for k, t in enumerate(tokens) if k not in consumed and t.kind is Kind.WORD])
    command = rebuild(tokens, consumed)
    zones = [c.fact for c in clauses if isinstance(c.fact, Zone)]
    notes += [z.note for z in zones if z.note]
    understood.update(
        agent=agent,
        command=command,
        timing=[c.text for c in clauses],
        timezone=zones[0].name if zones else timezone,
        notes=notes,
    )
    base = (
        command
        if has_words(command, agent)
        else f"@{agent} check the logs"
        if agent
        else "check the logs"
    )
    for clause in clauses:
        if isinstance(clause.fact, Unsupported):
            _refuse(clause.fact.reason, f"{base} {clause.fact.example}", understood)
    leftovers = [
        k
        for k, token in enumerate(tokens)
        if k not in consumed
        and k not in kept_tokens
        and token.kind is Kind.WORD
        and looks_like_timing(words, k, after_clause=k - 1 in consumed)
    ]
    if leftovers:
        first = leftovers[0]
        span = range(first, _phrase_end(tokens, first, consumed | kept_tokens))
        suspect = source[tokens[span[0]].start : tokens[span[-1]].end]
        timing = " ".join(c.text for c in clauses)
        said = f'; I understood "{timing}"' if timing else ""
        _refuse(
            f'"{suspect}" looks like timing I cannot use{said} '
            "(put it in double quotes if it belongs to the command)",
            _leftover_example(tokens, consumed | set(span), timing, agent, timezone, now),
            understood,
        )
    try:
        assembly = assemble(clauses, timezone=timezone, now=now)
    except Refusal as refusal:
        _refuse(refusal.reason, f"{base} {refusal.example}", understood)
    if not has_words(command, agent):
        timing = " ".join(c.text for c in clauses)
        _refuse("there is a schedule but no command to run", f"{base} {timing}", understood)
    notes += [n for n in assembly.notes if n not in notes]
    understood["notes"] = notes
    return agent, command, Assembly(assembly.spec, notes), understood, base


def _phrase_end(tokens: list[Token], first: int, taken: set[int]) -> int:
    """The suspect word and up to two free words after it ("for two weeks", "until march")."""
    end = first + 1
    while end < min(len(tokens), first + 3) and end not in taken:
        if tokens[end].kind is not Kind.WORD:
            break
        end += 1
    return end


def _leftover_example(
    tokens: list[Token],
    dropped: set[int],
    timing: str,
    agent: str | None,
    timezone: str,
    now: datetime,
) -> str:
    """The sentence without the suspect, if that works; else a sentence that does."""
    command = rebuild(tokens, dropped)
    if timing and has_words(command, agent):
        candidate = f"{command} {timing}"
        try:
            understand(candidate, timezone=timezone, now=now)
        except SentenceNotUnderstood:
            pass
        else:
            return candidate
    generic = f"@{agent} check the logs" if agent else "check the logs"
    return f"{generic} every weekday at 9am"


def _refuse(reason: str, example: str, understood: dict[str, object]) -> NoReturn:
    raise SentenceNotUnderstood(f'{reason}; e.g. "{example}"', understood)


def _spec_json(spec: ScheduleSpec) -> dict[str, object]:
    """`anchor` is an interval's first fire when the sentence fixed one ("every other friday
    at 5pm"); None when the interval starts when it is saved."""
    return {
        "schedule_type": spec.schedule_type.value,
        "cron_expression": spec.cron_expression,
        "interval_value": spec.interval_value,
        "interval_unit": spec.interval_unit.value if spec.interval_unit else None,
        "run_at": spec.run_at.isoformat() if spec.run_at else None,
        "anchor": spec.anchor.isoformat() if spec.anchor and _fixed_anchor(spec) else None,
        "timezone": spec.timezone,
    }


def _fixed_anchor(spec: ScheduleSpec) -> bool:
    return spec.interval_unit is not None and spec.interval_unit.value == "days"


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
