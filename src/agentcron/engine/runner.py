"""One attempt of one execution: call the agent under a timeout and turn whatever happens
into an `Outcome`. The runner decides nothing about retries' timing; it only says whether
the failure could be helped by one (`retryable`)."""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from agentcron.agents.base import Agent, AgentContext, AgentError, AgentResult
from agentcron.agents.results import bound_text, first_line, shorten
from agentcron.store.tables import ExecutionStatus


class AgentLookup(Protocol):
    def get(self, handle: str) -> Agent: ...


@dataclass(frozen=True, slots=True)
class Work:
    """A claimed attempt: everything needed to run it without reading the database again."""

    execution_id: uuid.UUID
    schedule_id: uuid.UUID
    user_id: uuid.UUID
    agent_id: str
    command: str
    scheduled_for: datetime
    attempt: int
    timeout_s: float
    max_retries: int


@dataclass(frozen=True, slots=True)
class Outcome:
    work: Work
    status: ExecutionStatus
    duration_ms: int
    retryable: bool = False
    tokens_used: int = 0
    llm_calls: int = 0
    cost: float | None = None
    agent_task_id: str | None = None
    summary: str | None = None
    output: str | None = None
    error: str | None = None


async def run_attempt(work: Work, agents: AgentLookup, *, output_max_bytes: int) -> Outcome:
    """Never raises except for cancellation: every other failure becomes an Outcome."""
    started = time.monotonic()

    def elapsed_ms() -> int:
        return int((time.monotonic() - started) * 1000)

    try:
        agent = agents.get(work.agent_id)
    except LookupError as exc:
        return Outcome(work, ExecutionStatus.FAILED, 0, retryable=False, error=str(exc))
    context = AgentContext(
        command=work.command,
        handle=work.agent_id,
        schedule_id=str(work.schedule_id),
        execution_id=str(work.execution_id),
        scheduled_for=work.scheduled_for,
        attempt=work.attempt,
        user_id=str(work.user_id),
        timeout_s=work.timeout_s,
    )
    try:
        # asyncio.timeout runs the agent in this task; wait_for would start another per call.
        async with asyncio.timeout(work.timeout_s):
            result: AgentResult = await agent.run(context)
    except TimeoutError:
        return Outcome(
            work,
            ExecutionStatus.TIMED_OUT,
            elapsed_ms(),
            retryable=True,
            error=f"timed out after {work.timeout_s:g} s (the schedule's timeout_s)",
        )
    except AgentError as exc:
        return Outcome(
            work, ExecutionStatus.FAILED, elapsed_ms(), retryable=exc.retryable, error=exc.message
        )
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # a backend bug must not take the engine down
        return Outcome(
            work,
            ExecutionStatus.FAILED,
            elapsed_ms(),
            retryable=False,
            error=f"agent raised {type(exc).__name__}: {exc}",
        )
    status = ExecutionStatus.SUCCESS if result.status == "success" else ExecutionStatus.FAILED
    summary = shorten(result.summary) if result.summary else first_line(result.output or "")
    return Outcome(
        work,
        status,
        elapsed_ms(),
        retryable=False,
        tokens_used=max(0, int(result.tokens_used)),
        llm_calls=max(0, int(result.llm_calls)),
        cost=result.cost,
        agent_task_id=result.task_id,
        summary=summary or None,
        output=bound_text(result.output, output_max_bytes) if result.output else None,
        error=None
        if status is ExecutionStatus.SUCCESS
        else (summary or "the agent reported failure"),
    )
