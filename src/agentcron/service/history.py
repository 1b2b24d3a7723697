"""Reading what happened: executions of a schedule, one execution with its attempts."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from agentcron.errors import InvalidInput, NotFound
from agentcron.service.context import Services
from agentcron.service.handles import parse_id
from agentcron.store import executions as repo
from agentcron.store import schedules
from agentcron.store.tables import Attempt, Execution, ExecutionStatus, User

STATUSES = {s.value for s in ExecutionStatus}
# Why a run ended when a rule ended it (`error_code`), in words for people: the execution
# page and the CLI's `show-run` say the same.
ERROR_CODES = {
    "timeout": "It ran longer than the schedule's timeout and was stopped.",
    "max_llm_calls": "The agent asked its model more often than its limit allows.",
    "max_tokens": "The agent used more tokens than its limit allows.",
    "budget_exceeded": "A spending budget was reached, so the agent stopped.",
    "tool_server": "A tool server could not be reached or failed to answer.",
    "rate_limited": "The model's provider asked it to slow down (HTTP 429).",
    "worker_lost": "The instance running it stopped (a crash or a shutdown) before it ended.",
}


@dataclass(frozen=True, slots=True)
class AttemptView:
    """One try of an execution: an earlier one (kept as a row), or the current/last one
    (carried by the execution row itself)."""

    number: int
    status: str
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
    steps: list[dict[str, Any]]


@dataclass(frozen=True, slots=True)
class ExecutionDetail:
    execution: Execution
    attempts: list[AttemptView]
    steps: list[dict[str, Any]]  # the current (or last) attempt's transcript
    max_attempts: int  # 1 + the schedule's max_retries

    @property
    def retry(self) -> PendingRetry | None:
        return pending_retry(self.execution, self.max_attempts)


@dataclass(frozen=True, slots=True)
class PendingRetry:
    """An execution waiting to try again: "retrying at 09:30 (attempt 2 of 4)"."""

    execution_id: uuid.UUID
    schedule_id: uuid.UUID
    next_attempt_at: datetime
    attempt: int  # the number the next attempt will have
    max_attempts: int


def pending_retry(execution: Execution, max_attempts: int) -> PendingRetry | None:
    """The retry an execution waits for, if it waits for one (a run-now waits for its
    first attempt: that is no retry)."""
    if (
        execution.status != ExecutionStatus.PENDING
        or execution.attempt < 1
        or execution.next_attempt_at is None
    ):
        return None
    return PendingRetry(
        execution.id,
        execution.schedule_id,
        execution.next_attempt_at,
        execution.attempt + 1,
        max(max_attempts, execution.attempt + 1),
    )


def transcript(text: str | None) -> list[dict[str, Any]]:
    """Stored steps (JSON) as a list; unreadable text (never written by us) as none."""
    if not text:
        return []
    try:
        steps = json.loads(text)
    except ValueError:
        return []
    return [s for s in steps if isinstance(s, dict)] if isinstance(steps, list) else []


def attempt_views(execution: Execution, rows: Sequence[Attempt]) -> list[AttemptView]:
    """Earlier attempts from their rows, then the current one from the execution row: what
    it used is the execution's total minus the earlier attempts'."""
    views = [
        AttemptView(
            number=a.number,
            status=a.status,
            started_at=a.started_at,
            finished_at=a.finished_at,
            duration_ms=a.duration_ms,
            tokens_used=a.tokens_used,
            input_tokens=a.input_tokens,
            output_tokens=a.output_tokens,
            llm_calls=a.llm_calls,
            cost_usd=a.cost_usd,
            error_message=a.error_message,
            error_code=a.error_code,
            steps=transcript(a.steps),
        )
        for a in rows
    ]
    numbers = {a.number for a in rows}
    current = execution.attempt
    if current >= 1 and current not in numbers and execution.status != ExecutionStatus.PENDING:
        earlier_cost = [a.cost_usd for a in rows if a.cost_usd is not None]
        cost = execution.cost_usd
        views.append(
            AttemptView(
                number=current,
                status=execution.status,
                started_at=execution.attempt_started_at
                or execution.started_at
                or execution.created_at,
                finished_at=execution.finished_at,
                duration_ms=execution.duration_ms,
                tokens_used=execution.tokens_used - sum(a.tokens_used for a in rows),
                input_tokens=execution.input_tokens - sum(a.input_tokens for a in rows),
                output_tokens=execution.output_tokens - sum(a.output_tokens for a in rows),
                llm_calls=execution.llm_calls - sum(a.llm_calls for a in rows),
                cost_usd=None if cost is None else max(0.0, cost - sum(earlier_cost)),
                error_message=execution.error_message
                if execution.status != ExecutionStatus.SUCCESS
                else None,
                error_code=execution.error_code,
                steps=transcript(execution.steps),
            )
        )
    return sorted(views, key=lambda v: v.number)


class HistoryService:
    def __init__(self, services: Services) -> None:
        self.s = services

    def for_schedule(
        self,
        user: User,
        schedule_id: uuid.UUID | str,
        *,
        statuses: Sequence[str] | None = None,
        offset: int = 0,
        limit: int = 50,
    ) -> tuple[Sequence[Execution], int]:
        _check_statuses(statuses)
        ident = parse_id(schedule_id, "schedule")
        with self.s.store.read() as session:
            if schedules.get(session, user.id, ident) is None:
                raise NotFound("schedule", schedule_id)
            return repo.for_schedule(
                session, user.id, ident, statuses=statuses, offset=offset, limit=limit
            )

    def recent(
        self,
        user: User,
        *,
        statuses: Sequence[str] | None = None,
        offset: int = 0,
        limit: int = 50,
    ) -> tuple[Sequence[Execution], int]:
        """Executions of every schedule of the user's, newest first."""
        _check_statuses(statuses)
        with self.s.store.read() as session:
            return repo.for_user(session, user.id, statuses=statuses, offset=offset, limit=limit)

    def retries(
        self, user: User, schedule_ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, PendingRetry]:
        """The soonest pending retry of each of these schedules (of the user's), by schedule."""
        with self.s.store.read() as session:
            rows = repo.pending_retries(session, user.id, schedule_ids)
            limits = {
                row.schedule_id: schedule.max_retries + 1
                for row in rows
                if (schedule := schedules.get(session, user.id, row.schedule_id)) is not None
            }
        found: dict[uuid.UUID, PendingRetry] = {}
        for row in rows:
            retry = pending_retry(row, limits.get(row.schedule_id, row.attempt + 1))
            if retry is not None and row.schedule_id not in found:
                found[row.schedule_id] = retry
        return found

    def get(self, user: User, execution_id: uuid.UUID | str) -> ExecutionDetail:
        ident = parse_id(execution_id, "execution")
        with self.s.store.read() as session:
            row = repo.get(session, user.id, ident)
            if row is None:
                raise NotFound("execution", execution_id)
            attempts = repo.attempts(session, ident)
            schedule = schedules.get(session, user.id, row.schedule_id)
        retries = schedule.max_retries if schedule is not None else 0
        return ExecutionDetail(
            row, attempt_views(row, attempts), transcript(row.steps), retries + 1
        )


def _check_statuses(statuses: Sequence[str] | None) -> None:
    unknown = [s for s in statuses or () if s not in STATUSES]
    if unknown:
        raise InvalidInput.one(
            "status",
            f"unknown status {unknown[0]!r}",
            f"use one of {', '.join(sorted(STATUSES))}",
        )
