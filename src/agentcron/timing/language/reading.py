"""Reading one sentence: its agent, its command, its timing clauses, and every refusal.

Every refusal carries an example that works: the example each step proposes is
tried, and when it does not parse (the user's own words may read as timing once
moved), a plainer one is offered instead, ending with one that always works.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NoReturn

from agentcron.timing.language import adjectives
from agentcron.timing.language.assemble import Assembly, Refusal, assemble
from agentcron.timing.language.clauses import find_clauses
from agentcron.timing.language.command import agent_of, has_words, looks_like_timing, rebuild
from agentcron.timing.language.facts import Clause, Unsupported, Zone
from agentcron.timing.language.lexicon import Kind, Token, fold, tokenize
from agentcron.timing.language.words import Words
from agentcron.timing.problems import InvalidSchedule
from agentcron.timing.validate import validate

MAX_LENGTH = 2000
DEFAULT_TIMING = "every weekday at 9am"
_ALWAYS = "every weekday at 9am in Europe/Berlin"  # works whatever the caller's zone
_checking: ContextVar[bool] = ContextVar("checking_an_example", default=False)


class SentenceNotUnderstood(ValueError):
    """A sentence that makes no schedule: `message` says why, with an example that works."""

    def __init__(self, message: str, understood: dict[str, object]) -> None:
        super().__init__(message)
        self.message = message
        self.understood = understood


@dataclass
class Refuser:
    """Raises SentenceNotUnderstood with the first of the examples that really works."""

    understood: dict[str, object]
    agent: str | None
    timezone: str
    now: datetime

    def __call__(self, reason: str, *examples: str) -> NoReturn:
        generic = f"@{self.agent} check the logs" if self.agent else "check the logs"
        fallbacks = (f"{generic} {DEFAULT_TIMING}", f"{generic} {_ALWAYS}")
        chosen = next((e for e in (*examples, *fallbacks) if self.works(e)), fallbacks[-1])
        raise SentenceNotUnderstood(f'{reason}; e.g. "{chosen}"', self.understood)

    def works(self, example: str) -> bool:
        if _checking.get():
            return True  # an example's own examples are not checked in turn
        with _checking_examples():
            try:
                reading = understand(example, timezone=self.timezone, now=self.now)
                validate(reading.assembly.spec, min_gap=timedelta(0), now=self.now)
            except (SentenceNotUnderstood, InvalidSchedule):
                return False
        return True


@contextmanager
def _checking_examples() -> Iterator[None]:
    token = _checking.set(True)
    try:
        yield
    finally:
        _checking.reset(token)


@dataclass(frozen=True)
class Reading:
    agent: str | None
    command: str
    assembly: Assembly
    understood: dict[str, object]
    refuse: Refuser
    base: str  # the command to build examples from


def understand(text: str, *, timezone: str, now: datetime) -> Reading:
    """The sentence's agent, command and schedule before validation; raises
    SentenceNotUnderstood with what was understood and an example that works."""
    source = fold(text)
    understood: dict[str, object] = {
        "agent": None,
        "command": "",
        "timing": [],
        "timezone": timezone,
        "notes": [],
    }
    if len(source) > MAX_LENGTH:
        Refuser(understood, None, timezone, now)(
            f"the sentence is longer than {MAX_LENGTH} characters"
        )
    tokens = tokenize(source)
    words = Words(tokens, source, timezone, now)

    def works(clauses: list[Clause]) -> bool:
        try:
            assemble(clauses, timezone=timezone, now=now)
        except Refusal:
            return False
        return True

    clauses, kept, notes = adjectives.choose(words, find_clauses(words), works)
    kept_tokens = {k for clause in kept for k in range(clause.start, clause.end)}
    consumed = {k for c in clauses for k in range(c.start, c.end)} - kept_tokens
    agent = agent_of([t for k, t in enumerate(tokens) if k not in consumed and t.kind is Kind.WORD])
    command = rebuild(tokens, consumed)
    zones = [c.fact for c in clauses if isinstance(c.fact, Zone)]
    notes += [z.note for z in zones if z.note]
    timing = " ".join(c.text for c in clauses)
    understood.update(
        agent=agent,
        command=command,
        timing=[c.text for c in clauses],
        timezone=zones[0].name if zones and zones[0].fixed is None else timezone,
        notes=notes,
    )
    refuse = Refuser(understood, agent, timezone, now)
    generic = f"@{agent} check the logs" if agent else "check the logs"
    base = command if has_words(command, agent) else generic
    for clause in clauses:
        if isinstance(clause.fact, Unsupported):
            refuse(clause.fact.reason, f"{base} {clause.fact.example}")
    days_said = adjectives.says_days(clauses)
    leftovers = [
        k
        for k, token in enumerate(tokens)
        if k not in consumed
        and k not in kept_tokens
        and token.kind is Kind.WORD
        and looks_like_timing(
            words,
            k,
            after_clause=k - 1 in consumed,
            before_clause=k + 1 in consumed or (_at(tokens, k + 1) == "," and k + 2 in consumed),
            days_said=days_said,
        )
    ]
    if leftovers:
        first = leftovers[0]
        lead = first - 1 if _at(tokens, first - 1) == "in" and first - 1 not in consumed else first
        span = range(lead, _phrase_end(tokens, first, consumed | kept_tokens))
        suspect = source[tokens[span[0]].start : tokens[span[-1]].end]
        said = f'; I understood "{timing}"' if timing else ""
        without = rebuild(tokens, consumed | set(span))
        refuse(
            f'"{suspect}" looks like timing I cannot use{said} '
            "(put it in double quotes if it belongs to the command)",
            *([f"{without} {timing}"] if timing and has_words(without, agent) else []),
        )
    # "send the weekly digest": a word of the command alone does not start a count from now
    only_adjectives = bool(kept) and all(c in kept or isinstance(c.fact, Zone) for c in clauses)
    try:
        assembly = assemble(clauses, timezone=timezone, now=now, from_now=not only_adjectives)
    except Refusal as refusal:
        refuse(refusal.reason, f"{base} {refusal.example}", f"{generic} {refusal.example}")
    if not has_words(command, agent):
        refuse("there is a schedule but no command to run", f"{base} {timing}")
    notes += [n for n in assembly.notes if n not in notes]
    understood["notes"] = notes
    return Reading(agent, command, Assembly(assembly.spec, notes), understood, refuse, base)


def _at(tokens: list[Token], k: int) -> str:
    return tokens[k].norm if k < len(tokens) else ""


def _phrase_end(tokens: list[Token], first: int, taken: set[int]) -> int:
    """The suspect word and up to two free words after it ("for two weeks", "until march")."""
    end = first + 1
    while end < min(len(tokens), first + 3) and end not in taken:
        if tokens[end].kind is not Kind.WORD:
            break
        end += 1
    return end
