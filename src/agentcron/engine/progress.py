"""What a running attempt has done so far: its steps and its output, as the agent reports
them through its context's hooks.

Hooks only append (a burst of quick runs pays a list append, nothing more); the engine's
progress task (`Engine._report_progress`) publishes what is new for attempts that have
run a while, and saves it to the execution row now and then, so a page opened mid-run
shows what happened so far and a crash keeps it. A run that times out keeps its steps and
output too: they are what it did before it was stopped.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field

from agentcron.agents.base import Step
from agentcron.agents.results import OUTPUT_LIMIT, bound_text

STEPS_KEPT = 500  # a transcript longer than this keeps its first and last 250
LIVE_CHUNK = 8 * 1024  # output characters per live event at most


@dataclass(slots=True)
class Progress:
    """One attempt's steps and output; written by hooks (maybe from an agent's thread)."""

    started: float = field(default_factory=time.monotonic)
    steps: list[Step] = field(default_factory=list)
    chunks: list[str] = field(default_factory=list)
    size: int = 0  # characters of output received
    published_steps: int = 0
    published_size: int = 0
    saved_at: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add_step(self, step: Step) -> None:
        with self._lock:
            self.steps.append(step)

    def add_output(self, chunk: str) -> None:
        with self._lock:
            if self.size < 4 * OUTPUT_LIMIT:  # beyond that, the result's own output wins
                self.chunks.append(chunk)
            self.size += len(chunk)

    def output(self) -> str:
        with self._lock:
            return bound_text("".join(self.chunks))

    def new_steps(self) -> list[Step]:
        with self._lock:
            fresh = self.steps[self.published_steps :]
            self.published_steps = len(self.steps)
            return fresh

    def new_output(self) -> str:
        """Output not yet published, at most LIVE_CHUNK characters (the rest waits)."""
        with self._lock:
            text = "".join(self.chunks)
            fresh = text[self.published_size : self.published_size + LIVE_CHUNK]
            self.published_size += len(fresh)
            return fresh


def steps_json(steps: list[Step] | tuple[Step, ...]) -> str | None:
    """The transcript as stored: JSON, bounded to STEPS_KEPT steps."""
    if not steps:
        return None
    kept = list(steps)
    if len(kept) > STEPS_KEPT:
        half = STEPS_KEPT // 2
        kept = kept[:half] + kept[-half:]
    return json.dumps([s.to_dict() for s in kept], separators=(",", ":"), default=str)
