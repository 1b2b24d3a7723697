"""Turning what an agent said into a bounded `AgentResult`.

Agents are other people's programs: their output can be huge, binary, or carry
a secret back to us. Every backend passes what it got through here, so an
execution row never holds more than `OUTPUT_LIMIT` bytes of output nor more than
`STEP_LIMIT` steps, a summary stays one short line, and error messages never
echo a key.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from agentcron.agents.base import AgentResult, Step

OUTPUT_LIMIT = 64 * 1024
"""Bytes (UTF-8) of output kept per result; the middle of longer output is dropped."""
SUMMARY_LIMIT = 500
"""Characters of a summary: one line a person reads in a table."""
MESSAGE_LIMIT = 2000
"""Characters of an error message, enough for a stderr tail or a server's complaint."""
STEP_LIMIT = 500
"""Steps kept per attempt; past it the middle ones are dropped (the first and the last tell most)."""
_MARK_RESERVE = 64


def _omitted(count: int) -> str:
    return f"\n[… {count} bytes omitted …]\n"


def bound_text(text: str, limit: int = OUTPUT_LIMIT) -> str:
    """Keep the head and the tail of `text` within `limit` UTF-8 bytes: errors live at the end."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    half = (limit - _MARK_RESERVE) // 2
    head = data[:half].decode("utf-8", "ignore")
    tail = data[-half:].decode("utf-8", "ignore")
    return head + _omitted(len(data) - 2 * half) + tail


class HeadTail:
    """Collects a byte stream of unknown length, keeping only its first and last bytes."""

    def __init__(self, limit: int = OUTPUT_LIMIT) -> None:
        self._half = (limit - _MARK_RESERVE) // 2
        self._head = bytearray()
        self._tail = bytearray()
        self._total = 0

    def feed(self, chunk: bytes) -> None:
        self._total += len(chunk)
        room = self._half - len(self._head)
        if room > 0:
            self._head += chunk[:room]
            chunk = chunk[room:]
        if chunk:
            self._tail += chunk
            excess = len(self._tail) - self._half
            if excess > 0:
                del self._tail[:excess]

    def text(self) -> str:
        omitted = self._total - len(self._head) - len(self._tail)
        if omitted == 0:
            return bound_text(bytes(self._head + self._tail).decode("utf-8", "replace"))
        head = bytes(self._head).decode("utf-8", "replace")
        tail = bytes(self._tail).decode("utf-8", "replace")
        return bound_text(head + _omitted(omitted) + tail)


def shorten(line: str, limit: int = SUMMARY_LIMIT) -> str:
    return line if len(line) <= limit else line[: limit - 1] + "…"


def first_line(text: str, limit: int = SUMMARY_LIMIT) -> str:
    """The first non-blank line, shortened: what a summary column shows."""
    for line in text.splitlines():
        if line.strip():
            return shorten(line.strip(), limit)
    return ""


def last_line(text: str, limit: int = SUMMARY_LIMIT) -> str:
    """The last non-blank line, shortened: where command-line programs put their verdict."""
    for line in reversed(text.splitlines()):
        if line.strip():
            return shorten(line.strip(), limit)
    return ""


def tail(text: str, limit: int = MESSAGE_LIMIT) -> str:
    text = text.strip()
    return text if len(text) <= limit else "…" + text[-(limit - 1) :]


def redact(text: str, secrets: Iterable[str]) -> str:
    """Blank out every secret value, whatever echoed it (a server's error page, a traceback).

    Only the values given: fit for output and steps, which may quote URLs with queries on
    purpose. Errors and log lines get `agents.redact.redact`, which masks patterns as well.
    """
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


def bounded(result: AgentResult) -> AgentResult:
    """The same result with summary and output within their limits; a missing summary is derived."""
    summary = first_line(result.summary) or first_line(result.output)
    notify = shorten(result.notify.strip(), MESSAGE_LIMIT) if result.notify else None
    return replace(
        result,
        summary=summary,
        output=bound_text(result.output),
        notify=notify or None,
        steps=bound_steps(result.steps),
    )


def bound_steps(steps: Sequence[Step]) -> tuple[Step, ...]:
    if len(steps) <= STEP_LIMIT:
        return tuple(steps)
    half = STEP_LIMIT // 2
    return (*steps[:half], *steps[-half:])


def opening(text: str, limit: int = SUMMARY_LIMIT) -> str:
    """The first `limit` characters of `text` on one line: a model's answer as a summary."""
    return shorten(" ".join(text.split()), limit)
