"""One attempt of one execution: call the agent under a timeout and turn whatever happens
into an `Outcome`. The runner decides nothing about retries' timing; it only says whether
the failure could be helped by one (`retryable`)."""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from agentcron.agents.base import Agent, AgentContext, AgentError, AgentResult, Step, Usage
from agentcron.agents.results import bound_text, first_line, shorten
from agentcron.engine.progress import Progress
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
    started_at: datetime  # when this attempt was claimed (the engine's clock)
    shown_status: str | None = None  # the schedule's last status when it was claimed
    token_allowance: int | None = None  # what the budgets still allow (engine/budgets.py)


@dataclass(frozen=True, slots=True)
class Outcome:
    work: Work
    status: ExecutionStatus
    duration_ms: int
    retryable: bool = False
    tokens_used: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    llm_calls: int = 0
    cost_usd: float | None = None
    model: str | None = None
    agent_task_id: str | None = None
    summary: str | None = None
    output: str | None = None
    steps: tuple[Step, ...] = ()
    error: str | None = None
    error_code: str | None = None
    notify: str | None = None
    retry_after_s: float | None = None


def _usage(usage: Usage | None) -> dict[str, Any]:
    if usage is None:
        return {}
    return {
        "tokens_used": max(0, usage.tokens_used),
        "input_tokens": max(0, usage.input_tokens),
        "output_tokens": max(0, usage.output_tokens),
        "llm_calls": max(0, usage.llm_calls),
        "cost_usd": usage.cost_usd,
        "model": usage.model,
    }


async def run_attempt(
    work: Work,
    agents: AgentLookup,
    *,
    output_max_bytes: int,
    progress: Progress | None = None,
    max_tokens_allowance: int | None = None,
) -> Outcome:
    """Never raises except for cancellation: every other failure becomes an Outcome. What
    the agent reports while it runs goes into `progress` (steps, output)."""
    started = time.monotonic()
    progress = progress if progress is not None else Progress()

    def elapsed_ms() -> int:
        return int((time.monotonic() - started) * 1000)

    def so_far() -> dict[str, Any]:
        output = progress.output()
        return {"steps": tuple(progress.steps), "output": output or None}

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
        on_step=progress.add_step,
        on_output=progress.add_output,
        max_tokens_allowance=max_tokens_allowance,
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
            error_code="timeout",
            **so_far(),
        )
    except AgentError as exc:
        seen = so_far()
        return Outcome(
            work,
            ExecutionStatus.FAILED,
            elapsed_ms(),
            retryable=exc.retryable,
            error=exc.message,
            error_code=exc.code,
            retry_after_s=exc.retry_after_s,
            steps=exc.steps or seen["steps"],
            output=bound_text(exc.output, output_max_bytes) if exc.output else seen["output"],
            **_usage(exc.usage),
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
            **so_far(),
        )
    status = ExecutionStatus.SUCCESS if result.status == "success" else ExecutionStatus.FAILED
    summary = shorten(result.summary) if result.summary else first_line(result.output or "")
    return Outcome(
        work,
        status,
        elapsed_ms(),
        retryable=False,
        agent_task_id=result.task_id,
        summary=summary or None,
        # What it printed while it ran stands when the result carries no output of its own,
        # as for a failure: the page that showed it live does not lose it at the end.
        output=bound_text(result.output, output_max_bytes) if result.output else so_far()["output"],
        steps=result.steps or tuple(progress.steps),
        notify=result.notify,
        error=None
        if status is ExecutionStatus.SUCCESS
        else (summary or "the agent reported failure"),
        **_usage(result.usage),
    )
