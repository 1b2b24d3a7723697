"""What to do with each due slot (run, skip, record as missed), decided inside the claim
transaction so the decision, the execution row and the schedule's next slot commit together.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from agentcron.engine.ids import TimeOrderedIds
from agentcron.engine.slots import SlotPlanner
from agentcron.store import claims
from agentcron.store.tables import ExecutionStatus, Overlap, Trigger
from agentcron.timing import Trigger as SlotTrigger
from agentcron.timing.spec import ScheduleType

MISSED_COUNT_CAP = 100_000


@dataclass(slots=True)
class ClaimResult:
    work: list[dict[str, Any]] = field(default_factory=list)  # rows started, for the runner
    missed: int = 0
    skipped: int = 0
    retried: int = 0
    lags_s: list[float] = field(default_factory=list)
    events: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    # When the batch was not full: the earliest slot and pending attempt left, read in the
    # same transaction, so the loop knows how long to sleep without asking again.
    horizon: tuple[datetime | None, datetime | None] | None = None

    @property
    def started(self) -> int:
        return len(self.work)


def _count_missed(trigger: SlotTrigger, first: datetime, now: datetime) -> int:
    count, slot = 1, first
    while count < MISSED_COUNT_CAP:
        following = trigger.next_after(slot)
        if following is None or following > now:
            break
        slot = following
        count += 1
    return count


def claim_schedules(
    session: Session,
    now: datetime,
    limit: int,
    *,
    worker_id: str,
    lease: timedelta,
) -> ClaimResult:
    """Claim up to `limit` due schedules and write what each slot became."""
    result = ClaimResult()
    due = claims.due_schedules(session, now, limit)
    if not due:
        return result
    busy = claims.busy_schedule_ids(
        session, (row.id for row in due if row.overlap == Overlap.SKIP.value)
    )
    planner = SlotPlanner()
    new_id = TimeOrderedIds(2 * len(due))  # an execution and an attempt per row
    lease_expires_at = now + lease
    executions: list[dict[str, Any]] = []
    advances: list[dict[str, Any]] = []
    for row in due:
        slot = row.next_run_at
        assert slot is not None
        trigger = planner.trigger(row)
        lateness = now - slot
        # Every row carries every key: one executemany statement fits them all.
        execution: dict[str, Any] = {
            "id": new_id(),
            "schedule_id": row.id,
            "user_id": row.user_id,
            "agent_id": row.agent_id,
            "trigger": Trigger.SCHEDULE.value,
            "scheduled_for": slot,
            "created_at": now,
            "attempt": 0,
            "missed_count": 0,
            "tokens_used": 0,
            "llm_calls": 0,
            "status": ExecutionStatus.RUNNING.value,
            "started_at": None,
            "finished_at": None,
            "lag_ms": None,
            "worker_id": None,
            "lease_expires_at": None,
            "error_message": None,
        }
        if lateness > timedelta(seconds=row.misfire_grace_s):
            missed = _count_missed(trigger, slot, now)
            execution.update(
                status=ExecutionStatus.MISSED.value,
                missed_count=missed,
                finished_at=now,
                error_message=(
                    f"{missed} slot(s) missed from {slot.isoformat()}: found "
                    f"{int(lateness.total_seconds())} s late, beyond the misfire grace of "
                    f"{row.misfire_grace_s} s"
                ),
            )
            status = ExecutionStatus.MISSED
            result.missed += 1
        elif row.id in busy:
            execution.update(
                status=ExecutionStatus.SKIPPED.value,
                finished_at=now,
                error_message="skipped: the previous execution is still running (overlap=skip)",
            )
            status = ExecutionStatus.SKIPPED
            result.skipped += 1
        else:
            execution.update(
                attempt=1,
                started_at=now,
                lag_ms=max(0, int(lateness.total_seconds() * 1000)),
                worker_id=worker_id,
                lease_expires_at=lease_expires_at,
            )
            status = ExecutionStatus.RUNNING
        executions.append(execution)
        following = planner.next_after(row, trigger, max(slot, now))
        advances.append(
            {
                "b_id": row.id,
                "next_run_at": following,
                "enabled": following is not None or row.schedule_type != ScheduleType.ONCE.value,
                "last_run_at": slot if status is ExecutionStatus.RUNNING else row.last_run_at,
                "last_status": status.value,
            }
        )
    written = claims.insert_executions(session, executions)
    claims.advance_schedules(session, advances)
    attempts = []
    for execution, row in zip(executions, due, strict=True):
        if execution["id"] not in written:
            continue
        kind = "execution.started"
        if execution["status"] == ExecutionStatus.RUNNING.value:
            attempts.append(_attempt_row(execution["id"], 1, worker_id, now, new_id()))
            result.work.append(_work_row(execution, row))
            result.lags_s.append(execution["lag_ms"] / 1000)
        else:
            kind = "execution.finished"
        result.events.append(
            (
                kind,
                str(row.user_id),
                {
                    "execution_id": str(execution["id"]),
                    "schedule_id": str(row.id),
                    "agent_id": row.agent_id,
                    "status": execution["status"],
                    "scheduled_for": execution["scheduled_for"].isoformat(),
                },
            )
        )
    claims.insert_attempts(session, attempts)
    return result


def claim_pending(
    session: Session,
    now: datetime,
    limit: int,
    *,
    worker_id: str,
    lease: timedelta,
) -> ClaimResult:
    """Start attempts that are waiting: retries after backoff, run-now, work handed back."""
    result = ClaimResult()
    pending = claims.due_pending(session, now, limit)
    if not pending:
        return result
    first_tries = [
        p.schedule.id
        for p in pending
        if p.execution.attempt == 0 and p.schedule.overlap == Overlap.SKIP.value
    ]
    busy = claims.busy_schedule_ids(session, first_tries)
    starts: list[dict[str, Any]] = []
    skips: list[dict[str, Any]] = []
    attempts: list[dict[str, Any]] = []
    for item in pending:
        execution, schedule = item.execution, item.schedule
        if execution.attempt == 0 and schedule.id in busy:
            skips.append({"b_id": execution.id})
            result.skipped += 1
            continue
        number = execution.attempt + 1
        lag_ms = max(0, int((now - execution.scheduled_for).total_seconds() * 1000))
        starts.append(
            {
                "b_id": execution.id,
                "attempt": number,
                "worker_id": worker_id,
                "lease_expires_at": now + lease,
                "started_at": now,
                "lag_ms": lag_ms,
            }
        )
        attempts.append(_attempt_row(execution.id, number, worker_id, now))
        row = {
            "id": execution.id,
            "scheduled_for": execution.scheduled_for,
            "attempt": number,
        }
        result.work.append(_work_row(row, schedule))
        if number > 1:
            result.retried += 1
        else:
            result.lags_s.append(lag_ms / 1000)
        result.events.append(
            (
                "execution.started",
                str(schedule.user_id),
                {
                    "execution_id": str(execution.id),
                    "schedule_id": str(schedule.id),
                    "agent_id": schedule.agent_id,
                    "status": ExecutionStatus.RUNNING.value,
                    "attempt": number,
                },
            )
        )
    claims.start_pending(session, starts)
    claims.insert_attempts(session, attempts)
    if skips:
        claims.skip_pending(session, skips, now)
    return result


def _attempt_row(
    execution_id: uuid.UUID,
    number: int,
    worker_id: str,
    now: datetime,
    attempt_id: uuid.UUID | None = None,
) -> dict[str, Any]:
    return {
        "id": attempt_id or uuid.uuid4(),
        "execution_id": execution_id,
        "number": number,
        "status": ExecutionStatus.RUNNING.value,
        "worker_id": worker_id,
        "started_at": now,
        "tokens_used": 0,
        "llm_calls": 0,
    }


def _work_row(execution: dict[str, Any], schedule: Any) -> dict[str, Any]:
    """`schedule`: a ScheduledCommand or a due row with the same attribute names."""
    return {
        "execution_id": execution["id"],
        "schedule_id": schedule.id,
        "user_id": schedule.user_id,
        "agent_id": schedule.agent_id,
        "command": schedule.command_text,
        "scheduled_for": execution["scheduled_for"],
        "attempt": execution["attempt"],
        "timeout_s": float(schedule.timeout_s),
        "max_retries": schedule.max_retries,
    }
