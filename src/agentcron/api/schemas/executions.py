"""Executions (one firing of a schedule) and their attempts."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from agentcron.api.schemas.page import Page
from agentcron.service.history import AttemptView, ExecutionDetail
from agentcron.service.models import Execution, ExecutionStatus, ExecutionTrigger


class ExecutionOut(BaseModel):
    id: uuid.UUID
    schedule_id: uuid.UUID
    agent_id: str
    trigger: ExecutionTrigger
    scheduled_for: datetime = Field(description="The slot this execution fills.")
    status: ExecutionStatus
    attempt: int = Field(description="Attempts started so far.")
    missed_count: int = Field(description="For `missed`: how many slots were missed.")
    lag_ms: int | None = Field(description="Start of the first attempt minus `scheduled_for`.")
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    next_attempt_at: datetime | None = Field(description="When a pending retry is due.")
    duration_ms: int | None
    tokens_used: int = Field(description="Tokens the agent reported, summed over attempts.")
    input_tokens: int = Field(description="Of which prompt (input) tokens.")
    output_tokens: int = Field(description="Of which completion (output) tokens.")
    llm_calls: int = Field(description="Model requests, summed over attempts.")
    cost_usd: float | None = Field(
        description="What it cost, in USD: reported by the provider, else from bundled "
        "prices; null when unknown (never a made-up zero)."
    )
    cost: float | None = Field(description="Deprecated: the same as `cost_usd`.")
    model: str | None = Field(description="The model that answered, when the agent said.")
    result_summary: str | None
    error_message: str | None
    error_code: str | None = Field(
        description="Why it ended, when a rule did: `timeout`, `max_llm_calls`, `max_tokens`, "
        "`budget_exceeded`, `tool_server`, `rate_limited`, `worker_lost`."
    )
    max_attempts: int | None = Field(
        None, description="Attempts it may take (1 + the schedule's max_retries), when known."
    )
    upstream_execution_id: uuid.UUID | None = Field(
        None, description="For `trigger: chain`: the upstream execution whose end started it."
    )
    waiting_for: Literal["agent_limit"] | None = Field(
        None,
        description="What a `pending` execution waits for besides its time: `agent_limit` "
        "(its agent's max_concurrency or rate_per_minute, or a pause its backend asked for "
        "with 429 Retry-After); it starts when the agent has room, and is never `missed` "
        "for waiting. Null otherwise.",
    )

    @classmethod
    def fields_of(cls, row: Execution) -> dict[str, Any]:
        return {
            "id": row.id,
            "schedule_id": row.schedule_id,
            "agent_id": row.agent_id,
            "trigger": ExecutionTrigger(row.trigger),
            "scheduled_for": row.scheduled_for,
            "status": ExecutionStatus(row.status),
            "attempt": row.attempt,
            "missed_count": row.missed_count,
            "lag_ms": row.lag_ms,
            "created_at": row.created_at,
            "started_at": row.started_at,
            "finished_at": row.finished_at,
            "next_attempt_at": row.next_attempt_at,
            "duration_ms": row.duration_ms,
            "tokens_used": row.tokens_used,
            "input_tokens": row.input_tokens,
            "output_tokens": row.output_tokens,
            "llm_calls": row.llm_calls,
            "cost_usd": row.cost_usd,
            "cost": row.cost_usd,
            "model": row.model,
            "result_summary": row.result_summary,
            "error_message": row.error_message,
            "error_code": row.error_code,
            "upstream_execution_id": row.upstream_execution_id,
            "waiting_for": row.waiting_for if row.status == ExecutionStatus.PENDING else None,
        }

    @classmethod
    def of(cls, row: Execution, max_attempts: int | None = None) -> ExecutionOut:
        return cls(**cls.fields_of(row), max_attempts=max_attempts)


class StepOut(BaseModel):
    """One thing an agent did: a model request or a tool call."""

    kind: str = Field(examples=["llm", "tool"])
    name: str = Field(description="The model, or the tool.")
    started_at: datetime
    duration_ms: int
    input_tokens: int | None = None
    output_tokens: int | None = None
    error: str | None = None
    detail: dict[str, str] = Field(
        default_factory=dict,
        description="Tool arguments and result, or the model's text: each at most 2 KiB, "
        "secrets masked.",
    )

    @classmethod
    def many(cls, steps: Sequence[dict[str, Any]]) -> list[StepOut]:
        out = []
        for step in steps:
            try:
                out.append(cls.model_validate(step))
            except ValueError:  # a stored step we cannot read: skipped, never a 500
                continue
        return out


class AttemptOut(BaseModel):
    number: int
    status: ExecutionStatus
    started_at: datetime
    finished_at: datetime | None
    duration_ms: int | None
    tokens_used: int
    input_tokens: int
    output_tokens: int
    llm_calls: int
    cost_usd: float | None
    error_message: str | None
    error_code: str | None
    steps: list[StepOut]

    @classmethod
    def of(cls, view: AttemptView) -> AttemptOut:
        return cls(
            number=view.number,
            status=ExecutionStatus(view.status),
            started_at=view.started_at,
            finished_at=view.finished_at,
            duration_ms=view.duration_ms,
            tokens_used=view.tokens_used,
            input_tokens=view.input_tokens,
            output_tokens=view.output_tokens,
            llm_calls=view.llm_calls,
            cost_usd=view.cost_usd,
            error_message=view.error_message,
            error_code=view.error_code,
            steps=StepOut.many(view.steps),
        )


class ExecutionDetailOut(ExecutionOut):
    output: str | None = Field(description="What the agent answered (head and tail if long).")
    agent_task_id: str | None
    steps: list[StepOut] = Field(
        description="The current (or last) attempt's transcript, in order; earlier attempts "
        "keep theirs in `attempts`."
    )
    attempts: list[AttemptOut] = Field(description="Every try, oldest first.")

    @classmethod
    def of_detail(cls, detail: ExecutionDetail) -> ExecutionDetailOut:
        row = detail.execution
        return cls(
            **cls.fields_of(row),
            max_attempts=detail.max_attempts,
            output=row.output,
            agent_task_id=row.agent_task_id,
            steps=StepOut.many(detail.steps),
            attempts=[AttemptOut.of(a) for a in detail.attempts],
        )


class ExecutionPage(Page):
    items: list[ExecutionOut]

    @classmethod
    def of(
        cls,
        rows: Sequence[Execution],
        total: int,
        offset: int,
        limit: int,
        max_attempts: int | None = None,
    ) -> ExecutionPage:
        return cls(
            items=[ExecutionOut.of(r, max_attempts) for r in rows],
            total=total,
            offset=offset,
            limit=limit,
        )
