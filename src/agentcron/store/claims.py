"""The engine's hot SQL: claim due rows, record outcomes, renew and recover leases.

Every function here runs inside a write transaction the engine opens (`Store.write()`),
so claiming a schedule, inserting its execution and advancing `next_run_at` commit
together or not at all. On PostgreSQL the claims lock rows with `FOR UPDATE SKIP LOCKED`,
so instances share the due rows without waiting on each other; on SQLite the write
transaction holds the database lock, which serialises claimers.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from agentcron.store.tables import Attempt, Execution, ExecutionStatus, ScheduledCommand, table_of

ACTIVE = (ExecutionStatus.PENDING.value, ExecutionStatus.RUNNING.value)


def _locking(session: Session, query: Any) -> Any:
    if session.get_bind().dialect.name == "postgresql":
        return query.with_for_update(skip_locked=True, of=query.selected_columns[0].table)
    return query


def due_schedules(session: Session, now: datetime, limit: int) -> Sequence[ScheduledCommand]:
    """Enabled schedules whose slot has come, oldest first, locked for this transaction."""
    query = (
        select(ScheduledCommand)
        .where(ScheduledCommand.enabled.is_(True), ScheduledCommand.next_run_at <= now)
        .order_by(ScheduledCommand.next_run_at)
        .limit(limit)
    )
    return session.scalars(_locking(session, query)).all()


def busy_schedule_ids(session: Session, schedule_ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
    """Which of these schedules have an execution still pending or running (overlap rule)."""
    ids = list(schedule_ids)
    if not ids:
        return set()
    rows = session.scalars(
        select(Execution.schedule_id)
        .where(Execution.schedule_id.in_(ids), Execution.status == ExecutionStatus.RUNNING.value)
        .distinct()
    )
    return set(rows)


def insert_executions(session: Session, rows: list[dict[str, Any]]) -> set[uuid.UUID]:
    """Insert execution rows, ignoring slots that already have one; returns the ids written.

    The unique key (schedule_id, scheduled_for) is the last line of defence for exactly-once:
    a slot recorded twice is silently kept once."""
    if not rows:
        return set()
    dialect = session.get_bind().dialect.name
    table = table_of(Execution)
    stmt: Any = postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)
    stmt = stmt.on_conflict_do_nothing(index_elements=["schedule_id", "scheduled_for"])
    result = session.execute(stmt.returning(table.c.id), rows)
    return set(result.scalars().all())


def insert_attempts(session: Session, rows: list[dict[str, Any]]) -> None:
    if rows:
        session.execute(table_of(Attempt).insert(), rows)


def advance_schedules(session: Session, rows: list[dict[str, Any]]) -> None:
    """Move each claimed schedule to its next slot (keys: b_id, next_run_at, enabled,
    last_run_at, last_status)."""
    if not rows:
        return
    table = table_of(ScheduledCommand)
    session.execute(
        update(table)
        .where(table.c.id == bindparam("b_id"))
        .values(
            next_run_at=bindparam("next_run_at"),
            enabled=bindparam("enabled"),
            last_run_at=bindparam("last_run_at"),
            last_status=bindparam("last_status"),
        ),
        rows,
    )


@dataclass(frozen=True, slots=True)
class PendingWork:
    execution: Execution
    schedule: ScheduledCommand


def due_pending(session: Session, now: datetime, limit: int) -> list[PendingWork]:
    """Executions waiting for an attempt (retries, run-now, work handed back), locked."""
    query = (
        select(Execution)
        .where(
            Execution.status == ExecutionStatus.PENDING.value,
            Execution.next_attempt_at <= now,
        )
        .order_by(Execution.next_attempt_at)
        .limit(limit)
    )
    executions = session.scalars(_locking(session, query)).all()
    if not executions:
        return []
    schedules = {
        s.id: s
        for s in session.scalars(
            select(ScheduledCommand).where(
                ScheduledCommand.id.in_({e.schedule_id for e in executions})
            )
        )
    }
    return [
        PendingWork(e, schedules[e.schedule_id]) for e in executions if e.schedule_id in schedules
    ]


def start_pending(session: Session, rows: list[dict[str, Any]]) -> None:
    """Mark pending executions running under a lease (keys: b_id, attempt, worker_id,
    lease_expires_at, started_at, lag_ms)."""
    if not rows:
        return
    table = table_of(Execution)
    session.execute(
        update(table)
        .where(table.c.id == bindparam("b_id"))
        .values(
            status=ExecutionStatus.RUNNING.value,
            attempt=bindparam("attempt"),
            worker_id=bindparam("worker_id"),
            lease_expires_at=bindparam("lease_expires_at"),
            started_at=func.coalesce(table.c.started_at, bindparam("started_at")),
            lag_ms=func.coalesce(table.c.lag_ms, bindparam("lag_ms")),
            next_attempt_at=None,
        ),
        rows,
    )


def finish_executions(session: Session, worker_id: str, rows: list[dict[str, Any]]) -> int:
    """Write outcomes, only for rows this worker still holds: if recovery took a row after
    its lease expired, the late outcome is dropped rather than recorded twice.

    Keys: b_id, status, finished_at, duration_ms, tokens_used, llm_calls, cost, agent_task_id,
    result_summary, output, error_message, next_attempt_at."""
    if not rows:
        return 0
    table = table_of(Execution)
    result = session.execute(
        update(table)
        .where(
            table.c.id == bindparam("b_id"),
            table.c.worker_id == worker_id,
            table.c.status == ExecutionStatus.RUNNING.value,
        )
        .values(
            status=bindparam("status"),
            finished_at=bindparam("finished_at"),
            duration_ms=bindparam("duration_ms"),
            tokens_used=table.c.tokens_used + bindparam("tokens_used"),
            llm_calls=table.c.llm_calls + bindparam("llm_calls"),
            cost=bindparam("cost"),
            agent_task_id=bindparam("agent_task_id"),
            result_summary=bindparam("result_summary"),
            output=bindparam("output"),
            error_message=bindparam("error_message"),
            next_attempt_at=bindparam("next_attempt_at"),
            lease_expires_at=None,
        ),
        rows,
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def finish_attempts(session: Session, rows: list[dict[str, Any]]) -> None:
    """Keys: b_execution_id, b_number, status, finished_at, duration_ms, tokens_used,
    llm_calls, error_message."""
    if not rows:
        return
    table = table_of(Attempt)
    session.execute(
        update(table)
        .where(
            table.c.execution_id == bindparam("b_execution_id"),
            table.c.number == bindparam("b_number"),
        )
        .values(
            status=bindparam("status"),
            finished_at=bindparam("finished_at"),
            duration_ms=bindparam("duration_ms"),
            tokens_used=bindparam("tokens_used"),
            llm_calls=bindparam("llm_calls"),
            error_message=bindparam("error_message"),
        ),
        rows,
    )


def set_last_status(session: Session, rows: list[dict[str, Any]]) -> None:
    """Keys: b_id, last_status."""
    if not rows:
        return
    table = table_of(ScheduledCommand)
    session.execute(
        update(table)
        .where(table.c.id == bindparam("b_id"))
        .values(last_status=bindparam("last_status")),
        rows,
    )


def renew_leases(
    session: Session, worker_id: str, execution_ids: Iterable[uuid.UUID], until: datetime
) -> int:
    """Extend the leases of the executions this worker is really running.

    Only the ids the worker holds in memory: a row it claimed but never started (a commit
    whose acknowledgement was lost) must be left to expire and be recovered."""
    ids = list(execution_ids)
    renewed = 0
    for start in range(0, len(ids), 500):
        result = session.execute(
            update(Execution)
            .where(
                Execution.id.in_(ids[start : start + 500]),
                Execution.worker_id == worker_id,
                Execution.status == ExecutionStatus.RUNNING.value,
            )
            .values(lease_expires_at=until)
        )
        renewed += int(result.rowcount or 0)  # type: ignore[attr-defined]
    return renewed


def expired_leases(session: Session, now: datetime, limit: int) -> list[PendingWork]:
    """Running executions whose worker stopped renewing: the worker died or hung."""
    query = (
        select(Execution)
        .where(
            Execution.status == ExecutionStatus.RUNNING.value,
            Execution.lease_expires_at < now,
        )
        .order_by(Execution.lease_expires_at)
        .limit(limit)
    )
    executions = session.scalars(_locking(session, query)).all()
    if not executions:
        return []
    schedules = {
        s.id: s
        for s in session.scalars(
            select(ScheduledCommand).where(
                ScheduledCommand.id.in_({e.schedule_id for e in executions})
            )
        )
    }
    return [
        PendingWork(e, schedules[e.schedule_id]) for e in executions if e.schedule_id in schedules
    ]


def failed_attempt_count(session: Session, execution_id: uuid.UUID) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(Attempt)
            .where(
                Attempt.execution_id == execution_id,
                Attempt.status.in_([ExecutionStatus.FAILED.value, ExecutionStatus.TIMED_OUT.value]),
            )
        )
        or 0
    )


def held_by(session: Session, worker_id: str) -> list[tuple[uuid.UUID, int]]:
    rows = session.execute(
        select(Execution.id, Execution.attempt).where(
            Execution.worker_id == worker_id, Execution.status == ExecutionStatus.RUNNING.value
        )
    ).all()
    return [(row[0], row[1]) for row in rows]


def earliest_pending(session: Session) -> datetime | None:
    return session.scalar(
        select(func.min(Execution.next_attempt_at)).where(
            Execution.status == ExecutionStatus.PENDING.value
        )
    )


def skip_pending(session: Session, rows: list[dict[str, Any]], now: datetime) -> None:
    """Mark waiting run-now executions skipped because their schedule is busy (keys: b_id)."""
    table = table_of(Execution)
    session.execute(
        update(table)
        .where(table.c.id == bindparam("b_id"))
        .values(
            status=ExecutionStatus.SKIPPED.value,
            finished_at=now,
            next_attempt_at=None,
            error_message="skipped: the previous execution is still running (overlap=skip)",
        ),
        rows,
    )
