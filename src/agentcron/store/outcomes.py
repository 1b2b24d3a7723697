"""The engine's hot SQL on the way out: outcomes of attempts, lease renewal, and finishing
the work of workers that died (recovery) or stopped (hand-back).

Like `claims`, every function runs inside a write transaction the engine opens.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from agentcron.store import bulk
from agentcron.store.claims import in_state, is_postgres, locking
from agentcron.store.ids import TimeOrderedIds
from agentcron.store.records import Finish, LostExecution, Progress
from agentcron.store.tables import (
    Attempt,
    Execution,
    ExecutionStatus,
    ScheduledCommand,
    table_of,
)

_FAILED = (ExecutionStatus.FAILED.value, ExecutionStatus.TIMED_OUT.value)


def lock_in_order(session: Session, execution_ids: Sequence[uuid.UUID]) -> None:
    """Lock these executions in id order before a batch UPDATE of them (PostgreSQL).

    A batch UPDATE locks rows in whatever order its plan visits them. The outcome writer
    and the lease renewal of one worker both update the executions it holds, so two plans
    visiting them in different orders deadlock; PostgreSQL breaks the cycle only after
    `deadlock_timeout` (1 s), and a burst's outcomes land a second late. Taking the locks
    in one order first makes the second writer simply wait its turn."""
    if execution_ids and is_postgres(session):
        bulk.execute_postgres(
            session,
            f"SELECT 1 FROM {bulk.quote(table_of(Execution).name)} "  # noqa: S608
            "WHERE id = ANY(%(ids)b) ORDER BY id FOR UPDATE",
            {"ids": list(execution_ids)},
        )


def failed_attempt_counts(
    session: Session, execution_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, int]:
    """Failed or timed-out attempts recorded per execution (handed-back ones do not count)."""
    counts: dict[uuid.UUID, int] = {}
    ids = list(execution_ids)
    for start in range(0, len(ids), 500):
        rows = session.execute(
            select(Attempt.execution_id, func.count())
            .where(Attempt.execution_id.in_(ids[start : start + 500]), Attempt.status.in_(_FAILED))
            .group_by(Attempt.execution_id)
        )
        counts.update((row[0], int(row[1])) for row in rows)
    return counts


def _keep_attempts(session: Session, finishes: Sequence[Finish]) -> None:
    """Rows for the attempts another one will follow (retries): the execution row moves on
    to the next attempt, and this one stays visible in the history."""
    ids = TimeOrderedIds(len(finishes))
    rows = [
        {
            "id": ids(),
            "execution_id": f.execution_id,
            "number": f.attempt,
            "status": f.attempt_status.value,
            "worker_id": f.worker_id,
            "started_at": f.attempt_started_at or f.finished_at,
            "finished_at": f.finished_at,
            "duration_ms": f.duration_ms,
            "tokens_used": f.tokens_used,
            "input_tokens": f.input_tokens,
            "output_tokens": f.output_tokens,
            "llm_calls": f.llm_calls,
            "cost_usd": f.cost_usd,
            "steps": f.steps,
            "error_message": f.error,
            "error_code": f.error_code,
        }
        for f in finishes
        if f.next_attempt_at is not None
    ]
    if rows:
        bulk.run(session, bulk.insert(table_of(Attempt).name, tuple(rows[0])), rows)


def _execution_rows(finishes: Sequence[Finish]) -> list[dict[str, Any]]:
    return [
        {
            "b_id": f.execution_id,
            "b_attempt": f.attempt,
            "status": f.status.value,
            "finished_at": None if f.next_attempt_at else f.finished_at,
            "duration_ms": f.duration_ms,
            "tokens_used": f.tokens_used,
            "input_tokens": f.input_tokens,
            "output_tokens": f.output_tokens,
            "llm_calls": f.llm_calls,
            "cost_usd": f.cost_usd,
            "model": f.model,
            "agent_task_id": f.agent_task_id,
            "result_summary": f.summary,
            "output": f.output,
            "steps": f.steps,
            "error_message": f.error,
            "error_code": f.error_code,
            "next_attempt_at": f.next_attempt_at,
        }
        for f in finishes
    ]


_EXECUTION_ASSIGNS = (
    *(
        bulk.Assign(c)
        for c in (
            "status",
            "finished_at",
            "duration_ms",
            "agent_task_id",
            "result_summary",
            "output",
            "steps",
            "error_message",
            "error_code",
            "next_attempt_at",
        )
    ),
    bulk.Assign("model", "prefer"),
    bulk.Assign("tokens_used", "add"),
    bulk.Assign("input_tokens", "add"),
    bulk.Assign("output_tokens", "add"),
    bulk.Assign("llm_calls", "add"),
    bulk.Assign("cost_usd", "add_known"),
    bulk.Assign("lease_expires_at", "null"),
)


def _set_last_status(session: Session, finishes: Sequence[Finish]) -> None:
    """The schedule's last status, for final outcomes that change it: a schedule that keeps
    succeeding is not written again at every end."""
    rows = [
        {"b_id": f.schedule_id, "last_status": f.status.value}
        for f in finishes
        if f.next_attempt_at is None and f.status.value != f.shown_status
    ]
    statement = bulk.update(
        table_of(ScheduledCommand).name, (("b_id", "id"),), (bulk.Assign("last_status"),)
    )
    bulk.run(session, statement, rows)


def held_of(
    session: Session, worker_id: str, execution_ids: Sequence[uuid.UUID], attempts: Sequence[int]
) -> set[uuid.UUID]:
    """Which of these executions `worker_id` still runs at the given attempt (PostgreSQL),
    locking them in id order on the way (see `lock_in_order`)."""
    if not execution_ids:
        return set()
    wanted = dict(zip(execution_ids, attempts, strict=True))
    rows = bulk.execute_postgres(
        session,
        f"SELECT id, attempt, worker_id = %(worker)s AND status = 'running' "  # noqa: S608
        f"FROM {bulk.quote(table_of(Execution).name)} "
        "WHERE id = ANY(%(ids)b) ORDER BY id FOR UPDATE",
        {"ids": list(execution_ids), "worker": worker_id},
    )
    return {row[0] for row in rows if row[2] and wanted.get(row[0]) == row[1]}


def finish(session: Session, worker_id: str, finishes: Sequence[Finish]) -> set[uuid.UUID]:
    """Record outcomes of attempts this worker ran; returns the executions written.

    Only rows this worker still holds are written: if recovery took a row after its lease
    expired, the late outcome (attempt, execution and last status alike) is dropped rather
    than written over what recovery recorded."""
    if not finishes:
        return set()
    # Matched on the attempt too: a row recovered and started again, even by this worker,
    # is another attempt, and this outcome is not its.
    statement = bulk.update(
        table_of(Execution).name,
        (("b_id", "id"), ("b_attempt", "attempt")),
        _EXECUTION_ASSIGNS,
        (("worker_id", "held_by"), ("status", "running")),
    )
    scalars = {"held_by": worker_id, "running": ExecutionStatus.RUNNING.value}
    ids = [f.execution_id for f in finishes]
    if is_postgres(session):
        held = held_of(session, worker_id, ids, [f.attempt for f in finishes])
        kept = [f for f in finishes if f.execution_id in held]
        bulk.run(session, statement, _execution_rows(kept), scalars)
    else:
        # SQLite: this transaction holds the database, so the guarded update itself tells
        # whether every row was still ours (nearly always); only when not, look which were.
        changed = bulk.run(session, statement, _execution_rows(finishes), scalars)[1]
        held = set(ids)
        if changed < len(finishes):
            # Ours are the rows this update just moved out of `running` (the others were
            # recovered, or started again as another attempt).
            wanted = {f.execution_id: f.attempt for f in finishes}
            held = set()
            for start in range(0, len(ids), 500):
                rows = session.execute(
                    select(Execution.id, Execution.attempt).where(
                        Execution.id.in_(ids[start : start + 500]),
                        Execution.worker_id == worker_id,
                        Execution.status != ExecutionStatus.RUNNING.value,
                    )
                )
                held.update(row[0] for row in rows if wanted[row[0]] == row[1])
        kept = [f for f in finishes if f.execution_id in held]
    _keep_attempts(session, kept)
    _set_last_status(session, kept)
    return held


def save_progress(session: Session, worker_id: str, rows: Sequence[Progress]) -> None:
    """What running attempts have done so far (output, steps), so a page opened mid-run and
    a crash both keep it; only for attempts this worker still runs."""
    statement = bulk.update(
        table_of(Execution).name,
        (("b_id", "id"), ("b_attempt", "attempt")),
        (bulk.Assign("output"), bulk.Assign("steps")),
        (("worker_id", "held_by"), ("status", "running")),
    )
    bulk.run(
        session,
        statement,
        [
            {"b_id": r.execution_id, "b_attempt": r.attempt, "output": r.output, "steps": r.steps}
            for r in rows
        ],
        {"held_by": worker_id, "running": ExecutionStatus.RUNNING.value},
    )


def renew_leases(
    session: Session, worker_id: str, execution_ids: Iterable[uuid.UUID], until: datetime
) -> int:
    """Extend the leases of the executions this worker is really running.

    Only the ids the worker holds in memory: a row it claimed but never started (a commit
    whose acknowledgement was lost) must be left to expire and be recovered."""
    ids = list(execution_ids)
    if ids and is_postgres(session):
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


def expired_leases(session: Session, now: datetime, limit: int) -> list[LostExecution]:
    """Running executions whose worker stopped renewing, locked, oldest lease first."""
    executions, schedules = table_of(Execution), table_of(ScheduledCommand)
    query = (
        select(
            executions.c.id,
            executions.c.schedule_id,
            executions.c.user_id,
            executions.c.agent_id,
            executions.c.attempt,
            executions.c.attempt_started_at,
            executions.c.worker_id,
        )
        .where(
            in_state(ExecutionStatus.RUNNING, executions.c.status),
            executions.c.lease_expires_at < now,
        )
        .order_by(executions.c.lease_expires_at)
        .limit(limit)
    )
    lost = session.execute(locking(session, query)).all()
    if not lost:
        return []
    retries = dict(
        session.execute(
            select(schedules.c.id, schedules.c.max_retries).where(
                schedules.c.id.in_({row.schedule_id for row in lost})
            )
        ).all()
    )
    failures = failed_attempt_counts(session, [row.id for row in lost])
    return [
        LostExecution(
            id=row.id,
            schedule_id=row.schedule_id,
            user_id=row.user_id,
            agent_id=row.agent_id,
            attempt=row.attempt,
            attempt_started_at=row.attempt_started_at,
            worker_id=row.worker_id,
            max_retries=retries.get(row.schedule_id, 0),
            failures=failures.get(row.id, 0),
        )
        for row in lost
    ]


def recover(session: Session, finishes: Sequence[Finish]) -> None:
    """Record the outcomes of lost executions (locked by `expired_leases` in this same
    transaction), whoever's worker they were."""
    if not finishes:
        return
    _keep_attempts(session, finishes)
    assigns = (*_EXECUTION_ASSIGNS, bulk.Assign("worker_id", "null"))
    statement = bulk.update(table_of(Execution).name, (("b_id", "id"),), assigns)
    bulk.run(session, statement, _execution_rows(finishes))
    _set_last_status(session, finishes)


def hand_back(session: Session, worker_id: str, now: datetime, reason: str) -> int:
    """Return this worker's unfinished executions to `pending`, due at once; their attempts
    are kept as cancelled, which uses up no retry."""
    held = session.execute(
        select(Execution.id, Execution.attempt, Execution.attempt_started_at).where(
            Execution.worker_id == worker_id, in_state(ExecutionStatus.RUNNING)
        )
    ).all()
    if not held:
        return 0
    ids = TimeOrderedIds(len(held))
    session.execute(
        insert(Attempt),
        [
            {
                "id": ids(),
                "execution_id": execution_id,
                "number": number,
                "status": ExecutionStatus.CANCELLED.value,
                "worker_id": worker_id,
                "started_at": started_at or now,
                "finished_at": now,
                "tokens_used": 0,
                "llm_calls": 0,
                "error_message": reason,
            }
            for execution_id, number, started_at in held
        ],
    )
    session.execute(
        update(Execution)
        .where(Execution.worker_id == worker_id, in_state(ExecutionStatus.RUNNING))
        .values(
            status=ExecutionStatus.PENDING.value,
            worker_id=None,
            lease_expires_at=None,
            next_attempt_at=now,
        )
    )
    return len(held)
