"""The engine's hot SQL on the way in: claim due schedules and pending executions, write
the executions their slots became, advance the schedules.

Every function here runs inside a write transaction the engine opens (`Store.write()`),
so claiming a schedule, inserting its execution and advancing `next_run_at` commit
together or not at all. On PostgreSQL the claims lock rows with `FOR UPDATE SKIP LOCKED`,
so instances share the due rows without waiting on each other; on SQLite the write
transaction holds the database lock, which serialises claimers. The way out (outcomes,
leases, recovery) is in `outcomes`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, literal, or_, select, update
from sqlalchemy.orm import Session

from agentcron.store import bulk
from agentcron.store.records import (
    AttemptStart,
    DueSchedule,
    NewExecution,
    PendingExecution,
    ScheduleAdvance,
    SlotTally,
)
from agentcron.store.tables import (
    Execution,
    ExecutionStatus,
    ScheduledCommand,
    table_of,
)


def in_state(status: ExecutionStatus, column: Any = None) -> ColumnElement[bool]:
    """`status = 'running'` with the value written into the SQL, not bound: the indexes on
    pending and running executions are partial (migration 0002), and a planner can only use
    one when it sees the state itself (a generic PostgreSQL plan sees a placeholder)."""
    target = Execution.status if column is None else column
    return target == literal(status.value, literal_execute=True)


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def locking(session: Session, query: Any) -> Any:
    if is_postgres(session):
        return query.with_for_update(skip_locked=True, of=query.selected_columns[0].table)
    return query


_DUE_COLUMNS = DueSchedule.__slots__


def due_schedules(session: Session, now: datetime, limit: int) -> list[DueSchedule]:
    """Enabled schedules whose slot has come, oldest first, locked for this transaction."""
    table = table_of(ScheduledCommand)
    query = (
        select(*(table.c[name] for name in _DUE_COLUMNS))
        .where(table.c.enabled.is_(True), table.c.next_run_at <= now)
        .order_by(table.c.next_run_at)
        .limit(limit)
    )
    return [DueSchedule(*row) for row in session.execute(locking(session, query))]


def busy_schedule_ids(session: Session, schedule_ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
    """Which of these schedules are busy, for the overlap rule: one of their executions is
    running, or waiting to retry (pending after a failed attempt). A manual run queued but
    not yet started does not make its schedule busy; it is checked when it starts."""
    ids = list(set(schedule_ids))
    if not ids:
        return set()
    if is_postgres(session):  # one array parameter, not one parameter per id
        found = bulk.execute_postgres(
            session,
            f"SELECT DISTINCT schedule_id FROM {bulk.quote(table_of(Execution).name)} "  # noqa: S608
            "WHERE schedule_id = ANY(%(ids)b) AND (status = 'running' "
            "OR (status = 'pending' AND attempt >= 1))",
            {"ids": ids},
        )
        return {row[0] for row in found}
    busy: set[uuid.UUID] = set()
    for start in range(0, len(ids), 500):
        busy.update(
            session.scalars(
                select(Execution.schedule_id)
                .where(
                    Execution.schedule_id.in_(ids[start : start + 500]),
                    or_(
                        in_state(ExecutionStatus.RUNNING),
                        and_(in_state(ExecutionStatus.PENDING), Execution.attempt >= 1),
                    ),
                )
                .distinct()
            )
        )
    return busy


def _execution_row(e: NewExecution) -> dict[str, Any]:
    return {
        "id": e.id,
        "schedule_id": e.schedule_id,
        "user_id": e.user_id,
        "agent_id": e.agent_id,
        "trigger": e.trigger.value,
        "scheduled_for": e.scheduled_for,
        "created_at": e.created_at,
        "status": e.status.value,
        "attempt": e.attempt,
        "missed_count": e.missed_count,
        "tokens_used": 0,
        "input_tokens": 0,
        "output_tokens": 0,
        "llm_calls": 0,
        "started_at": e.started_at,
        "attempt_started_at": e.started_at,
        "finished_at": e.finished_at,
        "lag_ms": e.lag_ms,
        "worker_id": e.worker_id,
        "lease_expires_at": e.lease_expires_at,
        "next_attempt_at": e.next_attempt_at,
        "error_message": e.error_message,
        "upstream_execution_id": e.upstream_execution_id,
        "chain": e.chain,
        "waiting_for": e.waiting_for,
        "error_code": e.error_code,
    }


def insert_executions(session: Session, executions: Sequence[NewExecution]) -> set[uuid.UUID]:
    """Insert executions, ignoring slots that already have one; returns the ids written.

    The unique key (schedule_id, scheduled_for, agent_id) is the last line of defence for exactly-once:
    a slot recorded twice is silently kept once. A running execution carries its first
    attempt itself: no attempt row is written until another attempt follows it."""
    if not executions:
        return set()
    rows = [_execution_row(e) for e in executions]
    table = table_of(Execution)
    statement = bulk.insert(
        table.name,
        tuple(rows[0]),
        "ON CONFLICT (schedule_id, scheduled_for, agent_id) DO NOTHING"
        + (" RETURNING id" if is_postgres(session) else ""),
    )
    returned, changed = bulk.run(session, statement, rows)
    if is_postgres(session):
        written = {row[0] for row in returned}
    elif changed == len(rows):
        written = {row["id"] for row in rows}
    else:
        # Some slot already had an execution (rare): the fresh ids that made it in are ours.
        ids = [row["id"] for row in rows]
        written = set()
        for start in range(0, len(ids), 500):
            written.update(
                session.scalars(select(table.c.id).where(table.c.id.in_(ids[start : start + 500])))
            )
    return written


def advance_schedules(session: Session, advances: Sequence[ScheduleAdvance]) -> None:
    """Move each claimed schedule to its next slot."""
    statement = bulk.update(
        table_of(ScheduledCommand).name,
        (("b_id", "id"),),
        (
            *(bulk.Assign(c) for c in ("next_run_at", "enabled", "last_run_at")),
            bulk.Assign("last_status", "prefer"),
        ),
    )
    bulk.run(
        session,
        statement,
        [
            {
                "b_id": a.schedule_id,
                "next_run_at": a.next_run_at,
                "enabled": a.enabled,
                "last_run_at": a.last_run_at,
                "last_status": a.last_status.value if a.last_status else None,
            }
            for a in advances
        ],
    )


def due_pending(session: Session, now: datetime, limit: int) -> list[PendingExecution]:
    """Executions waiting for an attempt whose time has come, locked, with their schedules."""
    executions = table_of(Execution)
    query = (
        select(
            executions.c.id,
            executions.c.schedule_id,
            executions.c.scheduled_for,
            executions.c.attempt,
            executions.c.agent_id,
            executions.c.upstream_execution_id,
            executions.c.trigger,
        )
        .where(
            in_state(ExecutionStatus.PENDING, executions.c.status),
            executions.c.next_attempt_at <= now,
        )
        .order_by(executions.c.next_attempt_at)
        .limit(limit)
    )
    waiting = session.execute(locking(session, query)).all()
    if not waiting:
        return []
    schedules = table_of(ScheduledCommand)
    by_id = {
        row.id: row
        for row in session.execute(
            select(
                schedules.c.id,
                schedules.c.user_id,
                schedules.c.agent_id,
                schedules.c.command_text,
                schedules.c.overlap,
                schedules.c.max_retries,
                schedules.c.timeout_s,
                schedules.c.last_status,
            ).where(schedules.c.id.in_({row.schedule_id for row in waiting}))
        )
    }
    found = []
    for row in waiting:
        schedule = by_id.get(row.schedule_id)
        if schedule is None:  # deleted meanwhile; its executions go with it
            continue
        found.append(
            PendingExecution(
                id=row.id,
                schedule_id=row.schedule_id,
                user_id=schedule.user_id,
                # The execution's own agent: a group schedule's runs are one per member.
                agent_id=row.agent_id,
                command_text=schedule.command_text,
                scheduled_for=row.scheduled_for,
                attempt=row.attempt,
                overlap=schedule.overlap,
                max_retries=schedule.max_retries,
                timeout_s=schedule.timeout_s,
                last_status=schedule.last_status,
                upstream_execution_id=row.upstream_execution_id,
                trigger=row.trigger,
            )
        )
    return found


def start_pending(session: Session, starts: Sequence[AttemptStart]) -> None:
    """Mark pending executions running under a lease, as their next attempt."""
    if not starts:
        return
    statement = bulk.update(
        table_of(Execution).name,
        (("b_id", "id"),),
        (
            bulk.Assign("status", "scalar", "running"),
            bulk.Assign("attempt"),
            bulk.Assign("worker_id"),
            bulk.Assign("lease_expires_at"),
            bulk.Assign("started_at", "coalesce"),
            bulk.Assign("attempt_started_at"),
            bulk.Assign("lag_ms", "coalesce"),
            bulk.Assign("next_attempt_at", "null"),
            bulk.Assign("waiting_for", "null"),
        ),
    )
    rows = [
        {
            "b_id": s.execution_id,
            "attempt": s.number,
            "worker_id": s.worker_id,
            "lease_expires_at": s.lease_expires_at,
            "started_at": s.started_at,
            "attempt_started_at": s.started_at,
            "lag_ms": s.lag_ms,
        }
        for s in starts
    ]
    bulk.run(session, statement, rows, {"running": ExecutionStatus.RUNNING.value})


def defer_pending(session: Session, waits: Sequence[tuple[uuid.UUID, datetime]]) -> None:
    """Move waiting executions' next attempt later (a backfill waiting its turn)."""
    for execution_id, at in waits:
        session.execute(
            update(Execution).where(Execution.id == execution_id).values(next_attempt_at=at)
        )


