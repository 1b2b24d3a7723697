"""The sentence form of a chain: "@bob summarise the results after daily-check succeeds".

A chain has no clock, so the sentence names no time: it ends with `after <id or key>`
and how that schedule must end: `succeeds` (success), `fails` (failed or timed out) or
`finishes` (any of those). Only the very end of a sentence is read this way, so a command
that merely contains "after" ("review what changed after the release every day at 9am")
keeps its meaning; the upstream is resolved (and checked for loops) by the service, which
knows the user's schedules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from agentcron.timing.language.command import HANDLE

CHAIN_END = re.compile(
    r"^(?P<command>.*\S)\s+after\s+(?P<ref>[A-Za-z0-9][\w.:-]{0,99})\s+"
    r"(?P<verb>succeeds|succeeded|fails|failed|finishes|finished|completes|completed|ends)"
    r"\s*[.!]?\s*$",
    re.IGNORECASE | re.DOTALL,
)
OUTCOMES = {
    "succeeds": "success",
    "succeeded": "success",
    "fails": "failure",
    "failed": "failure",
    "finishes": "always",
    "finished": "always",
    "completes": "always",
    "completed": "always",
    "ends": "always",
}
WORDS = {"success": "succeeds", "failure": "fails", "always": "finishes"}


@dataclass(frozen=True, slots=True)
class ChainedSentence:
    agent: str | None
    command: str
    upstream: str  # an id or a key, as written
    after_on: str  # success, failure or always


def read_chain(text: str) -> ChainedSentence | None:
    """The chain a sentence asks for, or None when it does not end like one."""
    match = CHAIN_END.match(text.strip())
    if match is None:
        return None
    command = match.group("command").strip()
    first = command.split(maxsplit=1)[0].lower().rstrip(":") if command else ""
    handle = HANDLE.fullmatch(first)
    return ChainedSentence(
        agent=handle.group(1) if handle else None,
        command=command,
        upstream=match.group("ref"),
        after_on=OUTCOMES[match.group("verb").lower()],
    )
