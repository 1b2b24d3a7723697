"""Executions (one firing of a schedule) and their attempts."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from agentcron.api.schemas.page import Page
from agentcron.service.history import ExecutionDetail
from agentcron.service.models import Attempt, Execution, ExecutionStatus, ExecutionTrigger


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
    tokens_used: int
    llm_calls: int
    cost: float | None
    result_summary: str | None
    error_message: str | None

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
            "llm_calls": row.llm_calls,
            "cost": row.cost,
            "result_summary": row.result_summary,
            "error_message": row.error_message,
        }

    @classmethod
    def of(cls, row: Execution) -> ExecutionOut:
        return cls(**cls.fields_of(row))


class AttemptOut(BaseModel):
    number: int
    status: ExecutionStatus
    started_at: datetime
    finished_at: datetime | None
    duration_ms: int | None
    tokens_used: int
    llm_calls: int
    error_message: str | None

    @classmethod
    def of(cls, row: Attempt) -> AttemptOut:
        return cls(
            number=row.number,
            status=ExecutionStatus(row.status),
            started_at=row.started_at,
            finished_at=row.finished_at,
            duration_ms=row.duration_ms,
            tokens_used=row.tokens_used,
            llm_calls=row.llm_calls,
            error_message=row.error_message,
        )


class ExecutionDetailOut(ExecutionOut):
    output: str | None = Field(description="What the agent answered (head and tail if long).")
    agent_task_id: str | None
    attempts: list[AttemptOut] = Field(description="Every try, oldest first.")

    @classmethod
    def of_detail(cls, detail: ExecutionDetail) -> ExecutionDetailOut:
        row = detail.execution
        return cls(
            **cls.fields_of(row),
            output=row.output,
            agent_task_id=row.agent_task_id,
            attempts=[AttemptOut.of(a) for a in detail.attempts],
        )


class ExecutionPage(Page):
    items: list[ExecutionOut]

    @classmethod
    def of(cls, rows: Sequence[Execution], total: int, offset: int, limit: int) -> ExecutionPage:
        return cls(
            items=[ExecutionOut.of(r) for r in rows], total=total, offset=offset, limit=limit
        )