def skip_pending(
    session: Session, execution_ids: Sequence[uuid.UUID], now: datetime, reason: str
) -> None:
    """Mark waiting executions skipped (their schedule is busy), saying why."""
    if not execution_ids:
        return
    session.execute(
        update(Execution)
        .where(Execution.id.in_(list(execution_ids)))
        .values(
            status=ExecutionStatus.SKIPPED.value,
            finished_at=now,
            next_attempt_at=None,
            error_message=reason,
        )
    )


def set_slot_tallies(session: Session, tallies: Sequence[SlotTally]) -> None:
    """Fill in how many slots each missed or folded execution stands for."""
    statement = bulk.update(
        table_of(Execution).name,
        (("b_id", "id"),),
        (bulk.Assign("missed_count"), bulk.Assign("error_message")),
    )
    bulk.run(
        session,
        statement,
        [
            {"b_id": t.execution_id, "missed_count": t.count, "error_message": t.message}
            for t in tallies
        ],
    )


def earliest_pending(session: Session) -> datetime | None:
    return session.scalar(
        select(func.min(Execution.next_attempt_at)).where(in_state(ExecutionStatus.PENDING))
    )


def earliest_due(session: Session) -> datetime | None:
    return session.scalar(
        select(func.min(ScheduledCommand.next_run_at)).where(ScheduledCommand.enabled.is_(True))
    )
