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

from sqlalchemy import ColumnElement, Row, bindparam, func, literal, select, update
from sqlalchemy.orm import Session

from agentcron.store import bulk
from agentcron.store.tables import (
    Attempt,
    Execution,
    ExecutionStatus,
    ScheduledCommand,
    table_of,
)

ACTIVE = (ExecutionStatus.PENDING.value, ExecutionStatus.RUNNING.value)


def in_state(status: ExecutionStatus, column: Any = None) -> ColumnElement[bool]:
    """`status = 'running'` with the value written into the SQL, not bound: the indexes on
    pending and running executions are partial (migration 0002), and a planner can only use
    one when it sees the state itself (a generic PostgreSQL plan sees a placeholder)."""
    target = Execution.status if column is None else column
    return target == literal(status.value, literal_execute=True)


def _is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _locking(session: Session, query: Any) -> Any:
    if _is_postgres(session):
        return query.with_for_update(skip_locked=True, of=query.selected_columns[0].table)
    return query


# What a claim needs of a schedule: read as plain rows, no ORM objects to build and track.
DUE_COLUMNS = (
    "id",
    "user_id",
    "agent_id",
    "command_text",
    "schedule_type",
    "cron_expression",
    "interval_value",
    "interval_unit",
    "run_at",
    "anchor_at",
    "timezone",
    "misfire_grace_s",
    "overlap",
    "max_retries",
    "timeout_s",
    "next_run_at",
    "last_run_at",
)


def due_schedules(session: Session, now: datetime, limit: int) -> Sequence[Row[Any]]:
    """Enabled schedules whose slot has come, oldest first, locked for this transaction.

    Rows carry the columns in DUE_COLUMNS, by attribute (`row.next_run_at`)."""
    table = table_of(ScheduledCommand)
    query = (
        select(*(table.c[name] for name in DUE_COLUMNS))
        .where(table.c.enabled.is_(True), table.c.next_run_at <= now)
        .order_by(table.c.next_run_at)
        .limit(limit)
    )
    return session.execute(_locking(session, query)).all()


