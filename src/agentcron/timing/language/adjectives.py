"""Timing words that belong to the command: "send the weekly digest", "check the nightly build".

A one-word clause ("weekly", "nightly", "hourly", "quarterly", "monday",
"weekend") standing between a word of the command and a noun ("the weekly
digest", "run nightly builds") is a candidate adjective. The sentence keeps it in
the command when the rest of its timing makes a schedule on its own ("send the
weekly digest every monday at 9am"); otherwise the word is read as timing, so
"send the weekly digest" alone is refused for want of a day and a time, and "the
monday report every week at 9" is still every Monday.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from agentcron.timing.language.facts import (
    Clause,
    Daily,
    Every,
    MinuteMark,
    Monthly,
    PartOfDay,
    Quarterly,
    Times,
    Weekdays,
    Weekly,
    Yearly,
    Zone,
)
from agentcron.timing.language.lexicon import WEEKDAY_NAMES, Kind
from agentcron.timing.language.words import Words

ADJECTIVES = frozenset(
    {
        "daily",
        "everyday",
        "weekly",
        "monthly",
        "yearly",
        "quarterly",
        "nightly",
        "hourly",
        "fortnightly",
        "biweekly",
        "bi-weekly",
        "weekday",
        "weekend",
        "workday",
        "m-f",
    }
    | set(WEEKDAY_NAMES)
)
_KINDS = (Daily, Weekly, Monthly, Yearly, Quarterly, Every, Weekdays)
# Words after which the next word starts a phrase of its own, not a noun being described.
_NOT_NOUNS = frozenset(
    {
        "at",
        "on",
        "in",
        "every",
        "each",
        "and",
        "or",
        "from",
        "between",
        "to",
        "until",
        "till",
        "except",
        "during",
        "for",
        "of",
        "with",
        "by",
        "the",
        "a",
        "an",
        "this",
        "next",
        "starting",
        "before",
        "after",
    }
)


def candidates(w: Words, clauses: Sequence[Clause]) -> list[int]:
    """Indices of the clauses that read as adjectives of the command."""
    consumed = {k for clause in clauses for k in range(clause.start, clause.end)}
    found = []
    for index, clause in enumerate(clauses):
        if clause.end - clause.start != 1 or not isinstance(clause.fact, _KINDS):
            continue
        if w.at(clause.start) not in ADJECTIVES:
            continue
        before, after = clause.start - 1, clause.end
        if _is_command_word(w, before, consumed) and _is_noun(w, after, consumed):
            found.append(index)
    return found


def _is_command_word(w: Words, k: int, consumed: set[int]) -> bool:
    """A word of the command before the candidate, or the sentence's start or @handle
    ("@ann daily standup reminder at 9:55 on weekdays")."""
    if k < 0 or (k == 0 and w.tokens[k].norm.startswith("@")):
        return True
    return k not in consumed and w.tokens[k].kind is Kind.WORD


def _is_noun(w: Words, k: int, consumed: set[int]) -> bool:
    if k >= len(w) or k in consumed or w.tokens[k].kind is not Kind.WORD:
        return False
    word = w.at(k)
    return word.replace("-", "").replace("'", "").isalpha() and word not in _NOT_NOUNS


def choose(
    w: Words, clauses: list[Clause], works: Callable[[list[Clause]], bool]
) -> tuple[list[Clause], list[Clause], list[str]]:
    """(the timing clauses, the clauses whose words stay in the command, notes).

    `works` says whether clauses make a schedule. The adjective reading wins when it
    works, or when neither works and it still leaves some timing to explain the refusal.
    When only the timing reading works ("send the weekly digest on monday at 9am", where
    "on monday" alone could be once), the word is timing and stays in the command too:
    the command is the user's, and "the digest" is not "the weekly digest".
    """
    chosen = candidates(w, clauses)
    if not chosen:
        return clauses, [], []
    rest = [c for k, c in enumerate(clauses) if k not in chosen]
    kept = [clauses[k] for k in chosen]
    rest_works = works(rest)
    if rest_works and (says_days(rest) or not any(_names_days(c) for c in kept)):
        return rest, kept, [_in_command(w, c) for c in kept]
    if works(clauses):
        return clauses, kept, [_both(w, c) for c in kept]
    if rest_works or all(isinstance(c.fact, Zone) for c in rest):
        return clauses, kept, []  # refused for the word's own sake; the command keeps it
    return rest, kept, [_in_command(w, c) for c in kept]


def _names_days(clause: Clause) -> bool:
    """ "weekly", "monday", "quarterly": words that would choose the days, not only the times."""
    fact = clause.fact
    return not isinstance(fact, Daily) and not (isinstance(fact, Every) and fact.unit != "days")


def says_days(clauses: list[Clause]) -> bool:
    """Whether the timing says which days, beyond a time of day ("at 9am" alone is daily:
    "send the weekly digest at 9am" is not read as every day)."""
    return any(not isinstance(c.fact, (Times, Zone, PartOfDay, MinuteMark)) for c in clauses)


def _phrase(w: Words, clause: Clause) -> str:
    return w.text(clause.start - 1, clause.end + 1)


def _in_command(w: Words, clause: Clause) -> str:
    return f'"{clause.text}" in "{_phrase(w, clause)}" is part of the command, not the schedule'


def _both(w: Words, clause: Clause) -> str:
    return (
        f'"{clause.text}" in "{_phrase(w, clause)}" is part of the command and also says '
        "when: the rest of the timing needs it"
    )
