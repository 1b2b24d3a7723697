"""The contract between agentcron and an agent backend.

agentcron does not contain agents: it hands a command to one and records what
it reports. A backend either returns an `AgentResult` or raises `AgentError`,
whose `retryable` flag lets the runner decide between a retry and giving up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Literal, Protocol, runtime_checkable


@dataclass(frozen=True, slots=True)
class AgentContext:
    """Everything a backend may tell the agent about this attempt."""

    command: str
    handle: str
    schedule_id: str
    execution_id: str
    scheduled_for: datetime
    attempt: int
    user_id: str
    timeout_s: float

    @property
    def instruction(self) -> str:
        """The command without its leading `@handle`: the handle addresses, the rest instructs."""
        match = _address(self.handle).match(self.command)
        return (self.command[match.end() :] if match else self.command).strip()


@lru_cache(maxsize=1024)
def _address(handle: str) -> re.Pattern[str]:
    """`@handle` at the start of a command, with what separates it from the instruction.
    Compiled once per handle: a burst asks for it thousands of times a second."""
    return re.compile(rf"\s*@{re.escape(handle)}(?![A-Za-z0-9_-])[\s,:]*", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class AgentResult:
    """What the agent reported. A `failed` result is the agent's own verdict and is not retried."""

    status: Literal["success", "failed"] = "success"
    summary: str = ""
    output: str = ""
    tokens_used: int = 0
    llm_calls: int = 0
    cost: float | None = None
    task_id: str | None = None


class AgentError(Exception):
    """The call did not produce a result. `retryable` says whether trying again can help."""

    def __init__(self, message: str, *, retryable: bool) -> None:
        super().__init__(message)
        self.message = message
        self.retryable = retryable


@runtime_checkable
class Agent(Protocol):
    """One configured `@handle`. `run` must honour cancellation: the runner cancels on timeout."""

    handle: str

    async def run(self, context: AgentContext) -> AgentResult: ...


@dataclass(frozen=True, slots=True)
class AgentInfo:
    """What a user may see of an agent: never its URL secrets or keys."""

    handle: str
    name: str
    description: str
    backend: str
