"""The contract between agentcron and an agent backend.

agentcron does not contain agents: it hands a command to one and records what
it reports. A backend either returns an `AgentResult` or raises `AgentError`,
whose `retryable` flag lets the runner decide between a retry and giving up.

While it runs, a backend may report progress through the context: each `Step`
as it ends (`context.report_step`) and output as it arrives
(`context.report_output`). Those hooks are the engine's; a hook that fails is
logged and forgotten, never allowed to break the run.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Literal, Protocol, runtime_checkable

log = logging.getLogger(__name__)

StepKind = Literal["llm", "tool"]


@dataclass(frozen=True, slots=True)
class Step:
    """One thing an agent did: a model request (`llm`) or a tool call (`tool`).

    `name` is the model for an `llm` step and the tool for a `tool` step. `started_at` is
    aware UTC from the engine's clock. Token counts are None where they do not apply (a tool)
    or were not reported. `detail` holds the tool's `arguments` and `result` (or the model's
    `text`), each bounded to 2 KiB with secrets masked: it is stored and shown as it is.
    """

    kind: StepKind
    name: str
    started_at: datetime
    duration_ms: int
    input_tokens: int | None = None
    output_tokens: int | None = None
    error: str | None = None
    detail: Mapping[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        """The JSON shape stored with an execution and streamed as an event."""
        return {
            "kind": self.kind,
            "name": self.name,
            "started_at": self.started_at.isoformat(),
            "duration_ms": self.duration_ms,
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
            "error": self.error,
            "detail": dict(self.detail),
        }


@dataclass(frozen=True, slots=True)
class Usage:
    """What an attempt spent. `cost_usd` is None when unknown, never a made-up zero."""

    llm_calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    tokens_used: int = 0
    cost_usd: float | None = None
    model: str | None = None


StepHook = Callable[[Step], None]
OutputHook = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class AgentContext:
    """Everything a backend may tell the agent about this attempt, and the engine's hooks.

    `on_step` is called as each step ends; `on_output` with output as it arrives (a shell
    program's stdout, a model's text), in order, unbounded: the engine bounds and throttles
    what it shows. `max_tokens_allowance` is what the user's budget still allows this attempt
    (None: no budget); an llm agent stops at the smaller of it and its own `max_tokens`.
    """

    command: str
    handle: str
    schedule_id: str
    execution_id: str
    scheduled_for: datetime
    attempt: int
    user_id: str
    timeout_s: float
    on_step: StepHook | None = None
    on_output: OutputHook | None = None
    max_tokens_allowance: int | None = None

    @property
    def instruction(self) -> str:
        """The command without its leading `@handle`: the handle addresses, the rest instructs."""
        match = _address(self.handle).match(self.command)
        return (self.command[match.end() :] if match else self.command).strip()

    def report_step(self, step: Step) -> None:
        if self.on_step is not None:
            try:
                self.on_step(step)
            except Exception:
                log.exception("the on_step hook failed for execution %s", self.execution_id)

    def report_output(self, chunk: str) -> None:
        if self.on_output is not None and chunk:
            try:
                self.on_output(chunk)
            except Exception:
                log.exception("the on_output hook failed for execution %s", self.execution_id)


@lru_cache(maxsize=1024)
def _address(handle: str) -> re.Pattern[str]:
    """`@handle` at the start of a command, with what separates it from the instruction.
    Compiled once per handle: a burst asks for it thousands of times a second."""
    return re.compile(rf"\s*@{re.escape(handle)}(?![A-Za-z0-9_-])[\s,:]*", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class AgentResult:
    """What the agent reported. A `failed` result is the agent's own verdict and is not retried.

    `tokens_used` is input + output tokens over every model request (a backend that only
    knows the total reports it alone); `llm_calls` counts model requests. `notify` is a
    message the agent asks agentcron to pass on to the user.
    """

    status: Literal["success", "failed"] = "success"
    summary: str = ""
    output: str = ""
    tokens_used: int = 0
    llm_calls: int = 0
    cost_usd: float | None = None
    task_id: str | None = None
    input_tokens: int = 0
    output_tokens: int = 0
    model: str | None = None
    steps: tuple[Step, ...] = ()
    notify: str | None = None

    @property
    def cost(self) -> float | None:
        """The old name of `cost_usd`, kept for callers written before it."""
        return self.cost_usd

    @property
    def usage(self) -> Usage:
        return Usage(
            self.llm_calls,
            self.input_tokens,
            self.output_tokens,
            self.tokens_used,
            self.cost_usd,
            self.model,
        )


class AgentError(Exception):
    """The call did not produce a result. `retryable` says whether trying again can help.

    What the attempt did before failing stays visible: `output` (a failed program's stdout,
    bounded), `steps` and `usage` (what a failed llm run did and spent). `retry_after_s` is
    the wait a server asked for (HTTP 429 `Retry-After`), so the runner can pause the agent
    instead of spending retries. `code` names the kind of failure where a caller may act on
    it: `max_llm_calls`, `max_tokens`, `budget_exceeded`, `tool_server`, `rate_limited`.
    """

    def __init__(
        self,
        message: str,
        *,
        retryable: bool,
        output: str | None = None,
        steps: tuple[Step, ...] = (),
        usage: Usage | None = None,
        retry_after_s: float | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.retryable = retryable
        self.output = output
        self.steps = steps
        self.usage = usage
        self.retry_after_s = retry_after_s
        self.code = code


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
    categories: tuple[str, ...] = ()  # the groups (@category) it belongs to