def busy_schedule_ids(session: Session, schedule_ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
    """Which of these schedules have an execution still pending or running (overlap rule)."""
    ids = list(schedule_ids)
    if not ids:
        return set()
    if _is_postgres(session):  # one array parameter, not one parameter per id
        found = bulk.execute_postgres(
            session,
            f"SELECT DISTINCT schedule_id FROM {bulk.quote(table_of(Execution).name)} "  # noqa: S608
            "WHERE schedule_id = ANY(%(ids)b) AND status = %(status)s",
            {"ids": ids, "status": ExecutionStatus.RUNNING.value},
        )
        return {row[0] for row in found}
    rows = session.scalars(
        select(Execution.schedule_id)
        .where(Execution.schedule_id.in_(ids), Execution.status == ExecutionStatus.RUNNING.value)
        .distinct()
    )
    return set(rows)


def insert_executions(session: Session, rows: list[dict[str, Any]]) -> set[uuid.UUID]:
    """Insert execution rows, ignoring slots that already have one; returns the ids written.

    The unique key (schedule_id, scheduled_for) is the last line of defence for exactly-once:
    a slot recorded twice is silently kept once. Every row must carry the same keys."""
    if not rows:
        return set()
    table = table_of(Execution)
    statement = bulk.insert(
        table.name,
        tuple(rows[0]),
        "ON CONFLICT (schedule_id, scheduled_for) DO NOTHING"
        + (" RETURNING id" if _is_postgres(session) else ""),
    )
    returned, written = bulk.run(session, statement, rows)
    if _is_postgres(session):
        return {row[0] for row in returned}
    ids = [row["id"] for row in rows]
    if written == len(rows):
        return set(ids)
    # Some slot already had an execution (rare): the fresh ids that made it in are ours.
    found: set[uuid.UUID] = set()
    for start in range(0, len(ids), 500):
        found.update(
            session.scalars(select(table.c.id).where(table.c.id.in_(ids[start : start + 500])))
        )
    return found


def insert_attempts(session: Session, rows: list[dict[str, Any]]) -> None:
    if rows:
        bulk.run(session, bulk.insert(table_of(Attempt).name, tuple(rows[0])), rows)


def advance_schedules(session: Session, rows: list[dict[str, Any]]) -> None:
    """Move each claimed schedule to its next slot (keys: b_id, next_run_at, enabled,
    last_run_at, last_status)."""
    statement = bulk.update(
        table_of(ScheduledCommand).name,
        (("b_id", "id"),),
        tuple(bulk.Assign(c) for c in ("next_run_at", "enabled", "last_run_at", "last_status")),
    )
    bulk.run(session, statement, rows)


@dataclass(frozen=True, slots=True)
class PendingWork:
    execution: Execution
    schedule: ScheduledCommand


def _with_schedules(session: Session, executions: Sequence[Execution]) -> list[PendingWork]:
    """Pair each execution with its schedule, loaded in one query."""
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


def due_pending(session: Session, now: datetime, limit: int) -> list[PendingWork]:
    """Executions waiting for an attempt (retries, run-now, work handed back), locked."""
    query = (
        select(Execution)
        .where(
            in_state(ExecutionStatus.PENDING),
            Execution.next_attempt_at <= now,
        )
        .order_by(Execution.next_attempt_at)
        .limit(limit)
    )
    return _with_schedules(session, session.scalars(_locking(session, query)).all())


def start_pending(session: Session, rows: list[dict[str, Any]]) -> None:
    """Mark pending executions running under a lease (keys: b_id, attempt, worker_id,
    lease_expires_at, started_at, lag_ms)."""
    statement = bulk.update(
        table_of(Execution).name,
        (("b_id", "id"),),
        (
            bulk.Assign("status", "scalar", "running"),
            bulk.Assign("attempt"),
            bulk.Assign("worker_id"),
            bulk.Assign("lease_expires_at"),
            bulk.Assign("started_at", "coalesce"),
            bulk.Assign("lag_ms", "coalesce"),
            bulk.Assign("next_attempt_at", "null"),
        ),
    )
    bulk.run(session, statement, rows, {"running": ExecutionStatus.RUNNING.value})


def lock_in_order(session: Session, execution_ids: Sequence[uuid.UUID]) -> None:
    """Lock these executions in id order before a batch UPDATE of them (PostgreSQL).

    A batch UPDATE locks rows in whatever order its plan visits them. The outcome writer
    and the lease renewal of one worker both update the executions it holds, so two plans
    visiting them in different orders deadlock; PostgreSQL breaks the cycle only after
    `deadlock_timeout` (1 s), and a burst's outcomes land a second late. Taking the locks
    in one order first makes the second writer simply wait its turn."""
    if execution_ids and _is_postgres(session):
        bulk.execute_postgres(
            session,
            f"SELECT 1 FROM {bulk.quote(table_of(Execution).name)} "  # noqa: S608
            "WHERE id = ANY(%(ids)b) ORDER BY id FOR UPDATE",
            {"ids": list(execution_ids)},
        )


def finish_executions(session: Session, worker_id: str, rows: list[dict[str, Any]]) -> int:
    """Write outcomes, only for rows this worker still holds: if recovery took a row after
    its lease expired, the late outcome is dropped rather than recorded twice.

    Keys: b_id, status, finished_at, duration_ms, tokens_used, llm_calls, cost, agent_task_id,
    result_summary, output, error_message, next_attempt_at."""
    lock_in_order(session, [row["b_id"] for row in rows])
    plain: tuple[str, ...] = ("status", "finished_at", "duration_ms", "cost", "agent_task_id")
    plain += ("result_summary", "output", "error_message", "next_attempt_at")
    statement = bulk.update(
        table_of(Execution).name,
        (("b_id", "id"),),
        (
            *(bulk.Assign(c) for c in plain),
            bulk.Assign("tokens_used", "add"),
            bulk.Assign("llm_calls", "add"),
            bulk.Assign("lease_expires_at", "null"),
        ),
        (("worker_id", "held_by"), ("status", "running")),
    )
    scalars = {"held_by": worker_id, "running": ExecutionStatus.RUNNING.value}
    return bulk.run(session, statement, rows, scalars)[1]


def finish_attempts(session: Session, rows: list[dict[str, Any]]) -> None:
    """Keys: b_execution_id, b_number, status, finished_at, duration_ms, tokens_used,
    llm_calls, error_message."""
    fields = ("status", "finished_at", "duration_ms", "tokens_used", "llm_calls", "error_message")
    statement = bulk.update(
        table_of(Attempt).name,
        (("b_execution_id", "execution_id"), ("b_number", "number")),
        tuple(bulk.Assign(c) for c in fields),
    )
    bulk.run(session, statement, rows)


def set_last_status(session: Session, rows: list[dict[str, Any]]) -> None:
    """Keys: b_id, last_status."""
    statement = bulk.update(
        table_of(ScheduledCommand).name, (("b_id", "id"),), (bulk.Assign("last_status"),)
    )
    bulk.run(session, statement, rows)


def renew_leases(
    session: Session, worker_id: str, execution_ids: Iterable[uuid.UUID], until: datetime
) -> int:
    """Extend the leases of the executions this worker is really running.

    Only the ids the worker holds in memory: a row it claimed but never started (a commit
    whose acknowledgement was lost) must be left to expire and be recovered."""
    ids = list(execution_ids)
    if ids and _is_postgres(session):
        lock_in_order(session, ids)
        statement = bulk.update(
            table_of(Execution).name,
            (("b_id", "id"),),
            (bulk.Assign("lease_expires_at", "scalar", "until"),),
            (("worker_id", "held_by"), ("status", "running")),
        )
        scalars = {"until": until, "held_by": worker_id, "running": ExecutionStatus.RUNNING.value}
        return bulk.run(session, statement, [{"b_id": i} for i in ids], scalars)[1]
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
            in_state(ExecutionStatus.RUNNING),
            Execution.lease_expires_at < now,
        )
        .order_by(Execution.lease_expires_at)
        .limit(limit)
    )
    return _with_schedules(session, session.scalars(_locking(session, query)).all())


def failed_attempt_counts(
    session: Session, execution_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, int]:
    """Failed or timed-out attempts per execution, for a whole batch of outcomes at once."""
    counts: dict[uuid.UUID, int] = {}
    for start in range(0, len(execution_ids), 500):
        rows = session.execute(
            select(Attempt.execution_id, func.count())
            .where(
                Attempt.execution_id.in_(execution_ids[start : start + 500]),
                Attempt.status.in_([ExecutionStatus.FAILED.value, ExecutionStatus.TIMED_OUT.value]),
            )
            .group_by(Attempt.execution_id)
        )
        counts.update((row[0], int(row[1])) for row in rows)
    return counts


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
            Execution.worker_id == worker_id, in_state(ExecutionStatus.RUNNING)
        )
    ).all()
    return [(row[0], row[1]) for row in rows]


def earliest_pending(session: Session) -> datetime | None:
    return session.scalar(
        select(func.min(Execution.next_attempt_at)).where(in_state(ExecutionStatus.PENDING))
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
