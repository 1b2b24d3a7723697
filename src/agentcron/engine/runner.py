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
from agentcron.store.tables import ExecutionStatus

SUMMARY_MAX = 500


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


def bound_text(text: str | None, max_bytes: int) -> str | None:
    """Keep the head and the tail of long output, which is where agents say what happened."""
    if text is None:
        return None
    data = text.encode("utf-8", "replace")
    if len(data) <= max_bytes:
        return text
    half = max_bytes // 2
    head = data[:half].decode("utf-8", "ignore")
    tail = data[-half:].decode("utf-8", "ignore")
    return f"{head}\n… [{len(data) - 2 * half} bytes cut] …\n{tail}"


def summarize(text: str | None) -> str | None:
    if not text:
        return text
    return text if len(text) <= SUMMARY_MAX else text[: SUMMARY_MAX - 1] + "…"


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
    summary = result.summary or (result.output or "").strip().split("\n", 1)[0]
    return Outcome(
        work,
        status,
        elapsed_ms(),
        retryable=False,
        tokens_used=max(0, int(result.tokens_used)),
        llm_calls=max(0, int(result.llm_calls)),
        cost=result.cost,
        agent_task_id=result.task_id,
        summary=summarize(summary),
        output=bound_text(result.output, output_max_bytes),
        error=None
        if status is ExecutionStatus.SUCCESS
        else (summary or "the agent reported failure"),
    )
